import Dispatch

/// Runs `body` over `count` items split into contiguous chunks, on up to `threads`
/// threads, and joins the chunks' results in order.
///
/// Each chunk gets its own call, so that per-thread state (a cache, a scratch buffer)
/// lives in `body` and needs no lock.
public func parallelChunks<Item: Sendable>(
    _ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> [Item]
) -> [Item] {
    parallelChunks(count, threads: threads) { _, range in body(range) }
}

/// Runs `body` as `parallelChunks` does, telling each call its chunk's number, from 0 to
/// `threads - 1`: no two calls running at once have the same, so state kept per number
/// (a cache that lives across several runs) is only ever used by one thread at a time.
public func parallelChunks<Item: Sendable>(
    _ count: Int, threads: Int, _ body: @Sendable (_ chunk: Int, Range<Int>) -> [Item]
) -> [Item] {
    let chunks = max(1, min(threads, count / 256 + 1))
    guard chunks > 1 else { return body(0, 0..<count) }
    let size = (count + chunks - 1) / chunks
    let results = ChunkResults<Item>(count: chunks)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let range = (chunk * size)..<min(count, (chunk + 1) * size)
        results.store(body(chunk, range), at: chunk)
    }
    return results.joined()
}

/// The chunks' results, each slot written by one thread only. The slots are plain
/// memory: an array stored in a class would be one variable for the exclusivity checks,
/// and two threads writing two of its elements would trap.
private final class ChunkResults<Item>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<[Item]>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [], count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ items: [Item], at index: Int) {
        slots[index] = items
    }

    func joined() -> [Item] {
        (0..<count).flatMap { slots[$0] }
    }
}
