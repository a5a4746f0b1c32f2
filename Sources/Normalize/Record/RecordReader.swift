import GlaneurCore
import Glibc

/// Reads one NDJSON line of `glaneur read` straight into a `ProducerRecord`, without the
/// `JSONValue` tree that `JSONParser` and `ProducerRecord(json:)` build and throw away.
///
/// It reads the shape that `ProducerRecord.writeJSON` writes: one object of provenance,
/// canonical fields (a scalar or an array of scalars), `fields` (scalars, nulls and arrays
/// of scalars) and `warnings` (flat objects). Anything else, a string with an escape, or a
/// syntax error, gives nil, and the caller reads the line through `JSONParser` and
/// `ProducerRecord(json:)`, which give the same record, or the error to report. The member
/// rules are those of `ProducerRecord(json:)`: provenance, `fields` and `warnings` from
/// their first occurrence, a canonical field from its last non-null one.
struct RecordReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// The canonical field values read so far, in order; a source field holding the same
    /// text as one of them shares its storage instead of allocating its own.
    private var values: [(Field, [String])] = []

    /// Whether a `fields` object already written as `JSONWriter` would write it is kept
    /// as bytes (`rawSourceFields`) rather than read into the record.
    private var keepsRawSourceFields = false
    /// The bytes of the `fields` object kept, within the line.
    private var rawSourceFields: Range<Int>?

    /// The record on the line, or nil when the line must go through the general parser.
    static func read(_ line: UnsafeBufferPointer<UInt8>) -> ProducerRecord? {
        var reader = RecordReader(bytes: line)
        return reader.readRecord()
    }

    /// The record on the line and, when its `fields` object is in the form that writing
    /// its source fields back would give, that object's bytes within the line, the
    /// record's `sourceFields` then left empty: a normaliser that only copies the source
    /// fields to its output copies the bytes instead of reading and writing each field.
    static func readKeepingSourceFields(_ line: UnsafeBufferPointer<UInt8>)
        -> (record: ProducerRecord, sourceFields: Range<Int>?)?
    {
        var reader = RecordReader(bytes: line)
        reader.keepsRawSourceFields = true
        guard let record = reader.readRecord() else { return nil }
        return (record, reader.rawSourceFields)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // Room for the fields a record usually holds, allocated once.
        values.reserveCapacity(16)
    }

    /// A scalar as `JSONValue.scalarText` gives it; nil for null.
    private enum Scalar {
        case text(String)
        case null
    }

    private mutating func readRecord() -> ProducerRecord? {
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return nil }
        var source: String?
        var file: String?
        var row: Int??
        var line: Int??
        var sourceFields: [SourceField]?
        var warnings: [RecordWarning]?

        skipWhitespace()
        if !consume(UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard let key = readKey() else { return nil }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                switch key {
                case .fields:
                    if keepsRawSourceFields, sourceFields == nil,
                        let raw = skipWrittenSourceFields()
                    {
                        rawSourceFields = raw
                        sourceFields = []
                        break
                    }
                    guard let fields = readSourceFields() else { return nil }
                    if sourceFields == nil { sourceFields = fields }
                case .warnings:
                    guard let read = readWarnings() else { return nil }
                    if warnings == nil { warnings = read }
                case .field(let field):
                    guard let read = readFieldValue() else { return nil }
                    if let read { values.append((field, read)) }
                case .other:
                    guard readScalar() != nil else { return nil }
                case .source, .file, .row, .line:
                    // A null provenance member: the general path reports it.
                    guard case .text(let text) = readScalar() else { return nil }
                    switch key {
                    case .source: if source == nil { source = text }
                    case .file: if file == nil { file = text }
                    case .row: if row == nil { row = Int(text) }
                    default: if line == nil { line = Int(text) }
                    }
                }
                skipWhitespace()
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { return nil }
        }
        skipWhitespace()
        guard position == bytes.count, let source, let file, let row = row ?? nil,
            let line = line ?? nil
        else { return nil }

        var record = ProducerRecord(
            provenance: Provenance(source: source, file: file, row: row, line: line),
            sourceFields: sourceFields ?? [], warnings: warnings ?? [])
        for (field, strings) in values { record.setValues(strings, for: field) }
        return record
    }

    /// The top-level members a record may hold.
    private enum Key {
        case source, file, row, line, fields, warnings
        case field(Field)
        /// A member that is none of the above, skipped when its value is a scalar.
        case other
    }

    /// The top-level member names, as bytes, with what each names, by the length of the
    /// name: a name is compared only with those of its length.
    private static let keysByLength: [[(name: [UInt8], key: Key)]] = {
        let keys =
            [
                ("source", Key.source), ("file", .file), ("row", .row), ("line", .line),
                ("fields", .fields), ("warnings", .warnings),
            ].map { (Array($0.0.utf8), $0.1) }
            + Field.allCases.map { (Array($0.rawValue.utf8), .field($0)) }
        var table = Array(
            repeating: [(name: [UInt8], key: Key)](),
            count: (keys.map(\.0.count).max() ?? 0) + 1)
        for (name, key) in keys { table[name.count].append((name, key)) }
        return table
    }()

    /// A top-level member name, matched on its bytes without making a string of it.
    private mutating func readKey() -> Key? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
            // An escape, a control character or a byte above ASCII: no name of ours.
            if bytes[position] == UInt8(ascii: "\\") || bytes[position] < 0x20 { return nil }
            if bytes[position] >= 0x80 { return nil }
            position += 1
        }
        guard position < bytes.count else { return nil }
        let name = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        guard name.count < Self.keysByLength.count else { return .other }
        for (candidate, key) in Self.keysByLength[name.count] {
            let equal = candidate.withUnsafeBufferPointer {
                memcmp($0.baseAddress!, name.baseAddress!, name.count) == 0
            }
            if equal { return key }
        }
        return .other
    }

    /// A canonical field's value: its strings, `.some(nil)` for null, nil when the value
    /// is not a scalar or an array of scalars.
    private mutating func readFieldValue() -> [String]?? {
        if peek == UInt8(ascii: "[") {
            guard let items = readScalarArray() else { return nil }
            return .some(items)
        }
        guard let scalar = readScalar() else { return nil }
        guard case .text(let text) = scalar else { return .some(nil) }
        return .some([text])
    }

    private mutating func readSourceFields() -> [SourceField]? {
        guard consume(UInt8(ascii: "{")) else { return nil }
        var fields: [SourceField] = []
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return fields }
        repeat {
            skipWhitespace()
            guard let name = readString() else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            if peek == UInt8(ascii: "[") {
                guard let items = readScalarArray(sharing: true) else { return nil }
                fields.append(SourceField(name: name, value: .list(items)))
            } else {
                guard let scalar = readScalar(sharing: true) else { return nil }
                switch scalar {
                case .text(let text): fields.append(SourceField(name: name, value: .text(text)))
                case .null: fields.append(SourceField(name: name, value: .null))
                }
            }
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}")) ? fields : nil
    }

    /// Skips a `fields` object exactly as `NormalizedRecord.writeJSON` writes source fields
    /// (no white space; members whose value is null, a string, or an array of strings;
    /// strings without escapes, in valid UTF-8) and gives its bytes; nil, without moving,
    /// for any other object.
    private mutating func skipWrittenSourceFields() -> Range<Int>? {
        let start = position
        var high = false
        func string() -> Bool {
            guard consume(UInt8(ascii: "\"")) else { return false }
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") { return true }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return false }
                if byte >= 0x80 { high = true }
            }
            return false
        }
        func members() -> Bool {
            guard consume(UInt8(ascii: "{")) else { return false }
            if consume(UInt8(ascii: "}")) { return true }
            repeat {
                guard string(), consume(UInt8(ascii: ":")) else { return false }
                if literal("null") { continue }
                if consume(UInt8(ascii: "[")) {
                    if consume(UInt8(ascii: "]")) { continue }
                    repeat {
                        guard string() else { return false }
                    } while consume(UInt8(ascii: ","))
                    guard consume(UInt8(ascii: "]")) else { return false }
                } else {
                    guard string() else { return false }
                }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}"))
        }
        guard members(),
            !high || isValidUTF8(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        else {
            position = start
            return nil
        }
        return start..<position
    }

    /// Whether decoding the bytes as UTF-8 gives them back unchanged (nothing repaired).
    private func isValidUTF8(_ slice: UnsafeBufferPointer<UInt8>) -> Bool {
        var text = String(decoding: slice, as: UTF8.self)
        return text.withUTF8 { utf8 in
            utf8.count == slice.count
                && memcmp(utf8.baseAddress!, slice.baseAddress!, slice.count) == 0
        }
    }

    private mutating func readWarnings() -> [RecordWarning]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var warnings: [RecordWarning] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return warnings }
        repeat {
            skipWhitespace()
            guard consume(UInt8(ascii: "{")) else { return nil }
            var members: [(key: String, text: String?)] = []
            skipWhitespace()
            if !consume(UInt8(ascii: "}")) {
                repeat {
                    skipWhitespace()
                    guard let key = readString() else { return nil }
                    skipWhitespace()
                    guard consume(UInt8(ascii: ":")) else { return nil }
                    skipWhitespace()
                    guard let scalar = readScalar() else { return nil }
                    if case .text(let text) = scalar {
                        members.append((key, text))
                    } else {
                        members.append((key, nil))
                    }
                    skipWhitespace()
                } while consume(UInt8(ascii: ","))
                guard consume(UInt8(ascii: "}")) else { return nil }
            }
            // The first member of each name, as `JSONValue`'s subscript finds it.
            func text(_ key: String) -> String? {
                members.first { $0.key == key }?.text ?? nil
            }
            warnings.append(
                RecordWarning(
                    code: text("code") ?? "", column: text("column"),
                    message: text("message") ?? ""))
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? warnings : nil
    }

    /// An array of scalars, nulls dropped (as `compactMap(\.scalarText)` drops them).
    private mutating func readScalarArray(sharing: Bool = false) -> [String]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var items: [String] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return items }
        repeat {
            skipWhitespace()
            guard let scalar = readScalar(sharing: sharing) else { return nil }
            if case .text(let text) = scalar { items.append(text) }
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? items : nil
    }

    private mutating func readScalar(sharing: Bool = false) -> Scalar? {
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return readString(sharing: sharing).map(Scalar.text)
        case UInt8(ascii: "t"):
            return literal("true") ? .text("true") : nil
        case UInt8(ascii: "f"):
            return literal("false") ? .text("false") : nil
        case UInt8(ascii: "n"):
            return literal("null") ? .null : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return readNumber().map(Scalar.text)
        default:
            return nil
        }
    }

    /// A number's text as written, with the grammar `JSONParser` accepts.
    private mutating func readNumber() -> String? {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        guard digits() > 0 else { return nil }
        if consume(UInt8(ascii: ".")) {
            guard digits() > 0 else { return nil }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard digits() > 0 else { return nil }
        }
        return String(
            decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
            position += 1
        }
        return position - start
    }

    /// A string without escapes; nil for one with an escape, a control character or
    /// invalid UTF-8.
    ///
    /// - parameter sharing: return the storage of an equal canonical value read before.
    private mutating func readString(sharing: Bool = false) -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        let words = ByteScan.plainJSONStringWords(bytes, from: position)
        position = words.end
        var high: UInt64 = words.passedHigh ? 0x80 : 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == quote { break }
            if byte == backslash || byte < 0x20 { return nil }
            high |= UInt64(byte)
            position += 1
        }
        guard position < bytes.count else { return nil }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1

        if sharing, slice.count > 15, let shared = sharedString(equalTo: slice) { return shared }
        var text = String(decoding: slice, as: UTF8.self)
        if ByteScan.hasHigh(high) {
            // Decoding repairs invalid UTF-8, which changes the bytes.
            let isValid = text.withUTF8 { utf8 in
                utf8.count == slice.count
                    && memcmp(utf8.baseAddress!, slice.baseAddress!, slice.count) == 0
            }
            guard isValid else { return nil }
        }
        return text
    }

    /// A canonical value already read whose bytes are `slice`: source fields mostly repeat
    /// them, and sharing spares an allocation each.
    private func sharedString(equalTo slice: UnsafeBufferPointer<UInt8>) -> String? {
        for (_, strings) in values {
            for candidate in strings where candidate.utf8.count == slice.count {
                var candidate = candidate
                let equal = candidate.withUTF8 { utf8 in
                    memcmp(utf8.baseAddress!, slice.baseAddress!, slice.count) == 0
                }
                if equal { return candidate }
            }
        }
        return nil
    }

    // MARK: - Lexing

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        position = ByteScan.skippingJSONWhitespace(bytes, from: position)
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count,
            memcmp(bytes.baseAddress! + position, text.utf8Start, count) == 0
        else { return false }
        position += count
        return true
    }
}
