/// What the encoding detector found, and why, so that `inspect` can tell the user.
public struct DetectedEncoding: Sendable, Equatable {
    public var encoding: TextEncoding
    /// Bytes of byte-order mark at the start of the file (0 when none).
    public var byteOrderMarkLength: Int
    /// A short account of the evidence, for `glaneur inspect`.
    public var reason: String
}

/// Detects a file's encoding from its first bytes.
///
/// It does not guess blindly: a byte-order mark decides; text that is valid UTF-8 is
/// UTF-8; otherwise the bytes 0x80–0xFF tell Windows-1252 (which uses 0x80–0x9F for
/// "œ", "’", "€") from ISO-8859-15 (which has "œ", "€" at 0xBD and 0xA4 and only
/// control characters at 0x80–0x9F).
public enum EncodingDetector {
    public static func detect(_ sample: [UInt8], isComplete: Bool) -> DetectedEncoding {
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) {
            return DetectedEncoding(
                encoding: .utf8, byteOrderMarkLength: 3, reason: "UTF-8 byte-order mark")
        }
        if sample.starts(with: [0xFF, 0xFE]) {
            return DetectedEncoding(
                encoding: .utf16LittleEndian, byteOrderMarkLength: 2,
                reason: "UTF-16 little-endian byte-order mark")
        }
        if sample.starts(with: [0xFE, 0xFF]) {
            return DetectedEncoding(
                encoding: .utf16BigEndian, byteOrderMarkLength: 2,
                reason: "UTF-16 big-endian byte-order mark")
        }
        if let utf16 = utf16WithoutMark(sample) {
            return DetectedEncoding(
                encoding: utf16, byteOrderMarkLength: 0,
                reason: "NUL bytes in every other position of ASCII text")
        }

        switch utf8Validity(sample, isComplete: isComplete) {
        case .ascii:
            return DetectedEncoding(
                encoding: .utf8, byteOrderMarkLength: 0, reason: "ASCII only, read as UTF-8")
        case .valid:
            return DetectedEncoding(
                encoding: .utf8, byteOrderMarkLength: 0, reason: "valid UTF-8")
        case .invalid(let offset):
            return singleByte(sample, firstInvalidUTF8: offset)
        }
    }

    // MARK: - UTF-16 without a byte-order mark

    private static func utf16WithoutMark(_ sample: [UInt8]) -> TextEncoding? {
        let pairs = min(sample.count / 2, 4096)
        guard pairs >= 4 else { return nil }
        var zeroEven = 0
        var zeroOdd = 0
        for index in 0..<pairs {
            if sample[2 * index] == 0 { zeroEven += 1 }
            if sample[2 * index + 1] == 0 { zeroOdd += 1 }
        }
        // Latin text in UTF-16 has a NUL in the high byte of nearly every unit.
        if zeroOdd * 10 >= pairs * 9, zeroEven * 10 < pairs { return .utf16LittleEndian }
        if zeroEven * 10 >= pairs * 9, zeroOdd * 10 < pairs { return .utf16BigEndian }
        return nil
    }

    // MARK: - UTF-8 validity

    enum UTF8Validity: Equatable {
        case ascii
        case valid
        case invalid(offset: Int)
    }

    static func utf8Validity(_ bytes: [UInt8], isComplete: Bool) -> UTF8Validity {
        switch bytes.withUnsafeBufferPointer(UTF8Check.scan) {
        case .valid(let multibyte):
            return multibyte ? .valid : .ascii
        case .invalid(let offset, let cutAtEnd):
            // A sequence cut by the end of the sample is not evidence either way.
            guard cutAtEnd, !isComplete else { return .invalid(offset: offset) }
            let head = bytes[..<offset].withUnsafeBufferPointer(UTF8Check.scan)
            return head == .valid(multibyte: true) ? .valid : .ascii
        }
    }

    // MARK: - Windows-1252 or ISO-8859-15

    private static func singleByte(_ sample: [UInt8], firstInvalidUTF8 offset: Int)
        -> DetectedEncoding
    {
        let c1Bytes = sample.filter { (0x80...0x9F).contains($0) }.count
        if c1Bytes > 0 {
            return DetectedEncoding(
                encoding: .windows1252, byteOrderMarkLength: 0,
                reason: "not UTF-8 (byte 0x\(hex(sample[offset])) at offset \(offset)); "
                    + "\(c1Bytes) bytes in 0x80–0x9F, printable only in Windows-1252")
        }

        // The eight bytes where Latin-9 and Latin-1/Windows-1252 differ are letters in
        // Latin-9 ("œ", "Š") and symbols in Windows-1252 ("½", "¦"). Inside a word, a
        // letter is far likelier.
        let latin9Letters: Set<UInt8> = [0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE]
        var inWord = 0
        for index in sample.indices where latin9Letters.contains(sample[index]) {
            let before = index > 0 ? sample[index - 1] : 0x20
            let after = index + 1 < sample.count ? sample[index + 1] : 0x20
            if isLetter(before) || isLetter(after) { inWord += 1 }
        }
        if inWord > 0 {
            return DetectedEncoding(
                encoding: .iso885915, byteOrderMarkLength: 0,
                reason: "not UTF-8; \(inWord) Latin-9 letters (œ, š, ž…) inside words")
        }
        return DetectedEncoding(
            encoding: .windows1252, byteOrderMarkLength: 0,
            reason: "not UTF-8 (byte 0x\(hex(sample[offset])) at offset \(offset)); "
                + "read as Windows-1252, which agrees with Latin-1 and Latin-9 on these bytes")
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte >= 0xC0
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
