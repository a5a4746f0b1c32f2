import Foundation
import GlaneurCore

/// One record of the entity index: what matching a new record against it needs, kept
/// with the map so that an import reads back only the blocks its records fall in.
///
/// The store treats the matcher's data as opaque: `form` is the matcher's own encoding
/// of the record, `tokens` and `values` are the strings it counts for its statistics,
/// and `keys` its blocking keys. The store keeps the counts of those strings over every
/// active record up to date as rows come and go, and puts them back on a revert.
public struct IndexedRecord: Sendable, Hashable {
    /// The row's id in the index; 0 for a record not stored yet.
    public var id: Int64
    public var source: String
    /// The key the record is stored under in `records` (see `RecordInput.storageKey`).
    public var sourceKey: String
    /// The digest of the record's source fields, to tell a changed row from the same.
    public var contentHash: String
    public var entityUID: String
    /// The matcher's encoding of the record.
    public var form: String
    /// Sorts the records of a block (by name), so that a large block is read as a window
    /// around a new record instead of whole.
    public var nameOrder: String
    /// Name tokens, each counted once per record (document frequencies).
    public var tokens: [String]
    /// Values whose frequency adjusts scores (`p|+3281…`, `e|…`, `n|…`): the kind is the
    /// text up to the first `|`.
    public var values: [String]
    /// The blocking keys, as the matcher computed them when the record was stored.
    ///
    /// They are not recomputed as the map grows: a key built on a record's rarest name
    /// token may name another token once the map's counts have moved. The records that
    /// come later compute theirs with the counts of their day, so two such records may
    /// share one key fewer than a batch over both would give them; their other keys
    /// (phones, e-mails, whole name, address) do not depend on counts.
    public var keys: [Int64]
    /// The record's normalised fields and point, from which golden records are rebuilt.
    public var fields: EntityFields
    public var location: Location?
    /// Its source's priority in the pipeline that sent it: higher wins in golden records.
    public var priority: Int
    /// The run that last wrote it (0 until stored), for recency in golden records.
    public var lastRun: Int64
    /// The run that first indexed it (0 until stored).
    public var firstRun: Int64 = 0

    public init(
        id: Int64 = 0, source: String, sourceKey: String, contentHash: String,
        entityUID: String, form: String, nameOrder: String, tokens: [String],
        values: [String], keys: [Int64], fields: EntityFields, location: Location?,
        priority: Int, lastRun: Int64 = 0, firstRun: Int64 = 0
    ) {
        self.id = id
        self.source = source
        self.sourceKey = sourceKey
        self.contentHash = contentHash
        self.entityUID = entityUID
        self.form = form
        self.nameOrder = nameOrder
        self.tokens = tokens
        self.values = values
        self.keys = keys
        self.fields = fields
        self.location = location
        self.priority = priority
        self.lastRun = lastRun
        self.firstRun = firstRun
    }
}

/// A record's place in a block: its key and its name order.
public struct BlockProbe: Sendable, Hashable {
    public var key: Int64
    public var nameOrder: String

    public init(key: Int64, nameOrder: String) {
        self.key = key
        self.nameOrder = nameOrder
    }
}

/// The counts of the index's statistics that a batch of records asked for.
public struct IndexStatistics: Sendable, Equatable {
    /// Active records in the index.
    public var records = 0
    /// Records whose name holds each token asked for (absent: none).
    public var documents: [String: Int] = [:]
    /// Records carrying each value asked for (absent: none).
    public var values: [String: Int] = [:]
    /// For each kind of value (`p|`), how many values of that kind the records carry.
    public var totals: [String: Int] = [:]
    /// For each kind, the sum of the squared counts of its values.
    public var squares: [String: Double] = [:]

    public init() {}
}

/// What a run changes in the entity index, written in the run's transaction.
public struct EntityIndexChanges: Sendable {
    /// Records to store, replacing the stored one with the same source and key.
    public var upserts: [IndexedRecord] = []
    /// Records that leave the index (a full list no longer sends them), by source and key.
    public var removals: [(source: String, sourceKey: String)] = []
    /// Records the run does not send that move to another entity (a split), by source
    /// and key; their links in `records` move too, with their history kept for a revert.
    public var moves: [(source: String, sourceKey: String, entityUID: String)] = []
    /// A newly estimated model, in the matcher's encoding; nil keeps the stored one.
    public var model: String?
    /// For each entity whose golden record the run built, the record (`source/key`) each
    /// field came from, by field name; kept when it differs from the latest stored.
    public var fieldSources: [String: [String: String]] = [:]

    public init() {}
}

