import Foundation
import GlaneurCore
import Testing

@testable import Ingest

/// The fast path of `glaneur read` must write exactly what the record path writes.
@Suite("NDJSON fast path")
struct NDJSONFastPathTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Reads a file both ways and returns (fast, record path) output and rejects.
    func bothWays(_ path: String) throws -> (fast: [UInt8], slow: [UInt8], rejects: (Int, Int)) {
        let fastReader = try CSVRecordReader(path: path)
        var fast = JSONWriter()
        var fastRejects = 0
        loop: while true {
            switch try fastReader.writeNextRecord(to: &fast) {
            case .wrote: continue
            case .rejected: fastRejects += 1
            case .end: break loop
            }
        }

        let slowReader = try CSVRecordReader(path: path)
        var slow = JSONWriter()
        var slowRejects = 0
        while let item = try slowReader.next() {
            switch item {
            case .record(let record):
                record.writeJSON(to: &slow)
                slow.byte(0x0A)
            case .reject: slowRejects += 1
            }
        }
        #expect(fastReader.counts == slowReader.counts)
        return (fast.bytes, slow.bytes, (fastRejects, slowRejects))
    }

    @Test(arguments: [
        "partner-export.csv", "vlaamse-proefregio.csv", "federation-wallonne.csv",
        "marche-fermier.csv",
    ])
    func samplesAreWrittenTheSameBothWays(_ name: String) throws {
        let path = Self.packageRoot.appendingPathComponent("samples/\(name)").path
        let result = try bothWays(path)
        #expect(result.fast == result.slow)
        #expect(result.rejects.0 == result.rejects.1)
    }

    @Test func trickyCellsAreWrittenTheSameBothWays() throws {
        let directory = try TemporaryDirectory()
        let lines = [
            "name,address,phone,phone 2,notes",
            "\"Ferme \"\"Le Clos\"\"\",  ,0475 12 34 56,,\"two\nlines\"",
            "Hoeve \\t Hof,Kerkstraat 1,\u{00A0},+32 9 123 45 67,tab\there",
            "\"Chèvrerie des Prés\",Rue de l'Église,0478 00 00 00,0479 11 11 11,\"x\"y",
            " ,Rue Vide 1,,,no name here",
            "Exactly eight,12345678,1234567,123456789,\u{1F34E} apple",
            ",,,,",
            "",
        ]
        let text = lines.joined(separator: "\r\n")
        let path = try directory.file("tricky.csv", text)
        let result = try bothWays(path)
        #expect(
            String(decoding: result.fast, as: UTF8.self)
                == String(decoding: result.slow, as: UTF8.self))
        #expect(result.rejects == (1, 1))
    }
}
