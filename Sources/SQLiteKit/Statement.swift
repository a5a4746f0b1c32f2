import CSQLite

/// A prepared statement: SQL compiled once, run many times with new parameters.
///
/// ```swift
/// let insert = try database.cachedStatement("INSERT INTO place(id, name) VALUES (?, ?)")
/// try insert.execute(42, "Wavre")
/// ```
///
/// A statement belongs to its database and is used from one thread at a time. It is
/// finalized when the last reference goes away.
public final class Statement {
    /// The compiled statement; nil only for SQL that holds nothing but a comment.
    let handle: OpaquePointer?
    /// The SQL text, as given.
    public let sql: String
    /// Set when a step failed, so that a statement cache does not hand it out again in a
    /// state that SQLite's documentation leaves unspecified.
    public private(set) var hasFailed = false

    init(connection: OpaquePointer, sql: String) throws(DatabaseError) {
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let code = sql.withCString { text in
            sqlite3_prepare_v3(connection, text, -1, 0, &statement, &tail)
        }
        guard code == SQLITE_OK else {
            throw DatabaseError(connection: connection, code: code, sql: sql)
        }
        self.handle = statement
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The number of `?` parameters.
    public var parameterCount: Int {
        Int(sqlite3_bind_parameter_count(handle))
    }

    /// The number of columns in each result row.
    public var columnCount: Int {
        Int(sqlite3_column_count(handle))
    }

    /// The names of the result columns, in order.
    public var columnNames: [String] {
        (0..<Int32(columnCount)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    // MARK: - Binding

    /// Binds one value at a 1-based parameter index.
    public func bind(_ value: some DatabaseBindable, at index: Int) throws(DatabaseError) {
        guard let handle else { return }
        let code = value.bind(to: handle, at: Int32(index))
        guard code == SQLITE_OK else { throw error(code) }
    }

    /// Resets the statement and binds all its parameters, in order.
    ///
    /// - throws: when the number of values is not the number of parameters.
    public func bind(_ values: [any DatabaseBindable]) throws(DatabaseError) {
        reset()
        guard values.count == parameterCount else {
            throw DatabaseError(
                extendedResultCode: SQLITE_RANGE,
                message: "\(values.count) values for \(parameterCount) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: - Running

    /// Makes the statement ready to run again; bindings are kept.
    public func reset() {
        // The code returned repeats the last step's error, already reported then.
        sqlite3_reset(handle)
    }

    /// Runs the statement one step.
    ///
    /// - returns: true when a row is available (read it with `row`), false when done.
    @discardableResult
    public func step() throws(DatabaseError) -> Bool {
        guard let handle else { return false }
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        case let code:
            hasFailed = true
            let failure = error(code)
            sqlite3_reset(handle)
            throw failure
        }
    }

    /// The current row; valid until the next step or reset.
    public var row: Row { Row(handle: handle) }

    /// Binds the values, runs the statement to completion and resets it.
    public func execute(_ values: any DatabaseBindable...) throws(DatabaseError) {
        try bind(values)
        while try step() {}
        reset()
    }

    /// Binds the values and calls `body` with each result row.
    public func forEachRow(
        _ values: [any DatabaseBindable] = [],
        _ body: (Row) throws -> Void
    ) throws {
        try bind(values)
        defer { reset() }
        while try step() {
            try body(row)
        }
    }

    /// Binds the values and maps each result row.
    public func map<T>(
        _ values: any DatabaseBindable...,
        transform: (Row) throws -> T
    ) throws -> [T] {
        var result: [T] = []
        try forEachRow(values) { row in result.append(try transform(row)) }
        return result
    }

    /// Binds the values and reads the first row, if any.
    public func first<T>(
        _ values: any DatabaseBindable...,
        transform: (Row) throws -> T
    ) throws -> T? {
        try bind(values)
        defer { reset() }
        return try step() ? try transform(row) : nil
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(connection: sqlite3_db_handle(handle), code: code, sql: sql)
    }
}

/// The current result row of a statement, read by 0-based column index.
///
/// A row is a view on the statement: copy what you need before the next step.
public struct Row {
    let handle: OpaquePointer?

    public var count: Int { Int(sqlite3_column_count(handle)) }

    public func isNull(_ column: Int) -> Bool {
        sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL
    }

    /// The column as an integer; NULL reads as 0, as in SQLite.
    public func int(_ column: Int) -> Int {
        Int(sqlite3_column_int64(handle, Int32(column)))
    }

    public func int64(_ column: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(column))
    }

    /// The column as a number; NULL reads as 0.
    public func double(_ column: Int) -> Double {
        sqlite3_column_double(handle, Int32(column))
    }

    /// The column as text; NULL reads as the empty string.
    public func text(_ column: Int) -> String {
        optionalText(column) ?? ""
    }

    public func optionalText(_ column: Int) -> String? {
        guard let bytes = sqlite3_column_text(handle, Int32(column)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    public func optionalInt(_ column: Int) -> Int? {
        isNull(column) ? nil : int(column)
    }

    public func optionalDouble(_ column: Int) -> Double? {
        isNull(column) ? nil : double(column)
    }

    public func blob(_ column: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        guard let bytes = sqlite3_column_blob(handle, Int32(column)), count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column with its storage class.
    public func value(_ column: Int) -> DatabaseValue {
        switch sqlite3_column_type(handle, Int32(column)) {
        case SQLITE_INTEGER: .integer(int64(column))
        case SQLITE_FLOAT: .real(double(column))
        case SQLITE_TEXT: .text(text(column))
        case SQLITE_BLOB: .blob(blob(column))
        default: .null
        }
    }
}
