import Foundation
import GlaneurCore
import Testing

@testable import Store

/// Full-text search over names and localities answers the same on SQLite (FTS5) and on
/// PostgreSQL (a `tsvector` under a GIN index): whole words, accents and case ignored,
/// French and Dutch alike, user text never read as query syntax.
@Suite(.tags(.postgres))
struct SearchTests {
    /// French and Dutch producers, with the accents, apostrophes and quotes partners write.
    static func run() -> RunInput {
        var builder = RunBuilder()
        builder.rows = [
            (key: "1", name: "La Ferme du Bois"), (key: "2", name: "Élevage des Prés"),
            (key: "3", name: "Le Potager \"Bio\""), (key: "4", name: "Boerderij 't Zonnehof"),
            (key: "5", name: "Hoeve De Kroon"), (key: "6", name: "Chèvrerie de l'Abbaye"),
        ]
        var run = builder.build()
        run.entities[2].fields.locality = "Wavre"
        run.entities[3].fields.locality = "Gent"
        run.entities[4].fields.locality = "Kortrijk"
        run.entities[5].fields.locality = "Orval"
        return run
    }

    /// Opens the database with its bulk threshold, so that both ways of building the
    /// index are searched: row by row, or all at once after the rows.
    static func open(_ database: TestDatabase, bulkThreshold: Int) throws -> any MapStore {
        let store = try database.open()
        if let sqlite = store as? SQLiteStore { sqlite.bulkThreshold = bulkThreshold }
        if let postgres = store as? PostgresStore { postgres.bulkThreshold = bulkThreshold }
        return store
    }

    static let cases: [(query: String, expected: Set<String>)] = [
        ("ferme bois", ["La Ferme du Bois"]),
        ("ELEVAGE", ["Élevage des Prés"]),
        ("pres", ["Élevage des Prés"]),
        ("namur", ["La Ferme du Bois", "Élevage des Prés"]),
        ("wavre", ["Le Potager \"Bio\""]),
        ("\"bio", ["Le Potager \"Bio\""]),
        ("zonnehof gent", ["Boerderij 't Zonnehof"]),
        ("KROON", ["Hoeve De Kroon"]),
        ("chevrerie abbaye", ["Chèvrerie de l'Abbaye"]),
        ("mer", []),
        ("ferme kortrijk", []),
        ("'); DROP TABLE entities;--", []),
        ("\" OR 1=1 --", []),
        ("  ", []),
    ]

    @Test(arguments: Backend.tested, [1, Int.max])
    func searchFindsWholeWordsIgnoringAccentsAndCase(_ backend: Backend, threshold: Int)
        throws
    {
        let database = try TestDatabase(backend)
        let store = try Self.open(database, bulkThreshold: threshold)
        try store.load(Self.run())
        for (query, expected) in Self.cases {
            let found = Set(try store.search(query).map(\.fields.name))
            #expect(found == expected, "search \"\(query)\" on \(backend)")
        }
        // The injection-shaped queries found nothing and harmed nothing.
        #expect(try entities(of: store).count == 6)
    }

    @Test(arguments: Backend.tested)
    func theBestMatchComesFirstAndTheLimitHolds(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 30)
        builder.rows[7].name = "Ferme Ferme Ferme"
        try store.load(builder.build())
        let found = try store.search("ferme", limit: 5)
        #expect(found.count == 5)
        #expect(found.first?.fields.name == "Ferme Ferme Ferme")
        #expect(try store.search("ferme", limit: 100).count == 30)
    }

    @Test(arguments: Backend.tested)
    func searchFollowsUpdatesAndReverts(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 2)
        try store.load(builder.build())
        builder.rows[0].name = "Chèvrerie du Moulin"
        let update = try store.load(builder.build())
        #expect(try store.search("chevrerie").map(\.uid) == ["partner:e-0"])
        #expect(try store.search("ferme 0").isEmpty)
        _ = try store.revert(runID: update.runID ?? 0)
        #expect(try store.search("chevrerie").isEmpty)
        #expect(try store.search("ferme 0").map(\.uid) == ["partner:e-0"])
        // SQLite's external-content FTS5 index must still agree with the entities.
        if let sqlite = store as? SQLiteStore {
            let check = try sqlite.database.firstRow(
                "INSERT INTO entities_fts(entities_fts, rank) VALUES ('integrity-check', 1)"
            ) { _ in 0 }
            #expect(check == nil)
        }
    }

    @Test func searchWordsAreFoldedDistinctAndSortedWithTheirPositions() {
        let lexemes = SearchWords.lexemes(name: "Ferme du Bois-Joli", locality: "BOIS")
        #expect(lexemes.map(\.word) == ["bois", "du", "ferme", "joli"])
        #expect(lexemes.map(\.positions) == [[3, 5], [2], [1], [4]])
        #expect(
            SearchWords.lexemes(name: "Œufs & Élevage", locality: nil).map(\.word)
                == ["elevage", "oeufs"])
        #expect(
            SearchWords.query("Chèvrerie de l'Abbaye") == "'chevrerie' & 'de' & 'l' & 'abbaye'")
        #expect(SearchWords.query(" -- ") == nil)
    }

    @Test(.enabled(if: Backend.tested.contains(.postgres)))
    func aPostgresMapWithoutSearchWordsGetsThemWhenOpened() throws {
        let database = try TestDatabase(.postgres)
        var builder = RunBuilder(count: 3)
        let first = try PostgresStore(url: database.location)
        try first.load(builder.build())
        builder.rows[0].name = "Chèvrerie du Moulin"
        let update = try first.load(builder.build())
        // Back to schema version 3, as a Glaneur that let the server parse the names
        // left it: no column, an index over the server's parsing.
        try first.connection.execute(
            """
            ALTER TABLE entities DROP COLUMN search;
            ALTER TABLE entity_history DROP COLUMN search;
            CREATE INDEX entities_search ON entities
                USING gin (to_tsvector('simple', name || ' ' || coalesce(locality, '')));
            DELETE FROM glaneur_migrations WHERE version = 4;
            """)

        let reopened = try PostgresStore(url: database.location)
        #expect(try reopened.search("chevrerie").map(\.uid) == ["partner:e-0"])
        #expect(try reopened.search("ferme").count == 2)
        // The history got its words too: a revert brings back searchable names.
        _ = try reopened.revert(runID: update.runID ?? 0)
        #expect(try reopened.search("chevrerie").isEmpty)
        #expect(try reopened.search("ferme").count == 3)
    }

    @Test(.enabled(if: Backend.tested.contains(.postgres)))
    func postgresSearchUsesItsIndex() throws {
        let database = try TestDatabase(.postgres)
        let store = try PostgresStore(url: database.location)
        store.bulkThreshold = 1
        try store.load(RunBuilder(count: 50).build())
        // With sequential scans priced out, a plan that cannot use the index says so.
        try store.connection.execute("SET enable_seqscan = off")
        let plan = try store.connection.query(
            """
            EXPLAIN SELECT fid FROM entities e
            WHERE e.search @@ CAST('ferme' AS tsquery)
            """)
        let lines = (0..<plan.count).compactMap { plan.text($0, 0) }.joined(separator: "\n")
        #expect(lines.contains("entities_search"), "\(lines)")
    }
}