/// The reads the matcher needs from the entity index of a map database.
public protocol EntityIndexReading: AnyObject {
    /// The indexed records of one source, by source key.
    func indexedRecords(source: String) throws -> [String: IndexedRecord]
    /// The indexed records of these entities.
    func indexedRecords(entityUIDs: [String]) throws -> [IndexedRecord]
    /// The indexed records with these ids.
    func indexedRecords(ids: [Int64]) throws -> [IndexedRecord]
    /// For each probe, the ids of the records in its block: all of them when the block
    /// holds at most `blockSize`, else the `window` nearest to the probe by name on
    /// either side, as blocking windows a large block.
    func neighbours(of probes: [BlockProbe], blockSize: Int, window: Int) throws -> [[Int64]]
    /// The entities of the indexed records with these ids.
    func entityUIDs(ofRecords ids: [Int64]) throws -> Set<String>
    /// The counts of these tokens and values, the number of records, and the totals.
    func statistics(tokens: Set<String>, values: Set<String>) throws -> IndexStatistics
    /// The model last stored by a run that is not reverted.
    func storedModel() throws -> String?
    /// The order in which the map's entities were created (lower is older), by uid.
    func entityOrder(uids: [String]) throws -> [String: Int64]
    /// The record (`source/key`) each field of the entity's golden record came from, by
    /// field name, as the latest run that built it left it; empty when none did.
    func fieldSources(of entityUID: String) throws -> [String: String]
    /// The active records of a source in the map's `records` table, by source key, with
    /// their entity, content digest and last run: what a map written before the index
    /// knows of them.
    func linkedRecords(source: String) throws -> [String: (
        entityUID: String,
        contentHash: String, lastRun: Int64
    )]
    /// The indexed record with this source and key, if any.
    func indexedRecord(source: String, sourceKey: String) throws -> IndexedRecord?
    /// People's decisions on pairs of records, the latest for each pair.
    func reviewDecisions() throws -> [ReviewDecision]
    /// Runs `body`'s reads against one state of the map, in one read transaction: an
    /// import's matching reads thousands of rows and counts, and SQLite would otherwise
    /// take and release the file's lock, and look for a hot journal, at each of them.
    func readingOneState<T>(_ body: () throws -> T) throws -> T
    /// Keeps decisions for later imports, in one transaction; returns how many were new
    /// or changed.
    func importReviewDecisions(_ decisions: [ReviewDecision]) throws -> Int
}

/// A person's decision on a pair of records, which are named by their identity in the
/// map (`source/key`): later imports keep them apart ("no match") or together
/// ("match"), and never ask about the pair again.
public struct ReviewDecision: Sendable, Hashable {
    public var first: String
    public var second: String
    public var isMatch: Bool
    public var reviewer: String

    public init(first: String, second: String, isMatch: Bool, reviewer: String) {
        self.first = first
        self.second = second
        self.isMatch = isMatch
        self.reviewer = reviewer
    }
}

extension RecordInput {
    /// The keys a run's records are stored under, in order, as the load computes them:
    /// the partner's key, or the digest of the content when the partner gives none, rows
    /// identical to the letter numbered by their order (`#hash`, then `#hash/2`); with
    /// each record's digest.
    public static func storageKeys(of records: [RecordInput], threads: Int = 1)
        -> [(key: String, contentHash: String)]
    {
        // The hashes, the costly part, on all cores; the keys in order, as a record
        // without a key of its own is told from an identical one by its rank.
        let hashes = parallelMap(count: records.count, threads: threads) { index in
            ContentHash.of(rawFields: records[index].rawFields)
        }
        var seen: [String: Set<String>] = [:]
        return records.indices.map { index in
            let record = records[index]
            let hash = hashes[index]
            var key = LoadPlanner.key(of: record, contentHash: hash)
            let source = record.provenance.source
            if record.sourceKey?.isEmpty ?? true {
                let first = key
                var occurrence = 1
                while seen[source, default: []].contains(key) {
                    occurrence += 1
                    key = first + "/\(occurrence)"
                }
            }
            seen[source, default: []].insert(key)
            return (key, hash)
        }
    }
}

// MARK: - Tables

/// The entity index's tables, the same in SQLite and PostgreSQL (schema migration 2).
///
/// - `index_records`: one row per active record attached to an entity, with what the
///   matcher needs and what golden records are rebuilt from;
/// - `index_keys`: the blocking keys, key → record, ordered by name within a key;
/// - `index_tokens`, `index_values`, `index_totals`: the statistics over active rows;
/// - `index_models`: the model each run estimated, the latest one in force;
/// - `index_history`: rows as they were before the run that first changed them.
enum EntityIndexSchema {
    static let recordColumns = [
        "source", "source_key", "content_hash", "entity_uid", "form", "name_order", "tokens",
        "match_values", "block_keys", "fields", "longitude", "latitude", "geocode_precision",
        "geocode_score", "geocode_provider", "priority", "first_run", "last_run",
    ]

