import Foundation
import GlaneurCore
import Store
import Testing

/// Exports for web maps and spreadsheets.
struct ExportTests {
    func exported(_ write: (OutputFile) throws -> Void) throws -> [UInt8] {
        let folder = try TemporaryFolder()
        let path = folder.path("out")
        let output = try OutputFile(path: path)
        try write(output)
        try output.close()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(.tags(.postgres), arguments: Backend.tested)
    func geoJSONHoldsEveryActiveEntityAsAPointFeature(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var run = RunBuilder(count: 3).build()
        run.entities[1].location = nil
        run.entities[2].fields.name = "Quote \" and \\ backslash"
        try store.load(run)

        let bytes = try exported { try Exporter.writeGeoJSON(from: store, to: $0) }
        let json = try JSONParser.parse(bytes)
        guard case .object(let collection) = json,
            case .array(let features)? = collection.first(where: { $0.key == "features" })?.value
        else {
            Issue.record("not a FeatureCollection")
            return
        }
        #expect(features.count == 3)
        guard case .object(let first) = features[0],
            case .object(let geometry)? = first.first(where: { $0.key == "geometry" })?.value,
            case .array(let coordinates)? = geometry.first(where: { $0.key == "coordinates" })?
                .value
        else {
            Issue.record("no point geometry")
            return
        }
        // RFC 7946: longitude first.
        #expect(coordinates == [.number("4.0"), .number("49.5")])
        guard case .object(let second) = features[1] else { return }
        #expect(second.first(where: { $0.key == "geometry" })?.value == .null)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""name":"Quote \" and \\ backslash""#))
        #expect(text.contains(#""phones":["+3281100000"]"#))
    }

    @Test(.tags(.postgres), arguments: Backend.tested, [false, true])
    func csvForSpreadsheets(_ backend: Backend, excel: Bool) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder()
        builder.rows = [(key: "1", name: "=cmd|' /C calc'!A0"), (key: "2", name: "Ferme; du Bois")]
        try store.load(builder.build())

        let bytes = try exported { try Exporter.writeCSV(from: store, to: $0, excel: excel) }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(Array(bytes.prefix(3)) == bom || !excel)
        #expect(Array(bytes.prefix(3)) != bom || excel)
        let text = String(decoding: excel ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        let separator = excel ? ";" : ","
        #expect(lines[0].hasPrefix("uid\(separator)name\(separator)legal_form"))
        if excel {
            // Formulas are neutralised, phones too (Excel would read +32… as a formula).
            #expect(lines[1].contains(";'=cmd|' /C calc'!A0;"))
            #expect(lines[1].contains(";'+3281100000;"))
            #expect(lines[2].contains(";\"Ferme; du Bois\";"))
        } else {
            #expect(lines[1].contains(",=cmd|' /C calc'!A0,"))
            #expect(lines[2].contains(",Ferme; du Bois,"))
        }
    }
}
