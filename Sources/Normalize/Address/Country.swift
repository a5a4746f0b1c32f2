import GlaneurCore

/// Country names as partners write them ("Belgique", "België", "Frankrijk", "CH") turned
/// into ISO 3166 codes, and the country inferred when a row does not say.
public enum Country {
    /// Folded names and codes of the countries Glaneur meets, in French, Dutch, German,
    /// English and Luxembourgish.
    static let names: [String: String] = {
        var table: [String: String] = [:]
        let entries: [(String, [String])] = [
            ("BE", ["be", "bel", "belgique", "belgie", "belgium", "belgien", "belgio"]),
            ("FR", ["fr", "fra", "france", "frankrijk", "frankreich", "francia"]),
            (
                "CH",
                [
                    "ch", "che", "suisse", "switzerland", "schweiz", "zwitserland", "svizzera",
                    "confederation suisse",
                ]
            ),
            (
                "LU",
                ["lu", "lux", "luxembourg", "luxemburg", "letzebuerg", "grand duche de luxembourg"]
            ),
            (
                "NL",
                [
                    "nl", "nld", "pays bas", "nederland", "netherlands", "niederlande",
                    "the netherlands",
                ]
            ),
            ("DE", ["de", "deu", "allemagne", "duitsland", "deutschland", "germany"]),
        ]
        for (code, spellings) in entries {
            for spelling in spellings { table[spelling] = code }
        }
        return table
    }()

    /// The ISO code a country name or code stands for, or nil.
    ///
    /// - parameter allowSingleLetter: accept the one-letter codes of car plates and postal
    ///   prefixes (B, F, L, D), which only make sense in a country column.
    public static func code(for text: String, allowSingleLetter: Bool = false) -> String? {
        let key = MatchKey.fold(text)
        if let code = names[key] { return code }
        guard allowSingleLetter else { return nil }
        switch key {
        case "b": return "BE"
        case "f": return "FR"
        case "l": return "LU"
        case "d": return "DE"
        default: return nil
        }
    }

    /// The country of a phone number's calling code (32 gives BE), for the countries whose
    /// producers Glaneur imports and their neighbours.
    public static func code(forCallingCode callingCode: Int) -> String? {
        switch callingCode {
        case 32: "BE"
        case 33: "FR"
        case 41: "CH"
        case 352: "LU"
        case 31: "NL"
        case 49: "DE"
        default: nil
        }
    }

    /// Infers the country of a row that does not name it, from the strongest clue to the
    /// weakest: a postcode whose shape only one country uses (5 digits: France; "1234 AB":
    /// the Netherlands), then the calling codes of its phone numbers, then the locality (by
    /// the caller's gazetteer lookup when it gives one, else by `LocalityCountries`).
    ///
    /// - returns: the code and the clue used (`postcode`, `phone`, `locality`), or nil.
    public static func infer(
        postcode: String?, phoneCallingCodes: [Int], locality: String?,
        localityLookup: (@Sendable (String, String?) -> String?)? = nil
    ) -> (code: String, clue: String)? {
        if let postcode {
            let digits = postcode.filter(\.isNumber)
            if digits.count == 5, postcode.count == 5 { return ("FR", "postcode") }
            if digits.count == 4, postcode.filter(\.isLetter).count == 2 {
                return ("NL", "postcode")
            }
        }
        let countries = phoneCallingCodes.compactMap { code(forCallingCode: $0) }
        if let first = countries.first, countries.allSatisfy({ $0 == first }) {
            return (first, "phone")
        }
        if let locality {
            let lookup = localityLookup ?? { LocalityCountries.country(of: $0, postcode: $1) }
            if let found = lookup(locality, postcode) { return (found, "locality") }
        }
        return nil
    }
}