    static func tables(integer: String, real: String, withoutRowID: String) -> String {
        """
        CREATE TABLE index_records (
            id \(integer) PRIMARY KEY,
            source TEXT NOT NULL, source_key TEXT NOT NULL, content_hash TEXT NOT NULL,
            entity_uid TEXT NOT NULL, form TEXT NOT NULL, name_order TEXT NOT NULL,
            tokens TEXT NOT NULL, match_values TEXT NOT NULL, block_keys TEXT NOT NULL,
            fields TEXT NOT NULL, longitude TEXT, latitude TEXT,
            geocode_precision TEXT, geocode_score TEXT, geocode_provider TEXT,
            priority INTEGER NOT NULL, first_run BIGINT NOT NULL, last_run BIGINT NOT NULL,
            UNIQUE (source, source_key)
        );
        CREATE INDEX index_records_entity ON index_records (entity_uid);
        CREATE INDEX index_records_first_run ON index_records (first_run);
        CREATE TABLE index_keys (
            block_key BIGINT NOT NULL, name_order TEXT NOT NULL, record BIGINT NOT NULL,
            PRIMARY KEY (block_key, name_order, record)
        )\(withoutRowID);
        CREATE TABLE index_tokens (
            token TEXT NOT NULL PRIMARY KEY, documents BIGINT NOT NULL)\(withoutRowID);
        CREATE TABLE index_values (
            value TEXT NOT NULL PRIMARY KEY, records BIGINT NOT NULL)\(withoutRowID);
        CREATE TABLE index_totals (
            name TEXT NOT NULL PRIMARY KEY, value \(real) NOT NULL)\(withoutRowID);
        CREATE TABLE index_models (run_id BIGINT PRIMARY KEY, model TEXT NOT NULL);
        CREATE TABLE index_field_sources (
            entity_uid TEXT NOT NULL, run_id BIGINT NOT NULL, sources TEXT NOT NULL,
            PRIMARY KEY (entity_uid, run_id)
        );
        CREATE TABLE index_history (
            run_id BIGINT NOT NULL, id BIGINT NOT NULL,
            source TEXT NOT NULL, source_key TEXT NOT NULL, content_hash TEXT NOT NULL,
            entity_uid TEXT NOT NULL, form TEXT NOT NULL, name_order TEXT NOT NULL,
            tokens TEXT NOT NULL, match_values TEXT NOT NULL, block_keys TEXT NOT NULL,
            fields TEXT NOT NULL, longitude TEXT, latitude TEXT,
            geocode_precision TEXT, geocode_score TEXT, geocode_provider TEXT,
            priority INTEGER NOT NULL, first_run BIGINT NOT NULL, last_run BIGINT NOT NULL,
            PRIMARY KEY (run_id, id)
        );

        """
    }

    static let sqlite =
        tables(integer: "INTEGER", real: "REAL", withoutRowID: " WITHOUT ROWID") + """
            -- Decisions on pairs of records as well as on match events: the event becomes
            -- optional, the pair's records are named, and 'match' / 'no match' join the
            -- verdicts. SQLite changes a constraint by copying the table.
            CREATE TABLE review_decisions_v2 (
                id INTEGER PRIMARY KEY,
                event_id INTEGER REFERENCES match_events(id),
                first_record TEXT,
                second_record TEXT,
                decision TEXT NOT NULL CHECK (decision IN
                    ('accept', 'reject', 'defer', 'match', 'no match')),
                reviewer TEXT NOT NULL,
                note TEXT,
                decided TEXT NOT NULL
            );
            INSERT INTO review_decisions_v2 (id, event_id, decision, reviewer, note, decided)
                SELECT id, event_id, decision, reviewer, note, decided FROM review_decisions;
            DROP TABLE review_decisions;
            ALTER TABLE review_decisions_v2 RENAME TO review_decisions;
            CREATE INDEX review_decisions_pair ON review_decisions (first_record, second_record);

            """

    static let postgres =
        tables(integer: "bigserial", real: "double precision", withoutRowID: "") + """
            ALTER TABLE review_decisions ALTER COLUMN event_id DROP NOT NULL,
                ADD COLUMN first_record text, ADD COLUMN second_record text,
                DROP CONSTRAINT review_decisions_decision_check,
                ADD CONSTRAINT review_decisions_decision_check CHECK (decision IN
                    ('accept', 'reject', 'defer', 'match', 'no match'));
            CREATE INDEX review_decisions_pair ON review_decisions (first_record, second_record);

            """
}

// MARK: - Reading and writing through either database

/// A value bound to an index statement.
enum IndexArgument {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    init(_ number: Double?) { self = number.map { .real($0) } ?? .null }
}

/// A result row of an index query, every column as text (NULL as nil).
struct IndexRow {
    var columns: [String?]

    func text(_ column: Int) -> String { columns[column] ?? "" }
    func optionalText(_ column: Int) -> String? { columns[column] }
    func int64(_ column: Int) -> Int64 { columns[column].flatMap { Int64($0) } ?? 0 }
    func double(_ column: Int) -> Double? { columns[column].flatMap { Double($0) } }
}

/// The statements the index runs, written with `?1`-style parameters that both
/// databases understand once PostgreSQL's `$1` replaces them.
protocol IndexConnection {
    func execute(_ sql: String, _ arguments: [IndexArgument]) throws
    func rows(_ sql: String, _ arguments: [IndexArgument]) throws -> [IndexRow]
    /// Writes `rows` into the `columns` of `table`, with `conflict` (an `ON CONFLICT`
    /// clause, or nothing) deciding about rows already there.
    func insert(
        into table: String, columns: [String], rows: [[IndexArgument]], conflict: String
    ) throws
    /// Takes `count` consecutive ids for new `index_records` rows and returns the first.
    func reserveRecordIDs(_ count: Int) throws -> Int64
}

