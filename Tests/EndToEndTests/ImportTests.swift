import Foundation
import Testing

@Suite("Importing pipelines, end to end")
struct ImportTests {
    static func pipeline(_ name: String) -> String {
        GlaneurProcess.packageRoot.appendingPathComponent("pipelines/\(name)").path
    }

    @Test func allPartnersMergeCrossListDuplicatesAndReimportChangesNothing() throws {
        let folder = try ScratchFolder()
        let database = folder.path("map.sqlite")
        let first = try GlaneurProcess.run(
            ["import", Self.pipeline("all-partners.json5"), "--db", database],
            in: GlaneurProcess.packageRoot)
        #expect(first.status == 0)
        #expect(first.standardError.contains("240      240        0 total"))
        #expect(first.standardError.contains("rows_read 240"))
        // The samples hold 240 rows for 168 producers.
        let entities = try #require(Self.count("entities_created", in: first.standardError))
        #expect(abs(entities - 168) <= 5)
        #expect(Self.count("merged", in: first.standardError) == 240 - entities)

        let second = try GlaneurProcess.run(
            ["import", Self.pipeline("all-partners.json5"), "--db", database],
            in: GlaneurProcess.packageRoot)
        #expect(second.status == 0)
        #expect(Self.count("unchanged", in: second.standardError) == 240)
        #expect(Self.count("entities_created", in: second.standardError) == 0)
    }

    @Test func dryRunWritesNothing() throws {
        let folder = try ScratchFolder()
        let database = folder.path("map.sqlite")
        let result = try GlaneurProcess.run(
            ["import", Self.pipeline("federation-wallonne.json5"), "--db", database, "--dry-run"],
            in: GlaneurProcess.packageRoot)
        #expect(result.status == 0)
        #expect(result.standardError.contains("dry run, nothing written"))
        #expect(Self.count("new", in: result.standardError) ?? 0 > 0)
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func aBrokenPipelineIsRefusedBeforeAnythingRuns() throws {
        let folder = try ScratchFolder()
        let path = try folder.write(
            "broken.json5",
            Array(
                """
                { name: "broken", sources: [{ path: "nowhere/*.csv", encodng: "cp1252" }],
                  dedupe: { match_threshold: 2 } }
                """.utf8))
        let result = try GlaneurProcess.run(["import", path, "--check"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("3 problems"))
        #expect(
            result.standardError.contains(
                "sources[0].encodng: unknown key; did you mean \"encoding\"?"))
        #expect(result.standardError.contains("sources[0].path: no file matches"))
        #expect(result.standardError.contains("dedupe.match_threshold"))
    }

    @Test func everyRunLeavesAReportAndEscapesWhatPartnersWrite() throws {
        let folder = try ScratchFolder()
        _ = try folder.write(
            "list.csv",
            Array(
                "Nom;CP;Localité\n<script>alert(1)</script>;5000;Namur\nFerme B;4000;Liège\n".utf8))
        let pipeline = try folder.write(
            "list.json5",
            Array("{ name: \"hostile\", sources: [{ path: \"list.csv\" }] }".utf8))
        let result = try GlaneurProcess.run(
            ["import", pipeline, "--db", folder.path("map.sqlite")])
        #expect(result.status == 0)

        let json = try folder.read("reports/hostile-run1.json")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(report["rows"] as? [String: Int])
        #expect(rows == ["read": 2, "records": 2, "rejects": 0])
        let html = try folder.read("reports/hostile-run1.html")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
    }

    /// The number after `name` in the summary's "map:" line.
    static func count(_ name: String, in text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("map:") }) else {
            return nil
        }
        for part in line.split(separator: ",") {
            let words = part.split(separator: " ")
            if let index = words.firstIndex(of: Substring(name)), index + 1 < words.count {
                return Int(words[index + 1])
            }
        }
        return nil
    }
}

@Suite("Logs for schedulers")
struct ImportLogTests {
    @Test func jsonLogsAreOneObjectALineWithEveryStageAndTheRunsFigures() throws {
        let folder = try ScratchFolder()
        let result = try GlaneurProcess.run(
            [
                "import", ImportTests.pipeline("federation-wallonne.json5"), "--db",
                folder.path("map.sqlite"), "--log-format", "json",
            ],
            in: GlaneurProcess.packageRoot)
        #expect(result.status == 0)
        // Nothing meant for a terminal: no progress line, no table.
        #expect(!result.standardError.contains("\r"))

        let lines = result.standardError.split(separator: "\n")
        let events = try lines.map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "not a JSON object: \(line)")
        }
        for event in events {
            #expect(event["time"] is String && event["level"] as? String == "info")
            #expect(event["message"] is String)
        }
        let names = events.compactMap { $0["event"] as? String }
        #expect(names.first == "run-started")
        #expect(names.suffix(2) == ["run-finished", "report-written"])
        let stages = events.filter { $0["event"] as? String == "stage-finished" }
            .compactMap { $0["stage"] as? String }
        #expect(stages == ["read", "normalise", "geocode", "deduplicate", "load"])

        let finished = try #require(events.first { $0["event"] as? String == "run-finished" })
        let rows = try #require(finished["rows"] as? Int)
        #expect(rows > 0)
        #expect(finished["run_id"] as? Int == 1)
        let new = try #require(finished["new"] as? Int)
        let merged = try #require(finished["merged"] as? Int)
        let rejects = try #require(finished["rejects"] as? Int)
        #expect(new + merged + rejects == rows)
    }

    @Test func errorsComeOutAsJSONToo() throws {
        let missing = try GlaneurProcess.run(
            ["import", "no-such-pipeline.json5", "--log-format", "json"])
        #expect(missing.status == 1)
        let error = try #require(
            try JSONSerialization.jsonObject(with: Data(missing.standardError.utf8))
                as? [String: Any])
        #expect(error["level"] as? String == "error")
        #expect(error["file"] as? String == "no-such-pipeline.json5")

        let usage = try GlaneurProcess.run(["import", "--log-format=json", "--dry-rnu", "x"])
        #expect(usage.status == 64)
        let problem = try #require(
            try JSONSerialization.jsonObject(with: Data(usage.standardError.utf8))
                as? [String: Any])
        #expect(problem["suggestion"] as? String == "'--dry-run'")

        let unknown = try GlaneurProcess.run(["import", "x.json5", "--log-format", "xml"])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("--log-format takes text or json, not 'xml'"))
    }
}
