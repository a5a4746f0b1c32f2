import Foundation
import SQLiteKit
import Store
import Testing

/// What only the SQLite map database does: full-text search, schema migrations, the
/// geocoding cache.
struct SQLiteStoreTests {
    @Test(arguments: [
        ("ferme bois", ["La Ferme du Bois"]),
        ("ELEVAGE", ["Élevage des Prés"]),
        ("namur", ["La Ferme du Bois", "Élevage des Prés"]),
        ("wavre", ["Le Potager \"Bio\""]),
        ("\"bio", ["Le Potager \"Bio\""]),
        ("mer", []),
    ])
    func fullTextSearchFindsNamesAndLocalities(query: String, expected: [String]) throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteStore(path: folder.path("map.gpkg"))
        var builder = RunBuilder()
        builder.rows = [
            (key: "1", name: "La Ferme du Bois"), (key: "2", name: "Élevage des Prés"),
            (key: "3", name: "Le Potager \"Bio\""),
        ]
        var run = builder.build()
        run.entities[2].fields.locality = "Wavre"
        try store.load(run)
        let found = try store.search(query).map(\.fields.name)
        #expect(Set(found) == Set(expected))
    }

    /// GIS clients read the map's extent from gpkg_contents: each run widens it by its
    /// own points, and a revert brings it back.
    @Test func theExtentCoversEveryRunAndFollowsARevert() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteStore(path: folder.path("map.gpkg"))
        func extent() throws -> [Double] {
            try store.database.firstRow(
                """
                SELECT min_x, min_y, max_x, max_y FROM gpkg_contents
                WHERE table_name = 'entities'
                """
            ) { row in (0..<4).map { row.optionalDouble($0) ?? .nan } } ?? []
        }

        // The first run's ten points lie on one meridian; the second's go north to the
        // end of that column and start the next one east (see `RunBuilder.location`).
        let (first, tenth) = (RunBuilder.location(0), RunBuilder.location(9))
        let (north, east) = (RunBuilder.location(999), RunBuilder.location(1000))
        try store.load(RunBuilder(count: 10).build())
        let narrow = [first.longitude, first.latitude, tenth.longitude, tenth.latitude]
        #expect(try extent() == narrow)

        let wider = try store.load(RunBuilder(count: 1001, source: "other").build())
        #expect(try extent() == [first.longitude, first.latitude, east.longitude, north.latitude])

        _ = try store.revert(runID: wider.runID ?? 0)
        #expect(try extent() == narrow)
    }

    @Test func migrationsRunOnceAndRefuseANewerSchema() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        try SQLiteStore(path: path).load(RunBuilder(count: 2).build())
        // Opening again migrates nothing and keeps the data.
        let reopened = try SQLiteStore(path: path)
        let versions = try reopened.database.rows("SELECT version FROM glaneur_migrations") {
            $0.int(0)
        }
        #expect(versions == [1, 2, 3])
        #expect(try entities(of: reopened).count == 2)

        try reopened.database.execute(
            "INSERT INTO glaneur_migrations VALUES (99, 'from the future', '2030-01-01')")
        #expect {
            try SQLiteStore(path: path)
        } throws: { error in
            "\(error)".contains("newer than this Glaneur knows")
        }
    }

    @Test func aMapWrittenBeforeTheEntityIndexGetsItWhenOpened() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        try SQLiteStore(path: path).load(RunBuilder(count: 2).build())
        // Back to version 1, as a Glaneur without the index left it.
        let old = try SQLiteStore(path: path)
        try old.database.execute(
            """
            DROP TABLE index_records; DROP TABLE index_keys; DROP TABLE index_tokens;
            DROP TABLE index_values; DROP TABLE index_totals; DROP TABLE index_models;
            DROP TABLE index_history; DROP TABLE index_field_sources;
            DROP TABLE review_decisions;
            CREATE TABLE review_decisions (
                id INTEGER PRIMARY KEY,
                event_id INTEGER NOT NULL REFERENCES match_events(id),
                decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'defer')),
                reviewer TEXT NOT NULL, note TEXT, decided TEXT NOT NULL);
            DELETE FROM glaneur_migrations WHERE version = 2;
            """)

        let reopened = try SQLiteStore(path: path)
        let versions = try reopened.database.rows("SELECT version FROM glaneur_migrations") {
            $0.int(0)
        }
        #expect(versions == [1, 2, 3])
        #expect(try entities(of: reopened).count == 2)
        #expect(try reopened.storedModel() == nil)
        let decision = ReviewDecision(
            first: "a/1", second: "b/2", isMatch: false, reviewer: "test")
        #expect(try reopened.importReviewDecisions([decision]) == 1)
        #expect(try reopened.reviewDecisions() == [decision])
    }

    @Test func aMapOfSchemaVersion2GetsAStatusIndexOfTheRareStatusesOnly() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        try SQLiteStore(path: path).load(RunBuilder(count: 2).build())
        let old = try SQLiteStore(path: path)
        try old.database.execute(
            """
            DROP INDEX entities_status;
            CREATE INDEX entities_status ON entities(status);
            DELETE FROM glaneur_migrations WHERE version = 3;
            """)

        let reopened = try SQLiteStore(path: path)
        let definition = try reopened.database.firstRow(
            "SELECT sql FROM sqlite_master WHERE name = 'entities_status'"
        ) { $0.text(0) }
        #expect(definition?.hasSuffix("WHERE status <> 'active'") == true)
        let plan = try reopened.database.rows(
            """
            EXPLAIN QUERY PLAN SELECT fid FROM entities
            WHERE status <> 'active' AND status = 'merged'
            """
        ) { $0.text(3) }
        #expect(plan.contains { $0.contains("INDEX entities_status") })
    }

    @Test func aMissingDatabaseIsAnErrorWhenNotCreating() throws {
        let folder = try TemporaryFolder()
        #expect {
            try SQLiteStore(path: folder.path("none.gpkg"), create: false)
        } throws: { error in
            "\(error)".contains("no map database at")
        }
    }

    @Test func geocodingAnswersAreCached() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteStore(path: folder.path("map.gpkg"))
        #expect(try store.cachedGeocode(query: "5000 namur", provider: "ban") == nil)
        let point = Location(
            latitude: 50.46, longitude: 4.87, precision: "locality", score: 0.8, provider: "ban")
        try store.cacheGeocode(
            query: "5000 namur", provider: "ban", location: point, label: "Namur")
        try store.cacheGeocode(query: "nowhere", provider: "ban", location: nil, label: "")
        let cached = try store.cachedGeocode(query: "5000 namur", provider: "ban")
        #expect(cached?.location == point)
        #expect(cached?.label == "Namur")
        let unplaced = try #require(try store.cachedGeocode(query: "nowhere", provider: "ban"))
        #expect(unplaced.location == nil)
    }
}