/// The entity index's reads and writes, shared by both map databases.
///
/// Reads and writes go a batch at a time (a few hundred keys per statement, rows by
/// `IndexConnection.insert`), so that the number of statements, each a round trip in
/// PostgreSQL, does not grow with a run's records.
///
/// A map written before the index (schema version 1) gets the tables empty: its
/// records are not indexed until a run sends them again, since their matcher form
/// needs the normaliser and the geocoder, which the store does not have.
struct EntityIndexTables {
    let connection: any IndexConnection

    static let selection =
        "id, " + EntityIndexSchema.recordColumns.joined(separator: ", ")

    // MARK: Reading

    func records(where condition: String, _ arguments: [IndexArgument]) throws
        -> [IndexedRecord]
    {
        try connection.rows(
            "SELECT \(Self.selection) FROM index_records WHERE \(condition)", arguments
        ).map(Self.record)
    }

    func records(source: String) throws -> [String: IndexedRecord] {
        var result: [String: IndexedRecord] = [:]
        for record in try records(where: "source = ?1", [.text(source)]) {
            result[record.sourceKey] = record
        }
        return result
    }

    /// The records of these entities, by entity and then id.
    func records(entityUIDs: [String]) throws -> [IndexedRecord] {
        var result: [IndexedRecord] = []
        try Self.chunks(Set(entityUIDs).map { .text($0) }) { marks, arguments in
            result += try records(where: "entity_uid IN (\(marks))", arguments)
        }
        return result.sorted { ($0.entityUID, $0.id) < ($1.entityUID, $1.id) }
    }

    func records(ids: [Int64]) throws -> [IndexedRecord] {
        var result: [IndexedRecord] = []
        try Self.chunks(Set(ids).map { .integer($0) }) { marks, arguments in
            result += try records(where: "id IN (\(marks))", arguments)
        }
        return result.sorted { $0.id < $1.id }
    }

    /// Calls `body` with the arguments a few hundred at a time and the marks that list
    /// them (`?1, ?2, …`): an attach asks about tens of thousands of records and
    /// entities, and one statement each costs more than the row it reads (in
    /// PostgreSQL, a round trip).
    ///
    /// - parameter leading: arguments every statement takes first (`?1`…), before the
    ///   listed ones.
    static func chunks(
        _ arguments: [IndexArgument], after leading: [IndexArgument] = [],
        _ body: (String, [IndexArgument]) throws -> Void
    ) throws {
        for start in stride(from: 0, to: arguments.count, by: 500) {
            let chunk = Array(arguments[start..<min(arguments.count, start + 500)])
            let first = leading.count + 1
            try body(marks(first...(first + chunk.count - 1)), leading + chunk)
        }
    }

    /// `?3, ?4, ?5` for 3...5.
    static func marks(_ numbers: ClosedRange<Int>) -> String {
        numbers.map { "?\($0)" }.joined(separator: ", ")
    }

    func neighbours(of probes: [BlockProbe], blockSize: Int, window: Int) throws -> [[Int64]] {
        try probes.map { probe in
            let whole = try connection.rows(
                "SELECT record FROM index_keys WHERE block_key = ?1 LIMIT ?2",
                [.integer(probe.key), .integer(Int64(blockSize + 1))])
            guard whole.count > blockSize else { return whole.map { $0.int64(0) } }
            return try self.window(around: probe, size: window)
        }
    }

    /// The `size` records nearest to the probe by name on either side, in its block.
    func window(around probe: BlockProbe, size: Int) throws -> [Int64] {
        let arguments: [IndexArgument] = [
            .integer(probe.key), .text(probe.nameOrder), .integer(Int64(size)),
        ]
        let after = try connection.rows(
            """
            SELECT record FROM index_keys WHERE block_key = ?1 AND name_order >= ?2
            ORDER BY name_order LIMIT ?3
            """, arguments)
        let before = try connection.rows(
            """
            SELECT record FROM index_keys WHERE block_key = ?1 AND name_order < ?2
            ORDER BY name_order DESC LIMIT ?3
            """, arguments)
        return (after + before).map { $0.int64(0) }
    }

    func entityUIDs(ofRecords ids: [Int64]) throws -> Set<String> {
        var uids = Set<String>()
        try Self.chunks(Set(ids).map { .integer($0) }) { marks, arguments in
            let rows = try connection.rows(
                "SELECT entity_uid FROM index_records WHERE id IN (\(marks))", arguments)
            for row in rows { uids.insert(row.text(0)) }
        }
        return uids
    }

    func statistics(tokens: Set<String>, values: Set<String>) throws -> IndexStatistics {
        var statistics = IndexStatistics()
        for row in try connection.rows("SELECT name, value FROM index_totals", []) {
            let name = row.text(0)
            let value = row.double(1) ?? 0
            if name == "records" {
                statistics.records = Int(value)
            } else if name.hasPrefix("total:") {
                statistics.totals[String(name.dropFirst(6))] = Int(value)
            } else if name.hasPrefix("squares:") {
                statistics.squares[String(name.dropFirst(8))] = value
            }
        }
        // An empty index counts nothing: a first import asks no question per token.
        guard statistics.records > 0 else { return statistics }
        let tokenCounts = try counts(
            of: Array(tokens), key: "token", count: "documents", table: "index_tokens")
        for (token, count) in tokenCounts { statistics.documents[token] = count }
        let valueCounts = try counts(
            of: Array(values), key: "value", count: "records", table: "index_values")
        for (value, count) in valueCounts { statistics.values[value] = count }
        return statistics
    }

