import GlaneurCore
import SQLiteKit

/// Writes a plan into SQLite, and reverts runs. Always called inside the run's
/// transaction, with prepared statements reused for every row.
struct Writer {
    let database: Database

    /// From how many new entities a run indexes them in bulk rather than row by row.
    var bulkThreshold = 5000

    /// Writes the plan and returns the new run's id.
    func apply(_ plan: LoadPlan, of run: RunInput, started: String) throws -> Int64 {
        let now = Timestamp.now()

        // Step 1: the run and its inputs, so that every row below can point at it.
        try database.execute(
            "INSERT INTO runs (pipeline, mode, status, started) VALUES (?, ?, 'committed', ?)",
            run.pipeline, run.mode.rawValue, started)
        let runID = database.lastInsertRowID
        let insertInput = try database.cachedStatement(
            "INSERT INTO run_inputs VALUES (?, ?, ?, ?, ?, ?)")
        for input in run.inputs {
            try insertInput.execute(
                runID, input.path, input.source, input.checksum, input.rows, input.isFullList)
        }

        // Step 2: entities, new then changed. Changed rows are copied to the history
        // first, once per run, so that a revert can put them back.
        var fids = plan.knownEntities.mapValues(\.fid)
        // A bulk load indexes its new entities once they are all in: one statement per
        // index costs a fraction of a trigger per row (about a twentieth for FTS5, a
        // third for the R*Tree). The triggers come back before the transaction ends, so
        // no other connection ever sees them missing.
        let isBulk = plan.newEntities.count >= bulkThreshold
        if isBulk {
            try database.execute(
                """
                DROP TRIGGER entities_fts_insert;
                DROP TRIGGER rtree_entities_geom_insert;
                """)
        }
        let firstNewFID =
            try database.firstRow("SELECT coalesce(max(fid), 0) + 1 FROM entities") {
                $0.int64(0)
            } ?? 1
        let insertEntity = try database.cachedStatement(
            """
            INSERT INTO entities (\(SQLiteSchema.entityColumns.joined(separator: ", ")))
            VALUES (\(placeholders(SQLiteSchema.entityColumns.count)))
            """)
        var json = JSONWriter(reservingCapacity: 4096)
        for entity in plan.newEntities {
            let input = run.entities[entity.index]
            try bindGolden(input, to: insertEntity, json: &json)
            try insertEntity.bind(now, at: 26)
            try insertEntity.bind(now, at: 27)
            try insertEntity.bind(runID, at: 28)
            try insertEntity.bind(runID, at: 29)
            try insertEntity.bind(entity.contentHash, at: 30)
            try insertEntity.step()
            insertEntity.reset()
            fids[input.uid] = database.lastInsertRowID
        }
        if isBulk {
            // AUTOINCREMENT fids only grow: the new entities are those from firstNewFID.
            // The points' bounds are their coordinates, as ST_MinX… would read them.
            try indexPoints(ofEntitiesFrom: firstNewFID, newCount: plan.newEntities.count)
            try database.execute(
                """
                INSERT INTO entities_fts (rowid, name, locality)
                SELECT fid, name, locality FROM entities WHERE fid >= ?
                """, firstNewFID)
            try database.execute(SQLiteSchema.ftsInsertTrigger)
            try database.execute(SQLiteSchema.rtreeInsertTrigger)
        }
        let updateEntity = try database.cachedStatement(
            """
            UPDATE entities SET (\(SQLiteSchema.entityColumns.prefix(25).joined(separator: ", ")),
                last_seen, last_run, content_hash) = (\(placeholders(28)))
            WHERE fid = ?
            """)
        for (fid, entity) in plan.changedEntities {
            try snapshotEntity(fid, runID: runID)
            try bindGolden(run.entities[entity.index], to: updateEntity, json: &json)
            try updateEntity.bind(now, at: 26)
            try updateEntity.bind(runID, at: 27)
            try updateEntity.bind(entity.contentHash, at: 28)
            try updateEntity.bind(fid, at: 29)
            try updateEntity.step()
            updateEntity.reset()
        }

        // Step 3: records, new then changed.
        let insertRecord = try database.cachedStatement(
            """
            INSERT INTO records (\(SQLiteSchema.recordColumns.joined(separator: ", ")))
            VALUES (\(placeholders(SQLiteSchema.recordColumns.count)))
            """)
        for record in plan.newRecords {
            let input = run.records[record.index]
            try bindRecord(
                record, input, entityFID: fid(of: input, in: fids), to: insertRecord,
                json: &json)
            try insertRecord.bind(runID, at: 14)
            try insertRecord.bind(runID, at: 15)
            try insertRecord.step()
            insertRecord.reset()
        }
        let updateRecord = try database.cachedStatement(
            """
            UPDATE records SET (\(SQLiteSchema.recordColumns.prefix(13).joined(separator: ", ")),
                last_run) = (\(placeholders(14)))
            WHERE id = ?
            """)
        for (id, record) in plan.changedRecords {
            try snapshotRecord(id, runID: runID)
            let input = run.records[record.index]
            try bindRecord(
                record, input, entityFID: fid(of: input, in: fids), to: updateRecord,
                json: &json)
            try updateRecord.bind(runID, at: 14)
            try updateRecord.bind(id, at: 15)
            try updateRecord.step()
            updateRecord.reset()
        }

        // Step 4: links a full list no longer sends, then the entities left with no
        // active link at all.
        var orphanCandidates = Set<Int64>()
        for id in plan.inactivatedRecords {
            try snapshotRecord(id, runID: runID)
            try database.execute(
                "UPDATE records SET status = 'inactive', last_run = ? WHERE id = ?", runID, id)
            if let fid = try database.firstRow(
                "SELECT entity_fid FROM records WHERE id = ?", id, transform: { $0.int64(0) })
            {
                orphanCandidates.insert(fid)
            }
        }
        for fid in orphanCandidates.sorted() {
            let hasActive =
                try database.firstRow(
                    "SELECT 1 FROM records WHERE entity_fid = ? AND status = 'active' LIMIT 1",
                    fid
                ) { _ in true } ?? false
            guard !hasActive else { continue }
            try snapshotEntity(fid, runID: runID)
            try database.execute(
                """
                UPDATE entities SET status = 'inactive', last_seen = ?, last_run = ?
                WHERE fid = ? AND status = 'active'
                """, now, runID, fid)
        }

        // Step 5: entities a merge absorbed; their records move to the survivor.
        for (absorbed, survivorUID) in plan.absorbedEntities {
            guard let survivor = fids[survivorUID] else { continue }
            try snapshotEntity(absorbed, runID: runID)
            try database.execute(
                """
                UPDATE entities SET status = 'merged', merged_into = ?, last_seen = ?,
                    last_run = ? WHERE fid = ?
                """, survivorUID, now, runID, absorbed)
            try database.execute(
                """
                INSERT OR IGNORE INTO record_history (run_id, id, \(recordColumnList))
                SELECT ?, id, \(recordColumnList) FROM records WHERE entity_fid = ?
                """, runID, absorbed)
            try database.execute(
                "UPDATE records SET entity_fid = ?, last_run = ? WHERE entity_fid = ?",
                survivor, runID, absorbed)
        }

        // Step 6: what the matcher said and what was rejected.
        let insertEvent = try database.cachedStatement(
            """
            INSERT INTO match_events
                (run_id, kind, entity_uid, other_uids, source, source_key, score, reasons)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for event in run.events {
            try insertEvent.execute(
                runID, event.kind.rawValue, event.entityUID,
                ListColumn.encode(event.otherUIDs), event.source, event.sourceKey,
                event.score, ListColumn.encode(event.reasons))
        }
        let insertReject = try database.cachedStatement(
            """
            INSERT INTO rejects
                (run_id, source, file, row, line, code, column_name, message, raw)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for reject in run.rejects {
            try insertReject.execute(
                runID, reject.provenance.source, reject.provenance.file, reject.provenance.row,
                reject.provenance.line, reject.code.rawValue, reject.column, reject.message,
                reject.raw)
        }

        // Step 7: the counts, and the extent GIS clients read from gpkg_contents.
        let counts = plan.counts
        try database.execute(
            """
            UPDATE runs SET finished = ?, rows_read = ?, new = ?, merged = ?, updated = ?,
                unchanged = ?, rejected = ?, inactivated = ?, entities_created = ?,
                entities_updated = ?
            WHERE id = ?
            """, Timestamp.now(), counts.rowsRead, counts.new, counts.merged, counts.updated,
            counts.unchanged, counts.rejected, counts.inactivated, counts.entitiesCreated,
            counts.entitiesUpdated, runID)
        let written = plan.newEntities + plan.changedEntities.map(\.entity)
        try widenExtent(to: written.compactMap { run.entities[$0.index].location })
        return runID
    }

    private var recordColumnList: String { SQLiteSchema.recordColumns.joined(separator: ", ") }
    private var entityColumnList: String { SQLiteSchema.entityColumns.joined(separator: ", ") }

    /// Adds the new entities' points to the spatial index. A load that more than doubles
    /// the map packs the whole index afresh, which costs a sort where inserting costs a
    /// descent, splits and reinsertions per point; a smaller one inserts its points. The
    /// points' bounds are their coordinates, as ST_MinX… would read them.
    private func indexPoints(ofEntitiesFrom firstNewFID: Int64, newCount: Int) throws {
        let indexed =
            try database.firstRow("SELECT count(*) FROM rtree_entities_geom_rowid") {
                $0.int64(0)
            } ?? 0
        guard newCount > indexed else {
            try database.execute(
                """
                INSERT INTO rtree_entities_geom
                SELECT fid, longitude, longitude, latitude, latitude FROM entities
                WHERE fid >= ? AND geom IS NOT NULL
                """, firstNewFID)
            return
        }
        var points: [RTreePacker.Point] = []
        points.reserveCapacity(Int(indexed) + newCount)
        let located = try database.cachedStatement(
            "SELECT fid, longitude, latitude FROM entities WHERE geom IS NOT NULL")
        try located.forEachRow { row in
            points.append(RTreePacker.Point(id: row.int64(0), x: row.double(1), y: row.double(2)))
        }
        try RTreePacker(database: database, table: "rtree_entities_geom").replaceAll(with: points)
    }

    private func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private func fid(of record: RecordInput, in fids: [String: Int64]) throws -> Int64 {
        guard let fid = fids[record.entityUID] else {
            throw StoreError("entity '\(record.entityUID)' is neither new nor known")
        }
        return fid
    }

    /// Binds parameters 1 to 25: `geom` to `merged_into`, as `SQLiteSchema.entityColumns`
    /// orders them; the entity becomes active.
    private func bindGolden(
        _ entity: EntityInput, to statement: Statement, json: inout JSONWriter
    ) throws {
        let fields = entity.fields
        let location = entity.location
        try statement.bind(
            location.map {
                GeoPackageGeometry.point(longitude: $0.longitude, latitude: $0.latitude)
            }, at: 1)
        try statement.bind(entity.uid, at: 2)
        try statement.bind(fields.name, at: 3)
        try statement.bind(fields.legalForm, at: 4)
        try statement.bind(fields.kind, at: 5)
        try statement.bind(fields.street, at: 6)
        try statement.bind(fields.houseNumber, at: 7)
        try statement.bind(fields.box, at: 8)
        try statement.bind(fields.postcode, at: 9)
        try statement.bind(fields.locality, at: 10)
        try statement.bind(fields.country, at: 11)
        try statement.bindJSON(at: 12, using: &json) { $0.strings(fields.phones) }
        try statement.bindJSON(at: 13, using: &json) { $0.strings(fields.emails) }
        try statement.bind(fields.website, at: 14)
        try statement.bind(fields.companyNumber, at: 15)
        try statement.bind(fields.vatNumber, at: 16)
        try statement.bindJSON(at: 17, using: &json) { $0.strings(fields.products) }
        try statement.bindJSON(at: 18, using: &json) { $0.strings(fields.labels) }
        try statement.bind(location?.longitude, at: 19)
        try statement.bind(location?.latitude, at: 20)
        try statement.bind(location?.precision, at: 21)
        try statement.bind(location?.score, at: 22)
        try statement.bind(location?.provider, at: 23)
        try statement.bind("active", at: 24)
        try statement.bind(String?.none, at: 25)
    }

    /// Binds parameters 1 to 13: `entity_fid` to `status`, as `SQLiteSchema.recordColumns`
    /// orders them; the record becomes active.
    private func bindRecord(
        _ record: PlannedRecord, _ input: RecordInput, entityFID: Int64,
        to statement: Statement, json: inout JSONWriter
    ) throws {
        try statement.bind(entityFID, at: 1)
        try statement.bind(input.provenance.source, at: 2)
        try statement.bind(record.key, at: 3)
        try statement.bind(input.provenance.file, at: 4)
        try statement.bind(input.provenance.row, at: 5)
        try statement.bind(input.provenance.line, at: 6)
        try statement.bindJSON(at: 7, using: &json) {
            RawFieldsColumn.write(input.rawFields, to: &$0)
        }
        try statement.bindJSON(at: 8, using: &json) { FieldsColumn.write(input.fields, to: &$0) }
        try statement.bind(input.location?.longitude, at: 9)
        try statement.bind(input.location?.latitude, at: 10)
        try statement.bind(input.location?.precision, at: 11)
        try statement.bind(record.contentHash, at: 12)
        try statement.bind("active", at: 13)
    }

    private func snapshotEntity(_ fid: Int64, runID: Int64) throws {
        try database.execute(
            """
            INSERT OR IGNORE INTO entity_history (run_id, fid, \(entityColumnList))
            SELECT ?, fid, \(entityColumnList) FROM entities WHERE fid = ?
            """, runID, fid)
    }

    private func snapshotRecord(_ id: Int64, runID: Int64) throws {
        try database.execute(
            """
            INSERT OR IGNORE INTO record_history (run_id, id, \(recordColumnList))
            SELECT ?, id, \(recordColumnList) FROM records WHERE id = ?
            """, runID, id)
    }

    /// Widens the extent to the points a run wrote, without reading the table, which
    /// four `min`/`max` scans of a million entities made cost a second per import. The
    /// GeoPackage extent is informative, "not necessarily the minimum bounding box": a
    /// point that moved leaves the box a little larger until a revert recomputes it.
    private func widenExtent(to locations: [Location]) throws {
        guard let first = locations.first else {
            try database.execute(
                """
                UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE table_name = 'entities'
                """)
            return
        }
        var (minX, maxX) = (first.longitude, first.longitude)
        var (minY, maxY) = (first.latitude, first.latitude)
        for location in locations.dropFirst() {
            minX = min(minX, location.longitude)
            maxX = max(maxX, location.longitude)
            minY = min(minY, location.latitude)
            maxY = max(maxY, location.latitude)
        }
        try database.execute(
            """
            UPDATE gpkg_contents SET
                min_x = min(coalesce(min_x, ?1), ?1), max_x = max(coalesce(max_x, ?2), ?2),
                min_y = min(coalesce(min_y, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4),
                last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE table_name = 'entities'
            """, minX, maxX, minY, maxY)
    }

    /// Recomputes the extent from every entity, after a revert took points away.
    private func updateExtent() throws {
        try database.execute(
            """
            UPDATE gpkg_contents SET
                min_x = (SELECT min(longitude) FROM entities),
                max_x = (SELECT max(longitude) FROM entities),
                min_y = (SELECT min(latitude) FROM entities),
                max_y = (SELECT max(latitude) FROM entities),
                last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE table_name = 'entities'
            """)
    }

    // MARK: - Revert

    /// Puts back what a run changed, after checking that no later run built on it.
    func revert(runID: Int64) throws -> RevertReport {
        guard
            let status = try database.firstRow(
                "SELECT status FROM runs WHERE id = ?", runID, transform: { $0.text(0) })
        else { throw StoreError("there is no run \(runID): see 'glaneur runs list'") }
        guard status == "committed" else {
            throw StoreError("run \(runID) is already \(status)")
        }

        // Step 1: a later run that changed the same entities or records, or that read
        // the same source (and so found its rows unchanged or gone), depends on this one:
        // undoing this one first would silently undo part of it too.
        let dependents = try database.rows(
            """
            WITH touched_entities AS (
                SELECT fid FROM entities WHERE first_run = ?1
                UNION SELECT fid FROM entity_history WHERE run_id = ?1),
            touched_records AS (
                SELECT id FROM records WHERE first_run = ?1
                UNION SELECT id FROM record_history WHERE run_id = ?1),
            later AS (
                SELECT h.run_id FROM entity_history h JOIN touched_entities t ON t.fid = h.fid
                UNION SELECT h.run_id FROM record_history h JOIN touched_records t ON t.id = h.id
                UNION SELECT r.first_run FROM records r
                    JOIN touched_entities t ON t.fid = r.entity_fid
                UNION SELECT i.run_id FROM run_inputs i
                    WHERE i.source IN (SELECT source FROM run_inputs WHERE run_id = ?1))
            SELECT DISTINCT later.run_id FROM later JOIN runs ON runs.id = later.run_id
            WHERE later.run_id > ?1 AND runs.status = 'committed' ORDER BY 1
            """, runID
        ) { $0.int64(0) }
        if !dependents.isEmpty {
            let list = dependents.map(String.init).joined(separator: ", ")
            throw StoreError(
                "run \(runID) cannot be reverted: later run(s) \(list) changed the same "
                    + "entities or records, or read the same sources. Revert those first, "
                    + "newest first.")
        }

        // Step 2: records back as they were, then the ones the run added removed. Records
        // go first: an older record the run moved to a new entity must leave it before
        // that entity is removed.
        var report = RevertReport(
            runID: runID, entitiesRemoved: 0, entitiesRestored: 0, recordsRemoved: 0,
            recordsRestored: 0)
        try database.execute(
            """
            UPDATE records SET (\(recordColumnList)) = (
                SELECT \(recordColumnList) FROM record_history h
                WHERE h.run_id = ?1 AND h.id = records.id)
            WHERE id IN (SELECT id FROM record_history WHERE run_id = ?1)
            """, runID)
        report.recordsRestored = database.changes
        try database.execute("DELETE FROM records WHERE first_run = ?", runID)
        report.recordsRemoved = database.changes

        // Step 3: the same for entities; the spatial and full-text indexes follow through
        // their triggers.
        try database.execute(
            """
            UPDATE entities SET (\(entityColumnList)) = (
                SELECT \(entityColumnList) FROM entity_history h
                WHERE h.run_id = ?1 AND h.fid = entities.fid)
            WHERE fid IN (SELECT fid FROM entity_history WHERE run_id = ?1)
            """, runID)
        report.entitiesRestored = database.changes
        try database.execute("DELETE FROM entities WHERE first_run = ?", runID)
        report.entitiesRemoved = database.changes

        try database.execute(
            "UPDATE runs SET status = 'reverted', reverted = ? WHERE id = ?", Timestamp.now(),
            runID)
        try updateExtent()
        return report
    }
}

/// A record's normalised fields as one JSON object, kept beside its raw fields.
enum FieldsColumn {
    static func encode(_ fields: EntityFields) -> String {
        var writer = JSONWriter()
        write(fields, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes the JSON straight into `writer`, for the bulk paths that never need a
    /// `String`.
    static func write(_ fields: EntityFields, to writer: inout JSONWriter) {
        // Member by member rather than through arrays of pairs: this runs once per record
        // of a bulk load, where an array per call costs more than the JSON.
        var first = true
        func scalar(_ key: String, _ value: String?) {
            guard let value else { return }
            writer.byte(UInt8(ascii: first ? "{" : ","))
            first = false
            writer.key(key)
            writer.string(value)
        }
        func list(_ key: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            writer.byte(UInt8(ascii: first ? "{" : ","))
            first = false
            writer.key(key)
            writer.strings(items)
        }
        scalar("name", fields.name)
        scalar("legal_form", fields.legalForm)
        scalar("kind", fields.kind)
        scalar("street", fields.street)
        scalar("house_number", fields.houseNumber)
        scalar("box", fields.box)
        scalar("postcode", fields.postcode)
        scalar("locality", fields.locality)
        scalar("country", fields.country)
        scalar("website", fields.website)
        scalar("company_number", fields.companyNumber)
        scalar("vat_number", fields.vatNumber)
        list("phones", fields.phones)
        list("emails", fields.emails)
        list("products", fields.products)
        list("labels", fields.labels)
        writer.raw(first ? "{}" : "}")
    }
}
