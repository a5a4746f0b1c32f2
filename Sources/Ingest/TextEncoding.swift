/// The encodings partners' files come in.
public enum TextEncoding: String, CaseIterable, Sendable {
    case utf8 = "utf-8"
    case utf16LittleEndian = "utf-16le"
    case utf16BigEndian = "utf-16be"
    /// What Excel writes on French and Belgian Windows when asked for "CSV".
    case windows1252 = "windows-1252"
    /// Latin-9: Latin-1 with €, Œ, œ, Š, š, Ž, ž and Ÿ.
    case iso885915 = "iso-8859-15"

    /// Accepts the usual spellings: `UTF8`, `cp1252`, `latin9`, `utf-16`…
    public init?(name: String) {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        switch key {
        case "utf8", "utf8bom", "utf8sig": self = .utf8
        case "utf16", "utf16le", "ucs2", "ucs2le": self = .utf16LittleEndian
        case "utf16be", "ucs2be": self = .utf16BigEndian
        case "windows1252", "cp1252", "win1252", "ansi", "latin1", "iso88591", "l1":
            self = .windows1252
        case "iso885915", "latin9", "l9", "latin0": self = .iso885915
        default: return nil
        }
    }

    var isSingleByte: Bool {
        self == .windows1252 || self == .iso885915
    }

    /// The Unicode scalar each byte 0x80–0xFF stands for.
    var highHalf: [UInt32] {
        switch self {
        case .windows1252: Self.windows1252HighHalf
        case .iso885915: Self.iso885915HighHalf
        default: []
        }
    }

    // 0x80–0x9F in Windows-1252; the five unassigned bytes keep their C1 values, as
    // Windows itself does when it decodes them.
    private static let windows1252Controls: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static let windows1252HighHalf: [UInt32] =
        windows1252Controls + (0xA0...0xFF).map { UInt32($0) }

    private static let iso885915HighHalf: [UInt32] = (0x80...0xFF).map { byte -> UInt32 in
        switch byte {
        case 0xA4: 0x20AC  // €
        case 0xA6: 0x0160  // Š
        case 0xA8: 0x0161  // š
        case 0xB4: 0x017D  // Ž
        case 0xB8: 0x017E  // ž
        case 0xBC: 0x0152  // Œ
        case 0xBD: 0x0153  // œ
        case 0xBE: 0x0178  // Ÿ
        default: UInt32(byte)
        }
    }
}

/// Decodes cells from the file's bytes to strings.
///
/// The CSV parser works on raw bytes (every supported encoding but UTF-16 keeps ASCII
/// where it is, and UTF-16 is converted before parsing), so decoding happens cell by
/// cell, only for the cells that are used.
struct CellDecoder {
    let encoding: TextEncoding
    /// UTF-8 for each byte 0x80–0xFF of a single-byte encoding.
    private let highHalfUTF8: [[UInt8]]
    private var scratch: [UInt8] = []

    init(encoding: TextEncoding) {
        self.encoding = encoding
        let singleByte = encoding.isSingleByte ? encoding : .windows1252
        highHalfUTF8 = singleByte.highHalf.map { Array(String(Unicode.Scalar($0)!).utf8) }
        scratch.reserveCapacity(256)
    }

    /// The outcome of decoding one cell.
    struct Decoded {
        var text: String
        /// The cell was not valid in the file's encoding and was read as Windows-1252.
        var usedFallback: Bool
        /// NUL bytes were removed from the cell.
        var removedNUL: Bool
    }

    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Decoded {
        var hasHigh = false
        var hasNUL = false
        for byte in bytes {
            if byte >= 0x80 { hasHigh = true }
            if byte == 0 { hasNUL = true }
        }
        if hasNUL {
            let cleaned = bytes.filter { $0 != 0 }
            var decoded = cleaned.withUnsafeBufferPointer { decode($0) }
            decoded.removedNUL = true
            return decoded
        }
        if !hasHigh {
            return Decoded(
                text: String(decoding: bytes, as: UTF8.self), usedFallback: false,
                removedNUL: false)
        }
        switch encoding {
        case .utf8, .utf16BigEndian, .utf16LittleEndian:
            // UTF-16 input reaches the parser already converted to UTF-8.
            if let text = String(validating: bytes, as: UTF8.self) {
                return Decoded(text: text, usedFallback: false, removedNUL: false)
            }
            return Decoded(text: singleByte(bytes), usedFallback: true, removedNUL: false)
        case .windows1252, .iso885915:
            return Decoded(text: singleByte(bytes), usedFallback: false, removedNUL: false)
        }
    }

    /// Converts a single-byte cell to UTF-8 and hands the bytes to `body`.
    mutating func transcode(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        scratch.removeAll(keepingCapacity: true)
        for byte in bytes {
            if byte < 0x80 {
                scratch.append(byte)
            } else {
                scratch.append(contentsOf: highHalfUTF8[Int(byte - 0x80)])
            }
        }
        scratch.withUnsafeBufferPointer(body)
    }

    private mutating func singleByte(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        scratch.removeAll(keepingCapacity: true)
        for byte in bytes {
            if byte < 0x80 {
                scratch.append(byte)
            } else {
                scratch.append(contentsOf: highHalfUTF8[Int(byte - 0x80)])
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }
}