    /// The counts of these tokens or values.
    private func counts(of texts: [String], key: String, count: String, table: String)
        throws -> [(String, Int)]
    {
        var found: [(String, Int)] = []
        try Self.chunks(texts.map { .text($0) }) { marks, arguments in
            let rows = try connection.rows(
                "SELECT \(key), \(count) FROM \(table) WHERE \(key) IN (\(marks))", arguments)
            found += rows.map { ($0.text(0), Int($0.int64(1))) }
        }
        return found
    }

    func storedModel() throws -> String? {
        try connection.rows(
            "SELECT model FROM index_models ORDER BY run_id DESC LIMIT 1", []
        ).first?.text(0)
    }

    func fieldSources(of entityUID: String) throws -> [String: String] {
        let text = try connection.rows(
            """
            SELECT sources FROM index_field_sources WHERE entity_uid = ?1
            ORDER BY run_id DESC LIMIT 1
            """, [.text(entityUID)]
        ).first?.text(0)
        return text.map(Self.fieldSources) ?? [:]
    }

    /// The field sources stored as JSON, by field name.
    static func fieldSources(_ text: String) -> [String: String] {
        guard case .object(let members)? = try? JSONParser.parse(text) else { return [:] }
        var sources: [String: String] = [:]
        for (field, value) in members { sources[field] = value.scalarText }
        return sources
    }

    func linkedRecords(source: String) throws -> [String: (
        entityUID: String, contentHash: String, lastRun: Int64
    )] {
        var result: [String: (entityUID: String, contentHash: String, lastRun: Int64)] = [:]
        let rows = try connection.rows(
            """
            SELECT r.source_key, e.uid, r.content_hash, r.last_run
            FROM records r JOIN entities e ON e.fid = r.entity_fid
            WHERE r.source = ?1 AND r.status = 'active'
            """, [.text(source)])
        for row in rows { result[row.text(0)] = (row.text(1), row.text(2), row.int64(3)) }
        return result
    }

    func record(source: String, sourceKey: String) throws -> IndexedRecord? {
        try records(
            where: "source = ?1 AND source_key = ?2", [.text(source), .text(sourceKey)]
        ).first
    }

    func reviewDecisions() throws -> [ReviewDecision] {
        var latest: [String: ReviewDecision] = [:]
        let rows = try connection.rows(
            """
            SELECT first_record, second_record, decision, reviewer FROM review_decisions
            WHERE first_record IS NOT NULL AND second_record IS NOT NULL ORDER BY id
            """, [])
        for row in rows {
            let decision = ReviewDecision(
                first: row.text(0), second: row.text(1), isMatch: row.text(2) == "match",
                reviewer: row.text(3))
            latest[Self.pairKey(decision)] = decision
        }
        return latest.keys.sorted().compactMap { latest[$0] }
    }

    /// Writes the decisions that differ from the latest known for their pair.
    func importReviewDecisions(_ decisions: [ReviewDecision]) throws -> Int {
        var known: [String: Bool] = [:]
        for decision in try reviewDecisions() { known[Self.pairKey(decision)] = decision.isMatch }
        var written = 0
        let now = Timestamp.now()
        for decision in decisions where known[Self.pairKey(decision)] != decision.isMatch {
            try connection.execute(
                """
                INSERT INTO review_decisions
                    (first_record, second_record, decision, reviewer, decided)
                VALUES (?1, ?2, ?3, ?4, ?5)
                """,
                [
                    .text(decision.first), .text(decision.second),
                    .text(decision.isMatch ? "match" : "no match"), .text(decision.reviewer),
                    .text(now),
                ])
            known[Self.pairKey(decision)] = decision.isMatch
            written += 1
        }
        return written
    }

    /// The pair in either order.
    static func pairKey(_ decision: ReviewDecision) -> String {
        let (a, b) =
            decision.first < decision.second
            ? (decision.first, decision.second) : (decision.second, decision.first)
        return a + "\u{1F}" + b
    }

    static func record(_ row: IndexRow) -> IndexedRecord {
        var location: Location?
        if let longitude = row.double(11), let latitude = row.double(12) {
            location = Location(
                latitude: latitude, longitude: longitude, precision: row.text(13),
                score: row.double(14) ?? 0, provider: row.text(15))
        }
        return IndexedRecord(
            id: row.int64(0), source: row.text(1), sourceKey: row.text(2),
            contentHash: row.text(3), entityUID: row.text(4), form: row.text(5),
            nameOrder: row.text(6), tokens: ListColumn.decode(row.text(7)),
            values: ListColumn.decode(row.text(8)),
            keys: row.text(9).split(separator: " ").compactMap { Int64($0) },
            fields: FieldsColumn.decode(row.text(10)), location: location,
            priority: Int(row.int64(16)), lastRun: row.int64(18), firstRun: row.int64(17))
    }

