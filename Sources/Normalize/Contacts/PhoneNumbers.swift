import CPhoneNumber
import Glibc

/// What kind of line a phone number is, as libphonenumber classifies it.
public enum PhoneKind: String, Hashable, Sendable {
    case fixedLine = "fixed-line"
    case mobile
    case fixedLineOrMobile = "fixed-line-or-mobile"
    case tollFree = "toll-free"
    case premiumRate = "premium-rate"
    case sharedCost = "shared-cost"
    case voip
    case other
    case unknown

    init(libphonenumberType type: Int32) {
        switch type {
        case 0: self = .fixedLine
        case 1: self = .mobile
        case 2: self = .fixedLineOrMobile
        case 3: self = .tollFree
        case 4: self = .premiumRate
        case 5: self = .sharedCost
        case 6: self = .voip
        case 7, 8, 9, 10: self = .other
        default: self = .unknown
        }
    }
}

/// One phone number of a record.
public struct PhoneNumber: Hashable, Sendable {
    /// The number as the partner wrote it (one number, after splitting the cell).
    public var written: String
    /// E.164 ("+3281234567"), only when libphonenumber holds the number valid.
    public var e164: String?
    public var kind: PhoneKind
    public var isValid: Bool
    /// The region the number belongs to ("BE"), when libphonenumber knows it.
    public var region: String?
    /// The country calling code (32), when the number could be read at all.
    public var callingCode: Int?
}

/// Phone numbers to E.164 with Google's libphonenumber.
///
/// The text parser of libphonenumber is the slow step of normalisation. Numbers written
/// in the common national and international forms of the countries Glaneur serves are
/// therefore split into calling code and national number here, and only the
/// classification (validity, type, E.164) is asked of libphonenumber; any other spelling
/// goes through its full parser. Both paths give libphonenumber's own answers: the tests
/// and the benchmark check that they agree.
public enum PhoneNumbers {
    /// Splits a cell that may hold several numbers ("081 23 45 67 / 0475 12 34 56",
    /// "26 00 67 10; 621 941 442", "… ou …", "… of …").
    public static func split(cell: String) -> [String] {
        if holdsOneNumber(cell) {
            let trimmed = cell.trimmingSpaces
            return trimmed.isEmpty ? [] : [trimmed]
        }
        var parts = [cell]
        let isASCII = cell.utf8.allSatisfy { $0 < 0x80 }
        for separator in listSeparators {
            // On ASCII text, cutting the bytes gives what `components(separatedBy:)` gives,
            // without Foundation's Unicode search.
            parts = parts.flatMap {
                isASCII
                    ? $0.asciiComponents(separatedBy: separator)
                    : $0.components(separatedBy: separator)
            }
        }
        return parts.map(\.trimmingSpaces).filter { part in
            part.contains(where: \.isNumber)
        }
    }

    /// What separates numbers in a cell, cut in this order.
    static let listSeparators = [
        ";", ",", "|", " / ", " - ", " ou ", " of ", " or ", " et ", " en ", " & ", "\n", " – ",
    ]

