import Foundation
import GlaneurCore
import Testing

@testable import Ingest

/// Reads a file whole and sorts what came out.
func readItems(_ path: String, options: ReadOptions = ReadOptions()) throws
    -> (records: [ProducerRecord], rejects: [Reject], reader: any RecordReader)
{
    let reader = try SourceReader.open(path: path, options: options)
    var records: [ProducerRecord] = []
    var rejects: [Reject] = []
    for item in try reader.readAll() {
        switch item {
        case .record(let record): records.append(record)
        case .reject(let reject): rejects.append(reject)
        }
    }
    return (records, rejects, reader)
}

@Suite("Reading CSV files")
struct CSVRecordReaderTests {
    @Test func windows1252ExcelExport() throws {
        let directory = try TemporaryDirectory()
        var bytes: [UInt8] = []
        bytes +=
            Array("Nom;Adresse;CP;Localit".utf8) + [0xE9] + Array(";T".utf8) + [0xE9]
            + Array("l;Produits\r\n".utf8)
        bytes +=
            Array("Ferme du Ch".utf8) + [0xEA] + Array("ne;Rue de l'".utf8) + [0xC9]
            + Array("glise 4;5000;Namur;081/22.33.44;".utf8) + [0x9C] + Array("ufs, lait\r\n".utf8)
        let path = try directory.file("federation.csv", bytes)

        let (records, rejects, reader) = try readItems(path)
        #expect(reader.description.encoding?.encoding == .windows1252)
        #expect(reader.description.dialect?.delimiter == UInt8(ascii: ";"))
        #expect(rejects.isEmpty)
        let record = try #require(records.first)
        #expect(record[.name] == "Ferme du Chêne")
        #expect(record[.street] == "Rue de l'Église 4")
        #expect(record[.postcode] == "5000")
        #expect(record.values(.phones) == ["081/22.33.44"])
        #expect(record.values(.products) == ["œufs, lait"])
        #expect(
            record.sourceFields.map(\.name) == [
                "Nom", "Adresse", "CP", "Localité", "Tél", "Produits",
            ])
        #expect(record.provenance == Provenance(source: "federation", file: path, row: 1, line: 2))
    }

    @Test func identifiersStayText() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("ids.csv", "name,postcode,phone\nFerme,01000,0475123456\n")
        let (records, _, _) = try readItems(path)
        #expect(records.first?[.postcode] == "01000")
        #expect(records.first?.values(.phones) == ["0475123456"])
    }

    @Test func raggedAndShortRowsAreRejectedWithTheirText() throws {
        let directory = try TemporaryDirectory()
        let text = "name;postcode;city\nA;5000;Namur\nB;5000;Namur;extra\nC;5000\nD;4000;Liège;;\n"
        let path = try directory.file("ragged.csv", text)
        let (records, rejects, reader) = try readItems(path)

        #expect(records.map { $0[.name] } == ["A", "D"])
        #expect(rejects.map(\.code) == [.raggedRow, .shortRow])
        #expect(rejects.map(\.provenance.line) == [3, 4])
        #expect(rejects.map(\.provenance.row) == [2, 3])
        #expect(rejects[0].raw == "B;5000;Namur;extra")
        #expect(reader.counts.rows == reader.counts.records + reader.counts.rejects)
        #expect(reader.counts.rows == 4)
    }

    @Test func unterminatedQuoteRejectsOneLineAndGoesOn() throws {
        let directory = try TemporaryDirectory()
        let text = "name,city\nA,Namur\n\"B,Liège\nC,Gent\nD,Mons\n"
        let path = try directory.file("quote.csv", text)
        let (records, rejects, reader) = try readItems(path)
        #expect(records.map { $0[.name] } == ["A", "C", "D"])
        #expect(rejects.map(\.code) == [.unterminatedQuote])
        #expect(rejects.first?.raw == "\"B,Liège")
        #expect(rejects.first?.provenance.line == 3)
        #expect(reader.counts.rows == 4)
    }

    @Test func missingNameIsARejectThatSaysWhatToDo() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("names.csv", "Nom,CP\n,5000\nFerme,4000\n")
        let (records, rejects, _) = try readItems(path)
        #expect(records.count == 1)
        #expect(rejects.first?.code == .missingName)
        #expect(rejects.first?.column == "Nom")
    }

    @Test func blankRowsAndTitleRowsAreSkippedAndCounted() throws {
        let directory = try TemporaryDirectory()
        let text = "Producteurs 2024;;\n;;\nNom;CP;Ville\n\nA;5000;Namur\n;;\nB;4000;Liège\n"
        let path = try directory.file("titled.csv", text)
        let (records, _, reader) = try readItems(path)
        #expect(records.map { $0[.name] } == ["A", "B"])
        #expect(records.map(\.provenance.row) == [1, 2])
        #expect(records.map(\.provenance.line) == [5, 7])
        #expect(reader.counts.preambleRows == 1)
        #expect(reader.counts.blankRows == 3)
        #expect(reader.description.headerLine == 3)
    }

    @Test func nulBytesAndBadUTF8AreWarnedNotLost() throws {
        let directory = try TemporaryDirectory()
        var bytes = Array("name,city\n".utf8)
        bytes += Array("Fer".utf8) + [0x00] + Array("me,Li".utf8) + [0xE8] + Array("ge\n".utf8)
        let path = try directory.file("odd.csv", bytes)
        // Said to be UTF-8, as a file would be whose first 256 KiB are.
        var options = ReadOptions()
        options.encoding = .utf8
        let (records, rejects, reader) = try readItems(path, options: options)
        #expect(rejects.isEmpty)
        let record = try #require(records.first)
        #expect(record[.name] == "Ferme")
        #expect(record[.locality] == "Liège")
        #expect(Set(record.warnings.map(\.code)) == ["nul-byte", "encoding-fallback"])
        #expect(reader.description.notes.contains { $0.contains("Windows-1252") })
    }

    @Test func utf16WithBOM() throws {
        let directory = try TemporaryDirectory()
        let text = "Naam\tGemeente\nHoeve 't Hof\tGent\n"
        let bytes: [UInt8] =
            [0xFF, 0xFE]
            + Array(text.utf16).flatMap {
                [UInt8($0 & 0xFF), UInt8($0 >> 8)]
            }
        let path = try directory.file("vlaams.txt", bytes)
        let (records, _, reader) = try readItems(path)
        #expect(reader.description.encoding?.encoding == .utf16LittleEndian)
        #expect(records.first?[.name] == "Hoeve 't Hof")
        #expect(records.first?[.locality] == "Gent")
    }

    @Test func withoutHeaderColumnsAreNumberedAndMappable() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("bare.csv", "Ferme A;5000;Namur\nFerme B;4000;Liège\n")
        var options = ReadOptions()
        options.columnOverrides = ["column_1": .name, "column_2": .postcode]
        let (records, _, reader) = try readItems(path, options: options)
        #expect(reader.description.headerLine == nil)
        #expect(records.map { $0[.name] } == ["Ferme A", "Ferme B"])
        #expect(records.map { $0[.postcode] } == ["5000", "4000"])
    }

    @Test func rawRowsIncludeTitleAndHeader() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("raw.csv", "Titre;;\nNom;CP;Ville\n\"A;B\";5000;Namur\n")
        let reader = try CSVRecordReader(path: path)
        var rows: [[String]] = []
        while let row = try reader.nextRawRow() { rows.append(row) }
        #expect(rows == [["Titre", "", ""], ["Nom", "CP", "Ville"], ["A;B", "5000", "Namur"]])
    }

    @Test func binaryFilesAreRefusedWithAReason() throws {
        let directory = try TemporaryDirectory()
        let xls = try directory.file("old.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        let error = #expect(throws: GlaneurError.self) { try SourceReader.open(path: xls) }
        #expect(error?.description.contains("old Excel (.xls)") == true)

        let image = try directory.file("photo.csv", (0..<4096).map { UInt8($0 % 256) })
        let binary = #expect(throws: GlaneurError.self) { try SourceReader.open(path: image) }
        #expect(binary?.description.contains("not a text file") == true)
    }

    @Test func aMillionCellsInSmallMemory() throws {
        // Many rows through a small block: the buffer must not grow with the file.
        let directory = try TemporaryDirectory()
        var text = "name,postcode\n"
        for index in 0..<20_000 { text += "Ferme \(index),\(10000 + index)\n" }
        let path = try directory.file("many.csv", text)
        let (records, rejects, _) = try readItems(path)
        #expect(records.count == 20_000)
        #expect(rejects.isEmpty)
        #expect(records.last?[.postcode] == "29999")
    }
}