    // MARK: Writing

    /// Applies a run's changes: each row replaced or removed is copied to the history
    /// first, and the statistics follow every row that comes or goes.
    ///
    /// Rows are read, copied, removed and written a batch at a time, never one statement
    /// per row: in PostgreSQL every statement is a round trip, and row by row the index
    /// of a first import took ten times as long to write as everything else it loads.
    func apply(_ changes: EntityIndexChanges, runID: Int64) throws {
        var delta = StatisticsDelta()
        let upserts = Self.lastOfEachKey(changes.upserts)
        let upsertKeys = upserts.map(SourceKey.init(of:))
        let upserted = Set(upsertKeys)
        // A key both sent and removed in one run is taken as sent.
        let removed = changes.removals.map { SourceKey($0.source, $0.sourceKey) }
            .filter { !upserted.contains($0) }
        let existing = try records(keys: upsertKeys + removed)

        // Step 1: the rows the run replaces or removes go to the history, then leave.
        let leaving = (upsertKeys + removed).compactMap { existing[$0] }
        try snapshot(leaving.map(\.id), runID: runID)
        try remove(leaving, delta: &delta)

        // Step 2: the run's rows; a replaced row keeps its id and the run that first
        // indexed it.
        var nextID = try connection.reserveRecordIDs(upsertKeys.count { existing[$0] == nil })
        let rows = zip(upserts, upsertKeys).map { record, key in
            guard let old = existing[key] else {
                defer { nextID += 1 }
                return (record: record, id: nextID, firstRun: runID)
            }
            return (record: record, id: old.id, firstRun: old.firstRun)
        }
        try insert(rows, runID: runID, delta: &delta)

        for move in changes.moves {
            let columns = SQLiteSchema.recordColumns.joined(separator: ", ")
            try connection.execute(
                """
                INSERT INTO record_history (run_id, id, \(columns))
                SELECT ?1, id, \(columns) FROM records WHERE source = ?2 AND source_key = ?3
                ON CONFLICT DO NOTHING
                """, [.integer(runID), .text(move.source), .text(move.sourceKey)])
            try connection.execute(
                """
                UPDATE records SET entity_fid = (SELECT fid FROM entities WHERE uid = ?1),
                    last_run = ?2
                WHERE source = ?3 AND source_key = ?4
                """,
                [.text(move.entityUID), .integer(runID), .text(move.source), .text(move.sourceKey)])
        }
        try write(changes.fieldSources, runID: runID)
        if let model = changes.model {
            try connection.execute(
                "INSERT INTO index_models (run_id, model) VALUES (?1, ?2)",
                [.integer(runID), .text(model)])
        }
        try write(delta)
    }

    /// Puts the index back as it was before the run: rows it created leave, rows it
    /// changed or removed come back, and the statistics follow.
    func revert(runID: Int64) throws {
        var delta = StatisticsDelta()
        let created = try records(where: "first_run = ?1", [.integer(runID)])
        let previous = try connection.rows(
            "SELECT \(Self.selection) FROM index_history WHERE run_id = ?1 ORDER BY id",
            [.integer(runID)]
        ).map(Self.record)
        let createdIDs = Set(created.map(\.id))
        let current = try records(ids: previous.map(\.id)).filter { !createdIDs.contains($0.id) }
        try remove(created + current, delta: &delta)
        try insert(
            previous.map { ($0, $0.id, $0.firstRun) }, runID: nil, delta: &delta)
        try connection.execute("DELETE FROM index_history WHERE run_id = ?1", [.integer(runID)])
        try connection.execute("DELETE FROM index_models WHERE run_id = ?1", [.integer(runID)])
        try connection.execute(
            "DELETE FROM index_field_sources WHERE run_id = ?1", [.integer(runID)])
        try write(delta)
    }

    /// A stored row's source and key, its unique name.
    struct SourceKey: Hashable {
        var source: String
        var key: String

        init(_ source: String, _ key: String) {
            self.source = source
            self.key = key
        }

        init(of record: IndexedRecord) {
            self.init(record.source, record.sourceKey)
        }
    }

    /// The rows the run leaves in the index: of those sent under one source and key, the
    /// last, in its place.
    static func lastOfEachKey(_ records: [IndexedRecord]) -> [IndexedRecord] {
        var last: [SourceKey: Int] = [:]
        for (index, record) in records.enumerated() { last[SourceKey(of: record)] = index }
        guard last.count < records.count else { return records }
        return records.enumerated().filter { index, record in
            last[SourceKey(of: record)] == index
        }.map(\.element)
    }

    /// The stored rows under these sources and keys, a few hundred at a time.
    private func records(keys: [SourceKey]) throws -> [SourceKey: IndexedRecord] {
        var found: [SourceKey: IndexedRecord] = [:]
        let bySource = Dictionary(grouping: keys, by: \.source)
        for (source, keys) in bySource.sorted(by: { $0.key < $1.key }) {
            try Self.chunks(keys.map { .text($0.key) }, after: [.text(source)]) {
                marks, arguments in
                for record in try records(
                    where: "source = ?1 AND source_key IN (\(marks))", arguments)
                {
                    found[SourceKey(of: record)] = record
                }
            }
        }
        return found
    }

