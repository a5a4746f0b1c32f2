/// Appends JSON to a byte buffer without going through `Encodable`.
///
/// Writing a million records through `JSONEncoder` costs more than reading them; this
/// writer appends escaped UTF-8 directly. Callers write the structure (braces, commas)
/// themselves through the small helpers below.
public struct JSONWriter {
    /// The bytes written, in a buffer of its own: appending to an `Array` a few bytes at
    /// a time costs more than the JSON itself. The header is only ever reached through
    /// its pointer: as a class property it would pay a dynamic exclusivity check, and
    /// `ManagedBuffer.capacity` asks malloc each time.
    ///
    /// The small appends are inlinable, so that a record's hundred or so pieces of
    /// structure are copied in place rather than each through a call into this module.
    @usableFromInline var storage: ManagedBuffer<Extent, UInt8>

    @usableFromInline
    struct Extent {
        @usableFromInline var count: Int
        @usableFromInline var capacity: Int
    }

    public init(reservingCapacity capacity: Int = 0) {
        storage = Self.makeStorage(capacity: max(capacity, 256))
    }

    /// How many bytes have been written.
    public var count: Int {
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count }
    }

    /// A copy of the bytes written.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// Lends the bytes written, without copying them.
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result)
        rethrows -> Result
    {
        try storage.withUnsafeMutablePointers { extent, elements in
            try body(UnsafeBufferPointer(start: elements, count: extent.pointee.count))
        }
    }

    public mutating func removeAll() {
        makeUnique()
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count = 0 }
    }

    // MARK: - Storage

    private static func makeStorage(capacity: Int) -> ManagedBuffer<Extent, UInt8> {
        ManagedBuffer<Extent, UInt8>.create(minimumCapacity: capacity) { _ in
            Extent(count: 0, capacity: capacity)
        }
    }

    /// Copies the storage if another writer shares it, so that writers behave as values.
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            grow(to: storage.withUnsafeMutablePointerToHeader { $0.pointee.capacity })
        }
    }

    @usableFromInline
    mutating func grow(to capacity: Int) {
        let larger = Self.makeStorage(capacity: capacity)
        storage.withUnsafeMutablePointers { oldExtent, old in
            larger.withUnsafeMutablePointers { newExtent, new in
                new.update(from: old, count: oldExtent.pointee.count)
                newExtent.pointee.count = oldExtent.pointee.count
            }
        }
        storage = larger
    }

    /// Appends `count` bytes from `source`.
    @inlinable @inline(__always)
    public mutating func append(_ source: UnsafePointer<UInt8>, count added: Int) {
        makeUnique()
        let (used, capacity) = storage.withUnsafeMutablePointerToHeader {
            ($0.pointee.count, $0.pointee.capacity)
        }
        if used + added > capacity { grow(to: max(capacity * 2, used + added)) }
        storage.withUnsafeMutablePointers { extent, elements in
            var cursor = JSONCursor(position: elements + used)
            cursor.bytes(UnsafeBufferPointer(start: source, count: added))
            extent.pointee.count = used + added
        }
    }

    @inline(__always)
    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        append(base, count: buffer.count)
    }

    // MARK: - Writing

    @inlinable @inline(__always)
    public mutating func raw(_ text: StaticString) {
        append(text.utf8Start, count: text.utf8CodeUnitCount)
    }

    @inlinable @inline(__always)
    public mutating func byte(_ byte: UInt8) {
        var byte = byte
        append(&byte, count: 1)
    }

    public mutating func integer(_ value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = value.magnitude
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                position -= 1
                buffer[position] = UInt8(ascii: "-")
            }
            let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + position
            append(start, count: buffer.count - position)
        }
    }

    /// Writes a JSON string from text.
    public mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { string($0) }
    }

    /// Writes a JSON string from bytes that are valid UTF-8.
    public mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) {
        // Quotes and contents in one reservation: a record writes some eighty strings.
        write(upTo: JSONCursor.maximumEscapedSize(utf8.count) + 2) { cursor in
            cursor.byte(UInt8(ascii: "\""))
            cursor.escaped(utf8)
            cursor.byte(UInt8(ascii: "\""))
        }
    }

    /// Writes the escaped contents of a JSON string, without its quotes, so that a string
    /// can be written in pieces.
    public mutating func stringContents(_ utf8: UnsafeBufferPointer<UInt8>) {
        write(upTo: JSONCursor.maximumEscapedSize(utf8.count)) { $0.escaped(utf8) }
    }

    /// Reserves room for `maximum` bytes and lets `body` write up to that many through a
    /// cursor, with no bounds or capacity checks: the fastest way to write a record.
    public mutating func write(upTo maximum: Int, _ body: (inout JSONCursor) -> Void) {
        makeUnique()
        let (used, capacity) = storage.withUnsafeMutablePointerToHeader {
            ($0.pointee.count, $0.pointee.capacity)
        }
        if used + maximum > capacity { grow(to: max(capacity * 2, used + maximum)) }
        storage.withUnsafeMutablePointers { extent, elements in
            var cursor = JSONCursor(position: elements + used)
            body(&cursor)
            let written = cursor.position - (elements + used)
            precondition(written <= maximum, "JSONCursor wrote past the room reserved for it")
            extent.pointee.count = used + written
        }
    }

    /// Appends bytes that are already JSON (a pre-escaped key, say).
    public mutating func raw(_ json: [UInt8]) {
        json.withUnsafeBufferPointer { append($0) }
    }

    /// Writes `"key":`.
    public mutating func key(_ name: String) {
        string(name)
        byte(UInt8(ascii: ":"))
    }

    /// Writes a value parsed earlier, keeping key order and numbers as written.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .number(let text):
            var text = text
            text.withUTF8 { append($0) }
        case .string(let text): string(text)
        case .array(let items):
            byte(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                self.value(item)
            }
            byte(UInt8(ascii: "]"))
        case .object(let members):
            byte(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                key(member.key)
                self.value(member.value)
            }
            byte(UInt8(ascii: "}"))
        }
    }

    /// Writes an array of strings.
    public mutating func strings(_ items: [String]) {
        byte(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            string(item)
        }
        byte(UInt8(ascii: "]"))
    }
}

