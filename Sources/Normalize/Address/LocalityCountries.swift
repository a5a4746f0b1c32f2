/// The country of a locality named in only one of the countries Glaneur serves (France,
/// Belgium, Switzerland, Luxembourg), for rows that give no other clue: "Namur" is
/// Belgian, "Lausanne" Swiss, "Lille" French.
///
/// The names are those of the gazetteer that the geocoder ships, generated into
/// `LocalityCountries+Names.swift` by `scripts/build-locality-countries` (run it again when
/// the gazetteer changes): Normalize does not depend on Geocode, whose gazetteer lives in a
/// SQLite store built at first use, and inferring a country must not need one. A name
/// borne in several countries infers nothing (the script keeps it for one country only when
/// that country's place is ten times as populous as the others together), nor does any name
/// that folds to the key of a name of another country or of such an ambiguous name.
public enum LocalityCountries {
    /// The country of the locality, or nil when the name is unknown or ambiguous.
    ///
    /// - parameter postcode: the row's postcode, when valid: a 4-digit postcode rules out
    ///   France, a 5-digit one every country but France.
    public static func country(of locality: String, postcode: String? = nil) -> String? {
        country(ofKey: MatchKeys.locality(locality), postcode: postcode)
    }

    /// `country(of:postcode:)` for a locality already folded by `MatchKeys.locality`.
    static func country(ofKey key: String, postcode: String?) -> String? {
        country(countries[key] ?? nil, postcode: postcode)
    }

    /// The country a locality's name gives (`countries[key]`), unless the postcode's
    /// length rules it out.
    static func country(_ country: String?, postcode: String?) -> String? {
        guard let country else { return nil }
        switch postcode?.utf8.count {
        case 4: return country == "FR" ? nil : country
        case 5: return country == "FR" ? country : nil
        default: return country
        }
    }

    /// Locality keys (`MatchKeys.locality`) and their country; nil for keys shared by
    /// several countries. Built at first use, in about a tenth of a second.
    static let countries: [String: String?] = {
        var table: [String: String?] = [:]
        for (country, list) in names {
            for line in list.split(separator: "\n") {
                for name in line.split(separator: "|") {
                    let key = MatchKeys.locality(String(name))
                    guard !key.isEmpty else { continue }
                    // A key of two countries, or of an ambiguous name, infers nothing.
                    let known = table[key]
                    let shared = known != nil && (known != .some(country) || country == nil)
                    table[key] = .some(shared ? nil : country)
                }
            }
        }
        return table
    }()
}
