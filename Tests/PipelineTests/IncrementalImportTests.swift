import Foundation
import GlaneurCore
import Resolve
import Testing

@testable import Pipeline
@testable import Store

/// Importing one partner's list, then another's that lists some of the same producers
/// under other names and phone formats: the second list's duplicates join the entities
/// already on the map, and every step can be undone.
@Suite("Importing against the map's entities", .serialized)
struct IncrementalImportTests {
    static let listA = """
        Ref;Nom;Adresse;CP;Localité;Tél;E-mail
        A1;Ferme du Bosquet;Rue du Bosquet 12;5310;Éghezée;081 51 12 34;bosquet@ferme.be
        A2;Les Jardins de Wasseiges;Rue de Hannut 4;4219;Wasseiges;019 69 91 20;jardins@wasseiges.be
        A3;Chèvrerie de la Hesbaye;Chaussée de Namur 88;5030;Gembloux;081 61 44 02;chevres@hesbaye.be
        A4;Brasserie du Pays Noir;Rue du Charbon 7;6000;Charleroi;071 32 10 55;info@paysnoir.be
        A5;Verger Lambotte;Rue des Pommiers 3;4280;Hannut;019 51 77 80;lambotte@verger.be
        A6;Miellerie Sainte-Anne;Rue de l'Église 21;5150;Floreffe;081 44 55 66;miel@sainteanne.be
        """

    /// Three producers of list A under other names and phone formats, and two new ones.
    static let listB = """
        name,street,postcode,city,phone,email
        Fme du Bosquet,Rue du Bosquet 12,5310,Eghezee,+32 81 51 12 34,
        Jardins de Wasseiges,Rue de Hannut 4,4219,Wasseiges,019/69.91.20,jardins@wasseiges.be
        Chevrerie Hesbaye (SRL),Chaussée de Namur 88,5030,Gembloux,0032 81 61 44 02,
        Boulangerie du Moulin,Rue du Moulin 2,5000,Namur,081 22 33 44,pain@moulin.be
        Potager des Trois Chênes,Rue Haute 40,1300,Wavre,010 24 24 24,potager@troischenes.be
        """

    /// A map database for one test: a SQLite file, or a schema of its own in the test
    /// PostgreSQL database (`GLANEUR_TEST_POSTGRES_URL`; skipped without it).
    final class Map {
        let folder: URL
        let location: String
        private var schema: String?

        init(postgres: Bool) throws {
            folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("glaneur-incremental-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            guard postgres, let url = Self.postgresURL else {
                location = folder.appendingPathComponent("map.gpkg").path
                return
            }
            let name = "incremental_" + UUID().uuidString.prefix(8).lowercased()
            try PostgresConnection(url: url).execute("CREATE SCHEMA \(name)")
            schema = name
            let separator = url.contains("?") ? "&" : "?"
            location = url + separator + "options=-c%20search_path%3D\(name)%2Cpublic"
        }

