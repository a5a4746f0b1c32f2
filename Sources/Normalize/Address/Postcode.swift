import GlaneurCore

/// Postcodes checked and written the way each country's post writes them.
///
/// France: 5 digits ("01000", never "1000"); Belgium, Switzerland: 4 digits; Luxembourg:
/// 4 digits, often written "L-4001" (the prefix is dropped: the country is a field of its
/// own); the Netherlands: 4 digits and 2 letters, written "1234 AB". A country prefix
/// ("B-5000", "F-59000", "CH-1200") names the country and is removed.
public enum Postcode {
    /// A postcode after normalisation.
    public struct Result: Hashable, Sendable {
        /// The canonical postcode, or the trimmed text as written when it is invalid.
        public var value: String
        /// The country the postcode belongs to: given by the caller, by a prefix, or by its
        /// shape when only one country writes postcodes that way (5 digits: France).
        public var country: String?
        /// Whether the postcode has its country's shape (and range).
        public var isValid: Bool
        /// Rules applied: `postcode-prefix-removed`, `postcode-zero-restored`…
        public var rules: [String] = []
    }

    /// Country prefixes partners put before postcodes, and the country each names.
    static let prefixes: [(prefix: String, country: String)] = [
        ("CH", "CH"), ("NL", "NL"), ("B", "BE"), ("F", "FR"), ("L", "LU"), ("D", "DE"),
        ("BE", "BE"), ("FR", "FR"), ("LU", "LU"), ("DE", "DE"),
    ]

    /// Normalises a postcode written by a partner.
    ///
    /// - parameter country: the ISO code of the record's country, when known.
    public static func normalize(_ raw: String, country: String?) -> Result {
        // Most postcodes are written as plain digits: no prefix, letters or reformatting.
        if !raw.isEmpty, raw.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) {
            return classify(digits: raw, country: country, rules: [])
        }
        var text = raw.trimmingSpaces
        var rules: [String] = []
        var prefixCountry: String?

        // "B-5000", "F 59000", "CH-1200", "L-4001".
        let upper = text.uppercased()
        for (prefix, named) in prefixes where upper.hasPrefix(prefix) {
            let rest = upper.dropFirst(prefix.count)
            guard let next = rest.first, next == "-" || next == " " || next.isNumber else {
                continue
            }
            let digits = rest.drop { $0 == "-" || $0 == " " }
            guard digits.first?.isNumber == true else { continue }
            text = String(text.suffix(digits.count))
            prefixCountry = named
            rules.append("postcode-prefix-removed")
            break
        }
        let country = country ?? prefixCountry
        let digits = text.filter(\.isNumber)
        let letters = text.filter(\.isLetter).uppercased()

        func result(_ value: String, _ country: String?, valid: Bool) -> Result {
            Result(value: value, country: country, isValid: valid, rules: rules)
        }

        // The Netherlands: "1234AB", "1234 ab".
        if country == "NL" || country == nil, digits.count == 4, letters.count == 2,
            digits.first != "0"
        {
            let value = digits + " " + letters
            if value != text { rules.append("postcode-reformatted") }
            return result(value, "NL", valid: true)
        }
        guard letters.isEmpty, !digits.isEmpty,
            text.allSatisfy({ $0.isNumber || $0 == " " || $0 == "." })
        else {
            return result(text, country, valid: false)
        }
        if digits != text { rules.append("postcode-reformatted") }
        return classify(digits: digits, country: country, rules: rules)
    }

    /// The result for a postcode reduced to its digits, by its country and length.
    static func classify(digits: String, country: String?, rules: [String]) -> Result {
        var rules = rules
        func result(_ value: String, _ country: String?, valid: Bool) -> Result {
            Result(value: value, country: country, isValid: valid, rules: rules)
        }
        switch (country, digits.count) {
        case ("FR", 5), (nil, 5):
            let valid = digits >= "01000" && !digits.hasPrefix("00")
            return result(digits, "FR", valid: valid)
        case ("FR", 4):
            // A spreadsheet ate the leading zero of "01000".
            rules.append("postcode-zero-restored")
            return result("0" + digits, "FR", valid: true)
        case ("BE", 4), ("CH", 4), ("LU", 4), (nil, 4):
            return result(digits, country, valid: digits.first != "0")
        default:
            return result(digits, country, valid: false)
        }
    }

    /// The language of a Belgian postcode's region: `nl` for Flanders, `fr` for Wallonia,
    /// `de` for the German-speaking East, nil for bilingual Brussels.
    public static func belgianLanguage(_ postcode: String) -> String? {
        guard postcode.count == 4, let value = Int(postcode) else { return nil }
        switch value {
        case 1000...1299: return nil
        case 1300...1499: return "fr"
        case 1500...3999: return "nl"
        case 4700...4799: return "de"
        case 4000...7999: return "fr"
        case 8000...9999: return "nl"
        default: return nil
        }
    }
}
