import Foundation
import GlaneurCore
import SQLiteKit

/// The embedded map database: one SQLite file that is also a GeoPackage.
///
/// ```swift
/// let store = try SQLiteStore(path: "map.gpkg")
/// let report = try store.load(run)          // one transaction
/// try store.revert(runID: report.runID!)    // and back
/// ```
///
/// The file keeps SQLite's default rollback journal rather than WAL: a GeoPackage is
/// meant to be one file that can be copied and mailed, and a WAL file beside it is easily
/// left behind. A load holds the write lock for the whole run (`BEGIN IMMEDIATE`), so two
/// imports never interleave: the second waits up to `busyTimeout`, then fails with a
/// message naming the database.
public final class SQLiteStore: MapStore {
    /// The connection; exposed for tests and tools that read the file directly.
    public let database: Database
    private let busyTimeout: Double
    /// From how many new entities a run builds the spatial and full-text indexes in bulk
    /// (settable so that tests can take both paths with small runs).
    var bulkThreshold = 5000

    /// Opens a map database, creating it (when `create` is true) and bringing its schema
    /// up to date.
    ///
    /// - parameter busyTimeout: how long a load waits, in seconds, for another one that
    ///   holds the write lock.
    /// - throws: `StoreError` when the file is missing (and `create` is false), is not a
    ///   map database, or was written by a newer Glaneur.
    public init(path: String, create: Bool = true, busyTimeout: Double = 30) throws {
        if !create, access(path, F_OK) != 0 {
            throw StoreError(
                "no map database at \(path): import a pipeline first, or name the database "
                    + "with --db")
        }
        do {
            database = try Database(
                path: path, mode: create ? .readWriteCreate : .readWrite,
                busyTimeout: busyTimeout)
        } catch {
            throw StoreError("cannot open the map database: \(error.message)")
        }
        self.busyTimeout = busyTimeout
        try database.setForeignKeys(true)
        // A large page cache keeps a big run's index pages in memory instead of spilling
        // them to the file mid-transaction (the default is about 2 MB). Negative: KiB.
        try database.execute("PRAGMA cache_size = -262144")
        try GeoPackageGeometry.registerFunctions(on: database)
        do {
            try SQLiteSchema.migrate(database)
        } catch let error as DatabaseError where error.isBusy {
            throw busyError()
        } catch let error as DatabaseError where error.resultCode == 26 {
            throw StoreError("\(path) is not a SQLite database (SQLITE_NOTADB)")
        }
    }

    private func busyError() -> StoreError {
        StoreError(
            "another import is writing to \(database.path) and did not finish within "
                + "\(busyTimeout.formatted()) s; nothing was written: run this one again when the "
                + "other has finished")
    }

    // MARK: - Loading

    public func load(_ run: RunInput, dryRun: Bool) throws -> RunReport {
        let started = Timestamp.now()
        let reader = Reader(database: database)
        do {
            if dryRun {
                // A read transaction, so that the plan sees one consistent state.
                let plan = try database.transaction(.deferred) {
                    try LoadPlanner.plan(run, reader: reader)
                }
                return RunReport(
                    runID: nil, isDryRun: true, counts: plan.counts, samples: plan.samples)
            }
            // The plan is made inside the write transaction: a plan made before it could
            // miss what a concurrent import commits in between.
            return try database.transaction(.immediate) {
                let plan = try LoadPlanner.plan(run, reader: reader)
                let runID = try Writer(database: database, bulkThreshold: bulkThreshold).apply(
                    plan, of: run, started: started)
                if let changes = run.index { try indexTables.apply(changes, runID: runID) }
                return RunReport(
                    runID: runID, isDryRun: false, counts: plan.counts, samples: plan.samples)
            }
        } catch let error as DatabaseError where error.isBusy {
            throw busyError()
        }
    }

    /// The reads the planner needs, through cached statements.
    struct Reader: PlanningReader {
        let database: Database

