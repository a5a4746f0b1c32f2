import Foundation
import Testing

@testable import Spreadsheet

extension Tag {
    @Tag static var slow: Self
}

/// Files that cannot be read must fail with an error that names them, never crash.
struct DamagedFileTests {
    static func sample() -> [UInt8] {
        var fixture = XLSXFixture(
            rows: """
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>1000</v></c></row>
                """)
        fixture.sharedStrings = ["<t>Ferme</t>"]
        fixture.formats = [.custom("00000")]
        return fixture.build()
    }

    /// Opens a workbook and reads every sheet, as ingest would.
    static func readAll(_ bytes: [UInt8], file: String) throws(SpreadsheetError) -> Int {
        let workbook = try Workbook(bytes: bytes, file: file)
        var cells = 0
        for index in workbook.sheetNames.indices {
            cells += try workbook.sheet(at: index).rows.reduce(0) { $0 + $1.cells.count }
        }
        return cells
    }

    @Test(
        .tags(.slow),
        arguments: [
            "libreoffice-producers.xlsx", "libreoffice-producers.ods",
            "libreoffice-producteurs-fr.xlsx",
        ])
    func everyTruncationIsAnErrorNamingTheFile(file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixturePath(file))))
        for length in stride(from: 0, to: bytes.count, by: 61) {
            let error = #expect(throws: SpreadsheetError.self) {
                try Self.readAll(Array(bytes.prefix(length)), file: "cut.xlsx")
            }
            #expect(error?.description.hasPrefix("cut.xlsx: ") == true, "length \(length)")
        }
    }

    @Test(.tags(.slow))
    func flippedBytesNeverCrash() throws {
        let original = try [UInt8](
            Data(contentsOf: URL(fileURLWithPath: fixturePath("libreoffice-producers.xlsx"))))
        var failures = 0
        for position in stride(from: 0, to: original.count, by: 7) {
            var bytes = original
            bytes[position] ^= 0x5A
            do {
                _ = try Self.readAll(bytes, file: "flipped.xlsx")
            } catch {
                failures += 1
                #expect(error.description.hasPrefix("flipped.xlsx"))
            }
        }
        // Most damage is caught by the checksums and the directory checks.
        #expect(failures > original.count / 7 / 2)
    }

    @Test func aChecksumMismatchNamesTheMember() throws {
        var bytes = Self.sample()
        // The stored sheet's text is in the clear: change a digit of the value.
        let needle = Array("<v>1000</v>".utf8)
        let index = try #require(
            bytes.indices.first { bytes[$0...].starts(with: needle) })
        bytes[index + 3] = UInt8(ascii: "2")
        let error = #expect(throws: SpreadsheetError.self) {
            try Self.readAll(bytes, file: "bad.xlsx")
        }
        #expect(error?.kind == .corrupt)
        #expect(error?.part == "xl/worksheets/sheet1.xml")
        #expect(error?.description.contains("checksum") == true)
    }

    @Test func aLargeDeflatedSheetIsCheckedToItsLastByte() throws {
        // Large enough that the parser pulls it through the inflater in many chunks.
        let rows = (1...5_000).map { number in
            "<row r=\"\(number)\"><c r=\"A\(number)\" t=\"inlineStr\"><is><t>Ferme \(number)"
                + "</t></is></c><c r=\"B\(number)\" s=\"1\"><v>\(number)</v></c></row>"
        }.joined()
        var fixture = XLSXFixture(rows: rows)
        fixture.formats = [.custom("00000")]
        fixture.zip = ZipWriter.Options(deflate: true)
        let bytes = fixture.build()
        let sheet = try Workbook(bytes: bytes, file: "large.xlsx").sheet(at: 0)
        #expect(sheet.rows.count == 5_000)
        #expect(sheet.rows.last?.texts == ["Ferme 5000", "05000"])
        #expect(sheet.text("B42") == "00042")

        // The same archive with the sheet's recorded CRC off by one.
        var damaged = bytes
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        // The central directory is at the end: search from there.
        let entry = try #require(
            damaged.indices.reversed().first { index in
                damaged[index...].starts(with: signature)
                    && damaged[(index + 46)...].starts(with: name)
            })
        damaged[entry + 16] ^= 1
        let error = #expect(throws: SpreadsheetError.self) {
            try Workbook(bytes: damaged, file: "large.xlsx").sheet(at: 0)
        }
        #expect(error?.part == "xl/worksheets/sheet1.xml")
        #expect(error?.description.contains("checksum") == true)
    }

    @Test func corruptDeflateDataIsAnError() throws {
        var fixture = XLSXFixture(rows: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
        fixture.zip = ZipWriter.Options(deflate: true)
        var bytes = fixture.build()
        // Overwrite the middle of the archive, deep in the deflated members.
        for offset in 0..<40 { bytes[bytes.count / 3 + offset] = 0xFF }
        let error = #expect(throws: SpreadsheetError.self) {
            try Self.readAll(bytes, file: "bad.xlsx")
        }
        #expect(error?.kind == .corrupt)
    }

    @Test(arguments: [4, 12, 20])
    func absurdZip64SizesAndOffsetsAreErrors(fieldOffset: Int) throws {
        var fixture = XLSXFixture(rows: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
        fixture.zip = ZipWriter.Options(zip64: true)
        fixture.zip64EndRecords = true
        var bytes = fixture.build()
        // In every central entry's ZIP64 field, set one of the uncompressed size, the
        // compressed size or the local header offset to nearly Int.max.
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        for index in bytes.indices where bytes[index...].starts(with: signature) {
            let nameLength = Int(bytes[index + 28]) | Int(bytes[index + 29]) << 8
            let field = index + 46 + nameLength + fieldOffset
            for byte in 0..<7 { bytes[field + byte] = 0xFF }
            bytes[field + 7] = 0x7F
        }
        let error = #expect(throws: SpreadsheetError.self) {
            try Self.readAll(bytes, file: "huge.xlsx")
        }
        #expect(error?.description.hasPrefix("huge.xlsx") == true)
    }

    @Test func malformedXMLNamesTheMember() {
        let fixture = XLSXFixture(rows: "<row r=\"1\"><c r=\"A1\"><v>1</v></row>")
        let error = #expect(throws: SpreadsheetError.self) {
            try Self.readAll(fixture.build(), file: "bad.xlsx")
        }
        #expect(error?.kind == .corrupt)
        #expect(error?.part == "xl/worksheets/sheet1.xml")
    }

    @Test func aMissingSharedStringIsAnError() {
        let fixture = XLSXFixture(rows: "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>9</v></c></row>")
        let error = #expect(throws: SpreadsheetError.self) {
            try Self.readAll(fixture.build(), file: "bad.xlsx")
        }
        #expect(error?.description.contains("row 3") == true)
    }

    @Test func encryptedMembersAreRefusedAsPasswordProtected() {
        var fixture = XLSXFixture(rows: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
        fixture.zip = ZipWriter.Options(encrypted: true)
        let error = #expect(throws: SpreadsheetError.self) {
            try Self.readAll(fixture.build(), file: "locked.xlsx")
        }
        #expect(error?.kind == .passwordProtected)
    }

    /// The start of an OLE2 compound file, and a directory entry's UTF-16 name.
    static func compoundFile(streamName: String) -> [UInt8] {
        var bytes: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        bytes += [UInt8](repeating: 0, count: 504)
        for unit in streamName.utf16 {
            bytes.le16(unit)
        }
        bytes += [UInt8](repeating: 0, count: 64)
        return bytes
    }

    @Test func anEncryptedExcelFileIsPasswordProtected() {
        let error = #expect(throws: SpreadsheetError.self) {
            try Workbook(bytes: Self.compoundFile(streamName: "EncryptedPackage"), file: "x.xlsx")
        }
        #expect(error?.kind == .passwordProtected)
        #expect(error?.description.contains("password") == true)
    }

    @Test func anOldXLSIsUnsupported() {
        let error = #expect(throws: SpreadsheetError.self) {
            try Workbook(bytes: Self.compoundFile(streamName: "Workbook"), file: "old.xls")
        }
        #expect(error?.kind == .unsupported)
        #expect(error?.description.contains(".xls") == true)
    }

    @Test(arguments: [
        ("Nom;Code postal\n", SpreadsheetError.Kind.unsupported),
        ("", .corrupt),
        ("PK\u{3}\u{4}", .corrupt),
    ])
    func filesThatAreNotWorkbooks(content: String, kind: SpreadsheetError.Kind) {
        let error = #expect(throws: SpreadsheetError.self) {
            try Workbook(bytes: Array(content.utf8), file: "list.xlsx")
        }
        #expect(error?.kind == kind)
    }

    @Test func aZipThatIsNoWorkbookIsUnsupported() {
        var writer = ZipWriter()
        writer.add("photo.txt", "not a sheet")
        let error = #expect(throws: SpreadsheetError.self) {
            try Workbook(bytes: writer.finish(), file: "photos.zip")
        }
        #expect(error?.kind == .unsupported)
    }

    @Test func anUnknownCompressionMethodIsUnsupported() throws {
        var bytes = Self.sample()
        // Method 14 (LZMA) in every local and central header.
        for index in 0..<(bytes.count - 4) {
            if bytes[index...].starts(with: [0x50, 0x4B, 0x03, 0x04]) { bytes[index + 8] = 14 }
            if bytes[index...].starts(with: [0x50, 0x4B, 0x01, 0x02]) { bytes[index + 10] = 14 }
        }
        let error = #expect(throws: SpreadsheetError.self) {
            try Self.readAll(bytes, file: "lzma.xlsx")
        }
        #expect(error?.kind == .unsupported)
        #expect(error?.description.contains("compression method 14") == true)
    }

    @Test func aMissingFileIsAnIOError() {
        let error = #expect(throws: SpreadsheetError.self) {
            try Workbook(path: "/nonexistent/partners.xlsx")
        }
        #expect(error?.kind == .io)
        #expect(error?.description == "/nonexistent/partners.xlsx: no such file")
        let folder = #expect(throws: SpreadsheetError.self) {
            try Workbook(path: fixturePath("sources"))
        }
        #expect(folder?.description.hasSuffix("this is a folder, not a workbook") == true)
    }
}
