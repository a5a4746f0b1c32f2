import SQLiteKit
import Testing

@Suite struct StatementTests {
    @Test(arguments: [
        DatabaseValue.null, .integer(0), .integer(-42), .integer(Int64.max),
        .real(3.25), .real(-0.5), .text(""), .text("Liège – Luik 🐄"),
        .text("Robert'); DROP TABLE t;--"), .blob([]), .blob([0, 1, 255]),
    ])
    func valuesRoundTripWithTheirStorageClass(value: DatabaseValue) throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(v)")
        try database.execute("INSERT INTO t(v) VALUES (?)", value)
        let read = try database.firstRow("SELECT v FROM t") { $0.value(0) }
        #expect(read == value)
    }

    @Test func typedBindsAndReads() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
        let optional: String? = nil
        try database.execute(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
            7, 2.5, "Wavre", [UInt8](arrayLiteral: 9), optional)
        let row = try #require(
            try database.firstRow("SELECT * FROM t") {
                ($0.int(0), $0.double(1), $0.text(2), $0.blob(3), $0.optionalText(4), $0.isNull(4))
            })
        #expect(row.0 == 7)
        #expect(row.1 == 2.5)
        #expect(row.2 == "Wavre")
        #expect(row.3 == [9])
        #expect(row.4 == nil)
        #expect(row.5)
    }

    @Test func wrongNumberOfValuesIsAnError() throws {
        let database = try Database(path: ":memory:")
        #expect(throws: DatabaseError.self) {
            try database.execute("SELECT ?, ?", 1)
        }
    }

    @Test func mapReadsEveryRowAndTheStatementCanRunAgain() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(n INTEGER)")
        let insert = try database.makeStatement("INSERT INTO t(n) VALUES (?)")
        for n in 1...5 { try insert.execute(n) }
        let select = try database.makeStatement("SELECT n FROM t WHERE n > ? ORDER BY n")
        #expect(try select.map(2) { $0.int(0) } == [3, 4, 5])
        #expect(try select.map(4) { $0.int(0) } == [5])
        #expect(select.columnNames == ["n"])
    }

    @Test func syntaxErrorCarriesCodeMessageAndSQL() throws {
        let database = try Database(path: ":memory:")
        let error = try #require(throws: DatabaseError.self) {
            _ = try database.makeStatement("SELEC 1")
        }
        #expect(error.resultCode == 1)
        #expect(error.message.contains("syntax error"))
        #expect(error.sql == "SELEC 1")
        #expect(error.description.contains("SELEC 1"))
    }

    @Test func constraintViolationIsReportedWithExtendedCode() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        try database.execute("INSERT INTO t(name) VALUES (?)", "Namur")
        let error = try #require(throws: DatabaseError.self) {
            try database.execute("INSERT INTO t(name) VALUES (?)", "Namur")
        }
        #expect(error.isConstraintViolation)
        #expect(error.extendedResultCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error.message.contains("t.name"))
    }
}

@Suite struct StatementCacheTests {
    @Test func sameSQLReusesOneStatement() throws {
        let database = try Database(path: ":memory:")
        let first = try database.cachedStatement("SELECT 1")
        let second = try database.cachedStatement("SELECT 1")
        #expect(first === second)
        _ = try database.cachedStatement("SELECT 2")
        #expect(database.cachedStatementCount == 2)
    }

    @Test func failedStatementIsEvictedAndCompiledAgain() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)")
        let sql = "INSERT INTO t(id) VALUES (?)"
        let first = try database.cachedStatement(sql)
        try first.execute(1)
        #expect(throws: DatabaseError.self) { try first.execute(1) }
        #expect(first.hasFailed)

        let second = try database.cachedStatement(sql)
        #expect(second !== first)
        try second.execute(2)
        #expect(try database.firstRow("SELECT count(*) FROM t") { $0.int(0) } == 2)
    }
}
