import Foundation

/// The comparisons the model weighs, each with its levels from the strongest agreement
/// to disagreement. A comparison is *null* for a pair when either record lacks the
/// field: it then adds no evidence either way.
public enum Comparison: Int, CaseIterable, Sendable {
    case name
    case phone
    case email
    case companyNumber
    case location
    case address
    case contact
    case legalForm

    /// The name used in models, explanations and `--fix` overrides.
    public var key: String {
        switch self {
        case .name: "name"
        case .phone: "phone"
        case .email: "email"
        case .companyNumber: "company_number"
        case .location: "location"
        case .address: "address"
        case .contact: "contact"
        case .legalForm: "legal_form"
        }
    }

    /// What each level means, strongest agreement first.
    public var levels: [String] {
        switch self {
        case .name:
            [
                "same tokens", "tokens nearly all alike", "most telling tokens alike",
                "some tokens alike", "different",
            ]
        case .phone: ["a phone in common", "different phones"]
        case .email: ["an e-mail in common", "different e-mails"]
        case .companyNumber: ["same company number", "different company numbers"]
        case .location:
            [
                "same locality and postcode", "same locality or postcode",
                "within 5 km (precision allowed for)", "within 25 km", "far apart",
            ]
        case .address: ["same street and number", "same street", "different streets"]
        case .contact: ["a contact name in common", "different contacts"]
        case .legalForm: ["equivalent legal forms", "different legal forms"]
        }
    }

    public init?(key: String) {
        guard let found = Comparison.allCases.first(where: { $0.key == key }) else {
            return nil
        }
        self = found
    }
}

/// The level of every comparison for one pair, packed one byte each.
public struct Pattern: Hashable, Sendable {
    public static let null: UInt8 = 0xFF
    public var raw: UInt64

    public init() {
        raw = UInt64.max
    }

    public subscript(comparison: Comparison) -> UInt8 {
        get { UInt8(truncatingIfNeeded: raw >> (8 * UInt64(comparison.rawValue))) }
        set {
            let shift = 8 * UInt64(comparison.rawValue)
            raw = (raw & ~(0xFF << shift)) | (UInt64(newValue) << shift)
        }
    }
}

/// A pair compared: its levels, the term-frequency adjustment of its agreements, and
/// what the name comparison measured (for explanations).
public struct ComparedPair: Sendable {
    public var pattern: Pattern
    /// log2 of how much rarer (positive) or commoner (negative) than usual the values
    /// the pair agrees on are; added to the match weight.
    public var frequencyAdjustment: Double
    public var nameDice: Double
    /// The values behind the term-frequency adjustment, for explanations.
    public var adjustedValues: [String]
}

extension Corpus {
    /// Compares two records field by field.
    public func compare(_ a: Int, _ b: Int, explain: Bool = false) -> ComparedPair {
        let left = rows[a]
        let right = rows[b]
        var pattern = Pattern()
        var adjustment = 0.0
        var adjusted: [String] = []

        // Names: token by token, rare tokens weighing more.
        let (dice, overlap) = nameAgreement(left, right)
        if !left.names.isEmpty, !right.names.isEmpty {
            if left.names.count == right.names.count,
                names.elements[left.names.positions]
                    .elementsEqual(names.elements[right.names.positions])
            {
                pattern[.name] = 0
                adjustment += nameAdjustments[a]
                if explain {
                    adjusted.append("n|" + records[a].nameTokens.joined(separator: " "))
                }
            } else if dice >= 0.88 {
                pattern[.name] = 1
            } else if dice >= 0.7
                || (overlap >= 0.95 && min(left.names.count, right.names.count) >= 2)
            {
                pattern[.name] = 2
            } else if dice >= 0.45 {
                pattern[.name] = 3
            } else {
                pattern[.name] = 4
            }
        }

        // Phones and e-mails: one shared value is strong evidence, less so for a value
        // many records carry (a cooperative's switchboard).
        if let shared = Self.firstShared(phoneIDs.elements, left.phones, right.phones) {
            if shared >= 0 {
                pattern[.phone] = 0
                adjustment += phoneAdjustments[Int(left.phones.lowerBound) + shared]
                if explain { adjusted.append("p|" + records[a].phones[shared]) }
            } else {
                pattern[.phone] = 1
            }
        }
        if let shared = Self.firstShared(emailIDs.elements, left.emails, right.emails) {
            if shared >= 0 {
                pattern[.email] = 0
                adjustment += emailAdjustments[Int(left.emails.lowerBound) + shared]
                if explain { adjusted.append("e|" + records[a].emails[shared]) }
            } else {
                pattern[.email] = 1
            }
        }
        if left.companyNumber >= 0, right.companyNumber >= 0 {
            pattern[.companyNumber] = left.companyNumber == right.companyNumber ? 0 : 1
        }

        pattern[.location] = locationLevel(a, b)
        if left.hasStreet, right.hasStreet {
            let sameStreet = streets.elements.withUnsafeBufferPointer { texts in
                TokenSimilarity.isEditSimilar(
                    UnsafeBufferPointer(rebasing: texts[left.street.positions]),
                    UnsafeBufferPointer(rebasing: texts[right.street.positions]),
                    atLeast: 0.85)
            }
            if sameStreet, left.houseNumber >= 0, left.houseNumber == right.houseNumber {
                pattern[.address] = 0
            } else {
                pattern[.address] = sameStreet ? 1 : 2
            }
        }
        if !left.contacts.isEmpty, !right.contacts.isEmpty {
            pattern[.contact] = shareContact(left, right) ? 0 : 1
        }
        if left.legalForm >= 0, right.legalForm >= 0 {
            pattern[.legalForm] = left.legalForm == right.legalForm ? 0 : 1
        }
        return ComparedPair(
            pattern: pattern, frequencyAdjustment: adjustment, nameDice: dice,
            adjustedValues: adjusted)
    }

