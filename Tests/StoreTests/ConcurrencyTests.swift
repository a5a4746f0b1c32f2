import Foundation
import SQLiteKit
import Testing

@testable import Store

/// Two imports at once never interleave: the second waits for the first, or fails with a
/// message saying why, having written nothing.
@Suite(.tags(.postgres))
struct ConcurrencyTests {
    @Test func aSecondSQLiteImportFailsClearlyWhenTheFirstHoldsOn() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        _ = try SQLiteStore(path: path)
        let first = try Database(path: path)
        try first.execute("BEGIN IMMEDIATE")
        defer { try? first.execute("ROLLBACK") }

        let second = try SQLiteStore(path: path, busyTimeout: 0.2)
        #expect {
            try second.load(RunBuilder(count: 3).build())
        } throws: { error in
            "\(error)".contains("another import is writing to \(path)")
        }
        try first.execute("ROLLBACK")
        #expect(try second.runs().isEmpty)
    }

    @Test func aSecondSQLiteImportWaitsForTheFirst() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        _ = try SQLiteStore(path: path)
        let first = try Database(path: path)
        try first.execute("BEGIN IMMEDIATE")
        try first.execute(
            "INSERT INTO runs (pipeline, mode, status, started) VALUES ('first', 'upsert', "
                + "'committed', '2026-01-01')")
        // The first import commits a little later, on another thread.
        nonisolated(unsafe) let holder = first
        let released = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            try? holder.execute("COMMIT")
            released.signal()
        }
        let second = try SQLiteStore(path: path, busyTimeout: 10)
        let report = try second.load(RunBuilder(count: 3).build())
        released.wait()
        #expect(report.counts.new == 3)
        #expect(try second.runs().map(\.pipeline) == ["first", "test"])
    }

    @Test(.enabled(if: Backend.tested.contains(.postgres)))
    func aSecondPostgresImportWaitsThenFailsClearly() throws {
        let database = try TestDatabase(.postgres)
        let store = try database.open()
        try store.load(RunBuilder(count: 2).build())

        // Another session holds the import lock.
        let holder = try PostgresConnection(url: database.location)
        try holder.execute("BEGIN")
        try holder.query("SELECT pg_advisory_xact_lock($1)", [String(PostgresStore.writeLock)])

        let impatient = try PostgresStore(url: database.location, lockTimeout: 1)
        #expect {
            try impatient.load(RunBuilder(count: 3).build())
        } throws: { error in
            "\(error)".contains("another import is writing to")
        }

        // Once the lock is released, a patient import goes through.
        nonisolated(unsafe) let session = holder
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            try? session.execute("COMMIT")
        }
        let patient = try PostgresStore(url: database.location, lockTimeout: 10)
        let report = try patient.load(RunBuilder(count: 3).build())
        #expect(report.counts.new == 1)
        #expect(report.counts.unchanged == 2)
        #expect(try patient.runs().count == 2)
    }
}
