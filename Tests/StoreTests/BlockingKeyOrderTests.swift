import Testing

@testable import Store

/// The blocking keys are written in the index's own order; the radix sort on the key
/// must give the order a comparison sort gives, negative keys and shared keys included.
@Suite struct BlockingKeyOrderTests {
    @Test(arguments: [1, 2])
    func sortsAsTheComparisonSortDoes(threads: Int) {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let names = ["bois joli", "de linde", "hoeve", "moulin", "ferme du bois"]
        // Few distinct keys, so that many share one; half of them negative.
        let keys = (0..<100_000).map { record in
            PendingKey(
                blockKey: Int64(bitPattern: next() % 5_000 &* 0x9E37_79B9_7F4A_7C15),
                nameOrder: names[Int(next() % UInt64(names.count))], record: Int64(record))
        }
        #expect(keys.contains { $0.blockKey < 0 } && keys.contains { $0.blockKey > 0 })
        #expect(PendingKey.sorted(keys, threads: threads) == keys.sorted())
    }
}