    /// Copies the rows with these ids to the history of the run, once per run.
    private func snapshot(_ ids: [Int64], runID: Int64) throws {
        let columns = EntityIndexSchema.recordColumns.joined(separator: ", ")
        try Self.chunks(ids.map { .integer($0) }, after: [.integer(runID)]) {
            marks, arguments in
            try connection.execute(
                """
                INSERT INTO index_history (run_id, id, \(columns))
                SELECT ?1, id, \(columns) FROM index_records WHERE id IN (\(marks))
                ON CONFLICT DO NOTHING
                """, arguments)
        }
    }

    /// Deletes these rows with their blocking keys.
    private func remove(_ records: [IndexedRecord], delta: inout StatisticsDelta) throws {
        try Self.chunks(records.map { .integer($0.id) }) { marks, arguments in
            try connection.execute("DELETE FROM index_records WHERE id IN (\(marks))", arguments)
        }
        // Every key of a removed row is among the keys of the batch, and a row of the
        // batch holds no key outside its own: both lists together name exactly the keys
        // to delete, through the primary key.
        for start in stride(from: 0, to: records.count, by: 50) {
            let batch = records[start..<min(records.count, start + 50)]
            let ids = batch.map { IndexArgument.integer($0.id) }
            let keys = Set(batch.flatMap(\.keys)).sorted().map { IndexArgument.integer($0) }
            guard !keys.isEmpty else { continue }
            let idMarks = Self.marks(1...ids.count)
            let keyMarks = Self.marks((ids.count + 1)...(ids.count + keys.count))
            try connection.execute(
                """
                DELETE FROM index_keys WHERE block_key IN (\(keyMarks))
                AND record IN (\(idMarks))
                """, ids + keys)
        }
        for record in records { delta.add(record, sign: -1) }
    }

    /// Writes rows under the ids given, with their blocking keys in the index's own
    /// order: the B-tree then grows at a few places instead of taking each key on a
    /// random page. `runID` is the run that writes them; nil keeps each row's own.
    ///
    /// No key can be there already: a row's keys are distinct, a new row's id is new, and
    /// a replaced or restored row's keys left with it. So the keys go in without a
    /// conflict check, which in PostgreSQL would cost a speculative insertion per key.
    private func insert(
        _ rows: [(record: IndexedRecord, id: Int64, firstRun: Int64)], runID: Int64?,
        delta: inout StatisticsDelta
    ) throws {
        var keys: [PendingKey] = []
        for index in rows.indices {
            // Read in place: a row taken whole would be copied.
            delta.add(rows[index].record, sign: 1)
            for key in Set(rows[index].record.keys) {
                keys.append(
                    PendingKey(
                        blockKey: key, nameOrder: rows[index].record.nameOrder,
                        record: rows[index].id))
            }
        }
        // The rows' texts on all cores: a million rows took seconds of one.
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let values = parallelMap(count: rows.count, threads: threads) { index in
            let row = rows[index]
            let record = row.record
            return [
                .integer(row.id), .text(record.source), .text(record.sourceKey),
                .text(record.contentHash), .text(record.entityUID), .text(record.form),
                .text(record.nameOrder), .text(ListColumn.encode(record.tokens)),
                .text(ListColumn.encode(record.values)),
                .text(record.keys.map(String.init).joined(separator: " ")),
                .text(FieldsColumn.encode(record.fields)),
                // Coordinates as text: they come back exactly, so a golden record rebuilt
                // from the index has the same digest as the one first written.
                IndexArgument(record.location.map { String($0.longitude) }),
                IndexArgument(record.location.map { String($0.latitude) }),
                IndexArgument(record.location?.precision),
                IndexArgument(record.location.map { String($0.score) }),
                IndexArgument(record.location?.provider), .integer(Int64(record.priority)),
                .integer(row.firstRun), .integer(runID ?? record.lastRun),
            ] as [IndexArgument]
        }
        try connection.insert(
            into: "index_records", columns: ["id"] + EntityIndexSchema.recordColumns,
            rows: values, conflict: "")
        try connection.insert(
            into: "index_keys", columns: ["block_key", "name_order", "record"],
            rows: PendingKey.sorted(keys, threads: threads).map {
                [.integer($0.blockKey), .text($0.nameOrder), .integer($0.record)]
            }, conflict: "")
    }

    /// Keeps the field sources of each entity that differ from its latest stored ones.
    private func write(_ fieldSources: [String: [String: String]], runID: Int64) throws {
        let stored = try latestFieldSources(of: Array(fieldSources.keys))
        var rows: [[IndexArgument]] = []
        for (entity, sources) in fieldSources.sorted(by: { $0.key < $1.key })
        where (stored[entity] ?? [:]) != sources {
            var writer = JSONWriter()
            writer.value(.object(sources.sorted { $0.key < $1.key }.map { ($0, .string($1)) }))
            let text = String(decoding: writer.bytes, as: UTF8.self)
            rows.append([.text(entity), .integer(runID), .text(text)])
        }
        try connection.insert(
            into: "index_field_sources", columns: ["entity_uid", "run_id", "sources"], rows: rows,
            conflict: "")
    }

