import GlaneurCore

/// Cleans a partner's text before any other rule reads it: mojibake repaired, control
/// characters and zero-width marks removed, odd spaces made plain, white space collapsed
/// and trimmed, Unicode composed (NFC).
///
/// ```swift
/// TextCleaner.clean("  Ã‰levage\u{00A0}du  Bois ").text  // "Élevage du Bois"
/// ```
public enum TextCleaner {
    /// Cleaned text and the rules that changed it.
    public struct Result: Hashable, Sendable {
        public var text: String
        /// Kebab-case codes: `mojibake-repaired`, `control-removed`, `space-normalized`,
        /// `whitespace-collapsed`, `unicode-normalized`.
        public var rules: [String]
    }

    /// Cleans one value. Plain ASCII text with single spaces comes back untouched without
    /// being copied.
    public static func clean(_ text: String) -> Result {
        if isClean(text) || isCleanUnicode(text) { return Result(text: text, rules: []) }
        var rules: [String] = []
        var text = text

        // Mojibake first: its repair yields the real characters the later steps expect.
        if let repaired = Mojibake.repair(text) {
            text = repaired
            rules.append("mojibake-repaired")
        }

        // Controls, zero-width marks and odd spaces, then runs of white space.
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        var removedControl = false
        var normalizedSpace = false
        var collapsed = false
        var needsNFC = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x20:
                if pendingSpace || output.isEmpty { collapsed = true }
                pendingSpace = !output.isEmpty
                continue
            case 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
                collapsed = true
                pendingSpace = !output.isEmpty
                continue
            case 0xA0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000, 0x1680:
                normalizedSpace = true
                pendingSpace = !output.isEmpty
                continue
            case 0x00...0x1F, 0x7F...0x9F, 0x200B...0x200D, 0x2060, 0xFEFF, 0xAD, 0xFFFD:
                removedControl = true
                continue
            default:
                break
            }
            if pendingSpace { output.append(" ") }
            pendingSpace = false
            if scalar.value >= 0x300, isCombining(scalar) { needsNFC = true }
            output.append(scalar)
        }
        if pendingSpace { collapsed = true }
        text = String(output)
        if removedControl { rules.append("control-removed") }
        if normalizedSpace { rules.append("space-normalized") }
        if collapsed { rules.append("whitespace-collapsed") }

        // Only text holding combining marks can differ in NFC; skip ICU otherwise.
        if needsNFC {
            let composed = ICU.nfc(text)
            // String's == compares canonically; NFC changes are seen in the bytes.
            if !composed.utf8.elementsEqual(text.utf8) {
                text = composed
                rules.append("unicode-normalized")
            }
        }
        return Result(text: text, rules: rules)
    }

    /// Plain ASCII, printable, no leading, trailing or double space.
    @inline(__always)
    static func isClean(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(isClean) ?? isCleanByByte(text.utf8)
    }

    /// `isClean` eight bytes at a time: every value of every record is tested, and most
    /// pass. `isCleanByByte` is the reference the tests hold it to.
    static func isClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return true }
        if first == 0x20 || last == 0x20 { return false }
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // The high bit of the lowest byte when the byte before the word is a space.
        var spaceBefore: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            let word = ByteScan.word(bytes, at: index)
            if ByteScan.hasHigh(word) || ByteScan.hasLess(word, than: 0x20)
                || ByteScan.has(word, 0x7F)
            {
                return false
            }
            // The high bit of each byte that is a space (exact, unlike `hasZero`'s test).
            let x = word ^ 0x2020_2020_2020_2020
            let spaces = ~(((x & lows) &+ lows) | x) & ~lows
            if spaces & ((spaces << 8) | spaceBefore) != 0 { return false }
            spaceBefore = spaces >> 56
            index += 8
        }
        var previousSpace = spaceBefore != 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x7F || byte < 0x20 { return false }
            let space = byte == 0x20
            if space && previousSpace { return false }
            previousSpace = space
            index += 1
        }
        return true
    }

    static func isCleanByByte<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var previousSpace = true
        for byte in bytes {
            if byte >= 0x7F || byte < 0x20 { return false }
            let space = byte == 0x20
            if space && previousSpace { return false }
            previousSpace = space
        }
        return !previousSpace || bytes.isEmpty
    }

    /// Text with accents that needs nothing: no control, odd space, double or edge space,
    /// combining mark or mojibake. Most accented values are such.
    static func isCleanUnicode(_ text: String) -> Bool {
        var previousSpace = true
        var previousIsLead = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if value < 0x20 || value == 0x7F { return false }
                let space = value == 0x20
                if space && previousSpace { return false }
                previousSpace = space
                previousIsLead = false
                continue
            }
            previousSpace = false
            // Controls, odd spaces, zero-width marks, and anything from U+0300 that may be
            // a combining mark: left to the full path.
            if value <= 0xA0 || value == 0xAD || value >= 0x300 && value < 0x370 { return false }
            if value >= 0x1680, value != 0x2019, value != 0x20AC, value != 0x2013,
                value != 0x2014, value != 0x2018, value != 0x201C, value != 0x201D
            {
                return false
            }
            guard let byte = Mojibake.windows1252Byte(scalar) else {
                previousIsLead = false
                continue
            }
            if previousIsLead, byte >= 0x80, byte <= 0xBF { return false }
            previousIsLead = byte >= 0xC2 && byte <= 0xF4
        }
        return !previousSpace || text.isEmpty
    }

    static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}