        static var postgresURL: String? {
            ProcessInfo.processInfo.environment["GLANEUR_TEST_POSTGRES_URL"]
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// Runs a pipeline over one list and returns the report of its run.
        @discardableResult
        func importList(_ file: String, source: String, priority: Int = 1) throws -> RunReport {
            let pipeline = try write(
                "\(source).json5",
                """
                { name: "\(source)",
                  sources: [{ path: "\(file)", partner: "\(source)", priority: \(priority),
                              delivery: "full" }],
                  normalize: { default_country: "BE" },
                  dedupe: { match_threshold: 0.9, review_band: [0.6, 0.9] } }
                """)
            var runner = PipelineRunner(spec: try PipelineSpec.load(path: pipeline))
            runner.database = location
            runner.threads = 2
            return try #require(try runner.run().report)
        }

        func store() throws -> any MapStore { try openMapStore(location, create: false) }

        /// Each active record's entity, by `source/key`.
        func entityOfRecord() throws -> [String: String] {
            let store = try store()
            var result: [String: String] = [:]
            for source in ["partner-a", "partner-b"] {
                let index = try #require(store as? any EntityIndexReading)
                for (key, record) in try index.indexedRecords(source: source) {
                    result["\(source)/\(key)"] = record.entityUID
                }
            }
            return result
        }

        /// The index's tables as text, to compare two states of the map.
        func indexState() throws -> [String] {
            let store = try store()
            let tables: EntityIndexTables
            if let sqlite = store as? SQLiteStore {
                tables = sqlite.indexTables
            } else {
                tables = try #require(store as? PostgresStore).indexTables
            }
            let queries = [
                "SELECT source, source_key, entity_uid, form, block_keys FROM index_records",
                "SELECT block_key, name_order FROM index_keys",
                "SELECT token, documents FROM index_tokens",
                "SELECT value, records FROM index_values",
                "SELECT name, value FROM index_totals WHERE value <> 0",
                "SELECT run_id FROM index_models",
            ]
            return try queries.flatMap { sql in
                try tables.connection.rows(sql, []).map {
                    $0.columns.map { $0 ?? "null" }.joined(separator: "|")
                }.sorted()
            }
        }

        /// The entity a record is linked to in the map's `records` table.
        func linkedEntity(source: String, key: String) throws -> String? {
            let store = try store()
            let tables =
                try (store as? SQLiteStore)?.indexTables
                ?? #require(store as? PostgresStore).indexTables
            return try tables.connection.rows(
                """
                SELECT e.uid FROM records r JOIN entities e ON e.fid = r.entity_fid
                WHERE r.source = ?1 AND r.source_key = ?2
                """, [.text(source), .text(key)]
            ).first?.text(0)
        }

        func activeEntities() throws -> [String] {
            var uids: [String] = []
            try store().forEachEntity(includeInactive: false) { uids.append($0.uid) }
            return uids.sorted()
        }

        deinit {
            try? FileManager.default.removeItem(at: folder)
            if let schema, let url = Self.postgresURL,
                let admin = try? PostgresConnection(url: url)
            {
                try? admin.execute("DROP SCHEMA \(schema) CASCADE")
            }
        }
    }

    static let backends: [Bool] = Map.postgresURL == nil ? [false] : [false, true]

