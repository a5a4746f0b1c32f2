import GlaneurCore
import Testing

@testable import Normalize

/// The direct reader must give the record that `JSONParser` and `ProducerRecord(json:)`
/// give, or leave the line to them.
@Suite struct RecordReaderTests {
    /// The record through the general path, written back as NDJSON; nil if it fails.
    func general(_ line: String) -> [UInt8]? {
        guard let json = try? JSONParser.parse(line),
            let record = try? ProducerRecord(json: json)
        else { return nil }
        return ndjson(record)
    }

    func ndjson(_ record: ProducerRecord) -> [UInt8] {
        var writer = JSONWriter()
        record.writeJSON(to: &writer)
        return writer.bytes
    }

    func direct(_ line: String) -> [UInt8]? {
        Array(line.utf8).withUnsafeBufferPointer { RecordReader.read($0) }.map(ndjson)
    }

    /// Lines in the shape `glaneur read` writes: the direct reader takes them.
    static let usual = [
        #"{"source":"a","file":"a.csv","row":1,"line":2,"name":"Ferme du Bois","#
            + #""phones":["081/23.45.67","0475 12 34 56"],"fields":{"Nom":"Ferme du Bois","#
            + #""Tél.":"081/23.45.67","vide":null,"liste":["x","y"]}}"#,
        #"{ "source" : "b", "file":"b.json", "row":3, "line":7, "postcode":5000,"#
            + #" "labels":[], "country":"Belgique", "fields":{} }"#,
        #"{"source":"c","file":"c.csv","row":1,"line":1,"locality":"Liège","#
            + #""fields":{"Localité":"Liège"},"warnings":[{"code":"encoding-fallback","#
            + #""column":"Localité","message":"read as Windows-1252"}]}"#,
        #"{"source":"d","file":"d.csv","row":2,"line":2,"name":"Les Jardins de l'Abbaye","#
            + #""name":null,"emails":["a@b.be",null,"c@d.fr"],"extra":true,"#
            + #""fields":{"n":"Les Jardins de l'Abbaye","f":false,"x":1.5e3}}"#,
        #"{"source":"e","file":"e.csv","row":9,"line":10,"fields":{"a":"1"},"#
            + #""fields":{"b":"2"},"warnings":[{"message":"m","code":null}]}"#,
    ]

    @Test(arguments: usual)
    func readsTheUsualShapeAsTheGeneralPathDoes(line: String) throws {
        let read = try #require(direct(line))
        #expect(read == general(line))
    }

    /// Lines the direct reader leaves to the general path: escapes, nested values,
    /// missing or malformed provenance, syntax errors, invalid UTF-8.
    static let unusual = [
        #"{"source":"a","file":"a.csv","row":1,"line":2,"name":"Ferme \"Le Pré\""}"#,
        #"{"source":"a","file":"a.csv","row":1,"line":2,"name":{"nested":"x"}}"#,
        #"{"source":"a","file":"a.csv","row":1,"line":2,"fields":{"a":{"b":1}}}"#,
        #"{"source":"a","file":"a.csv","row":1,"line":2,"phones":[["x"]]}"#,
        #"{"source":"a","file":"a.csv","row":"one","line":2}"#,
        #"{"source":null,"file":"a.csv","row":1,"line":2}"#,
        #"{"file":"a.csv","row":1,"line":2}"#,
        #"{"source":"a","file":"a.csv","row":1,"line":2,"warnings":null}"#,
        #"{"source":"a","file":"a.csv","row":1,"line":2} trailing"#,
        #"{"source":"a","file":"a.csv","row":1,"line":2,"name":"x""#,
        #"["source"]"#,
        #"{"source":"a","file":"a.csv","row":01,"line":2,"name":tru}"#,
    ]

    @Test(arguments: unusual)
    func leavesOtherLinesToTheGeneralPath(line: String) {
        #expect(direct(line) == nil)
    }

    @Test func refusesInvalidUTF8() {
        var bytes = Array(#"{"source":"a","file":"a.csv","row":1,"line":2,"name":"ab"}"#.utf8)
        bytes[bytes.count - 3] = 0xC3
        let record = bytes.withUnsafeBufferPointer { RecordReader.read($0) }
        #expect(record == nil)
    }

    @Test func agreesWithTheGeneralPathOnEveryGeneratedRecord() throws {
        var record = ProducerRecord(
            provenance: Provenance(source: "p", file: "p.csv", row: 4, line: 5))
        let texts = ["", "é", "Rue de la Gare 12 bte 3", "0475/12.34.56", "Œufs, légumes"]
        for (index, field) in Field.allCases.enumerated() {
            let text = texts[index % texts.count]
            if field.holdsList {
                record.setValues([text, text + " bis"], for: field)
            } else {
                record[field] = text
            }
            record.sourceFields.append(SourceField(name: "col \(index)", value: .text(text)))
        }
        record.sourceFields.append(SourceField(name: "empty", value: .null))
        record.warnings = [RecordWarning(code: "nul-byte", column: "col 1", message: "removed")]
        let line = String(decoding: ndjson(record), as: UTF8.self)
        let read = try #require(direct(line))
        #expect(read == general(line))
        #expect(read == ndjson(record))
    }

    /// A normalised record written with the source fields as read, or with the `fields`
    /// object copied from the line when the reader keeps it.
    func normalized(_ line: String, keepingSourceFields: Bool) -> [UInt8]? {
        Array(line.utf8).withUnsafeBufferPointer { bytes in
            guard let (record, raw) = RecordReader.readKeepingSourceFields(bytes) else {
                return nil
            }
            var writer = JSONWriter()
            let normalized = Normalizer().normalize(
                keepingSourceFields ? record : RecordReader.read(bytes) ?? record)
            normalized.writeJSON(
                to: &writer,
                sourceFieldsJSON: keepingSourceFields
                    ? raw.map { UnsafeBufferPointer(rebasing: bytes[$0]) } : nil)
            return writer.bytes
        }
    }

    static let sourceFieldShapes =
        usual + [
            #"{"source":"f","file":"f.csv","row":1,"line":2,"fields":{"a":"1","b":null,"#
                + #""c":[],"d":["x","é"],"a":"dup"}}"#,
            #"{"source":"f","file":"f.csv","row":1,"line":2,"fields":{"a": "spaced"}}"#,
            #"{"source":"f","file":"f.csv","row":1,"line":2,"fields":{"a":["x",null]}}"#,
            #"{"source":"f","file":"f.csv","row":1,"line":2,"fields":{"n":12,"t":true}}"#,
            #"{"source":"f","file":"f.csv","row":1,"line":2,"fields":{"a":"1"},"#
                + #""fields":{"a":"2"}}"#,
        ]

    @Test(arguments: sourceFieldShapes)
    func copiesSourceFieldsAsWritingThemWould(line: String) throws {
        let copied = try #require(normalized(line, keepingSourceFields: true))
        #expect(copied == normalized(line, keepingSourceFields: false))
    }
}