/// Text that was UTF-8 but was read as Windows-1252 or Latin-1 ("Ã©levage", "GrÃ¼n",
/// "â€™"), detected and decoded back.
///
/// Every character of a UTF-8 sequence read that way maps back to one byte ≥ 0x80, so the
/// damage shows as runs of two to four such characters whose bytes form valid UTF-8. Each
/// run is repaired on its own, so that a value mixing intact accents and mojibake is fixed
/// without touching the intact ones. A single accented letter ("é") is never a run: no
/// UTF-8 sequence is one byte long above 0x7F.
public enum Mojibake {
    /// The repaired text, or nil when nothing in it looks like mojibake.
    public static func repair(_ text: String) -> String? {
        guard text.utf8.contains(where: { $0 >= 0xC2 && $0 <= 0xC3 || $0 == 0xE2 || $0 == 0xC5 })
        else { return nil }
        var output = String.UnicodeScalarView()
        var run: [UInt8] = []
        var runScalars: [Unicode.Scalar] = []
        var changed = false

        // Within a run, decode greedily: a valid sequence becomes its character, any other
        // byte stays the character it was.
        func flush() {
            var index = 0
            while index < run.count {
                let length = expectedLength(run[index])
                if length >= 2, index + length <= run.count,
                    let decoded = decodeStrictly(Array(run[index..<index + length]))
                {
                    output.append(contentsOf: decoded.unicodeScalars)
                    changed = true
                    index += length
                } else {
                    output.append(runScalars[index])
                    index += 1
                }
            }
            run.removeAll(keepingCapacity: true)
            runScalars.removeAll(keepingCapacity: true)
        }

        for scalar in text.unicodeScalars {
            if let byte = windows1252Byte(scalar), byte >= 0x80 {
                run.append(byte)
                runScalars.append(scalar)
            } else {
                flush()
                output.append(scalar)
            }
        }
        flush()
        return changed ? String(output) : nil
    }

    /// Whether a character that reads as a UTF-8 lead byte is followed by one that reads
    /// as a continuation byte: the signature of mojibake, absent from intact text.
    static func mayHoldMojibake(_ text: String) -> Bool {
        var previousIsLead = false
        for scalar in text.unicodeScalars {
            guard scalar.value >= 0x80, let byte = windows1252Byte(scalar) else {
                previousIsLead = false
                continue
            }
            if previousIsLead, byte >= 0x80, byte <= 0xBF { return true }
            previousIsLead = byte >= 0xC2 && byte <= 0xF4
        }
        return false
    }

    /// The byte that Windows-1252 (or Latin-1, for the five bytes 1252 leaves undefined)
    /// shows as this character.
    static func windows1252Byte(_ scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 || (value >= 0xA0 && value <= 0xFF) { return UInt8(value) }
        if value >= 0x80 && value <= 0x9F { return UInt8(value) }
        return windows1252High[value]
    }

    static let windows1252High: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86,
        0x2021: 0x87, 0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C,
        0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95,
        0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    static func expectedLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
    }

    /// Decodes bytes that must be entirely valid UTF-8 and hold no C1 control.
    static func decodeStrictly(_ bytes: [UInt8]) -> String? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.value >= 0x80 && scalar.value <= 0x9F { return nil }
                scalars.append(scalar)
            case .emptyInput:
                return scalars.isEmpty ? nil : String(scalars)
            case .error:
                return nil
            }
        }
    }
}
