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
    var productTerms: [String: (term: ProductTerm, languages: [String: Double])] = [:]
    var streetLines: [String: ParsedStreetLine] = [:]
    var phones: [String: PhoneNumber] = [:]
    var localities: [String: LocalityReading] = [:]
    var names: [String: NameReading] = [:]
    var productLists: [String: [(term: ProductTerm, languages: [String: Double])]] = [:]
    var emailCells: [String: [Emails.Address]] = [:]
    var websites: [String: Websites.Site] = [:]
    /// Lookups answered from the cache, and all lookups, for the benchmark's report.
    public private(set) var hits = 0
    public private(set) var lookups = 0

    public init(limit: Int = 1 << 17) {
        self.limit = limit
    }

    /// The remembered answer for `key` in `table`, or `compute()`'s, remembered.
    @inline(__always)
    func value<Value>(
        in table: inout [String: Value], _ key: String, _ compute: () -> Value
    ) -> Value {
        lookups += 1
        if let known = table[key] {
            hits += 1
            return known
        }
        let value = compute()
        if table.count >= limit { table.removeAll() }
        table[key] = value
        return value
    }

    func streetLine(_ key: String, _ compute: () -> ParsedStreetLine) -> ParsedStreetLine {
        value(in: &streetLines, key, compute)
    }

    func phone(_ key: String, _ compute: () -> PhoneNumber) -> PhoneNumber {
        value(in: &phones, key, compute)
    }

    func locality(_ text: String, _ compute: () -> LocalityReading) -> LocalityReading {
        value(in: &localities, text, compute)
    }

    func name(_ key: String, _ compute: () -> NameReading) -> NameReading {
        value(in: &names, key, compute)
    }

    func productList(
        _ key: String, _ compute: () -> [(term: ProductTerm, languages: [String: Double])]
    ) -> [(term: ProductTerm, languages: [String: Double])] {
        value(in: &productLists, key, compute)
    }

    func emails(_ cell: String, _ compute: () -> [Emails.Address]) -> [Emails.Address] {
        value(in: &emailCells, cell, compute)
    }

    func website(_ text: String, _ compute: () -> Websites.Site) -> Websites.Site {
        value(in: &websites, text, compute)
    }

    func productTerm(
        _ key: String, _ compute: () -> (term: ProductTerm, languages: [String: Double])
    ) -> (term: ProductTerm, languages: [String: Double]) {
        value(in: &productTerms, key, compute)
    }
}
