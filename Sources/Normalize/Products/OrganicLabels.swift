import GlaneurCore

/// The organic column read as a status: "bio", "ja", "true", "AB", "Certisys" mean
/// certified; "en conversion", "in omschakeling" mean in conversion; "", "-", "non",
/// "nee", "false" mean not organic.
public enum OrganicLabels {
    public enum Status: String, Hashable, Sendable {
        case certified = "yes"
        case conversion
        case notOrganic = "no"
    }

    public struct Reading: Hashable, Sendable {
        public var status: Status?
        /// The certification body when the value names one ("Certisys", "Ecocert").
        public var certifier: String?
    }

    static let yes: Set<String> = [
        "bio", "oui", "ja", "yes", "true", "1", "y", "o", "j", "ab", "certifie bio",
        "biologisch", "biologique", "organic", "agriculture biologique", "bio certifie", "x",
        "label bio", "eko", "biologique certifie",
    ]
    static let no: Set<String> = [
        "", "non", "nee", "no", "false", "0", "n", "nein", "conventionnel", "gangbaar",
    ]
    static let conversion: Set<String> = [
        "en conversion", "conversion bio", "conversion", "in omschakeling", "omschakeling",
        "in conversion", "umstellung", "en conversion bio",
    ]
    /// Certification bodies, folded, with their usual spelling.
    static let certifiers: [String: String] = [
        "certisys": "Certisys", "ecocert": "Ecocert", "bio suisse": "Bio Suisse",
        "bio inspecta": "bio.inspecta", "bio label": "Bio-LABEL",
        "quality partner": "Quality Partner",
        "tuv nord integra": "TÜV Nord Integra", "bureau veritas": "Bureau Veritas",
        "certipaq": "Certipaq", "biogarantie": "Biogarantie", "demeter": "Demeter",
        "nature progres": "Nature & Progrès", "qualite france": "Qualité France",
    ]

    /// Reads one value; a status of nil means the value is not understood.
    public static func read(_ value: String) -> Reading {
        let folded = MatchKeys.fold(value)
        if no.contains(folded) || value.trimmingSpaces == "-" {
            return Reading(status: .notOrganic)
        }
        if conversion.contains(folded) { return Reading(status: .conversion) }
        if yes.contains(folded) { return Reading(status: .certified) }
        if let body = certifiers[folded] { return Reading(status: .certified, certifier: body) }
        for (key, body) in certifiers where folded.contains(key) {
            return Reading(status: .certified, certifier: body)
        }
        if folded.contains("conversion") || folded.contains("omschakeling") {
            return Reading(status: .conversion)
        }
        if folded.split(separator: " ").contains("bio") { return Reading(status: .certified) }
        return Reading(status: nil)
    }
}
