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
    /// The bytes each token holds, as a set: bit `byte % 64`.
    let tokenLetters: [UInt64]
    /// How much a token tells two producers apart: its inverse document frequency among
    /// names, weighed down for generic words of the trade ("ferme", "hoeve").
    let tokenWeight: [Double]
    /// Whether a token is a generic word of the trade.
    let tokenIsGeneric: [Bool]
    /// Each record's name tokens (ids, sorted by id), and its contact's.
    let names: PackedLists<Int32>
    let contacts: PackedLists<Int32>
    /// Each record's phones and e-mails interned, as comparisons test them, with the
    /// term-frequency adjustment of each (`phoneAdjustments[i]` goes with
    /// `phoneIDs.elements[i]`), and that of each record's whole name: worked out once here
    /// rather than for every pair that shares one.
    let phoneIDs: PackedLists<Int32>
    let emailIDs: PackedLists<Int32>
    let phoneAdjustments: [Double]
    let emailAdjustments: [Double]
    let nameAdjustments: [Double]
    /// Each record's folded street, as bytes.
    let streets: PackedLists<UInt8>
    /// What comparisons read of each record on every pair, in one row a record.
    let rows: [ComparisonRow]

    /// Generic words count this much of a rare word at most.
    static let genericFactor = 0.2

    /// - parameter statistics: counts over a larger set of records (a map's, with these
    ///   records counted in) to weigh tokens and values by instead of counting them
    ///   among `records` alone; what it does not list is counted among `records`.
    public init(
        records: [MatchRecord], statistics: CorpusStatistics? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.records = records
        var tokens = ValueTable(capacity: 0)
        var names = PackedLists<Int32>(0) { _, _ in }
        var contacts = names
        var phoneIDs = names
        var emailIDs = names
        var streets = PackedLists<UInt8>(0) { _, _ in }
        var phoneFrequencies: TermFrequencies?
        var emailFrequencies: TermFrequencies?
        var nameFrequencies: TermFrequencies?
        var wholeNames: [Int32] = []
        var codes: [CorpusColumn.CodedField: [Int32]] = [:]
        for column in CorpusColumn.build(records, threads: threads) {
            switch column {
            case .tokens(let table, let tokenNames, let tokenContacts):
                (tokens, names, contacts) = (table, tokenNames, tokenContacts)
            case .phones(let ids, let table):
                phoneIDs = ids
                phoneFrequencies = TermFrequencies(kind: "p|", table, statistics: statistics)
            case .emails(let ids, let table):
                emailIDs = ids
                emailFrequencies = TermFrequencies(kind: "e|", table, statistics: statistics)
            case .wholeNames(let ids, let table):
                wholeNames = ids
                nameFrequencies = TermFrequencies(kind: "n|", table, statistics: statistics)
            case .streets(let bytes):
                streets = bytes
            case .codes(let field, let ids):
                codes[field] = ids
            }
        }

        var documentFrequency = [Int](repeating: 0, count: tokens.values.count)
        for token in names.elements { documentFrequency[Int(token)] += 1 }
        if let statistics {
            for (id, text) in tokens.values.enumerated() {
                if let known = statistics.documents[text] { documentFrequency[id] = known }
            }
        }
        let total = Double(max(statistics?.records ?? records.count, records.count, 1))
        var phoneticIDs: [String: Int32] = [:]
        var phonetic: [Int32] = []
        var weights: [Double] = []
        var generic: [Bool] = []
        for (id, text) in tokens.values.enumerated() {
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

        tokenBytes = PackedLists(tokens.values.count) { id, bytes in
            bytes.append(contentsOf: tokens.values[id].utf8)
        }
        tokenIsNumber = tokens.values.map { $0.utf8.first.map(Self.isDigit) == true }
        tokenLetters = tokens.values.map { text in
            text.utf8.reduce(0) { letters, byte in letters | 1 << UInt64(byte % 64) }
        }
        tokenPhonetic = phonetic
        tokenWeight = weights
        tokenIsGeneric = generic
        self.names = names
        self.contacts = contacts
        self.streets = streets

        // Term frequencies: how many records carry each phone, e-mail and whole name
        // (sharing a phone that twenty records carry says less), worked out once for each
        // distinct value rather than for each record or pair that holds it.
        self.phoneIDs = phoneIDs
        self.emailIDs = emailIDs
        let phoneAdjustments = phoneFrequencies!.adjustments()
        let emailAdjustments = emailFrequencies!.adjustments()
        let nameAdjustments = nameFrequencies!.adjustments()
        self.phoneAdjustments = phoneIDs.elements.map { phoneAdjustments[Int($0)] }
        self.emailAdjustments = emailIDs.elements.map { emailAdjustments[Int($0)] }
        // A record without a name counts as a value seen once, as a rare one would.
        let namelessAdjustment = nameFrequencies!.adjustment(unseen: "")
        self.nameAdjustments = wholeNames.map {
            $0 >= 0 ? nameAdjustments[Int($0)] : namelessAdjustment
        }

        let companyNumbers = codes[.companyNumber]!
        let postcodes = codes[.postcode]!
        let localities = codes[.locality]!
        let houseNumbers = codes[.houseNumber]!
        let legalForms = codes[.legalForm]!
        rows = records.indices.map { record in
            ComparisonRow(
                names: names.span(of: record), contacts: contacts.span(of: record),
                phones: phoneIDs.span(of: record), emails: emailIDs.span(of: record),
                street: streets.span(of: record), hasStreet: records[record].street != nil,
                companyNumber: companyNumbers[record], postcode: postcodes[record],
                locality: localities[record], houseNumber: houseNumbers[record],
                legalForm: legalForms[record],
                nameWeight: names[record].reduce(0) { $0 + weights[Int($1)] },
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
        var similarity = 0.0
        if mayBeSimilar(a, b, left, right, atLeast: 0.88) {
            let jaroWinkler = TokenSimilarity.jaroWinkler(left, right)
            similarity = jaroWinkler >= 0.88 ? jaroWinkler : 0
        }
        if tokenPhonetic[Int(a)] == tokenPhonetic[Int(b)], min(left.count, right.count) >= 3 {
            similarity = max(similarity, 0.9)
        }
        return similarity
    }

    /// Whether the Jaro–Winkler similarity of two tokens can reach `threshold`, judged
    /// from the letters each holds, without the comparison itself.
    ///
    /// Every occurrence of a letter that the other token lacks matches nothing, so the
    /// matches are at most a token's length less the letters it holds that the other
    /// lacks; the similarity is at most what that many matches would give with no
    /// transposition and the tokens' common prefix. Most tokens of two different names
    /// ("ferme" and "hoeve") are told apart here, at the cost of a few instructions.
    func mayBeSimilar(
        _ a: Int32, _ b: Int32, _ left: UnsafeBufferPointer<UInt8>,
        _ right: UnsafeBufferPointer<UInt8>, atLeast threshold: Double
    ) -> Bool {
        guard !left.isEmpty, !right.isEmpty else { return true }
        let leftLetters = tokenLetters[Int(a)]
        let rightLetters = tokenLetters[Int(b)]
        let matches = min(
            left.count - (leftLetters & ~rightLetters).nonzeroBitCount,
            right.count - (rightLetters & ~leftLetters).nonzeroBitCount)
        guard matches > 0 else { return false }
        let m = Double(matches)
        let jaro = (m / Double(left.count) + m / Double(right.count) + 1) / 3
        var prefix = 0
        while prefix < min(4, left.count, right.count), left[prefix] == right[prefix] {
            prefix += 1
        }
        // A hair below the threshold: the bound and the similarity may be the same
        // number, reached by different roundings.
        return jaro + Double(prefix) * 0.1 * (1 - jaro) >= threshold - 1e-9
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

    /// Builds `count` lists straight into the flat storage: `fill(i, &builder)` appends
    /// list `i`'s elements. No array per list is made, and none freed.
    init(_ count: Int, _ fill: (_ list: Int, inout Builder) -> Void) {
        var builder = Builder()
        for list in 0..<count {
            fill(list, &builder)
            builder.endList()
        }
        self.init(builder)
    }

    init(_ builder: Builder) {
        elements = builder.elements
        starts = builder.starts
    }

    /// Lists being built, one after the other, into flat storage.
    struct Builder {
        fileprivate(set) var elements: [Element] = []
        fileprivate(set) var starts = [0]

        /// Appends an element to the current list.
        mutating func append(_ element: Element) {
            elements.append(element)
        }

        mutating func append(contentsOf list: some Sequence<Element>) {
            elements.append(contentsOf: list)
        }

        /// Ends the current list; what is appended next goes to a new one.
        mutating func endList() {
            starts.append(elements.count)
        }
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

extension PackedLists.Builder where Element: Comparable {
    /// Sorts the current list in place.
    mutating func sortTail() {
        elements[starts[starts.count - 1]...].sort()
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
