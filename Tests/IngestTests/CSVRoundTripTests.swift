import Testing

@testable import Ingest

/// Random tables written as RFC 4180 must parse back to themselves, whatever the block
/// size, line ends and cell contents.
@Suite("CSV round trip")
struct CSVRoundTripTests {
    /// A small deterministic generator, so that a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    static let alphabet: [String] = [
        "a", "Z", "é", "œ", "’", " ", ",", ";", "\"", "\n", "\r\n", "\t", "0", "🍎", "'", "|",
    ]

    func randomCell(_ generator: inout Generator) -> String {
        let length = Int(generator.next() % 12)
        return (0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! }
            .joined()
    }

    func write(_ rows: [[String]], delimiter: Character, lineEnd: String) -> String {
        rows.map { row in
            row.map { cell in
                let needsQuotes =
                    cell.contains(delimiter) || cell.contains("\"")
                    || cell.contains("\n") || cell.contains("\r") || cell.isEmpty
                return needsQuotes
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"")
                        + "\"" : cell
            }.joined(separator: String(delimiter))
        }.joined(separator: lineEnd) + lineEnd
    }

    @Test(arguments: 0..<40)
    func randomTablesSurviveTheTrip(_ seed: Int) {
        var generator = Generator(state: UInt64(seed) &+ 1)
        let width = 1 + Int(generator.next() % 6)
        let rows = (0..<(1 + Int(generator.next() % 30))).map { _ in
            (0..<width).map { _ in randomCell(&generator) }
        }
        let delimiter: Character = [",", ";", "\t", "|"][seed % 4]
        let lineEnd = seed % 3 == 0 ? "\r\n" : "\n"
        let text = write(rows, delimiter: delimiter, lineEnd: lineEnd)

        for blockSize in [16, 64, 1 << 20] {
            #expect(parseAll(text, delimiter: delimiter, blockSize: blockSize) == rows)
        }
    }
}
