import GlaneurCore

/// A normalised value with the partner's text it came from.
public struct SourcedText: Hashable, Sendable {
    /// The normalised value.
    public var value: String
    /// The value as the partner wrote it.
    public var source: String

    public init(value: String, source: String) {
        self.value = value
        self.source = source
    }
}

/// A problem that normalisation found and worked around, or could not fix.
public struct NormalizationWarning: Hashable, Sendable {
    /// A stable kebab-case code: `invalid-phone`, `invalid-email`, `invalid-postcode`,
    /// `unknown-product`… (and the codes of warnings raised while reading the row).
    public var code: String
    /// The canonical field concerned (`phones`), when there is one.
    public var field: Field?
    /// The source column concerned, for warnings raised while reading the row.
    public var column: String?
    public var message: String

    public init(code: String, field: Field? = nil, column: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.column = column
        self.message = message
    }
}

/// The address of a record, taken apart; each part keeps the raw text it came from.
public struct NormalizedAddress: Hashable, Sendable {
    /// The street, abbreviations expanded ("Rue de la Gare", "Kerkstraat").
    public var street: String?
    /// The canonical street type (`rue`, `straat`), see `StreetTypes`.
    public var streetType: String?
    /// The street without its type ("de la Gare", "Kerk").
    public var streetName: String?
    /// Digits, or a range ("10-12").
    public var houseNumber: String?
    /// `bis`, `ter`, `a`…
    public var houseNumberSuffix: String?
    public var box: String?
    public var lieuDit: String?
    public var postOfficeBox: String?
    public var sortingCentre: String?
    public var cedex: String?
    public var withoutNumber = false
    /// The raw values the address was read from, by canonical field (`address`, `street`,
    /// `house_number`, `box`), in field order.
    public var source: [(field: Field, text: String)] = []

    public init() {}

    public static func == (lhs: NormalizedAddress, rhs: NormalizedAddress) -> Bool {
        lhs.street == rhs.street && lhs.streetType == rhs.streetType
            && lhs.streetName == rhs.streetName && lhs.houseNumber == rhs.houseNumber
            && lhs.houseNumberSuffix == rhs.houseNumberSuffix && lhs.box == rhs.box
            && lhs.lieuDit == rhs.lieuDit && lhs.postOfficeBox == rhs.postOfficeBox
            && lhs.sortingCentre == rhs.sortingCentre && lhs.cedex == rhs.cedex
            && lhs.withoutNumber == rhs.withoutNumber
            && lhs.source.map(\.field) == rhs.source.map(\.field)
            && lhs.source.map(\.text) == rhs.source.map(\.text)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(street)
        hasher.combine(houseNumber)
        hasher.combine(box)
    }

    /// Whether any part holds a value.
    public var isEmpty: Bool {
        street == nil && houseNumber == nil && box == nil && lieuDit == nil
            && postOfficeBox == nil && sortingCentre == nil && cedex == nil && !withoutNumber
    }
}

/// A record after normalisation: every normalised field next to the source value it came
/// from, the rules applied and the warnings raised. `writeJSON` and `init(json:)` give its
/// NDJSON form, which the later stages (geocode, dedupe, store) read.
public struct NormalizedRecord: Sendable {
    public var provenance: Provenance
    /// The partner's columns, untouched.
    public var sourceFields: [SourceField]

    public var name: SourcedText?
    /// `MatchKeys.name` of the name: sorted tokens, no legal form, no stop words.
    public var nameKey: String?
    /// The name key without the generic words of the trade (see `TradeWords`).
    public var distinctiveNameKey: String?
    /// Generic trade words found in the name ("ferme", "hoeve"), folded.
    public var genericWords: [String] = []
    /// The legal form, from the name or a column of its own; `source` is the form as
    /// written.
    public var legalForm: LegalForm?
    public var legalFormSource: String?
    public var kind: SourcedText?
    public var contact: SourcedText?

    public var address = NormalizedAddress()
    /// The canonical postcode; `source` is the postcode as written (or the address cell).
    public var postcode: SourcedText?
    public var postcodeIsValid = false
    public var locality: SourcedText?
    /// `MatchKeys.locality` of the locality.
    public var localityKey: String?
    /// The ISO country code; `source` is the text of the country column, or empty when the
    /// country was inferred.
    public var country: SourcedText?
    /// What the country was inferred from when the row did not say: `postcode`, `phone`,
    /// `locality`, `address`, `default`.
    public var countryInferredFrom: String?

    public var phones: [PhoneNumber] = []
    public var emails: [Emails.Address] = []
    public var website: Websites.Site?
    public var companyNumber: CompanyNumber?
    public var vatNumber: CompanyNumber?

    public var products: [ProductTerm] = []
    public var organic: OrganicLabels.Status?
    public var organicCertifier: String?
    /// The raw values of the labels column.
    public var labelsSource: [String] = []
    /// Labels that are not organic statuses, cleaned ("AOP", "Label Rouge").
    public var otherLabels: [String] = []

    public var latitude: SourcedText?
    public var longitude: SourcedText?
    public var description: SourcedText?
    public var openingHours: SourcedText?
    /// The language of the record's free text (`fr`, `nl`, `de`, `en`).
    public var language: String?

    /// Kebab-case codes of the rules that changed something, in the order first applied.
    public var rules: [String] = []
    public var warnings: [NormalizationWarning] = []

    public init(provenance: Provenance, sourceFields: [SourceField] = []) {
        self.provenance = provenance
        self.sourceFields = sourceFields
    }

    /// Records a rule once.
    public mutating func apply(_ rule: String) {
        if !rules.contains(rule) { rules.append(rule) }
    }

    public mutating func warn(_ code: String, _ field: Field?, _ message: String) {
        warnings.append(NormalizationWarning(code: code, field: field, message: message))
    }
}