@Suite("Reading JSON and NDJSON")
struct JSONRecordReaderTests {
    static let nested = """
        {"meta": {"count": 2},
         "data": {"producers": [
           {"id": 7, "name": "Ferme du Bois Joli",
            "address": {"street": "Rue du Bois", "number": "12", "postalCode": "5000",
                        "locality": "Namur"},
            "contact": {"name": "Marie Dupont", "phone": "081 22 33 44"},
            "products": ["légumes", "œufs"], "organic": true, "rating": 4.50},
           "not an object",
           {"id": 8, "name": "Hoeve De Linde", "address": null}
         ]}}
        """

    @Test func findsTheArrayAndFlattensObjects() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("api.json", Self.nested)
        let (records, rejects, reader) = try readItems(path)
        #expect(reader.description.jsonPath == "data.producers")
        #expect(records.count == 2)
        #expect(rejects.map(\.code) == [.notAnObject])

        let first = records[0]
        #expect(first[.sourceKey] == "7")
        #expect(first[.postcode] == "5000")
        #expect(first[.houseNumber] == "12")
        #expect(first[.contact] == "Marie Dupont")
        #expect(first.values(.products) == ["légumes", "œufs"])
        #expect(first.values(.labels) == ["true"])
        #expect(first.sourceFields.first { $0.name == "rating" }?.value == .text("4.50"))
        #expect(first.provenance.line == 3)
        #expect(records[1].provenance.row == 3)
        #expect(records[1].provenance.line == 9)
    }

    @Test func namedPathMustExist() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("api.json", Self.nested)
        var options = ReadOptions()
        options.jsonPath = "data.farms"
        #expect(throws: GlaneurError.self) { try SourceReader.open(path: path, options: options) }
    }

    @Test func malformedJSONNamesLineAndColumn() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("broken.json", "[\n  {\"name\": \"A\"},\n  {\"name\": B}\n]")
        let error = #expect(throws: GlaneurError.self) { try SourceReader.open(path: path) }
        let message = error?.description ?? ""
        #expect(message.contains("line 3, column 12"))
        #expect(message.contains(path))
    }

    @Test func ndjsonBadLineIsARejectAndReadingGoesOn() throws {
        let directory = try TemporaryDirectory()
        let text = """
            {"producer_name": "A", "zip": "5000", "tags": ["miel"]}

            {"producer_name": "B", "zip": 4000,
            {"producer_name": "C", "town": "Gent", "tel": null}
            [1, 2]

            """
        let path = try directory.file("feed.ndjson", text)
        let (records, rejects, reader) = try readItems(path)
        #expect(records.map { $0[.name] } == ["A", "C"])
        #expect(records.map(\.provenance.line) == [1, 4])
        #expect(records[1][.locality] == "Gent")
        #expect(rejects.map(\.code) == [.badJSON, .notAnObject])
        #expect(rejects.map(\.provenance.line) == [3, 5])
        #expect(reader.counts.rows == 4)
        #expect(reader.counts.blankRows == 1)
    }

    @Test func formatIsDetectedFromContent() throws {
        let directory = try TemporaryDirectory()
        let ndjson = try directory.file("a.txt", "{\"name\": \"A\"}\n{\"name\": \"B\"}\n")
        let json = try directory.file("b.txt", "{\n \"items\": [{\"name\": \"A\"}]\n}\n")
        let csv = try directory.file("c.txt", "name,city\nA,B\n")
        #expect(try SourceReader.detectFormat(path: ndjson) == .ndjson)
        #expect(try SourceReader.detectFormat(path: json) == .json)
        #expect(try SourceReader.detectFormat(path: csv) == .csv)
    }
}
