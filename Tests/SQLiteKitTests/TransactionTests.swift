import CSQLite
import SQLiteKit
import Testing

private struct BodyFailure: Error {}

@Suite struct TransactionTests {
    private func makeDatabase() throws -> (Database, TraceLog) {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        let log = TraceLog()
        database.trace { log.lines.append($0) }
        return (database, log)
    }

    @Test func commitsWhenTheBodyReturns() throws {
        let (database, log) = try makeDatabase()
        let count = try database.transaction {
            try database.execute("INSERT INTO t(n) VALUES (?)", 1)
            return database.changes
        }
        #expect(count == 1)
        #expect(!database.isInTransaction)
        #expect(log.lines.first == "BEGIN IMMEDIATE TRANSACTION")
        #expect(log.lines.last == "COMMIT TRANSACTION")
        #expect(try database.firstRow("SELECT count(*) FROM t") { $0.int(0) } == 1)
    }

    @Test func rollsBackAndRethrowsTheBodyError() throws {
        let (database, log) = try makeDatabase()
        #expect(throws: BodyFailure.self) {
            try database.transaction {
                try database.execute("INSERT INTO t(n) VALUES (?)", 1)
                throw BodyFailure()
            }
        }
        #expect(log.lines.last == "ROLLBACK TRANSACTION")
        #expect(try database.firstRow("SELECT count(*) FROM t") { $0.int(0) } == 0)
    }

    @Test func reportsTheFirstDatabaseError() throws {
        let (database, _) = try makeDatabase()
        let error = try #require(throws: DatabaseError.self) {
            try database.transaction {
                try database.execute("INSERT INTO t(n) VALUES (?)", 1)
                try database.execute("INSERT INTO t(n) VALUES (NULL)")
            }
        }
        #expect(error.isConstraintViolation)
        #expect(try database.firstRow("SELECT count(*) FROM t") { $0.int(0) } == 0)
    }

    @Test func noRollbackWhenSQLiteAlreadyEndedTheTransaction() throws {
        let (database, log) = try makeDatabase()
        #expect(throws: BodyFailure.self) {
            try database.transaction {
                // The body ends the transaction itself, as SQLite does after some errors.
                try database.execute("ROLLBACK")
                throw BodyFailure()
            }
        }
        #expect(log.lines.filter { $0.hasPrefix("ROLLBACK") } == ["ROLLBACK"])
    }

    @Test func savepointUndoesOnlyItsOwnWork() throws {
        let (database, _) = try makeDatabase()
        try database.transaction {
            try database.execute("INSERT INTO t(n) VALUES (?)", 1)
            try? database.savepoint {
                try database.execute("INSERT INTO t(n) VALUES (?)", 2)
                throw BodyFailure()
            }
        }
        #expect(try database.rows("SELECT n FROM t") { $0.int(0) } == [1])
    }
}

@Suite struct ConcurrencyTests {
    @Test func walModeIsPersistedInTheFile() throws {
        let temporary = try TemporaryDatabase()
        let database = try temporary.open()
        #expect(try database.setJournalMode(.wal) == "wal")
        let other = try temporary.open()
        #expect(try other.firstRow("PRAGMA journal_mode") { $0.text(0) } == "wal")
    }

    @Test func secondWriterGetsBusyAfterItsTimeout() throws {
        let temporary = try TemporaryDatabase()
        let writer = try temporary.open()
        try writer.setJournalMode(.wal)
        try writer.execute("CREATE TABLE t(n INTEGER)")
        let other = try temporary.open(busyTimeout: 0.05)

        try writer.execute("BEGIN IMMEDIATE")
        let error = try #require(throws: DatabaseError.self) {
            try other.transaction { try other.execute("INSERT INTO t VALUES (1)") }
        }
        #expect(error.isBusy)
        #expect(!other.isInTransaction)

        // A reader is not blocked by the writer in WAL mode.
        #expect(try other.firstRow("SELECT count(*) FROM t") { $0.int(0) } == 0)
        try writer.execute("COMMIT")
        try other.transaction { try other.execute("INSERT INTO t VALUES (1)") }
    }

    @Test func openingAMissingFileReadOnlyFailsWithThePath() throws {
        let temporary = try TemporaryDatabase()
        let error = try #require(throws: DatabaseError.self) {
            _ = try Database(path: temporary.path + ".missing", mode: .readOnly)
        }
        #expect(error.resultCode == SQLITE_CANTOPEN)
        #expect(error.message.contains(".missing"))
    }
}

final class TraceLog {
    var lines: [String] = []
}
