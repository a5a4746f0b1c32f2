import CSQLite

/// A connection to one SQLite database file.
///
/// The connection owns its `sqlite3` handle and closes it when the last reference goes
/// away. It is used from one thread at a time; open one connection per thread.
///
/// ```swift
/// let database = try Database(path: "map.sqlite")
/// try database.execute("CREATE TABLE IF NOT EXISTS place(id INTEGER PRIMARY KEY, name TEXT)")
/// try database.transaction {
///     let insert = try database.cachedStatement("INSERT INTO place(name) VALUES (?)")
///     for name in ["Wavre", "Namur"] { try insert.execute(name) }
/// }
/// ```
public final class Database {
    /// How the file is opened.
    public enum Mode: Sendable {
        /// Read and write; the file is created when missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only.
        case readOnly
    }

    /// The path the connection was opened with (`:memory:` for a private in-memory one).
    public let path: String
    let handle: OpaquePointer
    private var statementCache: [String: Statement] = [:]
    private var tracer: Tracer?

    /// Process-wide settings, made before the first connection opens.
    private static let configureOnce: Void = {
        _ = glaneur_sqlite_skip_memory_statistics()
    }()

    /// Opens (and by default creates) a database.
    ///
    /// - parameter busyTimeout: how long, in seconds, a statement waits for another
    ///   connection's lock before failing with `SQLITE_BUSY`.
    /// - throws: `DatabaseError` when the file cannot be opened.
    public init(
        path: String,
        mode: Mode = .readWriteCreate,
        busyTimeout: Double = 5
    ) throws(DatabaseError) {
        _ = Database.configureOnce
        var flags: Int32 = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            // A handle is usually returned even on failure, and must be closed.
            let error = DatabaseError(
                connection: connection, code: code, sql: nil)
            sqlite3_close_v2(connection)
            throw DatabaseError(
                extendedResultCode: error.extendedResultCode,
                message: "cannot open \(path): \(error.message)")
        }
        self.path = path
        self.handle = connection

        // Extended codes tell a UNIQUE violation from a NOT NULL one.
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, Int32((busyTimeout * 1000).rounded()))
    }

    deinit {
        statementCache.removeAll()
        if tracer != nil {
            sqlite3_trace_v2(handle, 0, nil, nil)
        }
        // close_v2 defers the close until statements still referenced elsewhere are
        // finalized, instead of failing with SQLITE_BUSY.
        sqlite3_close_v2(handle)
    }

    // MARK: - Running SQL

    /// Runs one or more statements separated by semicolons, without parameters.
    public func execute(_ sql: String) throws(DatabaseError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) }
            sqlite3_free(message)
            throw DatabaseError(
                extendedResultCode: sqlite3_extended_errcode(handle),
                message: text, sql: sql)
        }
    }

    /// Compiles a statement that the caller owns.
    public func makeStatement(_ sql: String) throws(DatabaseError) -> Statement {
        try Statement(connection: handle, sql: sql)
    }

    /// A statement compiled once per connection and reused, keyed by its SQL text.
    ///
    /// A statement whose last run failed is compiled afresh.
    public func cachedStatement(_ sql: String) throws(DatabaseError) -> Statement {
        if let statement = statementCache[sql], !statement.hasFailed {
            statement.reset()
            return statement
        }
        let statement = try makeStatement(sql)
        statementCache[sql] = statement
        return statement
    }

    /// The number of statements in the cache.
    public var cachedStatementCount: Int { statementCache.count }

    /// Runs one statement with parameters, through the statement cache.
    public func execute(_ sql: String, _ values: any DatabaseBindable...) throws(DatabaseError) {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        while try statement.step() {}
        statement.reset()
    }

    /// Runs a query and maps each row.
    public func rows<T>(
        _ sql: String,
        _ values: any DatabaseBindable...,
        transform: (Row) throws -> T
    ) throws -> [T] {
        let statement = try cachedStatement(sql)
        var result: [T] = []
        try statement.forEachRow(values) { result.append(try transform($0)) }
        return result
    }

    /// Runs a query and reads its first row, if any.
    public func firstRow<T>(
        _ sql: String,
        _ values: any DatabaseBindable...,
        transform: (Row) throws -> T
    ) throws -> T? {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() ? try transform(statement.row) : nil
    }

    /// The rowid of the last row inserted by this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: - Settings

    /// The journal modes worth choosing between.
    public enum JournalMode: String, Sendable {
        case delete, truncate, persist, memory, off
        /// Write-ahead log: readers do not block the writer nor the writer the readers.
        case wal
    }

    /// Sets the journal mode and returns the one SQLite reports.
    ///
    /// An in-memory database stays in `memory` mode whatever is asked.
    @discardableResult
    public func setJournalMode(_ mode: JournalMode) throws -> String {
        try firstRow("PRAGMA journal_mode = \(mode.rawValue)") { $0.text(0) } ?? ""
    }

    /// Sets how long a statement waits for another connection's lock, in seconds.
    public func setBusyTimeout(_ seconds: Double) {
        sqlite3_busy_timeout(handle, Int32((seconds * 1000).rounded()))
    }

    /// Turns foreign-key enforcement on or off (SQLite's default is off).
    public func setForeignKeys(_ enabled: Bool) throws(DatabaseError) {
        try execute("PRAGMA foreign_keys = \(enabled ? "ON" : "OFF")")
    }

    // MARK: - Tracing

    /// Calls `body` with the SQL text of each statement as it starts to run, or stops
    /// tracing when `body` is nil. Bound values appear as `?`.
    public func trace(_ body: ((String) -> Void)?) {
        guard let body else {
            sqlite3_trace_v2(handle, 0, nil, nil)
            tracer = nil
            return
        }
        let tracer = Tracer(body)
        self.tracer = tracer
        let context = Unmanaged.passUnretained(tracer).toOpaque()
        sqlite3_trace_v2(
            handle, UInt32(SQLITE_TRACE_STMT),
            { _, context, statement, _ in
                guard let context, let statement else { return 0 }
                let tracer = Unmanaged<Tracer>.fromOpaque(context).takeUnretainedValue()
                if let sql = sqlite3_sql(OpaquePointer(statement)) {
                    tracer.body(String(cString: sql))
                }
                return 0
            }, context)
    }

    /// Keeps the trace closure alive for as long as SQLite may call it.
    private final class Tracer {
        let body: (String) -> Void
        init(_ body: @escaping (String) -> Void) { self.body = body }
    }
}