        func records(ofSource source: String) throws -> [String: KnownRecord] {
            var result: [String: KnownRecord] = [:]
            let statement = try database.cachedStatement(
                """
                SELECT r.id, r.source_key, r.content_hash, e.uid, r.status
                FROM records r JOIN entities e ON e.fid = r.entity_fid WHERE r.source = ?
                """)
            try statement.forEachRow([source]) { row in
                result[row.text(1)] = KnownRecord(
                    id: row.int64(0), contentHash: row.text(2), entityUID: row.text(3),
                    isActive: row.text(4) == "active")
            }
            return result
        }

        func entities(uids: [String]) throws -> [String: KnownEntity] {
            // A first load into an empty map has nothing to look up.
            let empty = try database.firstRow("SELECT NOT EXISTS (SELECT 1 FROM entities)") {
                $0.int(0) == 1
            }
            if empty == true { return [:] }
            var result: [String: KnownEntity] = [:]
            let statement = try database.cachedStatement(
                "SELECT fid, content_hash, status FROM entities WHERE uid = ?")
            for uid in uids {
                try statement.bind(uid, at: 1)
                if try statement.step() {
                    let row = statement.row
                    result[uid] = KnownEntity(
                        fid: row.int64(0), contentHash: row.text(1), status: row.text(2))
                }
                statement.reset()
            }
            return result
        }
    }

    // MARK: - History

    public func runs() throws -> [RunSummary] {
        try database.rows("SELECT \(Self.runColumns) FROM runs ORDER BY id") {
            Self.summary($0)
        }
    }

    static let runColumns = """
        id, pipeline, mode, status, started, finished, rows_read, new, merged, updated,
        unchanged, rejected, inactivated, entities_created, entities_updated
        """

    static func summary(_ row: Row) -> RunSummary {
        var counts = RunCounts()
        counts.rowsRead = row.int(6)
        counts.new = row.int(7)
        counts.merged = row.int(8)
        counts.updated = row.int(9)
        counts.unchanged = row.int(10)
        counts.rejected = row.int(11)
        counts.inactivated = row.int(12)
        counts.entitiesCreated = row.int(13)
        counts.entitiesUpdated = row.int(14)
        return RunSummary(
            id: row.int64(0), pipeline: row.text(1), mode: row.text(2), status: row.text(3),
            started: row.text(4), finished: row.optionalText(5), counts: counts)
    }

    public func run(id: Int64) throws -> RunDetail? {
        guard
            let summary = try database.firstRow(
                "SELECT \(Self.runColumns) FROM runs WHERE id = ?", id, transform: Self.summary)
        else { return nil }
        let inputs = try database.rows(
            "SELECT path, source, checksum, rows, full_list FROM run_inputs WHERE run_id = ?",
            id
        ) { row in
            InputFile(
                path: row.text(0), source: row.text(1), checksum: row.text(2),
                rows: row.int(3), isFullList: row.int(4) != 0)
        }
        let events = try database.rows(
            """
            SELECT kind, entity_uid, other_uids, source, source_key, score, reasons
            FROM match_events WHERE run_id = ? ORDER BY id
            """, id
        ) { row in
            MatchEvent(
                kind: MatchEvent.Kind(rawValue: row.text(0)) ?? .new,
                entityUID: row.text(1), otherUIDs: ListColumn.decode(row.text(2)),
                source: row.optionalText(3), sourceKey: row.optionalText(4),
                score: row.double(5), reasons: ListColumn.decode(row.text(6)))
        }
        let rejects = try database.rows(
            "SELECT code, count(*) FROM rejects WHERE run_id = ? GROUP BY code ORDER BY 2 DESC",
            id
        ) { (code: $0.text(0), count: $0.int(1)) }
        let reverted = try database.firstRow("SELECT reverted FROM runs WHERE id = ?", id) {
            $0.optionalText(0)
        }
        return RunDetail(
            summary: summary, inputs: inputs, events: events, rejectsByCode: rejects,
            reverted: reverted ?? nil)
    }

    public func revert(runID: Int64) throws -> RevertReport {
        do {
            return try database.transaction(.immediate) {
                let report = try Writer(database: database).revert(runID: runID)
                try indexTables.revert(runID: runID)
                return report
            }
        } catch let error as DatabaseError where error.isBusy {
            throw busyError()
        }
    }

    // MARK: - Reading entities

