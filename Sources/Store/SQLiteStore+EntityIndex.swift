import SQLiteKit

extension SQLiteStore: EntityIndexReading {
    var indexTables: EntityIndexTables {
        EntityIndexTables(connection: SQLiteIndexConnection(database: database))
    }

    public func indexedRecords(source: String) throws -> [String: IndexedRecord] {
        try indexTables.records(source: source)
    }

    public func indexedRecords(entityUIDs: [String]) throws -> [IndexedRecord] {
        try indexTables.records(entityUIDs: entityUIDs)
    }

    public func indexedRecords(ids: [Int64]) throws -> [IndexedRecord] {
        try indexTables.records(ids: ids)
    }

    public func neighbours(of probes: [BlockProbe], blockSize: Int, window: Int) throws
        -> [[Int64]]
    {
        try indexTables.neighbours(of: probes, blockSize: blockSize, window: window)
    }

    public func entityUIDs(ofRecords ids: [Int64]) throws -> Set<String> {
        try indexTables.entityUIDs(ofRecords: ids)
    }

    public func statistics(tokens: Set<String>, values: Set<String>) throws -> IndexStatistics {
        try indexTables.statistics(tokens: tokens, values: values)
    }

    public func storedModel() throws -> String? {
        try indexTables.storedModel()
    }

    public func entityOrder(uids: [String]) throws -> [String: Int64] {
        var order: [String: Int64] = [:]
        try EntityIndexTables.chunks(Set(uids).map { .text($0) }) { marks, arguments in
            let rows = try indexTables.connection.rows(
                "SELECT uid, fid FROM entities WHERE uid IN (\(marks))", arguments)
            for row in rows { order[row.text(0)] = row.int64(1) }
        }
        return order
    }
    public func fieldSources(of entityUID: String) throws -> [String: String] {
        try indexTables.fieldSources(of: entityUID)
    }

    public func linkedRecords(source: String) throws -> [String: (
        entityUID: String, contentHash: String, lastRun: Int64
    )] {
        try indexTables.linkedRecords(source: source)
    }

    public func indexedRecord(source: String, sourceKey: String) throws -> IndexedRecord? {
        try indexTables.record(source: source, sourceKey: sourceKey)
    }

    public func reviewDecisions() throws -> [ReviewDecision] {
        try indexTables.reviewDecisions()
    }

    public func readingOneState<T>(_ body: () throws -> T) throws -> T {
        try database.transaction(.deferred, body)
    }

    public func importReviewDecisions(_ decisions: [ReviewDecision]) throws -> Int {
        try database.transaction(.immediate) {
            try indexTables.importReviewDecisions(decisions)
        }
    }
}

/// The index's statements on a SQLite connection, through its statement cache.
struct SQLiteIndexConnection: IndexConnection {
    let database: Database

    func execute(_ sql: String, _ arguments: [IndexArgument]) throws {
        let statement = try database.cachedStatement(sql)
        try statement.bind(arguments.map(Self.value))
        defer { statement.reset() }
        while try statement.step() {}
    }

    func rows(_ sql: String, _ arguments: [IndexArgument]) throws -> [IndexRow] {
        let statement = try database.cachedStatement(sql)
        var rows: [IndexRow] = []
        try statement.forEachRow(arguments.map(Self.value)) { row in
            rows.append(IndexRow(columns: (0..<row.count).map { row.optionalText($0) }))
        }
        return rows
    }

    /// One prepared statement, bound and stepped row after row.
    func insert(
        into table: String, columns: [String], rows: [[IndexArgument]], conflict: String
    ) throws {
        guard !rows.isEmpty else { return }
        let statement = try database.cachedStatement(
            """
            INSERT INTO \(table) (\(columns.joined(separator: ", ")))
            VALUES (\(EntityIndexTables.marks(1...columns.count))) \(conflict)
            """)
        for row in rows {
            // Bound value by value: an array of boxed values per row cost more than the
            // insert itself.
            for (offset, argument) in row.enumerated() {
                switch argument {
                case .null: try statement.bind(DatabaseValue.null, at: offset + 1)
                case .integer(let value): try statement.bind(value, at: offset + 1)
                case .real(let value): try statement.bind(value, at: offset + 1)
                case .text(let value): try statement.bind(value, at: offset + 1)
                }
            }
            defer { statement.reset() }
            while try statement.step() {}
        }
    }

    /// The ids after the largest, as SQLite would give them one by one.
    func reserveRecordIDs(_ count: Int) throws -> Int64 {
        try database.firstRow("SELECT coalesce(max(id), 0) + 1 FROM index_records") {
            $0.int64(0)
        } ?? 1
    }

    static func value(_ argument: IndexArgument) -> any DatabaseBindable {
        switch argument {
        case .null: DatabaseValue.null
        case .integer(let value): value
        case .real(let value): value
        case .text(let value): value
        }
    }
}
