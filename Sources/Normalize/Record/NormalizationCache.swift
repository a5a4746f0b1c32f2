import Glibc

/// Answers of the slower steps, remembered for values that come back: partners repeat
/// product lists, street names and localities, and a producer listed by several partners
/// brings the same phone number several times.
///
/// A cache belongs to one thread (it is a class without locks): `NDJSONNormalizer` gives
/// each of its threads its own. Entries are pure functions of their keys, so a cache never
/// changes an answer, only how fast it comes.
public final class NormalizationCache {
    /// Entries kept per kind before the kind is emptied and starts again. The default
    /// holds the distinct values of a list of some 100,000 producers, so that a value
    /// seen once is still remembered when a second partner's list brings it again.
    public let limit: Int
    var productTerms: [CacheKey: (term: ProductTerm, languages: LanguageScores)] = [:]
    var streetLines: [CacheKey: ParsedStreetLine] = [:]
    var phones: [CacheKey: PhoneNumber] = [:]
    var localities: [CacheKey: LocalityReading] = [:]
    var names: [CacheKey: NameReading] = [:]
    var productLists: [CacheKey: [(term: ProductTerm, languages: LanguageScores)]] = [:]
    var emailCells: [CacheKey: [Emails.Address]] = [:]
    var websites: [CacheKey: Websites.Site] = [:]
    /// A list spells its countries and labels a handful of ways, in every row.
    var countries: [CacheKey: String?] = [:]
    var labels: [CacheKey: OrganicLabels.Reading] = [:]
    /// Lookups answered from the cache, and all lookups, for the benchmark's report.
    public private(set) var hits = 0
    public private(set) var lookups = 0

    public init(limit: Int = 1 << 17) {
        self.limit = limit
    }

    /// The remembered answer for `key` in `table`, or `compute()`'s, remembered.
    @inline(__always)
    func value<Value>(
        in table: inout [CacheKey: Value], _ key: CacheKey, _ compute: () -> Value
    ) -> Value {
        lookups += 1
        if let known = table[key] {
            hits += 1
            return known
        }
        let value = compute()
        // Keep the capacity: growing a table again rehashes every key it takes.
        if table.count >= limit { table.removeAll(keepingCapacity: true) }
        table[key] = value
        return value
    }

    func streetLine(_ key: CacheKey, _ compute: () -> ParsedStreetLine) -> ParsedStreetLine {
        value(in: &streetLines, key, compute)
    }

    func phone(_ key: CacheKey, _ compute: () -> PhoneNumber) -> PhoneNumber {
        value(in: &phones, key, compute)
    }

    func locality(_ text: String, _ compute: () -> LocalityReading) -> LocalityReading {
        value(in: &localities, CacheKey(text), compute)
    }

    func name(_ key: CacheKey, _ compute: () -> NameReading) -> NameReading {
        value(in: &names, key, compute)
    }

    func productList(
        _ key: CacheKey, _ compute: () -> [(term: ProductTerm, languages: LanguageScores)]
    ) -> [(term: ProductTerm, languages: LanguageScores)] {
        value(in: &productLists, key, compute)
    }

    func emails(_ cell: String, _ compute: () -> [Emails.Address]) -> [Emails.Address] {
        value(in: &emailCells, CacheKey(cell), compute)
    }

    func website(_ text: String, _ compute: () -> Websites.Site) -> Websites.Site {
        value(in: &websites, CacheKey(text), compute)
    }

    func country(_ text: String, _ compute: () -> String?) -> String? {
        value(in: &countries, CacheKey(text), compute)
    }

    func label(_ text: String, _ compute: () -> OrganicLabels.Reading) -> OrganicLabels.Reading {
        value(in: &labels, CacheKey(text), compute)
    }

    func productTerm(
        _ key: CacheKey, _ compute: () -> (term: ProductTerm, languages: LanguageScores)
    ) -> (term: ProductTerm, languages: LanguageScores) {
        value(in: &productTerms, key, compute)
    }
}

/// The key of a cache entry: a value's text and up to two short texts its answer also
/// depends on (a country, a language), kept apart rather than joined into a new string.
///
/// Keys are equal when their UTF-8 bytes are, where `String` compares canonical
/// equivalence: cleaned text is composed (NFC), so the two agree on it, and comparing
/// bytes skips the Unicode comparison of accented text.
///
/// The hash of the bytes is computed once, with the key, and compared before the bytes:
/// a lookup compares its key with every entry on its probe sequence.
struct CacheKey: Hashable {
    let text: String
    let first: String?
    let second: String?
    private let bytesHash: Int

    init(_ text: String, _ first: String? = nil, _ second: String? = nil) {
        self.text = text
        self.first = first
        self.second = second
        var hasher = Hasher()
        Self.hashBytes(text, into: &hasher)
        Self.hashBytes(first, into: &hasher)
        Self.hashBytes(second, into: &hasher)
        bytesHash = hasher.finalize()
    }

    static func == (lhs: CacheKey, rhs: CacheKey) -> Bool {
        lhs.bytesHash == rhs.bytesHash && sameBytes(lhs.text, rhs.text)
            && sameBytes(lhs.first, rhs.first) && sameBytes(lhs.second, rhs.second)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(bytesHash)
    }

    private static func sameBytes(_ lhs: String?, _ rhs: String?) -> Bool {
        guard var lhs, var rhs else { return lhs == nil && rhs == nil }
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }

    /// The bytes and their count, so that ("ab", "c") and ("a", "bc") hash apart.
    private static func hashBytes(_ text: String?, into hasher: inout Hasher) {
        guard var text else {
            hasher.combine(-1)
            return
        }
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(text.utf8.count)
    }
}
