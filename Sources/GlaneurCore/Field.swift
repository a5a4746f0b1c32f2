/// The canonical fields of a producer record.
///
/// Every partner names its columns its own way ("CP", "Postcode", "zip", "PLZ"); ingest
/// maps them onto these fields. The raw value is the partner's text, untouched: cleaning
/// it is the normalisation stage's job.
public enum Field: String, CaseIterable, Sendable, Codable {
    /// The partner's own identifier for the row, kept for provenance and idempotent
    /// re-imports.
    case sourceKey = "source_key"
    case name
    case legalForm = "legal_form"
    /// The kind of actor: producer, logistician, buyer, association…
    case kind
    case contact
    /// A whole address written in one cell, when the partner does not split it.
    case address
    case street
    case houseNumber = "house_number"
    case box
    case postcode
    case locality
    case country
    case phones
    case emails
    case website
    case companyNumber = "company_number"
    case vatNumber = "vat_number"
    case products
    /// Quality labels and certifications ("bio", "AB", "Certisys").
    case labels
    case latitude
    case longitude
    case description
    case openingHours = "opening_hours"

    /// The name used in NDJSON output and in column-mapping overrides.
    public var key: String { rawValue }

    /// Whether a record may hold several values for this field: a partner may send two
    /// phone columns, or a JSON list of products.
    public var holdsList: Bool {
        switch self {
        case .phones, .emails, .products, .labels: true
        default: false
        }
    }

    /// Looks a field up by its NDJSON key, also accepting the Swift spelling
    /// (`houseNumber`) and dashes (`house-number`).
    public init?(key: String) {
        if let field = Field(rawValue: key) {
            self = field
            return
        }
        let folded = key.lowercased().filter { $0.isLetter }
        guard
            let field = Field.allCases.first(where: {
                $0.rawValue.filter { $0.isLetter } == folded
            })
        else { return nil }
        self = field
    }
}
