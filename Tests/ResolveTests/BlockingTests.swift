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
