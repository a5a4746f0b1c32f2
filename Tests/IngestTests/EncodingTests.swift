import Testing

@testable import Ingest

@Suite("Encoding detection and decoding")
struct EncodingTests {
    /// "Localité;Œufs’" in Windows-1252: é = E9, Œ = 8C, ’ = 92.
    static let windows1252: [UInt8] =
        Array("Localit".utf8) + [0xE9, 0x3B, 0x8C] + Array("ufs".utf8)
        + [0x92, 0x0A]

    @Test func byteOrderMarksDecide() {
        #expect(
            EncodingDetector.detect([0xEF, 0xBB, 0xBF, 0x61], isComplete: true).encoding == .utf8)
        #expect(
            EncodingDetector.detect([0xEF, 0xBB, 0xBF], isComplete: true).byteOrderMarkLength == 3)
        #expect(
            EncodingDetector.detect([0xFF, 0xFE, 0x61, 0x00], isComplete: true).encoding
                == .utf16LittleEndian)
        #expect(
            EncodingDetector.detect([0xFE, 0xFF, 0x00, 0x61], isComplete: true).encoding
                == .utf16BigEndian)
    }

    @Test func validUTF8IsUTF8() {
        #expect(
            EncodingDetector.detect(Array("Liège;Gent".utf8), isComplete: true).encoding == .utf8)
        // Mojibake is still valid UTF-8: repairing it is normalisation's job, not ingest's.
        #expect(EncodingDetector.detect(Array("Ã©levage".utf8), isComplete: true).encoding == .utf8)
        #expect(
            EncodingDetector.detect(Array("plain ascii".utf8), isComplete: true).encoding == .utf8)
    }

    @Test func aCutSequenceAtTheEndOfASampleIsNotEvidence() {
        let cut = Array("Liège".utf8).dropLast(2) + [0xC3]
        #expect(EncodingDetector.detect(Array(cut), isComplete: false).encoding == .utf8)
    }

    @Test func windows1252ByItsC1Bytes() {
        let detected = EncodingDetector.detect(Self.windows1252, isComplete: true)
        #expect(detected.encoding == .windows1252)
        #expect(detected.reason.contains("0x80–0x9F"))
    }

    @Test func latin9ByLettersInsideWords() {
        // "sœur œufs" with œ = 0xBD, which Windows-1252 would show as "½".
        let bytes: [UInt8] = [0x73, 0xBD, 0x75, 0x72, 0x20, 0xBD, 0x75, 0x66, 0x73, 0xE9]
        #expect(EncodingDetector.detect(bytes, isComplete: true).encoding == .iso885915)
    }

    @Test func latin1WithoutDistinctiveBytesIsReadAsWindows1252() {
        let bytes: [UInt8] = Array("caf".utf8) + [0xE9]
        #expect(EncodingDetector.detect(bytes, isComplete: true).encoding == .windows1252)
    }

    @Test func utf16WithoutAMarkByItsNULs() {
        let little = Array("Nom;CP\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(EncodingDetector.detect(little, isComplete: true).encoding == .utf16LittleEndian)
    }

    @Test func decodesWindows1252() {
        var decoder = CellDecoder(encoding: .windows1252)
        let text = Self.windows1252.withUnsafeBufferPointer { decoder.decode($0).text }
        #expect(text == "Localité;Œufs’\n")
    }

    @Test func decodesLatin9() {
        var decoder = CellDecoder(encoding: .iso885915)
        let text = [UInt8]([0xBD, 0x75, 0x66, 0x73, 0x20, 0xA4]).withUnsafeBufferPointer {
            decoder.decode($0).text
        }
        #expect(text == "œufs €")
    }

    @Test func invalidUTF8CellFallsBackToWindows1252AndSaysSo() {
        var decoder = CellDecoder(encoding: .utf8)
        let decoded = [UInt8]([0x4C, 0x69, 0xE8, 0x67, 0x65]).withUnsafeBufferPointer {
            decoder.decode($0)
        }
        #expect(decoded.text == "Liège")
        #expect(decoded.usedFallback)
    }

    @Test func nulBytesAreRemovedAndReported() {
        var decoder = CellDecoder(encoding: .utf8)
        let decoded = [UInt8]([0x61, 0x00, 0x62]).withUnsafeBufferPointer { decoder.decode($0) }
        #expect(decoded.text == "ab")
        #expect(decoded.removedNUL)
    }

    @Test func utf16IsConvertedToUTF8AcrossBlocks() throws {
        let text = "Naam;Gemeente\nHoeve ’t Hof;Liège 🍎\n"
        let bytes = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        var source = UTF16ToUTF8Source(base: MemorySource(bytes), bigEndian: true)
        var result: [UInt8] = []
        while true {
            let block = try readBlock(from: &source, count: 7)
            if block.isEmpty { break }
            result += block
        }
        #expect(String(decoding: result, as: UTF8.self) == text)
    }

    @Test(arguments: [
        ("UTF8", TextEncoding.utf8), ("cp1252", .windows1252), ("latin1", .windows1252),
        ("Latin-9", .iso885915), ("utf-16", .utf16LittleEndian), ("UTF-16BE", .utf16BigEndian),
    ])
    func encodingNames(_ name: String, _ encoding: TextEncoding) {
        #expect(TextEncoding(name: name) == encoding)
    }
}
