import Dispatch
import Foundation

/// Runs `body` over `count` items split into contiguous chunks, on up to `threads`
/// threads, and joins the chunks' results in order.
///
/// Each chunk gets its own call, so that per-chunk state (a scratch buffer) lives in
/// `body` and needs no lock.
public func parallelChunks<Item: Sendable>(
    _ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> [Item]
) -> [Item] {
    let chunks = max(1, min(threads, count / 256 + 1))
    guard chunks > 1 else { return body(0..<count) }
    let ranges = (0..<chunks).map { (count * $0 / chunks)..<(count * ($0 + 1) / chunks) }
    return mapInPlace(count: chunks, parts: chunks) { chunk, _, output in
        (output + chunk).initialize(to: body(ranges[chunk]))
    }.flatMap { $0 }
}

/// `transform` applied to every index of 0..<count on up to `threads` threads, in
/// contiguous ranges; the results in order.
///
/// Each result is written once, in place, into the array returned: no chunk of results
/// to join and copy afterwards, which on a million normalised records (each a few dozen
/// texts, every one retained on copy) kept one core busy for seconds.
public func parallelMap<Result>(
    count: Int, threads: Int, _ transform: (Int) -> Result
) -> [Result] {
    guard count > 0 else { return [] }
    let workers = max(1, min(threads, count / 64 + 1))
    // Four parts per worker, so that a slow part does not leave a core idle at the end.
    return mapInPlace(count: count, parts: workers * 4) { _, range, output in
        for index in range { (output + index).initialize(to: transform(index)) }
    }
}

/// `transform` applied as `parallelMap` does, with a state that lives across the indices a
/// thread works through: a cache, a scratch buffer.
///
/// States are made as needed, at most one per thread, and handed from one part of the
/// work to the next, so that a cache stays warm while the parts stay small enough for no
/// core to sit idle at the end. `makeState` is told the state's number, from 0 to
/// `threads - 1`: no two parts running at once use the same, so a state kept per number
/// outside the call is only ever used by one thread at a time.
public func parallelMap<State, Result>(
    count: Int, threads: Int, state makeState: (_ number: Int) -> State,
    _ transform: (inout State, Int) -> Result
) -> [Result] {
    guard count > 0 else { return [] }
    let workers = max(1, min(threads, count / 256 + 1))
    let pool = StatePool<State>()
    return mapInPlace(count: count, parts: workers * 4) { _, range, output in
        var state = pool.take() ?? makeState(pool.made())
        for index in range { (output + index).initialize(to: transform(&state, index)) }
        pool.put(state)
    }
}

/// The states not in use by a part of a `parallelMap`, and how many were made.
private final class StatePool<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [State] = []
    private var count = 0

    func take() -> State? {
        lock.withLock { idle.popLast() }
    }

    /// Counts one more state made, and returns its number.
    func made() -> Int {
        lock.withLock {
            defer { count += 1 }
            return count
        }
    }

    func put(_ state: State) {
        lock.withLock { idle.append(state) }
    }
}

/// Splits 0..<count into `parts` contiguous ranges, runs `fill` on each concurrently to
/// initialise its slice of the result, and returns the result.
func mapInPlace<Result>(
    count: Int, parts: Int,
    _ fill: (_ part: Int, Range<Int>, UnsafeMutablePointer<Result>) -> Void
) -> [Result] {
    [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
        // Each part initialises only its own slice of the buffer.
        nonisolated(unsafe) let output = buffer.baseAddress!
        // The callers pass closures that only read shared immutable state.
        nonisolated(unsafe) let fill = fill
        if parts == 1 {
            fill(0, 0..<count, output)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                fill(part, (count * part / parts)..<(count * (part + 1) / parts), output)
            }
        }
        // The parts cover 0..<count exactly once.
        initialized = count
    }
}

/// Gives `value` to another thread to free, and returns at once.
///
/// A million normalised records take seconds to free, a text at a time, and the stage
/// after them often keeps only one core busy: freeing them beside it costs no time. The
/// caller must hold no other reference to what `value` holds, or nothing is freed there.
public func releaseInBackground<Value>(_ value: consuming Value) {
    // Only the closure below touches the box once this function returns.
    nonisolated(unsafe) let box = ReleaseBox(value)
    DispatchQueue.global(qos: .utility).async { box.value = nil }
}

private final class ReleaseBox<Value> {
    var value: Value?

    init(_ value: consuming Value) { self.value = value }
}
