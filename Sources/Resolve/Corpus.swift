import Foundation
import GlaneurCore
import Normalize

/// The records to match, with what every comparison needs computed once: name tokens
/// interned and weighed by rarity, phonetic keys, and how often each value occurs.
///
/// A corpus is immutable once built and read from any number of threads.
public final class Corpus: Sendable {
    public let records: [MatchRecord]

    /// Token texts (as bytes) by token id, for names and contacts alike.
    let tokenBytes: PackedLists<UInt8>
    /// Whether a token begins with a digit: such tokens agree only when equal.
    let tokenIsNumber: [Bool]
    /// The phonetic key's id of each token.
    let tokenPhonetic: [Int32]
    /// How much a token tells two producers apart: its inverse document frequency among
    /// names, weighed down for generic words of the trade ("ferme", "hoeve").
    let tokenWeight: [Double]
    /// Whether a token is a generic word of the trade.
    let tokenIsGeneric: [Bool]
    /// Each record's name tokens (ids, sorted by id), and its contact's.
    let names: PackedLists<Int32>
    let contacts: PackedLists<Int32>
    /// Per-record values that comparisons read on every pair, kept apart from the records
    /// so that a comparison copies no record: short texts are interned (-1 when absent).
    let phones: [[String]]
    let emails: [[String]]
    /// The same phones and e-mails interned, as comparisons test them, with the
    /// term-frequency adjustment of each, and that of each record's whole name: worked
    /// out once here rather than for every pair that shares one.
    let phoneIDs: PackedLists<Int32>
    let emailIDs: PackedLists<Int32>
    let phoneAdjustments: PackedLists<Double>
    let emailAdjustments: PackedLists<Double>
    let nameAdjustments: [Double]
    /// Each record's whole-name key for term frequencies (`n|bois ferme joli`).
    let nameKeys: [String]
    /// Each record's folded street, as bytes.
    let streets: PackedLists<UInt8>
    /// What comparisons read of each record on every pair, in one row a record.
    let rows: [ComparisonRow]

    /// Generic words count this much of a rare word at most.
    static let genericFactor = 0.2

