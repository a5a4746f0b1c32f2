extension PostgresStore: EntityIndexReading {
    var indexTables: EntityIndexTables {
        EntityIndexTables(connection: PostgresIndexConnection(connection: connection))
    }

    public func indexedRecords(source: String) throws -> [String: IndexedRecord] {
        try indexTables.records(source: source)
    }

    public func indexedRecords(entityUIDs: [String]) throws -> [IndexedRecord] {
        try indexTables.records(
            where: "entity_uid = ANY(?1)", [.text(PostgresConnection.arrayLiteral(entityUIDs))])
    }

    public func indexedRecords(ids: [Int64]) throws -> [IndexedRecord] {
        try indexTables.records(
            where: "id = ANY(?1::bigint[])",
            [.text(PostgresConnection.arrayLiteral(ids.map(String.init)))])
    }

    /// One round trip for every probe's block, and one more for the large blocks'
    /// windows.
    public func neighbours(of probes: [BlockProbe], blockSize: Int, window: Int) throws
        -> [[Int64]]
    {
        guard !probes.isEmpty else { return [] }
        var result = try lateral(
            probes,
            """
            (SELECT record FROM index_keys k WHERE k.block_key = p.block_key LIMIT ?3)
            """, limit: blockSize + 1)
        let large = probes.indices.filter { result[$0].count > blockSize }
        guard !large.isEmpty else { return result }
        let windows = try lateral(
            large.map { probes[$0] },
            """
            (SELECT record FROM index_keys k
             WHERE k.block_key = p.block_key AND k.name_order >= p.name_order
             ORDER BY k.name_order LIMIT ?3)
            UNION ALL
            (SELECT record FROM index_keys k
             WHERE k.block_key = p.block_key AND k.name_order < p.name_order
             ORDER BY k.name_order DESC LIMIT ?3)
            """, limit: window)
        for (offset, probe) in large.enumerated() { result[probe] = windows[offset] }
        return result
    }

    /// The records `selection` gives for each probe (`p.block_key`, `p.name_order`).
    private func lateral(_ probes: [BlockProbe], _ selection: String, limit: Int) throws
        -> [[Int64]]
    {
        let keys = PostgresConnection.arrayLiteral(probes.map { String($0.key) })
        let orders = PostgresConnection.arrayLiteral(probes.map(\.nameOrder))
        let rows = try PostgresIndexConnection(connection: connection).rows(
            """
            SELECT p.n, w.record FROM unnest(?1::bigint[], ?2::text[]) WITH ORDINALITY
                AS p(block_key, name_order, n)
            CROSS JOIN LATERAL (\(selection)) w
            """, [.text(keys), .text(orders), .integer(Int64(limit))])
        var result = [[Int64]](repeating: [], count: probes.count)
        for row in rows {
            let probe = Int(row.int64(0)) - 1
            if result.indices.contains(probe) { result[probe].append(row.int64(1)) }
        }
        return result
    }

    public func entityUIDs(ofRecords ids: [Int64]) throws -> Set<String> {
        let result = try connection.query(
            "SELECT DISTINCT entity_uid FROM index_records WHERE id = ANY($1::bigint[])",
            [PostgresConnection.arrayLiteral(ids.map(String.init))])
        return Set((0..<result.count).compactMap { result.text($0, 0) })
    }

    public func statistics(tokens: Set<String>, values: Set<String>) throws -> IndexStatistics {
        try indexTables.statistics(tokens: tokens, values: values)
    }

    public func storedModel() throws -> String? {
        try indexTables.storedModel()
    }

    public func entityOrder(uids: [String]) throws -> [String: Int64] {
        let result = try connection.query(
            "SELECT uid, fid FROM entities WHERE uid = ANY($1)",
            [PostgresConnection.arrayLiteral(uids)])
        var order: [String: Int64] = [:]
        for row in 0..<result.count { order[result.text(row, 0) ?? ""] = result.int64(row, 1) }
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
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        // Nothing was written: a rollback ends the snapshot as well as a commit would.
        defer { try? connection.execute("ROLLBACK") }
        return try body()
    }

    public func importReviewDecisions(_ decisions: [ReviewDecision]) throws -> Int {
        try connection.transaction {
            try indexTables.importReviewDecisions(decisions)
        }
    }
}

/// The index's statements on a PostgreSQL connection: `?1` becomes `$1`.
struct PostgresIndexConnection: IndexConnection {
    let connection: PostgresConnection

    func execute(_ sql: String, _ arguments: [IndexArgument]) throws {
        try connection.query(Self.translate(sql), arguments.map(Self.text))
    }

    func rows(_ sql: String, _ arguments: [IndexArgument]) throws -> [IndexRow] {
        let result = try connection.query(Self.translate(sql), arguments.map(Self.text))
        return (0..<result.count).map { row in
            IndexRow(columns: (0..<result.columnCount).map { result.text(row, $0) })
        }
    }

    /// One COPY straight into `table`; with a conflict clause, into a staging table
    /// shaped like it, then one statement that moves the rows over. A few round trips,
    /// however many rows.
    func insert(
        into table: String, columns: [String], rows: [[IndexArgument]], conflict: String
    ) throws {
        guard !rows.isEmpty else { return }
        let list = columns.joined(separator: ", ")
        guard !conflict.isEmpty else {
            return try copy(rows, into: "\(table) (\(list))")
        }
        try connection.execute(
            "CREATE TEMP TABLE stage_\(table) AS SELECT \(list) FROM \(table) WITH NO DATA")
        try copy(rows, into: "stage_\(table) (\(list))")
        try connection.execute(
            """
            INSERT INTO \(table) (\(list)) SELECT \(list) FROM stage_\(table) \(conflict);
            DROP TABLE stage_\(table);
            """)
    }

    private func copy(_ rows: [[IndexArgument]], into target: String) throws {
        try connection.copy("COPY \(target) FROM STDIN") { buffer in
            for row in rows {
                for argument in row { buffer.field(Self.text(argument)) }
                try buffer.endRow()
            }
        }
    }

    func reserveRecordIDs(_ count: Int) throws -> Int64 {
        try connection.reserveKeys(count, of: "index_records", "id")
    }

    static func text(_ argument: IndexArgument) -> String? {
        switch argument {
        case .null: nil
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): value
        }
    }

    /// The statement with PostgreSQL's parameter marks.
    static func translate(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count)
        var previous: Character = " "
        for character in sql {
            if previous == "?" {
                output.removeLast()
                output.append(character.isNumber ? "$" : "?")
            }
            output.append(character)
            previous = character
        }
        return output
    }
}
