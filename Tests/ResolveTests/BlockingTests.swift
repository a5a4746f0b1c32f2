import GlaneurCore
import Testing

@testable import Resolve

@Suite("Blocking")
struct BlockingTests {
    @Test func aRecordWhoseTokensSoundAlikeIsNeverPairedWithItself() {
        let records = [
            record(1, name: "Hoeve ten Hove", postcode: "8000", locality: "Brugge"),
            record(2, name: "Hoeve ten Hoven", postcode: "8000", locality: "Brugge"),
        ]
        let pairs = Blocking().candidatePairs(in: Corpus(records: records), threads: 1)
        for pair in pairs {
            #expect(pair >> 32 != pair & 0xFFFF_FFFF, "record \(pair >> 32) paired with itself")
        }
        #expect(pairs == [Blocking.pair(0, 1)])
    }
}

@Suite struct RadixSortTests {
    /// One thread sorts all values; several deal them into buckets first, from 65,536.
    @Test(arguments: [1, 2, 3])
    func sortsAsTheStandardLibraryDoes(threads: Int) {
        var random = SplitMix(seed: 7)
        for count in [0, 1, 2, 100, 70_000, 200_001] {
            // Small values, large ones, and many repeats.
            let values = (0..<count).map { index -> UInt64 in
                switch index % 3 {
                case 0: random.next() % 1000
                case 1: random.next()
                default: random.next() & 0xFFFF_0000_0000_FFFF
                }
            }
            var sorted = values
            RadixSort.sort(&sorted, threads: threads)
            #expect(sorted == values.sorted())
        }
    }

    @Test(arguments: [1, 2, 3])
    func keepsTheOrderOfEqualKeys(threads: Int) {
        var random = SplitMix(seed: 8)
        var entries = (0..<150_000).map {
            BlockEntry(key: (random.next() % 500) << 40, record: Int32($0))
        }
        RadixSort.sort(&entries, threads: threads) { $0.key }
        for (first, second) in zip(entries, entries.dropFirst()) {
            #expect(
                first.key < second.key || (first.key == second.key && first.record < second.record))
        }
    }
}

@Suite struct BlockingKeyHashTests {
    /// Keys are kept in the entity index: a number must hash as its text always did.
    @Test func aNumberHashesAsItsText() {
        var random = SplitMix(seed: 9)
        let numbers =
            [0, 1, 9, 10, 99, 100, -1, -10, Int.max, Int.min + 1]
            + (0..<1000).map { _ in Int(truncatingIfNeeded: random.next()) >> 20 }
        for number in numbers {
            var byNumber = FNV()
            byNumber.add(number)
            var byText = FNV()
            byText.add(String(number))
            #expect(byNumber.value == byText.value, "\(number)")
        }
    }
}
