/// How precisely an answer places an address, from the best to none at all.
public enum Precision: String, Sendable, CaseIterable, Comparable {
    case housenumber
    case street
    case locality
    case postcode
    case none

    /// Higher is more precise.
    var rank: Int {
        switch self {
        case .housenumber: 4
        case .street: 3
        case .locality: 2
        case .postcode: 1
        case .none: 0
        }
    }

    public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rank < rhs.rank }
}

/// An address to place, as a partner's row gives it: structured fields, or one free-text
/// cell, or both.
public struct AddressQuery: Sendable, Hashable {
    public var street: String?
    public var houseNumber: String?
    public var box: String?
    public var postcode: String?
    public var locality: String?
    /// A country code or name, in any of the four countries' languages.
    public var country: String?
    /// The whole address in one cell, when the row does not split it.
    public var freeText: String?

    public init(
        street: String? = nil, houseNumber: String? = nil, box: String? = nil,
        postcode: String? = nil, locality: String? = nil, country: String? = nil,
        freeText: String? = nil
    ) {
        self.street = street.nonBlank
        self.houseNumber = houseNumber.nonBlank
        self.box = box.nonBlank
        self.postcode = postcode.nonBlank
        self.locality = locality.nonBlank
        self.country = country.nonBlank
        self.freeText = freeText.nonBlank
    }

    /// The query as matching reads it: a street line with no postcode and no locality
    /// beside it is a whole address written in the street column.
    var effective: AddressQuery {
        guard freeText == nil, postcode == nil, locality == nil, let street else { return self }
        var query = self
        query.freeText = street
        query.street = nil
        return query
    }

    /// Whether the query holds anything to look up.
    public var isEmpty: Bool {
        street == nil && houseNumber == nil && postcode == nil && locality == nil
            && freeText == nil
    }
}

/// The answer for one address: where, how precisely, how sure, and why.
public struct GeocodeResult: Sendable {
    public var latitude: Double?
    public var longitude: Double?
    public var precision: Precision
    /// Confidence in [0, 1].
    public var score: Double
    /// The score's lead over the best other place; small means ambiguous.
    public var gap: Double
    /// The matched place or address, as the reference data names it.
    public var label: String
    /// The reference id of the matched place, street or address.
    public var referenceID: String
    /// The id of the locality in the shipped gazetteer the answer lies in (the matched
    /// place, or the municipality of a matched section), for comparisons with other lists.
    public var localityID: String?
    /// `gazetteer` for the offline gazetteer, else the online provider's name.
    public var provider: String
    /// What was done to reach the answer, in order (`postcode-exact`, `name-fuzzy`…).
    public var steps: [String]
    /// Why an address could not be placed, or placed less precisely than asked.
    public var reason: String?
    /// The candidates considered, best first (filled when explaining).
    public var candidates: [Candidate]

    /// An answer that places nothing, with the reason.
    public static func unplaced(reason: String, steps: [String], provider: String = "gazetteer")
        -> GeocodeResult
    {
        GeocodeResult(
            latitude: nil, longitude: nil, precision: .none, score: 0, gap: 0, label: "",
            referenceID: "", localityID: nil, provider: provider, steps: steps,
            reason: reason, candidates: [])
    }
}

/// One place considered for an address, with the evidence for it.
public struct Candidate: Sendable {
    public var referenceID: String
    public var label: String
    public var country: String
    public var postcodes: [String]
    public var score: Double
    /// How well the locality name matches, in [0, 1] (0 when no name was given).
    public var nameSimilarity: Double
    /// How well the postcode agrees: 1 exact, 0.6 one digit off, 0.35 same area, 0 none;
    /// nil when no postcode was given.
    public var postcodeAgreement: Double?
    /// `exact`, `fuzzy`, `phonetic` or `postcode`.
    public var evidence: String
    /// The locality text this candidate was found for.
    public var localityText: String?
}

extension Optional where Wrapped == String {
    /// The string, or nil when it is missing or blank.
    var nonBlank: String? {
        guard let self, self.contains(where: { !$0.isWhitespace }) else { return nil }
        return self
    }
}
