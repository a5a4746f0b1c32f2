import Glibc

/// A JSON parser over UTF-8 bytes that reports errors by line and column.
///
/// It accepts RFC 8259 JSON. Partners' files are parsed whole (an API export is small);
/// NDJSON is parsed a line at a time by the caller.
public struct JSONParser {
    /// Parses one complete JSON text.
    ///
    /// - throws: `JSONSyntaxError` with the line and column of the first problem.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError)
        -> JSONValue
    {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error("unexpected text after the JSON value")
        }
        return value
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses one complete JSON text and notes where each element of one array starts,
    /// so that a reader can give every record its line.
    ///
    /// - parameter path: the object keys leading to the array; `[]` for a top-level
    ///   array.
    /// - returns: the value, and the byte offset of each element of that array.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, locatingElementsAt path: [String]
    ) throws(JSONSyntaxError) -> (JSONValue, [Int]) {
        var parser = JSONParser(bytes: bytes)
        parser.targetPath = path
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error("unexpected text after the JSON value")
        }
        return (value, parser.elementOffsets)
    }

    /// Nesting deeper than this is refused rather than risking the stack.
    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    /// Element locating: the path asked for, the keys above the current value (nil for
    /// an array level), and the offsets found.
    private var targetPath: [String]?
    private var currentPath: [String?] = []
    private var elementOffsets: [Int] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nesting too deep") }
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("unexpected character \(describe(bytes[position]))")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a member name in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw error("expected ':' after \"\(key)\"") }
            skipWhitespace()
            if targetPath != nil { currentPath.append(key) }
            let value = try parseValue(depth: depth + 1)
            if targetPath != nil { currentPath.removeLast() }
            members.append((key, value))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { return .object(members) }
            throw error("expected ',' or '}' in object")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        let isTarget =
            targetPath.map { target in
                currentPath.count == target.count
                    && zip(currentPath, target).allSatisfy { $0 == $1 }
            } ?? false
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(items) }
        if targetPath != nil { currentPath.append(nil) }
        defer { if targetPath != nil { currentPath.removeLast() } }
        while true {
            skipWhitespace()
            if isTarget { elementOffsets.append(position) }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { return .array(items) }
            throw error("expected ',' or ']' in array")
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        guard try consumeDigits() > 0 else { throw error("expected a digit") }
        if consume(UInt8(ascii: ".")) {
            guard try consumeDigits() > 0 else { throw error("expected a digit after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard try consumeDigits() > 0 else { throw error("expected a digit in exponent") }
        }
        return String(
            decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func consumeDigits() throws(JSONSyntaxError) -> Int {
        let start = position
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
            position += 1
        }
        return position - start
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1
        let start = position
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")

        // Fast path: no escapes, the bytes are the string. Eight bytes at a time while no
        // quote, backslash or control character shows, then byte by byte.
        let words = ByteScan.plainJSONStringWords(bytes, from: position)
        position = words.end
        var high: UInt8 = words.passedHigh ? 0x80 : 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == quote {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return try validatedString(slice, isASCII: high & 0x80 == 0, at: start)
            }
            if byte == backslash { break }
            if byte < 0x20 { throw error("control character in string; escape it as \\u") }
            high |= byte
            position += 1
        }

        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                let result = scratch.withUnsafeBufferPointer { buffer in
                    Result { () throws(JSONSyntaxError) in try validatedString(buffer, at: start) }
                }
                return try result.get()
            case UInt8(ascii: "\\"):
                position += 1
                try appendEscape(to: &scratch)
            case 0..<0x20:
                throw error("control character in string; escape it as \\u")
            default:
                scratch.append(byte)
                position += 1
            }
        }
        throw error("string never closed")
    }

    private mutating func appendEscape(to scratch: inout [UInt8]) throws(JSONSyntaxError) {
        guard position < bytes.count else { throw error("string never closed") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("lone surrogate in \\u escape") }
                position += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw error("invalid surrogate pair in \\u escape")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("lone surrogate in \\u escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            scratch.append(contentsOf: UTF8.encode(unicode)!)
        default:
            position -= 1
            throw error("invalid escape \\\(describe(byte))")
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hexadecimal digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// The string of UTF-8 bytes, or an error if they are not valid UTF-8.
    ///
    /// `String(decoding:)` on a buffer is the standard library's specialised path; the
    /// generic `String(validating:)` costs several times more. Decoding repairs invalid
    /// UTF-8 with U+FFFD, which changes the bytes: identical bytes mean valid input.
    private func validatedString(
        _ slice: UnsafeBufferPointer<UInt8>, isASCII: Bool = false, at start: Int
    ) throws(JSONSyntaxError) -> String {
        var decoded = String(decoding: slice, as: UTF8.self)
        if isASCII { return decoded }
        let isValid = decoded.withUTF8 { utf8 in
            utf8.count == slice.count
                && (slice.isEmpty
                    || memcmp(utf8.baseAddress!, slice.baseAddress!, slice.count) == 0)
        }
        guard isValid else { throw error("string is not valid UTF-8", at: start) }
        return decoded
    }

    // MARK: - Lexing helpers

    private mutating func skipWhitespace() {
        position = ByteScan.skippingJSONWhitespace(bytes, from: position)
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        let matches =
            position + count <= bytes.count
            && (0..<count).allSatisfy { bytes[position + $0] == literal.utf8Start[$0] }
        guard matches else { throw error("unexpected character \(describe(bytes[position]))") }
        position += count
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
    }

    private func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        // Columns count characters, not bytes, so that an editor lands on the right spot.
        let column =
            1
            + UnsafeBufferPointer(rebasing: bytes[lineStart..<offset])
            .reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return JSONSyntaxError(message: message, line: line, column: column, offset: offset)
    }
}

/// Malformed JSON, located as an editor shows it.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int
    /// The byte offset in the parsed text.
    public var offset: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}
