import CSQLite

/// A failure reported by SQLite, with what is needed to act on it: the result code, SQLite's
/// own message, and the statement that failed.
///
/// Bound values are left out of the description on purpose: they may hold personal data
/// (names, phone numbers) that should not reach logs.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`…).
    public var resultCode: Int32 { extendedResultCode & 0xFF }
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`…).
    public var extendedResultCode: Int32
    /// SQLite's explanation, or the generic text of the code.
    public var message: String
    /// The SQL being prepared or run, when there was one.
    public var sql: String?

    public init(extendedResultCode: Int32, message: String? = nil, sql: String? = nil) {
        self.extendedResultCode = extendedResultCode
        self.message = message ?? String(cString: sqlite3_errstr(extendedResultCode))
        self.sql = sql
    }

    /// Reads the last error of a connection.
    init(connection: OpaquePointer?, code: Int32, sql: String?) {
        var message: String?
        if let connection, let text = sqlite3_errmsg(connection) {
            message = String(cString: text)
        }
        self.init(extendedResultCode: code, message: message, sql: sql)
    }

    /// Whether another connection holds the lock the statement needed.
    public var isBusy: Bool {
        resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED
    }

    /// Whether a UNIQUE, NOT NULL, CHECK or foreign key constraint refused the change.
    public var isConstraintViolation: Bool { resultCode == SQLITE_CONSTRAINT }

    public var description: String {
        var text = "SQLite error \(resultCode)"
        if extendedResultCode != resultCode { text += " (extended \(extendedResultCode))" }
        text += ": \(message)"
        if let sql { text += " — while running: \(sql)" }
        return text
    }
}