    public func forEachEntity(
        includeInactive: Bool, _ body: (StoredEntity) throws -> Void
    ) throws {
        let statement = try database.makeStatement(
            """
            SELECT \(Self.entitySelection()) FROM entities
            WHERE status = 'active' OR (?1 AND status = 'inactive') ORDER BY fid
            """)
        try statement.forEachRow([includeInactive]) { try body(Self.entity($0)) }
    }

    /// Entities whose name or locality match the words of `text` (FTS5, accents and case
    /// ignored), best match first.
    public func search(_ text: String, limit: Int) throws -> [StoredEntity] {
        // Each word becomes a quoted FTS5 string, so that user text is never read as query
        // syntax (https://sqlite.org/fts5.html#fts5_strings).
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "\"" })
        guard !words.isEmpty else { return [] }
        let query = words.map { "\"\($0)\"" }.joined(separator: " ")
        let statement = try database.cachedStatement(
            """
            SELECT \(Self.entitySelection(prefix: "e."))
            FROM entities_fts JOIN entities e ON e.fid = entities_fts.rowid
            WHERE entities_fts MATCH ? ORDER BY rank LIMIT ?
            """)
        var result: [StoredEntity] = []
        try statement.forEachRow([query, limit]) { result.append(Self.entity($0)) }
        return result
    }

    /// The columns `entity(_:)` reads, in its order.
    static func entitySelection(prefix: String = "") -> String {
        [
            "fid", "uid", "name", "legal_form", "kind", "street", "house_number", "box",
            "postcode", "locality", "country", "phones", "emails", "website",
            "company_number", "vat_number", "products", "labels", "longitude", "latitude",
            "geocode_precision", "geocode_score", "geocode_provider", "status", "first_seen",
            "last_seen",
        ].map { prefix + $0 }.joined(separator: ", ")
    }

    static func entity(_ row: Row) -> StoredEntity {
        let fields = EntityFields(
            name: row.text(2), legalForm: row.optionalText(3), kind: row.optionalText(4),
            street: row.optionalText(5), houseNumber: row.optionalText(6),
            box: row.optionalText(7), postcode: row.optionalText(8),
            locality: row.optionalText(9), country: row.optionalText(10),
            phones: ListColumn.decode(row.optionalText(11)),
            emails: ListColumn.decode(row.optionalText(12)), website: row.optionalText(13),
            companyNumber: row.optionalText(14), vatNumber: row.optionalText(15),
            products: ListColumn.decode(row.optionalText(16)),
            labels: ListColumn.decode(row.optionalText(17)))
        var location: Location?
        if let longitude = row.optionalDouble(18), let latitude = row.optionalDouble(19) {
            location = Location(
                latitude: latitude, longitude: longitude, precision: row.text(20),
                score: row.double(21), provider: row.text(22))
        }
        return StoredEntity(
            fid: row.int64(0), uid: row.text(1), fields: fields, location: location,
            status: row.text(23), firstSeen: row.text(24), lastSeen: row.text(25))
    }

    // MARK: - Geocoding cache

    /// A geocoder's earlier answer for a normalised query, if one is cached.
    public func cachedGeocode(query: String, provider: String) throws -> (
        location: Location?, label: String
    )? {
        try database.firstRow(
            """
            SELECT latitude, longitude, precision, score, label FROM geocode_cache
            WHERE query = ? AND provider = ?
            """, query, provider
        ) { row in
            var location: Location?
            if let latitude = row.optionalDouble(0), let longitude = row.optionalDouble(1) {
                location = Location(
                    latitude: latitude, longitude: longitude, precision: row.text(2),
                    score: row.double(3), provider: provider)
            }
            return (location, row.text(4))
        }
    }

    /// Keeps a geocoder's answer (nil: the address could not be placed) for next time.
    public func cacheGeocode(
        query: String, provider: String, location: Location?, label: String
    ) throws {
        try database.execute(
            """
            INSERT OR REPLACE INTO geocode_cache
                (query, provider, latitude, longitude, precision, score, label, created)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, query, provider, location?.latitude, location?.longitude,
            location?.precision ?? "none", location?.score ?? 0, label, Timestamp.now())
    }
}
