import Foundation
import Testing

/// `glaneur runs` and `glaneur export` on a map the binary imported, in SQLite and in
/// PostgreSQL: the JSON a script reads, the refusal to revert a run that a later one
/// builds on, and the exports a user opens elsewhere.
@Suite("Runs and exports, end to end")
struct MapCommandsTests {
    enum Backend: String, CaseIterable {
        case sqlite, postgres

        /// PostgreSQL unless `GLANEUR_SKIP_POSTGRES=1` says there is no server.
        static var tested: [Backend] {
            ProcessInfo.processInfo.environment["GLANEUR_SKIP_POSTGRES"] == "1"
                ? [.sqlite] : [.sqlite, .postgres]
        }
    }

    /// A map database for one test: a file, or a schema of its own, dropped afterwards.
    final class Map {
        let folder: ScratchFolder
        let location: String
        private var dropSchema: (() -> Void)?

        init(_ backend: Backend) throws {
            folder = try ScratchFolder()
            switch backend {
            case .sqlite:
                location = folder.path("map.sqlite")
            case .postgres:
                let server =
                    ProcessInfo.processInfo.environment["GLANEUR_TEST_POSTGRES_URL"]
                    ?? "postgresql://postgres@127.0.0.1:5439/glaneur_test"
                let schema = "e2e_" + UUID().uuidString.prefix(8).lowercased()
                try Self.psql(server, "CREATE SCHEMA \(schema)")
                dropSchema = { try? Self.psql(server, "DROP SCHEMA \(schema) CASCADE") }
                let separator = server.contains("?") ? "&" : "?"
                location =
                    server + separator + "options=-c%20search_path%3D\(schema)%2Cpublic"
            }
        }

        deinit { dropSchema?() }

        static func psql(_ url: String, _ sql: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CocoaError(
                    .executableLoad, userInfo: [NSLocalizedDescriptionKey: "psql failed: \(sql)"])
            }
        }

        /// Runs glaneur from the package's root, where the pipelines find the samples.
        func glaneur(_ arguments: [String]) throws -> GlaneurProcess.Result {
            try GlaneurProcess.run(arguments, in: GlaneurProcess.packageRoot)
        }

        func importSample() throws -> GlaneurProcess.Result {
            try glaneur([
                "import", ImportTests.pipeline("federation-wallonne.json5"), "--db", location,
                "--report", folder.path("reports"),
            ])
        }
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Runs a program found on the PATH, such as GDAL's ogrinfo.
    static func tool(_ name: String, _ arguments: [String]) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: Backend.tested)
    func runsListAndShowGiveTheirFieldsAsJSON(_ backend: Backend) throws {
        let map = try Map(backend)
        #expect(try map.importSample().status == 0)
        #expect(try map.importSample().status == 0)

        let list = try map.glaneur(["runs", "list", "--db", map.location, "--json"])
        #expect(list.status == 0, "\(list.standardError)")
        let runs = try #require(try Self.json(list.standardOutput) as? [[String: Any]])
        #expect(runs.count == 2)
        let first = runs[0]
        #expect(first["id"] as? Int == 1)
        #expect(first["pipeline"] as? String == "federation-wallonne")
        #expect(first["status"] as? String == "committed")
        let started = first["started"] as? String ?? ""
        #expect(started.hasPrefix("20") && started.hasSuffix("Z"), "started: \(started)")
        let counts = try #require(first["counts"] as? [String: Int])
        for name in ["rows_read", "new", "merged", "updated", "unchanged", "rejected"] {
            #expect(counts[name] != nil, "counts.\(name)")
        }
        #expect((counts["new"] ?? 0) > 0)
        let again = try #require(runs[1]["counts"] as? [String: Int])
        #expect(again["new"] == 0)
        #expect(again["unchanged"] == counts["rows_read"].map { $0 - (counts["rejected"] ?? 0) })

        let show = try map.glaneur(["runs", "show", "2", "--db", map.location, "--json"])
        #expect(show.status == 0, "\(show.standardError)")
        let detail = try #require(try Self.json(show.standardOutput) as? [String: Any])
        #expect(detail["id"] as? Int == 2)
        #expect(detail["status"] as? String == "committed")
        #expect((detail["counts"] as? [String: Int])?["unchanged"] == again["unchanged"])

        // The second run read the same list: the first cannot go before it.
        let refused = try map.glaneur(["runs", "revert", "1", "--db", map.location])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("later run(s) 2"), "\(refused.standardError)")
        let reverted = try map.glaneur(["runs", "revert", "2", "--db", map.location])
        #expect(reverted.status == 0, "\(reverted.standardError)")
        let after = try map.glaneur(["runs", "show", "2", "--db", map.location, "--json"])
        let undone = try Self.json(after.standardOutput) as? [String: Any]
        #expect(undone?["status"] as? String == "reverted")
    }

    @Test(arguments: Backend.tested)
    func exportsOpenWhereUsersOpenThem(_ backend: Backend) throws {
        let map = try Map(backend)
        #expect(try map.importSample().status == 0)

        let csv = map.folder.path("map.csv")
        let exported = try map.glaneur([
            "export", "--db", map.location, "--format", "csv", "--excel", "-o", csv,
        ])
        #expect(exported.status == 0, "\(exported.standardError)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: csv)))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            .split(separator: "\n")
        #expect(lines.first?.hasPrefix("uid;name;") == true)
        // Phones in E.164 start with '+', which Excel would read as a formula.
        #expect(lines.dropFirst().contains { $0.contains(";'+32") })
        #expect(!lines.dropFirst().contains { $0.contains(";+32") })

        let geojson = try map.glaneur(["export", "--db", map.location, "--format", "geojson"])
        #expect(geojson.status == 0)
        let collection = try #require(try Self.json(geojson.standardOutput) as? [String: Any])
        #expect(collection["type"] as? String == "FeatureCollection")
        let features = try #require(collection["features"] as? [Any])
        #expect(features.count == lines.count - 1)

        let gpkg = map.folder.path("map.gpkg")
        let written = try map.glaneur([
            "export", "--db", map.location, "--format", "gpkg", "-o", gpkg,
        ])
        #expect(written.status == 0, "\(written.standardError)")
        let ogrinfo = try Self.tool("ogrinfo", ["-so", gpkg, "entities"])
        #expect(ogrinfo.status == 0)
        #expect(ogrinfo.output.contains("Feature Count: \(features.count)"))
        #expect(ogrinfo.output.contains("Geometry: Point"))
    }
}
