import Foundation
import Store

/// What `Audit` found in a map database: figures on the whole map and the findings of
/// each check, every finding naming the entity concerned and the offending value.
public struct AuditReport: Sendable {
    /// The database as named on the command line.
    public var database: String
    /// When the audit ran, ISO 8601 UTC.
    public var generated: String
    public var options: Audit.Options

    /// Active entities, and the active records attached to them.
    public var entities = 0
    public var records = 0
    /// The share of records (per source) and of golden records (`map`) holding each field.
    public var completeness: [Completeness] = []
    /// Active entities by the country their golden record names.
    public var countries: [String: Int] = [:]
    /// Active entities by geocoding precision (`none` for those without a point).
    public var precisions: [String: Int] = [:]
    /// The mean geocoding score of the entities of each precision.
    public var meanScores: [String: Double] = [:]
    public var findings: [AuditFinding] = []
    /// The entities' points, for the map; at most `Audit.Options.mapPointLimit`.
    public var points: [MapPoint] = []
    /// Entities with a point, when there are more than the map draws.
    public var pointsWithheld = 0

    /// Findings of one check, in the order found.
    public func findings(_ check: AuditCheck) -> [AuditFinding] {
        findings.filter { $0.check == check }
    }

    /// The number of findings of each check, in `AuditCheck` order, checks without
    /// findings included.
    public var counts: [(check: AuditCheck, count: Int)] {
        var counts: [AuditCheck: Int] = [:]
        for finding in findings { counts[finding.check, default: 0] += 1 }
        return AuditCheck.allCases.map { ($0, counts[$0] ?? 0) }
    }
}

/// The checks an audit runs, each with a stable code for JSON and scripts.
public enum AuditCheck: String, CaseIterable, Sendable {
    /// A phone number that libphonenumber does not hold valid.
    case invalidPhone = "invalid-phone"
    /// A valid phone number that is a placeholder or that many entities share.
    case suspiciousPhone = "suspicious-phone"
    /// An e-mail address with a broken syntax.
    case invalidEmail = "invalid-email"
    /// A placeholder address (a reserved domain, a no-reply box) or one many share.
    case suspiciousEmail = "suspicious-email"
    /// A company or VAT number whose check digits are wrong (SIREN/SIRET Luhn, BCE/KBO
    /// mod 97, Swiss UID mod 11…).
    case invalidCompanyNumber = "invalid-company-number"
    /// A company number of one repeated digit, or that many entities share.
    case suspiciousCompanyNumber = "suspicious-company-number"
    /// An entity that geocoding could not place.
    case missingPoint = "missing-point"
    /// A point outside its country's outline, or in no country at all (at sea).
    case outsideCountry = "outside-country"
    /// A point far from the gazetteer's centre of its locality.
    case farFromLocality = "far-from-locality"
    /// Two active entities that the deduplicator would merge with confidence.
    case likelyDuplicate = "likely-duplicate"
    /// A record that no source has confirmed for longer than the stale delay.
    case staleRecord = "stale-record"
    /// An entity in Flanders with its locality in French, or with nothing in Dutch.
    case flemishWithoutDutch = "flemish-without-dutch"
}

/// An entity as findings name it.
public struct AuditEntity: Sendable, Hashable {
    public var uid: String
    public var name: String
    public var locality: String?

    public init(uid: String, name: String, locality: String?) {
        self.uid = uid
        self.name = name
        self.locality = locality
    }
}

/// One problem found on one entity.
public struct AuditFinding: Sendable {
    public var check: AuditCheck
    public var entity: AuditEntity
    /// The offending value as the map holds it (a phone, a point, a locality, a date).
    public var value: String
    public var reason: AuditReason
}

