import Dispatch

/// Radix sort on 64-bit keys: stable, so values of equal keys keep their order.
///
/// Matching sorts tens of millions of pair codes and (key, record) entries, and the map's
/// load as many blocking keys; the standard library's comparison sort spent more time
/// there than everything around it. A radix sort visits each value once a pass, and skips
/// a pass when every value has the same digit there (pair codes of a million records
/// differ in their low 52 bits only).
///
/// On several threads, the values are first dealt into 256 buckets by the highest bits in
/// which they differ, each thread dealing a contiguous share; the buckets are then sorted
/// on the remaining bits independently, as many at once as there are threads.
public enum RadixSort {
    public static func sort(_ values: inout [UInt64], threads: Int = 1) {
        sort(&values, threads: threads) { $0 }
    }

    /// Sorts `values` by `key`, keeping the order of values with equal keys.
    public static func sort<Value: BitwiseCopyable>(
        _ values: inout [Value], threads: Int = 1, by key: (Value) -> UInt64
    ) {
        guard values.count > 1 else { return }
        let scratch = UnsafeMutableBufferPointer<Value>.allocate(capacity: values.count)
        defer { scratch.deallocate() }
        values.withUnsafeMutableBufferPointer { values in
            // Below this, sharing the work costs more than it saves.
            if threads > 1, values.count >= 1 << 16 {
                sortInBuckets(values, scratch: scratch, threads: threads, key: key)
            } else {
                let sorted = sortOnLowBits(values, bits: 64, scratch: scratch, key: key)
                copy(sorted, into: values)
            }
        }
    }

    /// The bits of a digit: 2,048 buckets a pass, whose counts and write positions stay
    /// in the cache.
    private static let digitBits = 11
    /// The bits that deal the values into buckets for the threads.
    private static let bucketBits = 8

    /// Sorts `values` on the lowest `bits` bits of their keys, least significant digit
    /// first, with `scratch` as large as `values`; returns the one of the two that holds
    /// the sorted values.
    private static func sortOnLowBits<Value: BitwiseCopyable>(
        _ values: UnsafeMutableBufferPointer<Value>, bits: Int,
        scratch: UnsafeMutableBufferPointer<Value>, key: (Value) -> UInt64
    ) -> UnsafeMutableBufferPointer<Value> {
        guard values.count > 1 else { return values }
        var counts = [Int](repeating: 0, count: 1 << digitBits)
        var (input, output) = (values, scratch)
        for shift in stride(from: 0, to: bits, by: digitBits) {
            let width = min(digitBits, bits - shift)
            if pass(from: input, into: output, shift: shift, width: width, counts: &counts, key) {
                swap(&input, &output)
            }
        }
        return input
    }

    /// Copies `sorted` into `values`, unless it is `values`.
    private static func copy<Value: BitwiseCopyable>(
        _ sorted: UnsafeMutableBufferPointer<Value>, into values: UnsafeMutableBufferPointer<Value>
    ) {
        guard sorted.baseAddress != values.baseAddress, !values.isEmpty else { return }
        values.baseAddress!.update(from: sorted.baseAddress!, count: values.count)
    }

    /// One pass on the digit of `width` bits at `shift`; false, and `output` untouched,
    /// when all values share that digit.
    private static func pass<Value>(
        from input: UnsafeMutableBufferPointer<Value>,
        into output: UnsafeMutableBufferPointer<Value>, shift: Int, width: Int,
        counts: inout [Int], _ key: (Value) -> UInt64
    ) -> Bool {
        let mask = UInt64(1) << UInt64(width) - 1
        func digit(_ value: Value) -> Int {
            Int(truncatingIfNeeded: key(value) >> UInt64(shift) & mask)
        }
        for index in 0...Int(mask) { counts[index] = 0 }
        for value in input { counts[digit(value)] += 1 }
        if counts[digit(input[0])] == input.count { return false }
        var next = 0
        for index in 0...Int(mask) {
            let count = counts[index]
            counts[index] = next
            next += count
        }
        for value in input {
            let bucket = digit(value)
            output[counts[bucket]] = value
            counts[bucket] += 1
        }
        return true
    }

    /// Deals `values` into buckets by the highest bits in which their keys differ, on
    /// `threads` threads, then sorts the buckets on the bits below, several at once.
    private static func sortInBuckets<Value: BitwiseCopyable>(
        _ values: UnsafeMutableBufferPointer<Value>,
        scratch: UnsafeMutableBufferPointer<Value>, threads: Int, key: (Value) -> UInt64
    ) {
        // Each share and each bucket is read and written by one thread only.
        nonisolated(unsafe) let (values, scratch, key) = (values, scratch, key)
        let shares = (0..<threads).map {
            (values.count * $0 / threads)..<(values.count * ($0 + 1) / threads)
        }
        // Bits above the highest one in which two keys differ sort nothing.
        let first = key(values[0])
        let differing = concurrentMap(shares) { share in
            values[share].reduce(UInt64(0)) { $0 | (key($1) ^ first) }
        }.reduce(0, |)
        guard differing != 0 else { return }
        let significant = 64 - differing.leadingZeroBitCount
        let shift = max(0, significant - bucketBits)
        let mask = UInt64(1) << UInt64(min(bucketBits, significant)) - 1
        @Sendable func bucket(_ value: Value) -> Int {
            Int(truncatingIfNeeded: key(value) >> UInt64(shift) & mask)
        }

        // Where each share writes each bucket's values: the buckets in order, and within a
        // bucket the shares in order, so that equal keys keep their order.
        let counts = concurrentMap(shares) { share in
            var counts = [Int](repeating: 0, count: Int(mask) + 1)
            for value in values[share] { counts[bucket(value)] += 1 }
            return counts
        }
        var positions = counts
        var bucketStarts = [0]
        var next = 0
        for bucket in 0...Int(mask) {
            for share in shares.indices {
                positions[share][bucket] = next
                next += counts[share][bucket]
            }
            bucketStarts.append(next)
        }
        let dealt = positions
        let starts = bucketStarts
        DispatchQueue.concurrentPerform(iterations: shares.count) { share in
            var positions = dealt[share]
            for value in values[shares[share]] {
                let bucket = bucket(value)
                scratch[positions[bucket]] = value
                positions[bucket] += 1
            }
        }

        // Each bucket sorted on the bits below, back into `values`.
        DispatchQueue.concurrentPerform(iterations: Int(mask) + 1) { bucket in
            let range = starts[bucket]..<starts[bucket + 1]
            // The bucket's place in `values` is its scratch.
            let destination = UnsafeMutableBufferPointer(rebasing: values[range])
            let sorted = sortOnLowBits(
                UnsafeMutableBufferPointer(rebasing: scratch[range]), bits: shift,
                scratch: destination, key: key)
            copy(sorted, into: destination)
        }
    }

    /// `transform` of every share, each on a thread of its own.
    private static func concurrentMap<Result>(
        _ shares: [Range<Int>], _ transform: (Range<Int>) -> Result
    ) -> [Result] {
        mapInPlace(count: shares.count, parts: shares.count) { share, _, output in
            (output + share).initialize(to: transform(shares[share]))
        }
    }
}