    @Test(arguments: backends)
    func duplicatesInALaterListJoinTheEntitiesOnTheMap(postgres: Bool) throws {
        let map = try Map(postgres: postgres)
        let fileA = try map.write("a.csv", Self.listA)
        let fileB = try map.write("b.csv", Self.listB)

        let first = try map.importList(fileA, source: "partner-a", priority: 2)
        #expect(first.counts.new == 6)
        let entitiesA = try map.activeEntities()
        let recordsA = try map.entityOfRecord()
        #expect(entitiesA.count == 6)
        let stateA = try map.indexState()

        // B: three duplicates attach to A's entities, two producers are new.
        let second = try map.importList(fileB, source: "partner-b")
        #expect(second.counts.new == 2)
        #expect(second.counts.merged == 3)
        #expect(try map.activeEntities().count == 8)
        let records = try map.entityOfRecord()
        for (record, entity) in recordsA { #expect(records[record] == entity) }
        let entityOfB = records.filter { $0.key.hasPrefix("partner-b/") }
        let joined = entityOfB.values.filter { entitiesA.contains($0) }
        #expect(joined.count == 3)
        let secondID = try #require(second.runID)
        let detail = try #require(try map.store().run(id: secondID))
        let attached = detail.events.filter { $0.kind == .attach }
        #expect(attached.count == 3)
        #expect(attached.allSatisfy { $0.score >= 0.9 && !$0.reasons.isEmpty })
        #expect(Set(attached.map(\.entityUID)).isSubset(of: entitiesA))
        #expect(detail.events.filter { $0.kind == .new }.count == 2)
        // Golden records say where each field came from: the name from the partner with
        // the higher priority.
        let index = try #require(try map.store() as? any EntityIndexReading)
        let farm = try #require(recordsA["partner-a/A1"])
        #expect(try index.fieldSources(of: farm)["name"] == "partner-a/A1")
        #expect(try index.fieldSources(of: farm)["phones"] == "partner-a/A1")

        // B again: nothing changes, nothing is matched again.
        let stateB = try map.indexState()
        let again = try map.importList(fileB, source: "partner-b")
        #expect(again.counts.unchanged == 5)
        #expect(again.counts.new + again.counts.merged + again.counts.updated == 0)
        #expect(again.counts.entitiesCreated + again.counts.entitiesUpdated == 0)
        let againID = try #require(again.runID)
        #expect(try map.store().run(id: againID)?.events.isEmpty == true)
        #expect(try map.indexState() == stateB)

        // Reverting B's runs, newest first, gives back A's map and A's index.
        try map.store().revert(runID: againID)
        try map.store().revert(runID: secondID)
        #expect(try map.activeEntities() == entitiesA)
        #expect(try map.entityOfRecord() == recordsA)
        #expect(try map.indexState() == stateA)
    }

    @Test(arguments: backends)
    func aChangedRecordIsMatchedAgainAndKeepsItsEntityWhenItStaysAlone(postgres: Bool)
        throws
    {
        let map = try Map(postgres: postgres)
        let file = try map.write("a.csv", Self.listA)
        try map.importList(file, source: "partner-a")
        let before = try map.entityOfRecord()

        // A new phone for one farm: its record changes, its entity stays.
        _ = try map.write(
            "a.csv", Self.listA.replacingOccurrences(of: "081 44 55 66", with: "081 44 55 67"))
        let update = try map.importList(file, source: "partner-a")
        #expect(update.counts.updated == 1)
        #expect(update.counts.unchanged == 5)
        let after = try map.entityOfRecord()
        #expect(Set(after.values) == Set(before.values))
        #expect(after.count == before.count)
    }

    @Test(arguments: backends)
    func aNoMatchAnswerKeepsTwoRecordsApartFromTheNextRunOn(postgres: Bool) throws {
        let map = try Map(postgres: postgres)
        let fileA = try map.write("a.csv", Self.listA)
        let fileB = try map.write("b.csv", Self.listB)
        try map.importList(fileA, source: "partner-a", priority: 2)
        try map.importList(fileB, source: "partner-b")
        let farm = try #require(try map.entityOfRecord()["partner-a/A1"])
        let index = try #require(try map.store() as? any EntityIndexReading)
        let duplicate = try #require(
            try index.indexedRecords(source: "partner-b").values.first {
                $0.fields.name.contains("Bosquet")
            })
        #expect(duplicate.entityUID == farm)

        // A person says the two are different producers; saying it twice changes nothing.
        let identity = "partner-b/\(duplicate.sourceKey)"
        let answer = ReviewDecision(
            first: "partner-a/A1", second: identity, isMatch: false, reviewer: "test")
        #expect(try index.importReviewDecisions([answer]) == 1)
        #expect(try index.importReviewDecisions([answer]) == 0)
        #expect(try index.reviewDecisions() == [answer])

        // The next import splits them, though it sends nothing new.
        let split = try map.importList(fileB, source: "partner-b")
        #expect(split.counts.updated == 1)
        #expect(split.counts.entitiesCreated == 1)
        let after = try map.entityOfRecord()
        #expect(after["partner-a/A1"] == farm)
        let apart = try #require(after[identity])
        #expect(apart != farm)
        #expect(try map.linkedEntity(source: "partner-b", key: duplicate.sourceKey) == apart)
        let splitID = try #require(split.runID)
        let events = try #require(try map.store().run(id: splitID)).events
        #expect(events.contains { $0.kind == .split && $0.entityUID == farm })
        #expect(try map.activeEntities().count == 9)

        // And later imports keep them apart without asking again.
        let again = try map.importList(fileB, source: "partner-b")
        #expect(again.counts.unchanged == 5)
        #expect(again.counts.updated + again.counts.entitiesCreated == 0)
        #expect(try map.entityOfRecord() == after)
    }