    /// The weighted Dice coefficient of the two names' tokens, and the share of the
    /// smaller name that the other covers.
    func nameAgreement(_ a: Int, _ b: Int) -> (dice: Double, overlap: Double) {
        nameAgreement(rows[a], rows[b])
    }

    func nameAgreement(_ first: ComparisonRow, _ second: ComparisonRow)
        -> (dice: Double, overlap: Double)
    {
        let left = first.names.positions
        let right = second.names.positions
        guard !left.isEmpty, !right.isEmpty else { return (0, 0) }
        let tokens = names.elements
        let matched = tokenBytes.elements.withUnsafeBufferPointer { texts in
            // Each token of the other name pairs with one token at most: a bit each.
            var used: UInt64 = 0
            var matched = 0.0
            for token in tokens[left] {
                var best = 0.0
                var bestIndex = -1
                for index in 0..<min(right.count, 64) where used & (1 << UInt64(index)) == 0 {
                    let other = tokens[right.lowerBound + index]
                    let similarity = tokenSimilarity(token, other, texts: texts)
                    if similarity > best {
                        best = similarity
                        bestIndex = index
                        if similarity == 1 { break }
                    }
                }
                guard bestIndex >= 0 else { continue }
                used |= 1 << UInt64(bestIndex)
                let other = tokens[right.lowerBound + bestIndex]
                let weight = (tokenWeight[Int(token)] + tokenWeight[Int(other)]) / 2
                matched += best * weight
            }
            return matched
        }
        let total = first.nameWeight + second.nameWeight
        let smaller = min(first.nameWeight, second.nameWeight)
        return (
            total > 0 ? min(1, 2 * matched / total) : 0,
            smaller > 0 ? min(1, matched / smaller) : 0
        )
    }

    /// Whether the two records' contacts have a token of three letters or more in common,
    /// give or take a typo.
    func shareContact(_ first: ComparisonRow, _ second: ComparisonRow) -> Bool {
        let tokens = contacts.elements
        return tokenBytes.elements.withUnsafeBufferPointer { texts in
            for token in tokens[first.contacts.positions]
            where tokenBytes.bounds(of: Int(token)).count >= 3 {
                for other in tokens[second.contacts.positions]
                where tokenSimilarity(token, other, texts: texts) >= 0.9 {
                    return true
                }
            }
            return false
        }
    }

    /// Where in the first list the first value that the second holds too is; -1 when the
    /// lists share none, nil when either is empty (the comparison is then null).
    static func firstShared(_ values: [Int32], _ first: Range<Int32>, _ second: Range<Int32>)
        -> Int?
    {
        let left = first.positions
        let right = second.positions
        guard !left.isEmpty, !right.isEmpty else { return nil }
        for index in left {
            for other in right where values[other] == values[index] {
                return index - left.lowerBound
            }
        }
        return -1
    }

    func locationLevel(_ a: Int, _ b: Int) -> UInt8 {
        let left = rows[a]
        let right = rows[b]
        let samePostcode = left.postcode >= 0 && left.postcode == right.postcode
        let sameLocality = left.locality >= 0 && left.locality == right.locality
        if samePostcode && sameLocality { return 0 }
        if samePostcode || sameLocality { return 1 }
        if let first = left.point, let second = right.point {
            // Two locality centres 4 km apart may be the same farm between them.
            let distance = max(0, first.distance(to: second) - first.radius - second.radius)
            if distance <= 5 { return 2 }
            return distance <= 25 ? 3 : 4
        }
        if let first = records[a].postcode, let second = records[b].postcode {
            return first.prefix(3) == second.prefix(3) ? 3 : 4
        }
        return Pattern.null
    }
}
