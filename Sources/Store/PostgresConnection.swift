import CPostgres
import Foundation

/// A connection to PostgreSQL through libpq. It owns its `PGconn` and closes it in
/// `deinit`; it is used from one thread at a time.
///
/// Parameters travel apart from the SQL text (`PQexecParams`), in PostgreSQL's text
/// format, so that no value is ever read as SQL.
final class PostgresConnection {
    private let handle: OpaquePointer
    /// How many cursors `forEachRow` has opened, to name each one apart.
    private var cursors = 0

    /// Connects with a `postgresql://` URL.
    ///
    /// - throws: `StoreError` with libpq's explanation (server down, wrong database…).
    init(url: String) throws {
        guard let connection = PQconnectdb(url) else {
            throw StoreError("cannot connect to PostgreSQL: libpq is out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(of: connection)
            PQfinish(connection)
            throw StoreError(
                "cannot connect to PostgreSQL at \(Self.redacted(url)): \(message)")
        }
        handle = connection
        // Notices such as "relation already exists, skipping" are not for the user.
        try execute("SET client_min_messages = warning")
    }

    deinit {
        PQfinish(handle)
    }

    /// The URL without its password, for messages.
    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"),
            let colon = url[scheme.upperBound..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }

    fileprivate static func message(of connection: OpaquePointer?) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown error" }
        return String(cString: text).trimmingTrailingNewlines()
    }

    /// A text array in PostgreSQL's literal form, for `= ANY($1)`: each item in double
    /// quotes, with backslashes before quotes and backslashes inside it.
    static func arrayLiteral(_ items: some Sequence<String>) -> String {
        // Byte by byte: a planning lookup sends a million uids this way, and walking
        // them as `Character`s is several times slower.
        var literal: [UInt8] = [UInt8(ascii: "{")]
        for item in items {
            if literal.count > 1 { literal.append(UInt8(ascii: ",")) }
            literal.append(UInt8(ascii: "\""))
            for byte in item.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    literal.append(UInt8(ascii: "\\"))
                }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }

    /// Runs SQL without parameters (several statements allowed).
    func execute(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one statement with parameters (`$1`, `$2`…) and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresResult {
        let result = withCStrings(parameters) { pointers in
            PQexecParams(
                handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        do {
            try check(result, sql: sql)
        } catch {
            PQclear(result)
            throw error
        }
        return PostgresResult(result)
    }

    /// Takes `count` consecutive keys from the sequence of `table.column` and returns
    /// the first: one statement instead of a `nextval` per row of a COPY.
    ///
    /// `nextval` and `setval` are two steps: a connection inserting into the table outside
    /// Glaneur in between could take a key of the block, and the COPY would then fail on
    /// the primary key, writing nothing. Glaneur's own writers cannot, since they hold
    /// the write lock. Like any sequence, the block is not given back by a rollback.
    func reserveKeys(_ count: Int, of table: String, _ column: String) throws -> Int64 {
        guard count > 0 else { return 0 }
        let sequence = "pg_get_serial_sequence('\(table)', '\(column)')"
        let last = try query(
            "SELECT setval(\(sequence), nextval(\(sequence)) + $1 - 1)", [String(count)]
        ).int64(0, 0)
        return last - Int64(count) + 1
    }

    /// Runs a query through a cursor and calls `body` with each row, fetching `batchSize`
    /// rows at a time, so that memory holds one batch however many rows there are.
    ///
    /// Outside a transaction the rows come from one snapshot (`REPEATABLE READ`); inside
    /// one, from the transaction's. `body` may read through the same connection, nested
    /// reads included: each read has a cursor of its own.
    func forEachRow(
        _ sql: String, _ parameters: [String?] = [], batchSize: Int,
        _ body: (PostgresResult, Int) throws -> Void
    ) throws {
        let ownsTransaction = PQtransactionStatus(handle) == PQTRANS_IDLE
        if ownsTransaction { try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
        cursors += 1
        let cursor = "glaneur_rows_\(cursors)"
        defer {
            if ownsTransaction { try? execute("ROLLBACK") } else { try? execute("CLOSE \(cursor)") }
        }
        try query("DECLARE \(cursor) NO SCROLL CURSOR FOR \(sql)", parameters)
        while true {
            let batch = try query("FETCH \(batchSize) FROM \(cursor)")
            for row in 0..<batch.count { try body(batch, row) }
            if batch.count < batchSize { break }
        }
    }

    /// Streams rows into a table with `COPY … FROM STDIN` in text format.
    ///
    /// - parameter body: appends rows to the buffer; it is sent in large chunks.
    func copy(_ sql: String, _ body: (inout CopyBuffer) throws -> Void) throws {
        try copyData(sql) { send in
            var buffer = CopyBuffer(send: send)
            try body(&buffer)
            try buffer.flush()
        }
    }

    /// Runs a `COPY … FROM STDIN` statement, with `produce` sending its data through the
    /// function it is given. An error thrown by `produce` ends the COPY with a failure,
    /// so that the server discards every row, and is the one reported.
    func copyData(
        _ sql: String,
        _ produce: (_ send: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let start = PQexec(handle, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start, sql: sql)
            throw StoreError("PostgreSQL did not start COPY for: \(sql)")
        }
        PQclear(start)
        let connection = handle
        var failure: Error?
        do {
            try produce { bytes in
                let code = PQputCopyData(
                    connection, bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                    Int32(bytes.count))
                guard code == 1 else {
                    throw StoreError("COPY failed: \(Self.message(of: connection))")
                }
            }
        } catch {
            failure = error
        }
        let end = PQputCopyEnd(handle, failure == nil ? nil : "client failed")
        guard end == 1 else { throw StoreError("COPY failed: \(Self.message(of: handle))") }
        var outcome: Error? = failure
        while let result = PQgetResult(handle) {
            if outcome == nil {
                do { try check(result, sql: sql) } catch { outcome = error }
            }
            PQclear(result)
        }
        if let outcome { throw outcome }
    }

    /// Runs `body` in a transaction: commit on success, rollback on error.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            // The first error is the one worth reporting.
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func check(_ result: OpaquePointer?, sql: String) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN:
            return
        default:
            let text = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
            let message = text.isEmpty ? Self.message(of: handle) : text
            let firstLine = sql.split(separator: "\n").first.map(String.init) ?? sql
            throw StoreError(
                "PostgreSQL: \(message.trimmingTrailingNewlines()) — while running: "
                    + firstLine.trimmingCharactersLeadingSpaces())
        }
    }
}

/// The rows of a query, read as text.
final class PostgresResult {
    private let handle: OpaquePointer?

    init(_ handle: OpaquePointer?) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    var count: Int { Int(PQntuples(handle)) }

    var columnCount: Int { Int(PQnfields(handle)) }

    /// The rows changed by an INSERT, UPDATE or DELETE.
    var changes: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    func text(_ row: Int, _ column: Int) -> String? {
        guard PQgetisnull(handle, Int32(row), Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    func int(_ row: Int, _ column: Int) -> Int {
        text(row, column).flatMap { Int($0) } ?? 0
    }

    func int64(_ row: Int, _ column: Int) -> Int64 {
        text(row, column).flatMap { Int64($0) } ?? 0
    }

    func double(_ row: Int, _ column: Int) -> Double? {
        text(row, column).flatMap { Double($0) }
    }
}

/// Rows for `COPY … FROM STDIN` in text format: tab between columns, `\N` for NULL,
/// backslash escapes for tabs, line ends and backslashes in values
/// (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.2).
struct CopyBuffer {
    private let send: (UnsafeRawBufferPointer) throws -> Void
    private var bytes: [UInt8] = []
    private var startsRow = true

    fileprivate init(send: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.send = send
        bytes.reserveCapacity(1 << 20)
    }

    mutating func field(_ text: String?) {
        if !startsRow { bytes.append(0x09) }
        startsRow = false
        guard let text else {
            bytes.append(contentsOf: [0x5C, 0x4E])  // \N
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            default: bytes.append(byte)
            }
        }
    }

    mutating func field(_ value: Int64) { field(String(value)) }
    mutating func field(_ value: Int) { field(String(value)) }
    mutating func field(_ value: Double?) { field(value.map { String($0) }) }

    mutating func endRow() throws {
        bytes.append(0x0A)
        startsRow = true
        if bytes.count >= 1 << 20 { try flush() }
    }

    fileprivate mutating func flush() throws {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { try send($0) }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Keeps C strings alive for the duration of a libpq call.
private func withCStrings<T>(
    _ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T
) -> T {
    let copies = strings.map { $0.flatMap { strdup($0) } }
    defer { for copy in copies { free(copy) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }

    fileprivate func trimmingCharactersLeadingSpaces() -> String {
        String(drop(while: { $0 == " " }))
    }
}