    @Test func aMapWrittenBeforeTheIndexIndexesRecordsAsTheyAreSentAgain() throws {
        let map = try Map(postgres: false)
        let fileA = try map.write("a.csv", Self.listA)
        try map.importList(fileA, source: "partner-a", priority: 2)
        let entitiesA = try map.activeEntities()
        // As a map written before the index: records and entities, an empty index.
        let sqlite = try #require(try map.store() as? SQLiteStore)
        try sqlite.database.execute(
            """
            DELETE FROM index_records; DELETE FROM index_keys; DELETE FROM index_tokens;
            DELETE FROM index_values; DELETE FROM index_totals; DELETE FROM index_models;
            DELETE FROM index_field_sources;
            """)

        let again = try map.importList(fileA, source: "partner-a", priority: 2)
        #expect(again.counts.unchanged == 6)
        #expect(again.counts.entitiesCreated + again.counts.entitiesUpdated == 0)
        #expect(try map.activeEntities() == entitiesA)
        #expect(try map.entityOfRecord().count == 6)

        let fileB = try map.write("b.csv", Self.listB)
        let second = try map.importList(fileB, source: "partner-b")
        #expect(second.counts.merged == 3)
        #expect(second.counts.new == 2)
    }

    /// Twenty mills, one of them "Moulin Dubois Lavaux", then a list that names that one
    /// "Dubois Lavaux": "moulin" is a common word on the map, so the two names are nearly
    /// the same to a batch over both lists, and must be to the attach too.
    @Test func aStoredNameIsWeighedByTheMapsCountsAsInOneBatch() throws {
        let postcodes = ["5000;Namur", "4000;Liège", "6000;Charleroi", "7000;Mons"]
        var mills = ["Ref;Nom;Adresse;CP;Localité;Tél;E-mail"]
        for number in 0..<20 {
            let surname = ["Ansiaux", "Bertrand", "Collard", "Delvaux", "Evrard"][number % 5]
            let village = ["Haut", "Bas", "Neuf", "Vieux"][number / 5]
            mills.append(
                "M\(number);Moulin \(village) \(surname);Rue du Canal \(number + 1);"
                    + "\(postcodes[number % 4]);081 \(30 + number) 12 12;m\(number)@mills.be")
        }
        mills.append(
            "M20;Moulin Dubois Lavaux;Rue de Lavaux 3;5310;Éghezée;081 51 77 77;"
                + "lavaux@dubois.be")
        let newcomer = """
            name,street,postcode,city,phone,email
            Dubois Lavaux,Rue de Lavaux 3,5310,Éghezée,081 51 77 77,lavaux@dubois.be
            """

        // The name level the attach gave, and the one one batch over both lists gives.
        func nameLevel(_ map: Map, run: Int64) throws -> String? {
            let events = try #require(try map.store().run(id: run)).events
            let link = events.first { $0.kind == .attach }
            return link?.reasons.first?.split(separator: ";")
                .first { $0.contains("name:") }
                .map { $0.trimmingCharacters(in: .whitespaces) }?
                .split(separator: " ").dropLast().joined(separator: " ")
        }
        let twoRuns = try Map(postgres: false)
        try twoRuns.importList(twoRuns.write("a.csv", mills.joined(separator: "\n")), source: "a")
        let attach = try twoRuns.importList(twoRuns.write("b.csv", newcomer), source: "b")
        let attached = try nameLevel(twoRuns, run: #require(attach.runID))

        let oneRun = try Map(postgres: false)
        let both =
            mills
            + newcomer.split(separator: "\n").dropFirst().map {
                "N1;" + $0.split(separator: ",").joined(separator: ";")
            }
        let batch = try oneRun.importList(
            oneRun.write("all.csv", both.joined(separator: "\n")), source: "a")
        let batched = try nameLevel(oneRun, run: #require(batch.runID))

        #expect(batched == "name: tokens nearly all alike")
        #expect(attached == batched)
    }

    @Test func firstImportMatchesAsTheWholeListDeduplicatedAtOnce() throws {
        let map = try Map(postgres: false)
        let both = try map.write(
            "both.csv",
            Self.listA + "\n"
                + Self.listB.split(separator: "\n").dropFirst().enumerated().map {
                    "B\($0.offset + 1);"
                        + $0.element.split(separator: ",", omittingEmptySubsequences: false)
                        .joined(separator: ";")
                }.joined(separator: "\n"))
        let report = try map.importList(both, source: "partner-a")
        #expect(report.counts.new == 8)
        #expect(report.counts.merged == 3)
    }
}
