import CPostgres
import GlaneurCore

/// Rows for `COPY … FROM STDIN (FORMAT binary)`: each value goes as its binary form
/// behind its length, so that neither side formats, escapes or parses text: no number
/// becomes digits and back, no text is scanned for tabs and backslashes, and points go as
/// EWKB, the form PostGIS keeps them in
/// (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4).
///
/// Each value must have the exact type of its column: `bigint` is 8 bytes, `double
/// precision` 8, `boolean` 1; a mismatch fails the COPY with an "incorrect binary data
/// format" error rather than storing anything wrong.
///
/// ```swift
/// try connection.copyBinary("COPY runs_inputs (run_id, path) FROM STDIN (FORMAT binary)") {
///     rows in
///     rows.startRow()
///     rows.bigint(runID)
///     rows.text(path)
///     try rows.endRow()
/// }
/// ```
final class BinaryCopyRows {
    /// The bytes not yet handed to libpq.
    private var storage: UnsafeMutableRawPointer
    private var count = 0
    private var capacity: Int
    /// Where the field count of the row being written goes, and how many it has so far.
    private var rowStart = 0
    private var fields: Int16 = 0
    /// A scratch writer for JSON columns, reused from row to row.
    private var json = JSONWriter(reservingCapacity: 4096)
    /// Sends a full buffer on; the COPY sets it.
    fileprivate var send: (UnsafeRawBufferPointer) throws -> Void

    /// From how many bytes the buffer is handed to libpq.
    static let chunkSize = 1 << 20

    fileprivate init(send: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        capacity = Self.chunkSize + 64 * 1024
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        self.send = send
        // The signature, a flags field with no flag set, and no header extension.
        append(bytes: [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00])
        append(UInt32(0))
        append(UInt32(0))
    }

    deinit {
        storage.deallocate()
    }

    // MARK: - Rows

    func startRow() {
        rowStart = count
        fields = 0
        append(Int16(0))
    }

    /// Ends the row, and sends the buffer on when it is full.
    func endRow() throws {
        storage.storeBytes(of: fields.bigEndian, toByteOffset: rowStart, as: Int16.self)
        if count >= Self.chunkSize { try flush() }
    }

    /// Ends the data with its trailer and sends what is left.
    fileprivate func finish() throws {
        append(Int16(-1))
        try flush()
    }

    private func flush() throws {
        guard count > 0 else { return }
        try send(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }

    // MARK: - Values

    func null() {
        fields += 1
        append(Int32(-1))
    }

    func text(_ value: String?) {
        guard var value else { return null() }
        value.withUTF8 { utf8 in
            field(length: utf8.count)
            append(UnsafeRawBufferPointer(utf8))
        }
    }

    func bigint(_ value: Int64?) {
        guard let value else { return null() }
        field(length: 8)
        append(value)
    }

    func bigint(_ value: Int) {
        bigint(Int64(value))
    }

    func double(_ value: Double?) {
        guard let value else { return null() }
        field(length: 8)
        append(value.bitPattern)
    }

    func boolean(_ value: Bool) {
        field(length: 1)
        append(bytes: [value ? 1 : 0])
    }

    /// A text column holding the JSON that `write` produces, written without a `String`
    /// in between.
    func json(_ write: (inout JSONWriter) -> Void) {
        json.removeAll()
        write(&json)
        json.withBytes { bytes in
            field(length: bytes.count)
            append(UnsafeRawBufferPointer(bytes))
        }
    }

    /// A `geometry(Point, 4326)` as EWKB: little-endian, the point type with the SRID
    /// flag (0x20000000), the SRID, then x and y.
    func point(longitude: Double, latitude: Double) {
        field(length: 25)
        ensure(25)
        storage.storeBytes(of: UInt8(1), toByteOffset: count, as: UInt8.self)
        storage.storeBytes(
            of: UInt32(0x2000_0001).littleEndian, toByteOffset: count + 1, as: UInt32.self)
        storage.storeBytes(of: UInt32(4326).littleEndian, toByteOffset: count + 5, as: UInt32.self)
        storage.storeBytes(
            of: longitude.bitPattern.littleEndian, toByteOffset: count + 9, as: UInt64.self)
        storage.storeBytes(
            of: latitude.bitPattern.littleEndian, toByteOffset: count + 17, as: UInt64.self)
        count += 25
    }

    /// A `tsvector` in its binary form: the number of words, then each word as UTF-8
    /// ending in a zero byte, its number of positions and the positions (weight D, the
    /// default, is zero in the two high bits). The words must be distinct and sorted.
    func tsvector(_ lexemes: [SearchWords.Lexeme]) {
        var length = 4
        for lexeme in lexemes {
            length += lexeme.word.utf8.count + 3 + 2 * lexeme.positions.count
        }
        field(length: length)
        append(Int32(lexemes.count))
        for lexeme in lexemes {
            var word = lexeme.word
            word.withUTF8 { append(UnsafeRawBufferPointer($0)) }
            append(UInt8(0))
            append(UInt16(lexeme.positions.count))
            for position in lexeme.positions { append(position) }
        }
    }

    // MARK: - Bytes

    private func field(length: Int) {
        fields += 1
        append(Int32(length))
    }

    @inline(__always)
    private func ensure(_ added: Int) {
        guard count + added > capacity else { return }
        let larger = max(capacity * 2, count + added)
        let grown = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 8)
        grown.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = grown
        capacity = larger
    }

    /// Appends an integer in network byte order.
    @inline(__always)
    private func append<Integer: FixedWidthInteger>(_ value: Integer) {
        ensure(MemoryLayout<Integer>.size)
        storage.storeBytes(of: value.bigEndian, toByteOffset: count, as: Integer.self)
        count += MemoryLayout<Integer>.size
    }

    private func append(bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    @inline(__always)
    private func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        ensure(bytes.count)
        (storage + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }
}

extension PostgresConnection {
    /// Streams rows into a table with `COPY … FROM STDIN (FORMAT binary)`.
    ///
    /// - parameter body: writes the rows; they are sent in chunks of about a megabyte.
    func copyBinary(_ sql: String, _ body: (BinaryCopyRows) throws -> Void) throws {
        try copyData(sql) { send in
            let rows = BinaryCopyRows(send: send)
            try body(rows)
            try rows.finish()
        }
    }
}
