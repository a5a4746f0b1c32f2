/// Byte scanning eight bytes at a time ("SIMD within a register"): the hot loops of the
/// CSV reader and the JSON writer look for a few byte values in long runs of text, and
/// testing a 64-bit word at once is several times faster than testing byte by byte.
public enum ByteScan {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of the word is zero.
    @inlinable @inline(__always)
    public static func hasZero(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & highs != 0
    }

    /// Whether any byte of the word equals `byte`.
    @inlinable @inline(__always)
    public static func has(_ word: UInt64, _ byte: UInt8) -> Bool {
        hasZero(word ^ (ones &* UInt64(byte)))
    }

    /// Whether any byte of the word is below `limit` (which must be at most 128).
    @inlinable @inline(__always)
    public static func hasLess(_ word: UInt64, than limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highs != 0
    }

    /// Whether any byte of the word has its high bit set (is not ASCII).
    @inlinable @inline(__always)
    public static func hasHigh(_ word: UInt64) -> Bool {
        word & highs != 0
    }

    /// The eight bytes at `offset`, whatever their alignment.
    @inlinable @inline(__always)
    public static func word(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self)
    }

    /// Whether the bytes are all ASCII with no NUL: text that needs no decoding.
    @inlinable
    public static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index + 8 <= bytes.count {
            let word = word(bytes, at: index)
            if hasHigh(word) || hasZero(word) { return false }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 || bytes[index] == 0 { return false }
            index += 1
        }
        return true
    }

    // MARK: - JSON text

    /// The index of the first byte from `start` on that is not JSON whitespace (space,
    /// tab, line feed, carriage return), or `bytes.count`.
    @inlinable @inline(__always)
    public static func skippingJSONWhitespace(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// The plain start of a JSON string's body: from `start` on, eight bytes at a time,
    /// as long as a word holds no quote, backslash or control character. Returns where
    /// the words stop, for the caller to go on byte by byte, and whether a byte above
    /// 0x7F was passed.
    @inlinable @inline(__always)
    public static func plainJSONStringWords(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> (end: Int, passedHigh: Bool) {
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        var index = start
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            let word = word(bytes, at: index)
            if has(word, quote) || has(word, backslash) || hasLess(word, than: 0x20) { break }
            high |= word
            index += 8
        }
        return (index, hasHigh(high))
    }
}
