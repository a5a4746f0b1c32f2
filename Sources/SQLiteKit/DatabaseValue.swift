import CSQLite

/// A value as SQLite stores it: one of its five storage classes.
public enum DatabaseValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that can be bound to a statement parameter.
///
/// Binding goes straight to the C API without boxing, so that bulk inserts stay fast.
public protocol DatabaseBindable {
    /// Binds the value at a 1-based parameter index and returns SQLite's result code.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

extension Int: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension Int64: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, self)
    }
}

extension Int32: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int(statement, index, self)
    }
}

extension Bool: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int(statement, index, self ? 1 : 0)
    }
}

extension Double: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_double(statement, index, self)
    }
}

extension String: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        // SQLITE_TRANSIENT: SQLite copies the bytes, which only live during this call.
        var text = self
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // An empty string may have no storage; a null pointer would bind NULL.
                guard let base = chars.baseAddress else {
                    let empty: CChar = 0
                    return withUnsafePointer(to: empty) {
                        sqlite3_bind_text(statement, index, $0, 0, glaneur_sqlite_transient())
                    }
                }
                return sqlite3_bind_text(
                    statement, index, base, Int32(chars.count), glaneur_sqlite_transient())
            }
        }
    }
}

extension Substring: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        String(self).bind(to: statement, at: index)
    }
}

extension Array: DatabaseBindable where Element == UInt8 {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        withUnsafeBytes { bytes in
            // A zero-length blob is bound as such, not as NULL: a null base address
            // would make SQLite store NULL.
            sqlite3_bind_blob(
                statement, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                Int32(bytes.count), glaneur_sqlite_transient())
        }
    }
}

extension Optional: DatabaseBindable where Wrapped: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .none: sqlite3_bind_null(statement, index)
        case .some(let value): value.bind(to: statement, at: index)
        }
    }
}

extension DatabaseValue: DatabaseBindable {
    public func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .null: sqlite3_bind_null(statement, index)
        case .integer(let value): value.bind(to: statement, at: index)
        case .real(let value): value.bind(to: statement, at: index)
        case .text(let value): value.bind(to: statement, at: index)
        case .blob(let value): value.bind(to: statement, at: index)
        }
    }
}
