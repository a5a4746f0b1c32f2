import GlaneurCore

/// The map database in PostgreSQL with PostGIS: the same model as `SQLiteStore`, with
/// points in `geometry(Point, 4326)` under a GiST index.
///
/// New rows arrive with binary `COPY`; changed rows go through a staging table and one
/// set-based `UPDATE … FROM`. A load runs in one transaction and takes a transaction-level
/// advisory lock first, so that a second import waits for the first to commit (up to
/// `lock_timeout`, then fails with a clear message) instead of interleaving with it.
///
/// A load commits with the server's `synchronous_commit` as it is: turning it off would
/// save one WAL flush per run, a few milliseconds against seconds of loading, and a
/// server crash just after could lose a run the import had reported as written.
public final class PostgresStore: MapStore {
    let connection: PostgresConnection
    private let url: String

    /// From how many new entities a load may rebuild the spatial index after its COPY
    /// (settable so that tests can take both paths with small runs).
    var bulkThreshold = 10_000

    /// The advisory lock every load and revert takes (an arbitrary constant: "GLNR").
    static let writeLock = 0x474C_4E52

    /// Connects and brings the schema up to date.
    ///
    /// - parameter lockTimeout: how long, in seconds, a load waits for another one.
    public init(url: String, lockTimeout: Int = 30) throws {
        self.url = url
        connection = try PostgresConnection(url: url)
        try connection.execute("SET lock_timeout = '\(lockTimeout)s'")
        try migrate()
    }

    // MARK: - Schema

    /// SQLite's entity columns, then the words full-text search matches.
    static let entityColumns = SQLiteSchema.entityColumns + ["search"]
    static let recordColumns = SQLiteSchema.recordColumns

    private static let migrations: [(version: Int, name: String, sql: String)] = [
        (1, "map model", schema), (2, "entity index", EntityIndexSchema.postgres),
        (3, "status index for the rare statuses", "DROP INDEX entities_status; \(statusIndex)"),
        (4, "search words written by the load", searchColumn),
    ]

    /// Only the entities that are not active, as in SQLite (`SQLiteSchema.rareStatusIndex`).
    static let statusIndex =
        "CREATE INDEX entities_status ON entities (status) WHERE status <> 'active';"

    private static let schema = """
        CREATE EXTENSION IF NOT EXISTS postgis;
        CREATE TABLE entities (
            fid bigserial PRIMARY KEY,
            geom geometry(Point, 4326),
            uid text NOT NULL UNIQUE,
            name text NOT NULL,
            legal_form text, kind text, street text, house_number text, box text,
            postcode text, locality text, country text, phones text, emails text,
            website text, company_number text, vat_number text, products text, labels text,
            longitude double precision, latitude double precision,
            geocode_precision text, geocode_score double precision, geocode_provider text,
            status text NOT NULL, merged_into text,
            first_seen text NOT NULL, last_seen text NOT NULL,
            first_run bigint NOT NULL, last_run bigint NOT NULL, content_hash text NOT NULL
        );
        CREATE INDEX entities_geom ON entities USING gist (geom);
        CREATE INDEX entities_status ON entities (status);
        CREATE TABLE runs (
            id bigserial PRIMARY KEY, pipeline text NOT NULL, mode text NOT NULL,
            status text NOT NULL, started text NOT NULL, finished text, reverted text,
            rows_read bigint NOT NULL DEFAULT 0, new bigint NOT NULL DEFAULT 0,
            merged bigint NOT NULL DEFAULT 0, updated bigint NOT NULL DEFAULT 0,
            unchanged bigint NOT NULL DEFAULT 0, rejected bigint NOT NULL DEFAULT 0,
            inactivated bigint NOT NULL DEFAULT 0,
            entities_created bigint NOT NULL DEFAULT 0,
            entities_updated bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE run_inputs (
            run_id bigint NOT NULL REFERENCES runs(id), path text NOT NULL,
            source text NOT NULL, checksum text NOT NULL, rows bigint NOT NULL,
            full_list boolean NOT NULL
        );
        CREATE TABLE records (
            id bigserial PRIMARY KEY,
            entity_fid bigint NOT NULL REFERENCES entities(fid),
            source text NOT NULL, source_key text NOT NULL, file text NOT NULL,
            row bigint NOT NULL, line bigint NOT NULL, raw_fields text NOT NULL,
            fields text NOT NULL, longitude double precision, latitude double precision,
            geocode_precision text, content_hash text NOT NULL, status text NOT NULL,
            first_run bigint NOT NULL, last_run bigint NOT NULL,
            UNIQUE (source, source_key)
        );
        CREATE INDEX records_entity ON records (entity_fid);
        CREATE TABLE entity_history (run_id bigint NOT NULL, LIKE entities);
        CREATE UNIQUE INDEX entity_history_key ON entity_history (run_id, fid);
        CREATE INDEX entity_history_fid ON entity_history (fid);
        CREATE TABLE record_history (run_id bigint NOT NULL, LIKE records);
        CREATE UNIQUE INDEX record_history_key ON record_history (run_id, id);
        CREATE INDEX record_history_id ON record_history (id);
        CREATE TABLE match_events (
            id bigserial PRIMARY KEY, run_id bigint NOT NULL REFERENCES runs(id),
            kind text NOT NULL, entity_uid text NOT NULL, other_uids text NOT NULL,
            source text, source_key text, score double precision NOT NULL,
            reasons text NOT NULL
        );
        CREATE TABLE review_decisions (
            id bigserial PRIMARY KEY, event_id bigint NOT NULL REFERENCES match_events(id),
            decision text NOT NULL CHECK (decision IN ('accept', 'reject', 'defer')),
            reviewer text NOT NULL, note text, decided text NOT NULL
        );
        CREATE TABLE rejects (
            id bigserial PRIMARY KEY, run_id bigint NOT NULL REFERENCES runs(id),
            source text NOT NULL, file text NOT NULL, row bigint NOT NULL,
            line bigint NOT NULL, code text NOT NULL, column_name text,
            message text NOT NULL, raw text NOT NULL
        );
        CREATE TABLE geocode_cache (
            query text NOT NULL, provider text NOT NULL, latitude double precision,
            longitude double precision, precision text NOT NULL,
            score double precision NOT NULL, label text NOT NULL, created text NOT NULL,
            PRIMARY KEY (query, provider)
        );
        """