    /// The latest field sources of these entities, a few hundred at a time.
    private func latestFieldSources(of entities: [String]) throws -> [String: [String: String]] {
        var latest: [String: (run: Int64, sources: [String: String])] = [:]
        try Self.chunks(entities.map { .text($0) }) { marks, arguments in
            let rows = try connection.rows(
                """
                SELECT entity_uid, run_id, sources FROM index_field_sources
                WHERE entity_uid IN (\(marks))
                """, arguments)
            for row in rows where row.int64(1) >= latest[row.text(0)]?.run ?? .min {
                latest[row.text(0)] = (row.int64(1), Self.fieldSources(row.text(2)))
            }
        }
        return latest.mapValues(\.sources)
    }

    /// Writes the changes to the counts, keeping each kind's total and sum of squares.
    private func write(_ delta: StatisticsDelta) throws {
        var totals: [String: Double] = ["records": Double(delta.records)]
        let tokens = delta.tokens.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        try connection.insert(
            into: "index_tokens", columns: ["token", "documents"],
            rows: tokens.map { [.text($0.key), .integer(Int64($0.value))] },
            conflict: """
                ON CONFLICT (token) DO UPDATE
                SET documents = index_tokens.documents + excluded.documents
                """)
        try Self.chunks(tokens.filter { $0.value < 0 }.map { .text($0.key) }) {
            marks, arguments in
            try connection.execute(
                "DELETE FROM index_tokens WHERE token IN (\(marks)) AND documents <= 0",
                arguments)
        }

        let values = delta.values.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        let stored = try counts(
            of: values.map(\.key), key: "value", count: "records", table: "index_values")
        let before = Dictionary(stored, uniquingKeysWith: { first, _ in first })
        var kept: [[IndexArgument]] = []
        var gone: [IndexArgument] = []
        for (value, change) in values {
            let old = Double(before[value] ?? 0)
            let new = max(0, old + Double(change))
            let kind = StatisticsDelta.kind(of: value)
            totals["total:" + kind, default: 0] += new - old
            totals["squares:" + kind, default: 0] += new * new - old * old
            if new > 0 {
                kept.append([.text(value), .integer(Int64(new))])
            } else {
                gone.append(.text(value))
            }
        }
        try connection.insert(
            into: "index_values", columns: ["value", "records"], rows: kept,
            conflict: "ON CONFLICT (value) DO UPDATE SET records = excluded.records")
        try Self.chunks(gone) { marks, arguments in
            try connection.execute(
                "DELETE FROM index_values WHERE value IN (\(marks))", arguments)
        }

        for (name, change) in totals.sorted(by: { $0.key < $1.key }) where change != 0 {
            try connection.execute(
                """
                INSERT INTO index_totals (name, value) VALUES (?1, ?2)
                ON CONFLICT (name) DO UPDATE SET value = index_totals.value + ?2
                """, [.text(name), .real(change)])
        }
    }
}

/// The changes to the counts that a batch of rows coming and going makes.
struct StatisticsDelta {
    var records = 0
    var tokens: [String: Int] = [:]
    var values: [String: Int] = [:]

    mutating func add(_ record: IndexedRecord, sign: Int) {
        records += sign
        for token in Set(record.tokens) { tokens[token, default: 0] += sign }
        for value in record.values { values[value, default: 0] += sign }
    }

    /// `p|` for `p|+3281…`: the text up to and including the first `|`.
    static func kind(of value: String) -> String {
        guard let bar = value.firstIndex(of: "|") else { return "" }
        return String(value[...bar])
    }
}

/// A blocking key of an indexed record, waiting to be written with the run's others;
/// ordered as `index_keys`' primary key.
struct PendingKey: Comparable {
    var blockKey: Int64
    var nameOrder: String
    var record: Int64

    static func < (left: PendingKey, right: PendingKey) -> Bool {
        (left.blockKey, left.nameOrder, left.record) < (
            right.blockKey, right.nameOrder, right.record
        )
    }

    /// `keys` in order, as `sorted()` gives them: by block key with a radix sort, then by
    /// name and record within each key. Comparing ten million keys, names and all, took
    /// seconds; most block keys hold a handful of records.
    static func sorted(_ keys: [PendingKey], threads: Int) -> [PendingKey] {
        // The sign bit flipped, so that unsigned order is the keys' signed order.
        var byKey = keys.indices.map { index in
            KeyPosition(
                key: UInt64(bitPattern: keys[index].blockKey) ^ 1 << 63, position: Int32(index))
        }
        RadixSort.sort(&byKey, threads: threads) { $0.key }
        var sorted: [PendingKey] = []
        sorted.reserveCapacity(keys.count)
        var start = 0
        while start < byKey.count {
            var end = start + 1
            while end < byKey.count, byKey[end].key == byKey[start].key { end += 1 }
            let block = byKey[start..<end].map { keys[Int($0.position)] }
            sorted += block.count == 1 ? block : block.sorted()
            start = end
        }
        return sorted
    }

    private struct KeyPosition {
        var key: UInt64
        var position: Int32
    }
}
