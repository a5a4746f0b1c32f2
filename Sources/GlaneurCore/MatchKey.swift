import Foundation

/// Folds text to the plain form that comparisons use: lower-case ASCII letters and
/// digits, one space between words.
///
/// "Localité", "LOCALITE" and "localite" fold to `localite`; "Œufs & Co." to `oeufs co`;
/// "Tél." to `tel`. Letters outside the Latin script are kept, lower-cased, so that no
/// text folds to nothing by accident.
public enum MatchKey {
    public static func fold(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if let ascii = asciiFold(scalar) {
                if ascii.isEmpty {
                    pendingSpace = !result.isEmpty
                    continue
                }
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(ascii)
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(contentsOf: scalar.properties.lowercaseMapping)
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue
            } else {
                pendingSpace = !result.isEmpty
            }
        }
        return result
    }

    /// The folded key with its spaces removed, for names whose spacing varies
    /// ("E-mail", "Email", "e mail").
    public static func compact(_ text: String) -> String {
        fold(text).replacingOccurrences(of: " ", with: "")
    }

    /// The ASCII form of a Latin scalar: `""` for a separator, nil for a scalar this
    /// table does not cover.
    @inline(__always)
    static func asciiFold(_ scalar: Unicode.Scalar) -> String? {
        let value = scalar.value
        if value < 0x80 {
            switch UInt8(value) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return String(Character(scalar))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return String(Character(Unicode.Scalar(value + 32)!))
            default:
                return ""
            }
        }
        if value < 0x250 { return latinTable[Int(value) - 0x80] }
        switch value {
        case 0x2019, 0x2018, 0x201C, 0x201D, 0x2013, 0x2014, 0x00A0, 0x202F, 0x2009: return ""
        default: return nil
        }
    }

    /// ASCII forms of U+0080–U+024F (Latin-1 Supplement, Latin Extended-A and -B),
    /// computed once from Unicode's decompositions.
    private static let latinTable: [String?] = (0x80..<0x250).map { value in
        guard let scalar = Unicode.Scalar(value) else { return nil }
        switch value {
        case 0xC6: return "ae"
        case 0xE6: return "ae"
        case 0x152, 0x153: return "oe"
        case 0xDF: return "ss"
        case 0xD8, 0xF8: return "o"
        case 0x110, 0x111: return "d"
        case 0x141, 0x142: return "l"
        case 0xDE, 0xFE: return "th"
        case 0xD0, 0xF0: return "d"
        default: break
        }
        let properties = scalar.properties
        guard properties.isAlphabetic else {
            return properties.numericType != nil ? nil : ""
        }
        let stripped = String(Character(scalar))
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        return stripped.unicodeScalars.allSatisfy(\.isASCII) ? stripped.lowercased() : nil
    }
}
