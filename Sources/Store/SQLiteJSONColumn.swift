import CSQLite
import GlaneurCore
import SQLiteKit

/// Text bound straight from bytes that a `JSONWriter` holds, so that a bulk load builds
/// no `String` for its JSON columns: SQLite copies the bytes during the call
/// (`SQLITE_TRANSIENT`), and they are TEXT, as GIS tools expect a JSON column to be.
private struct BorrowedText: DatabaseBindable {
    let bytes: UnsafeBufferPointer<UInt8>

    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        // An empty buffer may have no address; a null pointer would bind NULL.
        let empty: UInt8 = 0
        return withUnsafePointer(to: empty) { fallback in
            let base = bytes.baseAddress ?? fallback
            return base.withMemoryRebound(to: CChar.self, capacity: max(bytes.count, 1)) {
                sqlite3_bind_text(
                    statement, index, $0, Int32(bytes.count), glaneur_sqlite_transient())
            }
        }
    }
}

extension Statement {
    /// Binds, as TEXT, the JSON that `write` produces in `scratch` (emptied first).
    func bindJSON(
        at index: Int, using scratch: inout JSONWriter, _ write: (inout JSONWriter) -> Void
    ) throws {
        scratch.removeAll()
        write(&scratch)
        try scratch.withBytes { bytes in try bind(BorrowedText(bytes: bytes), at: index) }
    }
}
