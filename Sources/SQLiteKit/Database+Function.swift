import CSQLite

extension Database {
    /// Registers a scalar SQL function on this connection, such as the `ST_MinX` that
    /// GeoPackage's spatial-index triggers call.
    ///
    /// ```swift
    /// try database.createFunction("twice", argumentCount: 1) { arguments in
    ///     .integer(arguments.int64(0) * 2)
    /// }
    /// ```
    ///
    /// - parameter deterministic: whether the same arguments always give the same result,
    ///   which lets SQLite use the function in indexes and factor calls out of loops.
    /// - throws: `DatabaseError` when SQLite refuses the registration.
    public func createFunction(
        _ name: String,
        argumentCount: Int32,
        deterministic: Bool = true,
        _ body: @escaping (FunctionArguments) -> DatabaseValue
    ) throws(DatabaseError) {
        let box = Unmanaged.passRetained(FunctionBox(body)).toOpaque()
        var flags = SQLITE_UTF8
        if deterministic { flags |= SQLITE_DETERMINISTIC }
        let code = sqlite3_create_function_v2(
            handle, name, argumentCount, flags, box,
            { context, count, values in
                guard let context, let user = sqlite3_user_data(context) else { return }
                let box = Unmanaged<FunctionBox>.fromOpaque(user).takeUnretainedValue()
                let result = box.body(FunctionArguments(count: Int(count), values: values))
                switch result {
                case .null: sqlite3_result_null(context)
                case .integer(let value): sqlite3_result_int64(context, value)
                case .real(let value): sqlite3_result_double(context, value)
                case .text(let value):
                    sqlite3_result_text(
                        context, value, -1, glaneur_sqlite_transient())
                case .blob(let bytes):
                    bytes.withUnsafeBytes {
                        sqlite3_result_blob(
                            context, $0.baseAddress, Int32($0.count),
                            glaneur_sqlite_transient())
                    }
                }
            },
            nil, nil,
            // SQLite calls this when the function is replaced or the connection closes.
            { user in
                guard let user else { return }
                Unmanaged<FunctionBox>.fromOpaque(user).release()
            })
        guard code == SQLITE_OK else {
            throw DatabaseError(connection: handle, code: code, sql: nil)
        }
    }

    /// Keeps a function's closure alive for as long as SQLite may call it.
    private final class FunctionBox {
        let body: (FunctionArguments) -> DatabaseValue
        init(_ body: @escaping (FunctionArguments) -> DatabaseValue) { self.body = body }
    }
}

/// The arguments of one call of a SQL function, read in place without copying.
public struct FunctionArguments {
    /// The number of arguments.
    public let count: Int
    let values: UnsafeMutablePointer<OpaquePointer?>?

    public func isNull(_ index: Int) -> Bool {
        sqlite3_value_type(values?[index]) == SQLITE_NULL
    }

    public func int64(_ index: Int) -> Int64 {
        sqlite3_value_int64(values?[index])
    }

    public func double(_ index: Int) -> Double {
        sqlite3_value_double(values?[index])
    }

    /// Lends the bytes of a blob argument, valid only during `body`.
    public func withBlob<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let value = values?[index]
        let count = Int(sqlite3_value_bytes(value))
        guard let bytes = sqlite3_value_blob(value), count > 0 else {
            return body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return body(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