    private func migrate() throws {
        // An up-to-date database needs no lock: opening it must not wait for an import.
        let exists = try connection.query("SELECT to_regclass('glaneur_migrations') IS NOT NULL")
        if exists.text(0, 0) == "t" {
            // Every version must be there, not only the latest, as in SQLite.
            let current = try connection.query(
                "SELECT count(*), max(version) FROM glaneur_migrations")
            if current.int(0, 0) == Self.migrations.count,
                current.int(0, 1) == Self.migrations.last?.version
            {
                return
            }
        }
        try connection.transaction {
            // One migrator at a time, whoever opens the database first.
            try connection.query("SELECT pg_advisory_xact_lock($1)", [String(Self.writeLock)])
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS glaneur_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied text NOT NULL)
                """)
            let applied = try connection.query("SELECT version FROM glaneur_migrations")
            let versions = Set((0..<applied.count).map { applied.int($0, 0) })
            for migration in Self.migrations where !versions.contains(migration.version) {
                try connection.execute(migration.sql)
                if migration.version == 4 {
                    try fillSearchWords(of: "entities", keys: ["fid"])
                    try fillSearchWords(of: "entity_history", keys: ["run_id", "fid"])
                    try connection.execute(Self.searchIndex)
                }
                try connection.query(
                    "INSERT INTO glaneur_migrations VALUES ($1, $2, $3)",
                    [String(migration.version), migration.name, Timestamp.now()])
            }
            if let latest = versions.max(), let known = Self.migrations.last?.version,
                latest > known
            {
                throw StoreError(
                    "the database has schema version \(latest), newer than this Glaneur "
                        + "knows (\(known)): use a newer glaneur")
            }
        }
    }

    // MARK: - Full-text search

    /// The words of each entity's name and locality (`SearchWords`), under a GIN index.
    /// Maps written before the column had an index over the server's own parsing of the
    /// same text, which goes; their rows get their words when the migration runs.
    private static let searchColumn = """
        DROP INDEX IF EXISTS entities_search;
        ALTER TABLE entities ADD COLUMN search tsvector;
        ALTER TABLE entity_history ADD COLUMN search tsvector;
        """

    static let searchIndex = "CREATE INDEX entities_search ON entities USING gin (search)"

    /// Writes the search words of the rows of `table` (`entities` or `entity_history`)
    /// that have none, through a staging table and one update.
    private func fillSearchWords(of table: String, keys: [String]) throws {
        let keyList = keys.joined(separator: ", ")
        try connection.execute(
            """
            CREATE TEMP TABLE stage_search ON COMMIT DROP AS
                SELECT \(keyList), search FROM \(table) WITH NO DATA
            """)
        var rows: [(keys: [Int64], lexemes: [SearchWords.Lexeme])] = []
        func flush() throws {
            try connection.copyBinary(
                "COPY stage_search (\(keyList), search) FROM STDIN (FORMAT binary)"
            ) { copy in
                for row in rows {
                    copy.startRow()
                    for key in row.keys { copy.bigint(key) }
                    copy.tsvector(row.lexemes)
                    try copy.endRow()
                }
            }
            rows.removeAll(keepingCapacity: true)
        }
        try connection.forEachRow(
            "SELECT \(keyList), name, locality FROM \(table) WHERE search IS NULL",
            batchSize: fetchSize
        ) { result, row in
            let name = result.text(row, keys.count) ?? ""
            let locality = result.text(row, keys.count + 1)
            rows.append(
                (
                    keys.indices.map { result.int64(row, $0) },
                    SearchWords.lexemes(name: name, locality: locality)
                ))
            if rows.count >= fetchSize { try flush() }
        }
        try flush()
        let matches = keys.map { "t.\($0) = s.\($0)" }.joined(separator: " AND ")
        try connection.execute(
            """
            UPDATE \(table) t SET search = s.search FROM stage_search s WHERE \(matches);
            DROP TABLE stage_search;
            """)
    }

    // MARK: - Loading

    public func load(_ run: RunInput, dryRun: Bool) throws -> RunReport {
        let started = Timestamp.now()
        let reader = Reader(connection: connection)
        if dryRun {
            // REPEATABLE READ: the plan sees one snapshot; READ ONLY: it cannot write.
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { try? connection.execute("ROLLBACK") }
            let plan = try LoadPlanner.plan(run, reader: reader)
            return RunReport(
                runID: nil, isDryRun: true, counts: plan.counts, samples: plan.samples)
        }
        return try connection.transaction {
            try takeWriteLock()
            let plan = try LoadPlanner.plan(run, reader: reader)
            let runID = try apply(plan, of: run, started: started)
            if let changes = run.index { try indexTables.apply(changes, runID: runID) }
            return RunReport(
                runID: runID, isDryRun: false, counts: plan.counts, samples: plan.samples)
        }
    }

    private func takeWriteLock() throws {
        do {
            try connection.query("SELECT pg_advisory_xact_lock($1)", [String(Self.writeLock)])
        } catch let error as StoreError where error.message.contains("lock timeout") {
            throw StoreError(
                "another import is writing to \(PostgresConnection.redacted(url)) and did "
                    + "not finish in time; nothing was written: run this one again when the "
                    + "other has finished")
        }
    }

    struct Reader: PlanningReader {
        let connection: PostgresConnection

        func records(ofSource source: String) throws -> [String: KnownRecord] {
            let result = try connection.query(
                """
                SELECT r.id, r.source_key, r.content_hash, e.uid, r.status
                FROM records r JOIN entities e ON e.fid = r.entity_fid WHERE r.source = $1
                """, [source])
            var known: [String: KnownRecord] = [:]
            for row in 0..<result.count {
                known[result.text(row, 1) ?? ""] = KnownRecord(
                    id: result.int64(row, 0), contentHash: result.text(row, 2) ?? "",
                    entityUID: result.text(row, 3) ?? "",
                    isActive: result.text(row, 4) == "active")
            }
            return known
        }

        func entities(uids: [String]) throws -> [String: KnownEntity] {
            // A first load into an empty map has nothing to look up.
            let empty = try connection.query("SELECT NOT EXISTS (SELECT 1 FROM entities)")
            if empty.text(0, 0) == "t" { return [:] }
            // One query per ten thousand uids, instead of a round trip each.
            var known: [String: KnownEntity] = [:]
            var start = 0
            while start < uids.count {
                let chunk = uids[start..<min(start + 10_000, uids.count)]
                start += chunk.count
                let result = try connection.query(
                    "SELECT uid, fid, content_hash, status FROM entities WHERE uid = ANY($1)",
                    [PostgresConnection.arrayLiteral(chunk)])
                for row in 0..<result.count {
                    known[result.text(row, 0) ?? ""] = KnownEntity(
                        fid: result.int64(row, 1), contentHash: result.text(row, 2) ?? "",
                        status: result.text(row, 3) ?? "")
                }
            }
            return known
        }
    }

    private func apply(_ plan: LoadPlan, of run: RunInput, started: String) throws -> Int64 {
        let now = Timestamp.now()

        // Step 1: the run and its inputs.
        let runID = try connection.query(
            """
            INSERT INTO runs (pipeline, mode, status, started)
            VALUES ($1, $2, 'committed', $3) RETURNING id
            """, [run.pipeline, run.mode.rawValue, started]
        ).int64(0, 0)
        let runText = String(runID)
        try connection.copy("COPY run_inputs FROM STDIN") { buffer in
            for input in run.inputs {
                buffer.field(runID)
                buffer.field(input.path)
                buffer.field(input.source)
                buffer.field(input.checksum)
                buffer.field(input.rows)
                buffer.field(input.isFullList ? "t" : "f")
                try buffer.endRow()
            }
        }

        // Step 2: new entities by binary COPY, under fids taken from the sequence up
        // front, so that their records can point at them without reading every fid back;
        // changed ones into a staging table, copied to the history, then updated in one
        // statement.
        let entityList = Self.entityColumns.joined(separator: ", ")
        var fids = plan.knownEntities.mapValues(\.fid)
        fids.reserveCapacity(plan.knownEntities.count + plan.newEntities.count)
        let firstNewFID = try connection.reserveKeys(plan.newEntities.count, of: "entities", "fid")
        // A load that more than doubles the table builds its indexes afresh after the
        // COPY, which is several times cheaper than growing them row by row; they are
        // back before the commit. Smaller loads keep it, so readers are never locked out
        // of a large table.
        let existing = try connection.query("SELECT count(*) FROM entities").int(0, 0)
        let rebuildsIndex =
            plan.newEntities.count >= bulkThreshold && plan.newEntities.count > existing
        if rebuildsIndex {
            try connection.execute(
                """
                DROP INDEX entities_geom;
                DROP INDEX entities_status;
                DROP INDEX entities_search;
                ALTER TABLE entities DROP CONSTRAINT entities_uid_key;
                """)
        }
        try connection.copyBinary(
            "COPY entities (fid, \(entityList)) FROM STDIN (FORMAT binary)"
        ) { rows in
            for (offset, entity) in plan.newEntities.enumerated() {
                let fid = firstNewFID + Int64(offset)
                let input = run.entities[entity.index]
                rows.startRow()
                rows.bigint(fid)
                Self.golden(input, into: rows)
                rows.text(now)
                rows.text(now)
                rows.bigint(runID)
                rows.bigint(runID)
                rows.text(entity.contentHash)
                rows.tsvector(SearchWords.lexemes(of: input.fields))
                try rows.endRow()
                fids[input.uid] = fid
            }
        }
        if rebuildsIndex {
            // Adding the constraint back checks every uid again: a duplicate fails the run.
            try rebuildIndexes(
                """
                CREATE INDEX entities_geom ON entities USING gist (geom);
                \(Self.statusIndex)
                \(Self.searchIndex);
                ALTER TABLE entities ADD CONSTRAINT entities_uid_key UNIQUE (uid);
                """)
        }
        if !plan.changedEntities.isEmpty {
            try connection.execute(
                """
                CREATE TEMP TABLE stage_entities ON COMMIT DROP AS
                    SELECT fid, \(entityList) FROM entities WITH NO DATA
                """)
            try connection.copyBinary(
                "COPY stage_entities (fid, \(entityList)) FROM STDIN (FORMAT binary)"
            ) { rows in
                for (fid, entity) in plan.changedEntities {
                    let input = run.entities[entity.index]
                    rows.startRow()
                    rows.bigint(fid)
                    Self.golden(input, into: rows)
                    rows.text(now)  // first_seen: not copied back
                    rows.text(now)
                    rows.bigint(runID)  // first_run: not copied back
                    rows.bigint(runID)
                    rows.text(entity.contentHash)
                    rows.tsvector(SearchWords.lexemes(of: input.fields))
                    try rows.endRow()
                }
            }
            try snapshotEntities("SELECT fid FROM stage_entities", runID: runText)
            let updated = Self.entityColumns.filter { $0 != "first_seen" && $0 != "first_run" }
            try connection.query(
                """
                UPDATE entities e SET (\(updated.joined(separator: ", "))) =
                    (\(updated.map { "s." + $0 }.joined(separator: ", ")))
                FROM stage_entities s WHERE e.fid = s.fid
                """)
        }

        // Step 3: records, the same way.
        let recordList = Self.recordColumns.joined(separator: ", ")
        let existingRecords = try connection.query("SELECT count(*) FROM records").int(0, 0)
        let rebuildsRecordIndexes =
            plan.newRecords.count >= bulkThreshold && plan.newRecords.count > existingRecords
        if rebuildsRecordIndexes {
            // The foreign key goes too: checked row by row, it costs a lookup and a row
            // lock on the entity per record; added back, it is checked in one join.
            try connection.execute(
                """
                DROP INDEX records_entity;
                ALTER TABLE records DROP CONSTRAINT records_source_source_key_key;
                ALTER TABLE records DROP CONSTRAINT records_entity_fid_fkey;
                """)
        }
        let firstNewID = try connection.reserveKeys(plan.newRecords.count, of: "records", "id")
        try connection.copyBinary(
            "COPY records (id, \(recordList)) FROM STDIN (FORMAT binary)"
        ) { rows in
            for (offset, record) in plan.newRecords.enumerated() {
                rows.startRow()
                rows.bigint(firstNewID + Int64(offset))
                try Self.record(record, run.records[record.index], fids: fids, into: rows)
                rows.bigint(runID)
                rows.bigint(runID)
                try rows.endRow()
            }
        }
        if rebuildsRecordIndexes {
            try rebuildIndexes(
                """
                CREATE INDEX records_entity ON records (entity_fid);
                ALTER TABLE records ADD CONSTRAINT records_source_source_key_key
                    UNIQUE (source, source_key);
                ALTER TABLE records ADD CONSTRAINT records_entity_fid_fkey
                    FOREIGN KEY (entity_fid) REFERENCES entities (fid);
                """)
        }
        if !plan.changedRecords.isEmpty {
            try connection.execute(
                """
                CREATE TEMP TABLE stage_records ON COMMIT DROP AS
                    SELECT id, \(recordList) FROM records WITH NO DATA
                """)
            try connection.copyBinary(
                "COPY stage_records (id, \(recordList)) FROM STDIN (FORMAT binary)"
            ) { rows in
                for (id, record) in plan.changedRecords {
                    rows.startRow()
                    rows.bigint(id)
                    try Self.record(record, run.records[record.index], fids: fids, into: rows)
                    rows.bigint(runID)  // first_run: not copied back
                    rows.bigint(runID)
                    try rows.endRow()
                }
            }
            try snapshotRecords("SELECT id FROM stage_records", runID: runText)
            let updated = Self.recordColumns.filter { $0 != "first_run" }
            try connection.query(
                """
                UPDATE records r SET (\(updated.joined(separator: ", "))) =
                    (\(updated.map { "s." + $0 }.joined(separator: ", ")))
                FROM stage_records s WHERE r.id = s.id
                """)
        }

        // Step 4: links a full list no longer sends, then entities left without any.
        if !plan.inactivatedRecords.isEmpty {
            let ids = "{" + plan.inactivatedRecords.map(String.init).joined(separator: ",") + "}"
            try snapshotRecords("SELECT unnest($2::bigint[])", runID: runText, ids)
            try connection.query(
                """
                UPDATE records SET status = 'inactive', last_run = $1
                WHERE id = ANY($2::bigint[])
                """, [runText, ids])
            let orphans = """
                SELECT DISTINCT r.entity_fid FROM records r
                WHERE r.id = ANY($2::bigint[]) AND NOT EXISTS (
                    SELECT 1 FROM records o
                    WHERE o.entity_fid = r.entity_fid AND o.status = 'active')
                """
            try snapshotEntities(orphans, runID: runText, ids)
            try connection.query(
                """
                UPDATE entities SET status = 'inactive', last_seen = $3, last_run = $1
                WHERE status = 'active' AND fid IN (\(orphans))
                """, [runText, ids, now])
        }

        // Step 5: entities a merge absorbed.
        for (absorbed, survivorUID) in plan.absorbedEntities {
            guard let survivor = fids[survivorUID] else { continue }
            try snapshotEntities("SELECT $2::bigint", runID: runText, String(absorbed))
            try connection.query(
                """
                UPDATE entities SET status = 'merged', merged_into = $3, last_seen = $4,
                    last_run = $1 WHERE fid = $2
                """, [runText, String(absorbed), survivorUID, now])
            try snapshotRecords(
                "SELECT id FROM records WHERE entity_fid = $2", runID: runText,
                String(absorbed))
            try connection.query(
                "UPDATE records SET entity_fid = $3, last_run = $1 WHERE entity_fid = $2",
                [runText, String(absorbed), String(survivor)])
        }

        // Step 6: events and rejects.
        try connection.copy(
            """
            COPY match_events
                (run_id, kind, entity_uid, other_uids, source, source_key, score, reasons)
            FROM STDIN
            """
        ) { buffer in
            for event in run.events {
                buffer.field(runID)
                buffer.field(event.kind.rawValue)
                buffer.field(event.entityUID)
                buffer.field(ListColumn.encode(event.otherUIDs))
                buffer.field(event.source)
                buffer.field(event.sourceKey)
                buffer.field(event.score)
                buffer.field(ListColumn.encode(event.reasons))
                try buffer.endRow()
            }
        }
        try connection.copy(
            """
            COPY rejects (run_id, source, file, row, line, code, column_name, message, raw)
            FROM STDIN
            """
        ) { buffer in
            for reject in run.rejects {
                buffer.field(runID)
                buffer.field(reject.provenance.source)
                buffer.field(reject.provenance.file)
                buffer.field(reject.provenance.row)
                buffer.field(reject.provenance.line)
                buffer.field(reject.code.rawValue)
                buffer.field(reject.column)
                buffer.field(reject.message)
                buffer.field(reject.raw)
                try buffer.endRow()
            }
        }

        // Step 7: the counts.
        let counts = plan.counts
        try connection.query(
            """
            UPDATE runs SET finished = $2, rows_read = $3, new = $4, merged = $5,
                updated = $6, unchanged = $7, rejected = $8, inactivated = $9,
                entities_created = $10, entities_updated = $11
            WHERE id = $1
            """,
            [runText, Timestamp.now()]
                + [
                    counts.rowsRead, counts.new, counts.merged, counts.updated,
                    counts.unchanged, counts.rejected, counts.inactivated,
                    counts.entitiesCreated, counts.entitiesUpdated,
                ].map { String($0) })
        return runID
    }

    /// Copies the entities whose fids `selection` gives to the history of the run, once.
    private func snapshotEntities(_ selection: String, runID: String, _ extra: String? = nil)
        throws
    {
        try connection.query(
            """
            INSERT INTO entity_history SELECT $1::bigint, e.* FROM entities e
            WHERE e.fid IN (\(selection)) ON CONFLICT DO NOTHING
            """, [runID] + (extra.map { [$0] } ?? []))
    }

    private func snapshotRecords(_ selection: String, runID: String, _ extra: String? = nil)
        throws
    {
        try connection.query(
            """
            INSERT INTO record_history SELECT $1::bigint, r.* FROM records r
            WHERE r.id IN (\(selection)) ON CONFLICT DO NOTHING
            """, [runID] + (extra.map { [$0] } ?? []))
    }

    /// Builds indexes after a bulk COPY with more sort memory than the default 64 MB, so
    /// that sorting a million keys stays in memory; `SET LOCAL` ends with the run.
    private func rebuildIndexes(_ sql: String) throws {
        try connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
        try connection.execute(sql)
    }

    /// Writes `geom` to `merged_into`, as `SQLiteSchema.entityColumns` orders them.
    private static func golden(_ entity: EntityInput, into rows: BinaryCopyRows) {
        let fields = entity.fields
        let location = entity.location
        if let location {
            rows.point(longitude: location.longitude, latitude: location.latitude)
        } else {
            rows.null()
        }
        rows.text(entity.uid)
        rows.text(fields.name)
        rows.text(fields.legalForm)
        rows.text(fields.kind)
        rows.text(fields.street)
        rows.text(fields.houseNumber)
        rows.text(fields.box)
        rows.text(fields.postcode)
        rows.text(fields.locality)
        rows.text(fields.country)
        rows.json { ListColumn.write(fields.phones, to: &$0) }
        rows.json { ListColumn.write(fields.emails, to: &$0) }
        rows.text(fields.website)
        rows.text(fields.companyNumber)
        rows.text(fields.vatNumber)
        rows.json { ListColumn.write(fields.products, to: &$0) }
        rows.json { ListColumn.write(fields.labels, to: &$0) }
        rows.double(location?.longitude)
        rows.double(location?.latitude)
        rows.text(location?.precision)
        rows.double(location?.score)
        rows.text(location?.provider)
        rows.text("active")
        rows.null()
    }

    /// Writes `entity_fid` to `status`, as `SQLiteSchema.recordColumns` orders them.
    private static func record(
        _ record: PlannedRecord, _ input: RecordInput, fids: [String: Int64],
        into rows: BinaryCopyRows
    ) throws {
        guard let fid = fids[input.entityUID] else {
            throw StoreError("entity '\(input.entityUID)' is neither new nor known")
        }
        rows.bigint(fid)
        rows.text(input.provenance.source)
        rows.text(record.key)
        rows.text(input.provenance.file)
        rows.bigint(input.provenance.row)
        rows.bigint(input.provenance.line)
        rows.json { RawFieldsColumn.write(input.rawFields, to: &$0) }
        rows.json { FieldsColumn.write(input.fields, to: &$0) }
        rows.double(input.location?.longitude)
        rows.double(input.location?.latitude)
        rows.text(input.location?.precision)
        rows.text(record.contentHash)
        rows.text("active")
    }

    // MARK: - History

    private static let runColumns = SQLiteStore.runColumns

    private static func summary(_ result: PostgresResult, _ row: Int) -> RunSummary {
        var counts = RunCounts()
        counts.rowsRead = result.int(row, 6)
        counts.new = result.int(row, 7)
        counts.merged = result.int(row, 8)
        counts.updated = result.int(row, 9)
        counts.unchanged = result.int(row, 10)
        counts.rejected = result.int(row, 11)
        counts.inactivated = result.int(row, 12)
        counts.entitiesCreated = result.int(row, 13)
        counts.entitiesUpdated = result.int(row, 14)
        return RunSummary(
            id: result.int64(row, 0), pipeline: result.text(row, 1) ?? "",
            mode: result.text(row, 2) ?? "", status: result.text(row, 3) ?? "",
            started: result.text(row, 4) ?? "", finished: result.text(row, 5), counts: counts)
    }

    public func runs() throws -> [RunSummary] {
        let result = try connection.query("SELECT \(Self.runColumns) FROM runs ORDER BY id")
        return (0..<result.count).map { Self.summary(result, $0) }
    }

    public func run(id: Int64) throws -> RunDetail? {
        let runs = try connection.query(
            "SELECT \(Self.runColumns), reverted FROM runs WHERE id = $1", [String(id)])
        guard runs.count > 0 else { return nil }
        let inputs = try connection.query(
            "SELECT path, source, checksum, rows, full_list FROM run_inputs WHERE run_id = $1",
            [String(id)])
        let events = try connection.query(
            """
            SELECT kind, entity_uid, other_uids, source, source_key, score, reasons
            FROM match_events WHERE run_id = $1 ORDER BY id
            """, [String(id)])
        let rejects = try connection.query(
            """
            SELECT code, count(*) FROM rejects WHERE run_id = $1 GROUP BY code
            ORDER BY 2 DESC
            """, [String(id)])
        return RunDetail(
            summary: Self.summary(runs, 0),
            inputs: (0..<inputs.count).map { row in
                InputFile(
                    path: inputs.text(row, 0) ?? "", source: inputs.text(row, 1) ?? "",
                    checksum: inputs.text(row, 2) ?? "", rows: inputs.int(row, 3),
                    isFullList: inputs.text(row, 4) == "t")
            },
            events: (0..<events.count).map { row in
                MatchEvent(
                    kind: MatchEvent.Kind(rawValue: events.text(row, 0) ?? "") ?? .new,
                    entityUID: events.text(row, 1) ?? "",
                    otherUIDs: ListColumn.decode(events.text(row, 2)),
                    source: events.text(row, 3), sourceKey: events.text(row, 4),
                    score: events.double(row, 5) ?? 0,
                    reasons: ListColumn.decode(events.text(row, 6)))
            },
            rejectsByCode: (0..<rejects.count).map {
                (code: rejects.text($0, 0) ?? "", count: rejects.int($0, 1))
            },
            reverted: runs.text(0, 15))
    }

    public func revert(runID: Int64) throws -> RevertReport {
        try connection.transaction {
            try takeWriteLock()
            let run = [String(runID)]
            let status = try connection.query("SELECT status FROM runs WHERE id = $1", run)
            guard status.count > 0 else {
                throw StoreError("there is no run \(runID): see 'glaneur runs list'")
            }
            guard status.text(0, 0) == "committed" else {
                throw StoreError("run \(runID) is already \(status.text(0, 0) ?? "")")
            }
            let dependents = try connection.query(
                """
                WITH touched_entities AS (
                    SELECT fid FROM entities WHERE first_run = $1
                    UNION SELECT fid FROM entity_history WHERE run_id = $1),
                touched_records AS (
                    SELECT id FROM records WHERE first_run = $1
                    UNION SELECT id FROM record_history WHERE run_id = $1),
                later AS (
                    SELECT h.run_id FROM entity_history h
                        JOIN touched_entities t ON t.fid = h.fid
                    UNION SELECT h.run_id FROM record_history h
                        JOIN touched_records t ON t.id = h.id
                    UNION SELECT r.first_run FROM records r
                        JOIN touched_entities t ON t.fid = r.entity_fid
                    UNION SELECT i.run_id FROM run_inputs i
                        WHERE i.source IN (SELECT source FROM run_inputs WHERE run_id = $1))
                SELECT DISTINCT later.run_id FROM later JOIN runs ON runs.id = later.run_id
                WHERE later.run_id > $1 AND runs.status = 'committed' ORDER BY 1
                """, run)
            if dependents.count > 0 {
                let list = (0..<dependents.count).map { dependents.text($0, 0) ?? "" }
                throw StoreError(
                    "run \(runID) cannot be reverted: later run(s) "
                        + "\(list.joined(separator: ", ")) changed the same entities or "
                        + "records, or read the same sources. Revert those first, newest "
                        + "first.")
            }
            var report = RevertReport(
                runID: runID, entitiesRemoved: 0, entitiesRestored: 0, recordsRemoved: 0,
                recordsRestored: 0)
            let recordList = Self.recordColumns.joined(separator: ", ")
            report.recordsRestored = try connection.query(
                """
                UPDATE records r SET (\(recordList)) =
                    (\(Self.recordColumns.map { "h." + $0 }.joined(separator: ", ")))
                FROM record_history h WHERE h.run_id = $1 AND h.id = r.id
                """, run
            ).changes
            report.recordsRemoved = try connection.query(
                "DELETE FROM records WHERE first_run = $1", run
            ).changes
            let entityList = Self.entityColumns.joined(separator: ", ")
            report.entitiesRestored = try connection.query(
                """
                UPDATE entities e SET (\(entityList)) =
                    (\(Self.entityColumns.map { "h." + $0 }.joined(separator: ", ")))
                FROM entity_history h WHERE h.run_id = $1 AND h.fid = e.fid
                """, run
            ).changes
            report.entitiesRemoved = try connection.query(
                "DELETE FROM entities WHERE first_run = $1", run
            ).changes
            try connection.query(
                "UPDATE runs SET status = 'reverted', reverted = $2 WHERE id = $1",
                run + [Timestamp.now()])
            try indexTables.revert(runID: runID)
            return report
        }
    }

    // MARK: - Reading entities

    /// How many rows `forEachEntity` and `forEachRecord` fetch at a time (settable so that
    /// tests can read more than one batch with a few rows).
    var fetchSize = 10_000

    /// Reads the entities through a cursor, `fetchSize` rows at a time, so that memory
    /// stays flat however large the map; all batches come from one snapshot.
    public func forEachEntity(
        includeInactive: Bool, _ body: (StoredEntity) throws -> Void
    ) throws {
        try connection.forEachRow(
            """
            SELECT \(SQLiteStore.entitySelection()) FROM entities
            WHERE status = 'active' OR ($1 AND status = 'inactive') ORDER BY fid
            """, [includeInactive ? "true" : "false"], batchSize: fetchSize
        ) { batch, row in
            try body(Self.entity(batch, row))
        }
    }

    /// Entities whose name or locality hold every word of `text`, accents and case
    /// ignored, best match first: the PostgreSQL side of `SQLiteStore.search(_:limit:)`.
    ///
    /// Words are matched whole, without stemming, as SQLite's FTS5 index does: the
    /// names are French and Dutch alike, and a stemmer for one language would mangle
    /// the other's words.
    public func search(_ text: String, limit: Int) throws -> [StoredEntity] {
        guard let query = SearchWords.query(text) else { return [] }
        let result = try connection.query(
            """
            SELECT \(SQLiteStore.entitySelection(prefix: "e.")) FROM entities e,
                CAST($1 AS tsquery) query
            WHERE e.search @@ query
            ORDER BY ts_rank(e.search, query) DESC, e.fid
            LIMIT $2
            """, [query, String(limit)])
        return (0..<result.count).map { Self.entity(result, $0) }
    }

    /// The columns of `SQLiteStore.entitySelection()`, from one row of a result.
    private static func entity(_ result: PostgresResult, _ row: Int) -> StoredEntity {
        let text = { result.text(row, $0) }
        let fields = EntityFields(
            name: text(2) ?? "", legalForm: text(3), kind: text(4), street: text(5),
            houseNumber: text(6), box: text(7), postcode: text(8), locality: text(9),
            country: text(10), phones: ListColumn.decode(text(11)),
            emails: ListColumn.decode(text(12)), website: text(13),
            companyNumber: text(14), vatNumber: text(15),
            products: ListColumn.decode(text(16)), labels: ListColumn.decode(text(17)))
        var location: Location?
        if let longitude = result.double(row, 18), let latitude = result.double(row, 19) {
            location = Location(
                latitude: latitude, longitude: longitude, precision: text(20) ?? "",
                score: result.double(row, 21) ?? 0, provider: text(22) ?? "")
        }
        return StoredEntity(
            fid: result.int64(row, 0), uid: text(1) ?? "", fields: fields,
            location: location, status: text(23) ?? "", firstSeen: text(24) ?? "",
            lastSeen: text(25) ?? "")
    }
}
