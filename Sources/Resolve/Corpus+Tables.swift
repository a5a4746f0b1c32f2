import Foundation
import GlaneurCore

/// Texts by id, in the order first met, with how many times each was met.
struct ValueTable {
    private var ids: [String: Int32] = [:]
    private(set) var values: [String] = []
    private(set) var counts: [Int] = []

    init(capacity: Int) {
        ids.reserveCapacity(capacity)
    }

    /// The id of `value`, which is counted once more.
    mutating func id(_ value: String) -> Int32 {
        if let id = ids[value] {
            counts[Int(id)] += 1
            return id
        }
        let id = Int32(values.count)
        ids[value] = id
        values.append(value)
        counts.append(1)
        return id
    }
}

/// The parts of a corpus that need nothing of one another, each built by a job of its own:
/// on two cores they take half the time they take one after the other.
enum CorpusColumn {
    /// Name and contact tokens, interned together: each record's lists of token ids.
    case tokens(ValueTable, names: PackedLists<Int32>, contacts: PackedLists<Int32>)
    /// Each record's phones or e-mails as ids, and their table.
    case phones(PackedLists<Int32>, ValueTable)
    case emails(PackedLists<Int32>, ValueTable)
    /// Each record's whole name as an id (-1 without a name), and their table.
    case wholeNames([Int32], ValueTable)
    case streets(PackedLists<UInt8>)
    /// Each record's value of a field compared for equality only, as an id (-1 when
    /// absent).
    case codes(CodedField, [Int32])

    enum CodedField: CaseIterable {
        case companyNumber, postcode, locality, houseNumber, legalForm
    }

    /// Every column, built on up to `threads` threads.
    static func build(_ records: [MatchRecord], threads: Int) -> [CorpusColumn] {
        let jobs: [@Sendable ([MatchRecord]) -> CorpusColumn] =
            [tokens, phones, emails, wholeNames, streets]
            + CodedField.allCases.map { field in { .codes(field, codes(field, $0)) } }
        return parallelMap(count: jobs.count, threads: threads) { jobs[$0](records) }
    }

    private static func tokens(_ records: [MatchRecord]) -> CorpusColumn {
        var table = ValueTable(capacity: records.count)
        var names = PackedLists<Int32>.Builder()
        var contacts = PackedLists<Int32>.Builder()
        // Sorted by id: comparisons walk two names' tokens side by side. Ids are given
        // record by record, names before contacts: the order of equally rare tokens, and
        // so the blocking keys, follow from it.
        for record in records.indices {
            for token in records[record].nameTokens { names.append(table.id(token)) }
            names.sortTail()
            names.endList()
            for token in records[record].contactTokens { contacts.append(table.id(token)) }
            contacts.sortTail()
            contacts.endList()
        }
        return .tokens(table, names: PackedLists(names), contacts: PackedLists(contacts))
    }

    private static func phones(_ records: [MatchRecord]) -> CorpusColumn {
        var table = ValueTable(capacity: records.count)
        let ids = PackedLists(records.count) { record, list in
            for phone in records[record].phones { list.append(table.id(phone)) }
        }
        return .phones(ids, table)
    }

    private static func emails(_ records: [MatchRecord]) -> CorpusColumn {
        var table = ValueTable(capacity: records.count)
        let ids = PackedLists(records.count) { record, list in
            for email in records[record].emails { list.append(table.id(email)) }
        }
        return .emails(ids, table)
    }

    private static func wholeNames(_ records: [MatchRecord]) -> CorpusColumn {
        var table = ValueTable(capacity: records.count)
        let ids = records.indices.map { record in
            let tokens = records[record].nameTokens
            return tokens.isEmpty ? -1 : table.id(tokens.joined(separator: " "))
        }
        return .wholeNames(ids, table)
    }

    private static func streets(_ records: [MatchRecord]) -> CorpusColumn {
        .streets(
            PackedLists(records.count) { record, list in
                list.append(contentsOf: (records[record].street ?? "").utf8)
            })
    }

    private static func codes(_ field: CodedField, _ records: [MatchRecord]) -> [Int32] {
        var table = ValueTable(capacity: 1 << 12)
        return records.indices.map { record in
            // Read in place: the record taken whole would be copied.
            let value: String? =
                switch field {
                case .companyNumber: records[record].companyNumber
                case .postcode: records[record].postcode
                case .locality: records[record].localityID
                case .houseNumber: records[record].houseNumber
                case .legalForm: records[record].legalForm
                }
            return value.map { table.id($0) } ?? -1
        }
    }
}

/// How much sharing a value says, by how many records carry it: sharing a phone that
/// twenty records carry says less than sharing one that two carry.
///
/// For one kind of value (`p|` phones, `e|` e-mails, `n|` whole names) it knows the
/// number of values and the chance that two records sharing a value share it by picking
/// two at random: the sum of the squared shares of its values. Counts come from a larger
/// set of records (`CorpusStatistics`) where it lists the value, and from the corpus
/// otherwise.
struct TermFrequencies {
    private let kind: String
    private let table: ValueTable
    private let statistics: CorpusStatistics?
    private let typicalShare: Double
    private let total: Double

    init(kind: String, _ table: ValueTable, statistics: CorpusStatistics?) {
        self.kind = kind
        self.table = table
        self.statistics = statistics
        var total = 0.0
        var squares = 0.0
        if let statistics {
            total = Double(statistics.totals[kind] ?? 0)
            squares = statistics.squares[kind] ?? 0
        } else {
            for count in table.counts {
                total += Double(count)
                squares += Double(count) * Double(count)
            }
        }
        self.total = total
        typicalShare = total > 0 ? squares / (total * total) : 0
    }

    /// Each value's adjustment, by id.
    func adjustments() -> [Double] {
        table.values.indices.map { id in
            let count = statistics?.values[kind + table.values[id]] ?? table.counts[id]
            return adjustment(count: count)
        }
    }

    /// The adjustment for a value the corpus did not count (a record without a name):
    /// counted as seen once when nothing counts it.
    func adjustment(unseen value: String) -> Double {
        adjustment(count: statistics?.values[kind + value] ?? 1)
    }

    /// log2(typical share / this value's share), within [-4, 2]: a value carried by many
    /// records weighs less than a typical one, a rare one a little more.
    private func adjustment(count: Int) -> Double {
        guard typicalShare > 0 else { return 0 }
        let share = Double(count) / Double(max(Int(total), 1))
        return min(2, max(-4, log2(typicalShare / share)))
    }
}