/// Writes JSON into memory reserved beforehand by `JSONWriter.write(upTo:_:)`.
public struct JSONCursor {
    public var position: UnsafeMutablePointer<UInt8>

    @inlinable
    public init(position: UnsafeMutablePointer<UInt8>) {
        self.position = position
    }

    /// The most bytes that escaping `count` bytes can take (`\u001f` for each).
    @inlinable
    public static func maximumEscapedSize(_ count: Int) -> Int { count * 6 }

    @inlinable @inline(__always)
    public mutating func byte(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inlinable @inline(__always)
    public mutating func bytes(_ source: UnsafeBufferPointer<UInt8>) {
        guard let base = source.baseAddress else { return }
        let count = source.count
        // Keys are short: two overlapping word copies beat a call to memcpy.
        if count >= 8 && count <= 16 {
            let raw = UnsafeRawPointer(base)
            let first = raw.loadUnaligned(as: UInt64.self)
            let last = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            UnsafeMutableRawPointer(position).storeBytes(of: first, as: UInt64.self)
            UnsafeMutableRawPointer(position + count - 8).storeBytes(of: last, as: UInt64.self)
        } else if count < 8 {
            for index in 0..<count { position[index] = base[index] }
        } else {
            position.update(from: base, count: count)
        }
        position += count
    }

    @inlinable @inline(__always)
    public mutating func raw(_ text: StaticString) {
        bytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Copies bytes a word at a time, reading and writing up to seven bytes past their
    /// end: the eight bytes after `source` must be readable, and the cursor's room must
    /// extend eight bytes past what is written.
    @inlinable @inline(__always)
    public mutating func bytesPadded(_ source: UnsafeBufferPointer<UInt8>) {
        guard let base = source.baseAddress else { return }
        let count = source.count
        var offset = 0
        repeat {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(position + offset).storeBytes(of: word, as: UInt64.self)
            offset += 8
        } while offset < count
        position += count
    }

    @inlinable
    public mutating func integer(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var power: UInt = 10
        while digits < 20 && magnitude >= power {
            digits += 1
            power = power.multipliedReportingOverflow(by: 10).partialValue
        }
        var index = digits
        repeat {
            index -= 1
            position[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while index > 0
        position += digits
    }

    /// Writes valid UTF-8 with JSON's escapes, without quotes.
    ///
    /// - parameter padded: whether the eight bytes after `utf8` may be read (not used):
    ///   the last few bytes are then tested as one word too. The cursor's room must then
    ///   also extend eight bytes past what is written.
    @inlinable
    public mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>, padded: Bool = false) {
        var index = 0
        let count = utf8.count
        while index < count {
            // Copy eight bytes at a time while none needs escaping.
            let remaining = count - index
            if remaining >= 4 && remaining < 8 && !padded {
                // Four bytes as a word whose other half is a harmless letter.
                let half = UnsafeRawPointer(utf8.baseAddress! + index)
                    .loadUnaligned(as: UInt32.self)
                let word = UInt64(half) | 0x4141_4141_0000_0000
                if !(ByteScan.hasLess(word, than: 0x20) || ByteScan.has(word, 0x22)
                    || ByteScan.has(word, 0x5C))
                {
                    UnsafeMutableRawPointer(position).storeBytes(of: half, as: UInt32.self)
                    position += 4
                    index += 4
                    continue
                }
            }
            if remaining >= 8 || padded {
                var word = ByteScan.word(utf8, at: index)
                if remaining < 8 {
                    // Bytes past the end become a harmless letter before the test.
                    let kept: UInt64 = (1 << (UInt64(remaining) * 8)) &- 1
                    word = (word & kept) | (0x4141_4141_4141_4141 & ~kept)
                }
                if !(ByteScan.hasLess(word, than: 0x20) || ByteScan.has(word, 0x22)
                    || ByteScan.has(word, 0x5C))
                {
                    UnsafeMutableRawPointer(position).storeBytes(
                        of: word, as: UInt64.self)
                    let step = min(remaining, 8)
                    position += step
                    index += step
                    continue
                }
            }
            let byte = utf8[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                raw("\\u00")
                self.byte(hex.utf8Start[Int(byte >> 4)])
                self.byte(hex.utf8Start[Int(byte & 0x0F)])
            default:
                self.byte(byte)
            }
        }
    }
}