    /// - parameter statistics: counts over a larger set of records (a map's, with these
    ///   records counted in) to weigh tokens and values by instead of counting them
    ///   among `records` alone; what it does not list is counted among `records`.
    public init(records: [MatchRecord], statistics: CorpusStatistics? = nil) {
        self.records = records
        var ids: [String: Int32] = [:]
        var texts: [[UInt8]] = []
        func intern(_ token: String) -> Int32 {
            if let id = ids[token] { return id }
            let id = Int32(texts.count)
            ids[token] = id
            texts.append(Array(token.utf8))
            return id
        }
        var names: [[Int32]] = []
        var contacts: [[Int32]] = []
        names.reserveCapacity(records.count)
        contacts.reserveCapacity(records.count)
        var counts: [String: Int] = [:]
        // By index, reading fields in place: a record taken whole is copied, a reference
        // count touched for each of its texts.
        for record in records.indices {
            names.append(records[record].nameTokens.map(intern).sorted())
            contacts.append(records[record].contactTokens.map(intern).sorted())
            for value in Self.values(of: records[record]) { counts[value, default: 0] += 1 }
        }

        var documentFrequency = [Int](repeating: 0, count: texts.count)
        for tokens in names { for token in tokens { documentFrequency[Int(token)] += 1 } }
        if let statistics {
            for (id, bytes) in texts.enumerated() {
                let text = String(decoding: bytes, as: UTF8.self)
                if let known = statistics.documents[text] { documentFrequency[id] = known }
            }
            counts.merge(statistics.values) { _, known in known }
        }
        let total = Double(max(statistics?.records ?? records.count, records.count, 1))
        var phoneticIDs: [String: Int32] = [:]
        var phonetic: [Int32] = []
        var weights: [Double] = []
        var generic: [Bool] = []
        for (id, bytes) in texts.enumerated() {
            let text = String(decoding: bytes, as: UTF8.self)
            let key = Phonetic.key(text)
            let phoneticID =
                phoneticIDs[key]
                ?? {
                    let next = Int32(phoneticIDs.count)
                    phoneticIDs[key] = next
                    return next
                }()
            phonetic.append(phoneticID)
            let isGeneric = TradeWords.generic.contains(text)
            // Smoothed so that a token seen once is not infinitely telling.
            let idf = log2((total + 1) / Double(documentFrequency[id] + 1)) + 1
            weights.append(isGeneric ? min(idf, 4) * Self.genericFactor : idf)
            generic.append(isGeneric)
        }

        tokenBytes = PackedLists(texts)
        tokenIsNumber = texts.map { $0.first.map(Self.isDigit) == true }
        tokenPhonetic = phonetic
        tokenWeight = weights
        tokenIsGeneric = generic
        let packedNames = PackedLists(names)
        let packedContacts = PackedLists(contacts)
        self.names = packedNames
        let nameWeight = names.map { $0.reduce(0) { $0 + weights[Int($1)] } }
        self.contacts = packedContacts
        var values: [String: Int32] = [:]
        func code(_ value: String?) -> Int32 {
            guard let value else { return -1 }
            if let known = values[value] { return known }
            let next = Int32(values.count)
            values[value] = next
            return next
        }
        var phones: [[String]] = []
        var emails: [[String]] = []
        var companyNumbers: [Int32] = []
        var postcodes: [Int32] = []
        var localities: [Int32] = []
        var houseNumbers: [Int32] = []
        var legalForms: [Int32] = []
        var nameKeys: [String] = []
        var streets: [[UInt8]] = []
        for record in records.indices {
            phones.append(records[record].phones)
            emails.append(records[record].emails)
            companyNumbers.append(code(records[record].companyNumber.map { "c|" + $0 }))
            postcodes.append(code(records[record].postcode.map { "p|" + $0 }))
            localities.append(code(records[record].localityID.map { "l|" + $0 }))
            houseNumbers.append(code(records[record].houseNumber.map { "h|" + $0 }))
            legalForms.append(code(records[record].legalForm.map { "f|" + $0 }))
            nameKeys.append("n|" + records[record].nameTokens.joined(separator: " "))
            streets.append(Array((records[record].street ?? "").utf8))
        }
        self.phones = phones
        self.emails = emails
        self.nameKeys = nameKeys
        let packedStreets = PackedLists(streets)
        self.streets = packedStreets
        // Term frequencies: how many records carry each phone, e-mail and whole name
        // (sharing a phone that twenty records carry says less), how many values of each
        // kind there are, and the chance that two records sharing a kind of value share
        // it by picking two at random: the sum of the squared shares of its values.
        var totals: [String: Double] = [:]
        var squares: [String: Double] = [:]
        if let statistics {
            totals = statistics.totals.mapValues(Double.init)
            squares = statistics.squares
        } else {
            for (key, count) in counts {
                let kind = String(key.prefix(2))
                totals[kind, default: 0] += Double(count)
                squares[kind, default: 0] += Double(count) * Double(count)
            }
        }
        let typical = Dictionary(
            uniqueKeysWithValues: totals.map { kind, total in
                (kind, squares[kind, default: 0] / (total * total))
            })
        let totalValues = totals.mapValues { Int($0) }
        func adjustments(_ values: [[String]], kind: String) -> PackedLists<Double> {
            PackedLists(
                values.map { list in
                    list.map {
                        Self.frequencyAdjustment(
                            kind + $0, counts: counts, typicalShare: typical,
                            totals: totalValues)
                    }
                })
        }
        let packedPhones = PackedLists(phones.map { $0.map { code("p|" + $0) } })
        let packedEmails = PackedLists(emails.map { $0.map { code("e|" + $0) } })
        phoneIDs = packedPhones
        emailIDs = packedEmails
        phoneAdjustments = adjustments(phones, kind: "p|")
        emailAdjustments = adjustments(emails, kind: "e|")
        nameAdjustments = nameKeys.map {
            Self.frequencyAdjustment(
                $0, counts: counts, typicalShare: typical, totals: totalValues)
        }
        rows = records.indices.map { record in
            ComparisonRow(
                names: packedNames.span(of: record), contacts: packedContacts.span(of: record),
                phones: packedPhones.span(of: record), emails: packedEmails.span(of: record),
                street: packedStreets.span(of: record), hasStreet: records[record].street != nil,
                companyNumber: companyNumbers[record], postcode: postcodes[record],
                locality: localities[record], houseNumber: houseNumbers[record],
                legalForm: legalForms[record], nameWeight: nameWeight[record],
                point: records[record].point)
        }
    }

    public var count: Int { records.count }

    /// The values of a record that term frequencies count: its phones (`p|`), e-mails
    /// (`e|`) and whole name (`n|`).
    public static func values(of record: MatchRecord) -> [String] {
        var values = record.phones.map { "p|" + $0 } + record.emails.map { "e|" + $0 }
        if !record.nameTokens.isEmpty {
            values.append("n|" + record.nameTokens.joined(separator: " "))
        }
        return values
    }

    /// The record's most telling name tokens, rarest first, generic words last.
    func rarestTokens(of record: Int, limit: Int) -> [Int32] {
        let sorted = names[record].sorted { tokenWeight[Int($0)] > tokenWeight[Int($1)] }
        return Array(sorted.prefix(limit))
    }

    func text(of token: Int32) -> String {
        String(decoding: tokenBytes[Int(token)], as: UTF8.self)
    }