/// Why a value was found wrong, with what the page and the JSON say about it.
public enum AuditReason: Sendable, Hashable {
    /// The validator rejects the value.
    case invalid
    /// The validator rejects the value as `source` sent it in `column`; the import left
    /// it out of the map.
    case invalidAtSource(source: String, column: String)
    /// A valid-looking value that stands for none (0000000000, test@example.com).
    case placeholder
    /// The same value on this many active entities.
    case shared(entities: Int)
    /// The entity has no point.
    case unplaced
    /// The point lies outside the outline of `country`, this far from its edge.
    case outside(country: String, kilometres: Double)
    /// The entity names no country and its point lies in none (at sea, or abroad).
    case inNoCountry
    /// The point lies this far from the gazetteer's centre of `place`.
    case far(kilometres: Double, place: String)
    /// The deduplicator's match probability for the pair, and its strongest evidence.
    case duplicate(other: AuditEntity, probability: Double, evidence: [MatchEvidence])
    /// The record of `source` with `key` was last confirmed this many days ago.
    case notConfirmed(source: String, key: String, days: Int)
    /// The locality is the French name of a Flemish municipality; `dutch` is its name.
    case frenchLocality(dutch: String)
    /// Neither the locality, the street nor the name is in Dutch.
    case noDutch

    /// A stable code for JSON.
    public var code: String {
        switch self {
        case .invalid: "invalid"
        case .invalidAtSource: "invalid-at-source"
        case .placeholder: "placeholder"
        case .shared: "shared"
        case .unplaced: "unplaced"
        case .outside: "outside-country"
        case .inNoCountry: "in-no-country"
        case .far: "far-from-locality"
        case .duplicate: "duplicate"
        case .notConfirmed: "not-confirmed"
        case .frenchLocality: "french-locality"
        case .noDutch: "no-dutch"
        }
    }
}

/// One comparison behind a likely duplicate, as the deduplicator weighed it.
public struct MatchEvidence: Sendable, Hashable {
    /// The comparison's key (`name`, `phone`…, see `Comparison`), or the rule that
    /// decided the pair (`same-company-number`).
    public var comparison: String
    /// The level the pair reached, strongest agreement 0; nil for a rule.
    public var level: Int?
    /// log2(m/u) of the level: positive for a match, negative against.
    public var weight: Double

    public init(comparison: String, level: Int?, weight: Double) {
        self.comparison = comparison
        self.level = level
        self.weight = weight
    }
}

/// How complete one source's records (or the map's golden records) are, field by field.
public struct Completeness: Sendable {
    /// The source, or nil for the golden records of the map's entities.
    public var source: String?
    public var records: Int
    /// How many records hold each field.
    public var filled: [AuditField: Int]

    public func share(_ field: AuditField) -> Double {
        records == 0 ? 0 : Double(filled[field] ?? 0) / Double(records)
    }
}

/// The fields whose completeness an audit measures.
public enum AuditField: String, CaseIterable, Sendable {
    case name, street
    case houseNumber = "house_number"
    case postcode, locality, country, phone, email, website
    case companyNumber = "company_number"
    case products, point

    /// Whether the fields hold a value for this field; `hasPoint` says whether the
    /// record or entity is placed.
    func isFilled(in fields: EntityFields, hasPoint: Bool) -> Bool {
        func present(_ value: String?) -> Bool {
            value.map { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? false
        }
        switch self {
        case .name: return present(fields.name)
        case .street: return present(fields.street)
        case .houseNumber: return present(fields.houseNumber)
        case .postcode: return present(fields.postcode)
        case .locality: return present(fields.locality)
        case .country: return present(fields.country)
        case .phone: return !fields.phones.isEmpty
        case .email: return !fields.emails.isEmpty
        case .website: return present(fields.website)
        case .companyNumber: return present(fields.companyNumber) || present(fields.vatNumber)
        case .products: return !fields.products.isEmpty
        case .point: return hasPoint
        }
    }
}

/// An entity's point on the audit's map.
public struct MapPoint: Sendable {
    public var latitude: Double
    public var longitude: Double
    public var precision: String
    public var name: String
    /// Whether a check of the point (outside its country, far from its locality) failed.
    public var isFlagged: Bool
}
