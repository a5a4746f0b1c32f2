import Foundation
import GlaneurCore
import Store
import Testing

extension Tag {
    @Tag static var slow: Self
    @Tag static var postgres: Self
    @Tag static var gdal: Self
}

/// A folder of its own for one test, deleted afterwards.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Builds runs the way the pipeline will, with one entity per record until the matcher
/// exists: entity `e-<key>` for the record with source key `<key>`.
struct RunBuilder {
    var pipeline = "test"
    var source = "partner"
    var file = "partner.csv"
    var mode = LoadMode.upsert
    var isFullList = true
    /// Source key → name; the other fields derive from the key.
    var rows: [(key: String, name: String)] = []
    var rejects = 0

    init(count: Int = 0, source: String = "partner") {
        self.source = source
        self.file = source + ".csv"
        rows = (0..<count).map { (key: String($0), name: "Ferme \($0)") }
    }

    static func location(_ index: Int) -> Location {
        Location(
            latitude: 49.5 + Double(index % 1000) / 1000,
            longitude: 4.0 + Double(index / 1000) / 100,
            precision: "locality", score: 0.9, provider: "gazetteer")
    }

    func build() -> RunInput {
        var run = RunInput(pipeline: pipeline, mode: mode)
        run.inputs = [
            InputFile(
                path: file, source: source, checksum: "sha256-of-\(file)",
                rows: rows.count + rejects, isFullList: isFullList)
        ]
        for (index, row) in rows.enumerated() {
            let fields = EntityFields(
                name: row.name, legalForm: "SRL", street: "Rue de la Gare",
                houseNumber: String(index % 200), postcode: "5000", locality: "Namur",
                country: "BE", phones: ["+3281\(String(100000 + index % 900000))"],
                products: ["légumes", "œufs"])
            let location = Self.location(index)
            let uid = "\(source):e-\(row.key)"
            run.entities.append(EntityInput(uid: uid, fields: fields, location: location))
            run.records.append(
                RecordInput(
                    provenance: Provenance(
                        source: source, file: file, row: index + 1, line: index + 2),
                    sourceKey: row.key,
                    rawFields: [
                        SourceField(name: "id", value: .text(row.key)),
                        SourceField(name: "Nom", value: .text(row.name)),
                        SourceField(name: "CP", value: .text("5000")),
                    ],
                    fields: fields, location: location, entityUID: uid))
            run.events.append(
                MatchEvent(
                    kind: .new, entityUID: uid, source: source, sourceKey: row.key, score: 1,
                    reasons: ["no-candidate"]))
        }
        for index in 0..<rejects {
            run.rejects.append(
                Reject(
                    provenance: Provenance(
                        source: source, file: file, row: rows.count + index + 1,
                        line: rows.count + index + 2),
                    code: .missingName, message: "no producer name", raw: ";;5000"))
        }
        return run
    }
}

/// Every entity as a comparable value, inactive ones included.
func entities(of store: any MapStore) throws -> [StoredEntity] {
    var result: [StoredEntity] = []
    try store.forEachEntity(includeInactive: true) { result.append($0) }
    return result
}

/// Runs a program and returns its exit status, standard output and standard error.
func runProgram(_ path: String, _ arguments: [String]) throws -> (
    status: Int32, output: String, error: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self),
        String(decoding: errData, as: UTF8.self)
    )
}
