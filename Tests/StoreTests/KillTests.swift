import Foundation
import Glibc
import SQLiteKit
import Testing

@testable import Store

/// A load killed at any moment leaves the database as it was before the run, and the
/// same import run again completes it.
@Suite(.tags(.slow))
struct KillTests {
    static let rows = 3000

    @Test func aLoadKilledAtRandomPointsLeavesTheDatabaseWhole() throws {
        let folder = try TemporaryFolder()
        let run = RunBuilder(count: Self.rows).build()

        // How long a whole load takes here, to spread the kills over it.
        let clock = ContinuousClock()
        let microseconds = Self.microseconds(
            of: try clock.measure { try SQLiteStore(path: folder.path("timing.gpkg")).load(run) })

        var generator = SystemRandomNumberGenerator()
        var killedMidway = 0
        for attempt in 0..<5 {
            let path = folder.path("map-\(attempt).gpkg")
            // A first run is committed before the one that gets killed.
            try SQLiteStore(path: path).load(RunBuilder(count: 10, source: "earlier").build())

            // Within the first two thirds of a load's time, so that most kills land
            // mid-run even when the machine's load shifts between runs.
            let delay = Int.random(in: 0...(microseconds * 2 / 3), using: &generator)
            // Every other attempt builds the indexes in bulk, dropping and recreating
            // their triggers inside the run's transaction.
            let threshold = attempt % 2 == 0 ? 1000 : Int.max
            let wasKilled = Self.loadKilled(after: delay) {
                let store = try SQLiteStore(path: path)
                store.bulkThreshold = threshold
                try store.load(run)
            }
            if wasKilled { killedMidway += 1 }

            // The database is whole, and holds either the whole run or none of it.
            let store = try SQLiteStore(path: path)
            let check = try store.database.firstRow("PRAGMA integrity_check") { $0.text(0) }
            #expect(check == "ok")
            let runs = try store.runs()
            let count = try entities(of: store).count
            if runs.count == 1 {
                #expect(count == 10)
            } else {
                #expect(runs.count == 2)
                #expect(count == 10 + Self.rows)
            }

            let triggers = try store.database.rows(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%insert'"
            ) { $0.text(0) }
            #expect(Set(triggers) == ["entities_fts_insert", "rtree_entities_geom_insert"])

            // Running the import again completes it.
            try store.load(run)
            #expect(try entities(of: store).count == 10 + Self.rows)
            #expect(try store.search("ferme").count == 20)
            let indexed = try store.database.firstRow(
                "SELECT count(*) FROM rtree_entities_geom"
            ) { $0.int(0) }
            #expect(indexed == 10 + Self.rows)
        }
        // Most kills land in the middle of a load; at least one must have.
        #expect(killedMidway > 0)
    }

    /// The same on PostgreSQL: the server rolls back the transaction of a client that
    /// dies, whatever the load was doing, DDL of a bulk load included.
    @Test(.tags(.postgres), .enabled(if: Backend.tested.contains(.postgres)))
    func aPostgresLoadKilledAtRandomPointsLeavesTheDatabaseWhole() throws {
        let database = try TestDatabase(.postgres)
        let location = database.location
        let run = RunBuilder(count: Self.rows).build()
        let store = try PostgresStore(url: location)
        try store.load(RunBuilder(count: 10, source: "earlier").build())

        // How long a whole load takes here, measured in a schema of its own.
        let timing = try TestDatabase(.postgres)
        let clock = ContinuousClock()
        let microseconds = Self.microseconds(
            of: try clock.measure { try PostgresStore(url: timing.location).load(run) })

        let before = try Self.indexesAndConstraints(store)
        #expect(before.contains("entities_search"))
        #expect(before.contains("records_entity_fid_fkey"))

        var generator = SystemRandomNumberGenerator()
        var killedMidway = 0
        for attempt in 0..<4 {
            let delay = Int.random(in: 0...(microseconds * 2 / 3), using: &generator)
            let threshold = attempt % 2 == 0 ? 1000 : Int.max
            let wasKilled = Self.loadKilled(after: delay) {
                let store = try PostgresStore(url: location)
                store.bulkThreshold = threshold
                try store.load(run)
            }
            if wasKilled { killedMidway += 1 }

            // Whatever the server still has to roll back, a new load waits for it (the
            // write lock goes with the dead client's transaction), then sees either the
            // whole run or none of it.
            let check = try PostgresStore(url: location)
            let runs = try check.runs().filter { $0.status == "committed" }
            let count = try entities(of: check).count
            #expect(runs.count == 1 && count == 10 || runs.count == 2 && count == 10 + Self.rows)
            let report = try check.load(run)
            #expect(report.counts.new + report.counts.unchanged == Self.rows)
            #expect(try entities(of: check).count == 10 + Self.rows)
            // Every index and constraint a bulk load drops is back.
            #expect(try Self.indexesAndConstraints(check) == before)
            #expect(try check.search("ferme").count == 20)
            // Back to the first run, newest first, so that every attempt starts alike.
            let committed = try check.runs().filter { $0.status == "committed" }
            for summary in committed.dropFirst().reversed() {
                try check.revert(runID: summary.id)
            }
            #expect(try entities(of: check).count == 10)
        }
        #expect(killedMidway > 0)
    }

    /// The names of the indexes and constraints of the entities and records tables.
    static func indexesAndConstraints(_ store: PostgresStore) throws -> Set<String> {
        let result = try store.connection.query(
            """
            SELECT indexname FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename IN ('entities', 'records')
            UNION SELECT conname FROM pg_constraint
            WHERE conrelid IN ('entities'::regclass, 'records'::regclass)
            """)
        return Set((0..<result.count).compactMap { result.text($0, 0) })
    }

    static func microseconds(of duration: Duration) -> Int {
        Int(duration.components.seconds * 1_000_000)
            + Int(duration.components.attoseconds / 1_000_000_000_000)
    }

    /// Runs `load` in a child process and kills it after `delay` microseconds; true when
    /// the kill, not the end of the load, ended the child.
    static func loadKilled(after delay: Int, _ load: () throws -> Void) -> Bool {
        let child = fork()
        if child == 0 {
            // The child loads and leaves at once, running no test machinery.
            _exit((try? load()) == nil ? 1 : 0)
        }
        #expect(child > 0, "fork failed: errno \(errno)")
        usleep(UInt32(delay))
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        return (status & 0x7F) == SIGKILL
    }
}