    /// How alike two tokens are: 1 when equal, high when they sound alike or one is a
    /// clear typo or abbreviation of the other, 0 otherwise.
    func tokenSimilarity(_ a: Int32, _ b: Int32) -> Double {
        tokenBytes.elements.withUnsafeBufferPointer { tokenSimilarity(a, b, texts: $0) }
    }

    /// The same, with the token texts at hand (`tokenBytes.elements`), so that a loop
    /// over many tokens opens the buffer once.
    func tokenSimilarity(_ a: Int32, _ b: Int32, texts: UnsafeBufferPointer<UInt8>) -> Double {
        if a == b { return 1 }
        // Numbers must agree exactly: "Ferme 12" is not "Ferme 13".
        if tokenIsNumber[Int(a)] || tokenIsNumber[Int(b)] { return 0 }
        let left = UnsafeBufferPointer(rebasing: texts[tokenBytes.bounds(of: Int(a))])
        let right = UnsafeBufferPointer(rebasing: texts[tokenBytes.bounds(of: Int(b))])
        let jaroWinkler = TokenSimilarity.jaroWinkler(left, right)
        var similarity = jaroWinkler >= 0.88 ? jaroWinkler : 0
        if tokenPhonetic[Int(a)] == tokenPhonetic[Int(b)], min(left.count, right.count) >= 3 {
            similarity = max(similarity, 0.9)
        }
        return similarity
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

/// Counts over a set of records that a corpus weighs its tokens and values by: how many
/// records hold each name token and each value, and per kind of value (`p|`, `e|`,
/// `n|`) the number of values and the sum of their squared counts.
public struct CorpusStatistics: Sendable, Equatable {
    public var records = 0
    public var documents: [String: Int] = [:]
    public var values: [String: Int] = [:]
    public var totals: [String: Int] = [:]
    public var squares: [String: Double] = [:]

    public init() {}

    /// Counts a record in (`sign` 1) or out (-1).
    public mutating func add(_ record: MatchRecord, sign: Int = 1) {
        records += sign
        for token in Set(record.nameTokens) { documents[token, default: 0] += sign }
        for value in Corpus.values(of: record) {
            let before = Double(values[value, default: 0])
            let after = max(0, before + Double(sign))
            values[value] = Int(after)
            let kind = String(value.prefix(2))
            totals[kind, default: 0] += Int(after - before)
            squares[kind, default: 0] += after * after - before * before
        }
    }
}

/// Lists end to end in one array: list `i` is `elements[bounds(of: i)]`.
///
/// An array of arrays hands out each list as an array of its own, whose reference count
/// goes up and down on every read; run on every candidate pair, that costs more than the
/// comparison that reads it. Here a read is two indices into flat storage.
struct PackedLists<Element: Sendable>: Sendable {
    let elements: [Element]
    /// Where each list begins in `elements`, and one more: where the last one ends.
    let starts: [Int]

    init(_ lists: [[Element]]) {
        var elements: [Element] = []
        elements.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        var starts = [0]
        starts.reserveCapacity(lists.count + 1)
        for list in lists {
            elements.append(contentsOf: list)
            starts.append(elements.count)
        }
        self.elements = elements
        self.starts = starts
    }

    var count: Int { starts.count - 1 }

    func bounds(of list: Int) -> Range<Int> {
        starts[list]..<starts[list + 1]
    }

    /// The bounds of a list, narrowed for a `ComparisonRow`.
    func span(of list: Int) -> Range<Int32> {
        Int32(starts[list])..<Int32(starts[list + 1])
    }

    /// One list, copied out: for the cold paths.
    subscript(list: Int) -> ArraySlice<Element> {
        elements[bounds(of: list)]
    }
}

/// What the comparisons read of one record, side by side in memory.
///
/// A candidate pair's second record lies anywhere in the corpus. With each of these
/// fields in an array of its own, a pair waited on memory once per field for it, and
/// comparing spent more time waiting than computing; in one row it waits for a line or
/// two.
struct ComparisonRow: Sendable {
    /// Where the record's lists lie in the corpus's packed lists.
    var names: Range<Int32>
    var contacts: Range<Int32>
    var phones: Range<Int32>
    var emails: Range<Int32>
    var street: Range<Int32>
    var hasStreet: Bool
    /// Interned values, -1 when absent.
    var companyNumber: Int32
    var postcode: Int32
    var locality: Int32
    var houseNumber: Int32
    var legalForm: Int32
    /// The total weight of the name's tokens.
    var nameWeight: Double
    var point: MatchPoint?
}

extension Range<Int32> {
    /// The range as array indices.
    var positions: Range<Int> { Int(lowerBound)..<Int(upperBound) }
}
