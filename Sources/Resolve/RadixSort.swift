/// Least-significant-digit radix sort on 64-bit keys, 16 bits a pass.
///
/// Blocking sorts millions of pair codes and (key, record) entries on one thread; the
/// standard library's comparison sort spent more time there than everything else in
/// blocking but the keys. A radix sort visits each value once a pass, and skips a pass
/// when every value has the same digit there (pair codes of fewer than 65,536 records
/// need two passes of four). It is stable: values of equal keys keep their order.
enum RadixSort {
    static func sort(_ values: inout [UInt64]) {
        sort(&values) { $0 }
    }

    /// Sorts `values` by `key`, keeping the order of values with equal keys.
    static func sort<Value>(_ values: inout [Value], by key: (Value) -> UInt64) {
        guard values.count > 1 else { return }
        var spare = values
        var counts = [Int](repeating: 0, count: 1 << 16)
        var sortedInSpare = false
        for shift in stride(from: 0, to: 64, by: 16) {
            let moved =
                sortedInSpare
                ? pass(from: spare, into: &values, shift: shift, counts: &counts, key: key)
                : pass(from: values, into: &spare, shift: shift, counts: &counts, key: key)
            if moved { sortedInSpare.toggle() }
        }
        if sortedInSpare { values = spare }
    }

    /// One pass on the digit at `shift`; false, and `output` untouched, when all values
    /// share that digit.
    private static func pass<Value>(
        from input: [Value], into output: inout [Value], shift: Int, counts: inout [Int],
        key: (Value) -> UInt64
    ) -> Bool {
        for index in counts.indices { counts[index] = 0 }
        for value in input { counts[digit(key(value), shift)] += 1 }
        if counts[digit(key(input[0]), shift)] == input.count { return false }
        var next = 0
        for index in counts.indices {
            let count = counts[index]
            counts[index] = next
            next += count
        }
        output.withUnsafeMutableBufferPointer { output in
            for value in input {
                let bucket = digit(key(value), shift)
                output[counts[bucket]] = value
                counts[bucket] += 1
            }
        }
        return true
    }

    private static func digit(_ key: UInt64, _ shift: Int) -> Int {
        Int(truncatingIfNeeded: (key >> UInt64(shift)) & 0xFFFF)
    }
}