    /// Whether a cell can only hold one number: no list separator, no letter, no spaced
    /// slash or dash. Most cells are such, and skip the slow split.
    static func holdsOneNumber(_ cell: String) -> Bool {
        var previous: UInt8 = 0
        var digits = 0
        for byte in cell.utf8 {
            switch byte {
            case UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: "&"),
                UInt8(ascii: "\n"), 0x80...0xFF, UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return false
            case UInt8(ascii: "/"), UInt8(ascii: "-"):
                if previous == UInt8(ascii: " ") { return false }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
            default:
                break
            }
            previous = byte
        }
        // Two numbers side by side without a separator are longer than any one number.
        // TODO: such a cell ("081 23 45 67 0475 12 34 56") is then kept whole and flagged
        // invalid; splitting it needs each region's number lengths.
        return digits <= 15
    }

    /// Calling codes of the regions whose trunk prefix is a plain "0", safe for the fast
    /// path.
    static let trunkZeroRegions: [String: Int32] = [
        "BE": 32, "FR": 33, "CH": 41, "NL": 31, "DE": 49, "AT": 43, "GB": 44, "ES": 0, "IT": 0,
    ]

    /// Calling codes read from "+…" and "00…" numbers on the fast path, longest first.
    static let knownCallingCodes: [(digits: [UInt8], code: Int32)] = [
        ("352", 352), ("32", 32), ("33", 33), ("41", 41), ("31", 31), ("49", 49), ("43", 43),
        ("44", 44),
    ].map { (Array($0.0.utf8), $0.1) }

    /// Parses one number.
    ///
    /// - parameter region: the ISO code of the record's country, used for national
    ///   numbers ("081 23 45 67" is Belgian in Belgium); nil when unknown.
    public static func parse(_ written: String, region: String?) -> PhoneNumber {
        var result = glaneur_phone_result()
        let parsed: Bool
        if let (code, national) = fastSplit(written, region: region) {
            glaneur_phone_check(code, national, &result)
            parsed = true
        } else {
            parsed = fullParse(written, region: region, into: &result)
        }
        return makeNumber(written: written, parsed: parsed, result: result)
    }

    /// The number through libphonenumber's full text parser only (the reference the fast
    /// path is checked against).
    public static func parseWithLibraryParser(_ written: String, region: String?) -> PhoneNumber {
        var result = glaneur_phone_result()
        let parsed = fullParse(written, region: region, into: &result)
        return makeNumber(written: written, parsed: parsed, result: result)
    }

    static func fullParse(
        _ written: String, region: String?, into result: inout glaneur_phone_result
    )
        -> Bool
    {
        var text = written
        let regionCode = region ?? "ZZ"
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                glaneur_phone_parse(chars.baseAddress, Int32(chars.count), regionCode, &result)
            }
        } == 0
    }

    static func makeNumber(written: String, parsed: Bool, result: glaneur_phone_result)
        -> PhoneNumber
    {
        guard parsed else {
            return PhoneNumber(
                written: written, e164: nil, kind: .unknown, isValid: false,
                region: nil, callingCode: nil)
        }
        let valid = result.is_valid == 1
        let e164 = text(of: result.e164)
        let region = text(of: result.region)
        return PhoneNumber(
            written: written, e164: valid ? e164 : nil,
            kind: valid ? PhoneKind(libphonenumberType: result.number_type) : .unknown,
            isValid: valid, region: region.isEmpty || region == "ZZ" ? nil : region,
            callingCode: result.country_code == 0 ? nil : Int(result.country_code))
    }

    /// The NUL-terminated text of a fixed-size C character array (imported as a tuple).
    static func text<Characters>(of characters: Characters) -> String {
        withUnsafeBytes(of: characters) { bytes in
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    /// Splits the common spellings into calling code and national significant number:
    /// "+32 (0)81 23 45 67", "0032 81 23 45 67", "081/23.45.67", "03.20.12.34.56",
    /// "26 00 67 10" (Luxembourg, no trunk prefix). Nil for anything else, which then goes
    /// through the full parser.
    static func fastSplit(_ written: String, region: String?) -> (Int32, UInt64)? {
        // Collect digits; allow only the punctuation people put between groups.
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var plus = false
        var trunkInParentheses = false
        var bytes = Array(written.utf8)[...]
        while bytes.first == UInt8(ascii: " ") { bytes.removeFirst() }
        if bytes.first == UInt8(ascii: "+") {
            plus = true
            bytes.removeFirst()
        }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte - UInt8(ascii: "0"))
            case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"):
                break
            case UInt8(ascii: "("):
                // Only "(0)", the trunk prefix shown inside an international number.
                guard index + 2 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "0"),
                    bytes[index + 2] == UInt8(ascii: ")")
                else { return nil }
                trunkInParentheses = true
                index += 2
            default:
                return nil
            }
            index += 1
        }
        guard digits.count >= 6, digits.count <= 17 else { return nil }

        // International: "+CC…" or "00CC…".
        var rest = digits[...]
        var callingCode: Int32?
        if plus || (digits.count > 2 && digits[0] == 0 && digits[1] == 0) {
            if !plus { rest = rest.dropFirst(2) }
            for (codeDigits, code) in knownCallingCodes
            where rest.starts(with: codeDigits.map { $0 - UInt8(ascii: "0") }) {
                callingCode = code
                rest = rest.dropFirst(codeDigits.count)
                break
            }
            guard callingCode != nil else { return nil }
            // "+32 0 81…" without brackets is left to the full parser.
            if rest.first == 0, !trunkInParentheses || callingCode == 352 { return nil }
            if rest.first == 0 { rest = rest.dropFirst() }
        } else if trunkInParentheses {
            return nil
        } else if digits[0] == 0 {
            // National with trunk prefix "0".
            guard let region, let code = trunkZeroRegions[region], code != 0 else { return nil }
            callingCode = code
            rest = rest.dropFirst()
        } else {
            // Luxembourg has no trunk prefix; "15…" carrier codes go to the full parser.
            // A national number opening with "352" may be read by the parser as carrying
            // the calling code: those go to it as well.
            guard region == "LU", !digits.starts(with: [1, 5]), !digits.starts(with: [3, 5, 2])
            else { return nil }
            callingCode = 352
        }
        guard let code = callingCode, rest.count >= 4, rest.count <= 13, rest.first != 0 else {
            return nil
        }
        // Luxembourg numbers opening with a "15xx" carrier code, written nationally or
        // internationally, lose it in libphonenumber's parser: leave them to it.
        if code == 352, rest.starts(with: [1, 5]) { return nil }
        var national: UInt64 = 0
        for digit in rest { national = national * 10 + UInt64(digit) }
        return (code, national)
    }
}

extension String {
    /// The pieces between the occurrences of `separator`, found left to right without
    /// overlap, empty pieces kept: `components(separatedBy:)` for ASCII text.
    func asciiComponents(separatedBy separator: String) -> [String] {
        var pieces: [String] = []
        var text = self
        var separator = separator
        text.withUTF8 { bytes in
            separator.withUTF8 { mark in
                var start = 0
                var index = 0
                while index + mark.count <= bytes.count {
                    if bytes[index] == mark[0],
                        memcmp(bytes.baseAddress! + index, mark.baseAddress!, mark.count) == 0
                    {
                        pieces.append(
                            String(
                                decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]),
                                as: UTF8.self))
                        index += mark.count
                        start = index
                    } else {
                        index += 1
                    }
                }
                pieces.append(
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            }
        }
        return pieces
    }
}
