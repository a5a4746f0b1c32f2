/// A map database: SQLite (a GeoPackage file) or PostgreSQL with PostGIS.
///
/// Both keep the same model: entities with their golden record and point, the records
/// attached to them with their provenance, runs with their inputs, counts and history,
/// match events and rejects.
public protocol MapStore: AnyObject {
    /// Writes one run in one transaction, or on a dry run only computes what it would
    /// change. A failure leaves the database as it was.
    func load(_ run: RunInput, dryRun: Bool) throws -> RunReport

    /// Every run, oldest first.
    func runs() throws -> [RunSummary]

    /// One run with its inputs, events and rejects; nil when there is no such run.
    func run(id: Int64) throws -> RunDetail?

    /// Puts the entities and links that a run changed back as they were before it.
    ///
    /// - throws: `StoreError` when a later run changed the same entities or records, or
    ///   read the same source (revert that one first), or when the run is unknown or
    ///   already reverted.
    func revert(runID: Int64) throws -> RevertReport

    /// Calls `body` with every entity, by feature id; merged entities are left out and
    /// inactive ones too unless asked for.
    func forEachEntity(includeInactive: Bool, _ body: (StoredEntity) throws -> Void) throws

    /// Calls `body` with every record attached to an active entity, by entity then
    /// record; inactive records, and those of inactive entities, only when asked for.
    func forEachRecord(includeInactive: Bool, _ body: (StoredRecord) throws -> Void) throws

    /// Entities whose name or locality hold every word of `text`, accents and case
    /// ignored, best match first, at most `limit` of them. The text is only ever read
    /// as words, never as query syntax.
    func search(_ text: String, limit: Int) throws -> [StoredEntity]
}

extension MapStore {
    /// The twenty best matches for `text`.
    public func search(_ text: String) throws -> [StoredEntity] {
        try search(text, limit: 20)
    }

    @discardableResult
    public func load(_ run: RunInput) throws -> RunReport {
        try load(run, dryRun: false)
    }
}

/// Opens the map database that `--db` names: a `postgresql://` (or `postgres://`) URL,
/// or the path of a SQLite file.
///
/// - parameter create: whether a missing SQLite file is created (imports) or is an
///   error (history and export, which need an existing database).
public func openMapStore(_ location: String, create: Bool) throws -> any MapStore {
    if location.hasPrefix("postgresql://") || location.hasPrefix("postgres://") {
        return try PostgresStore(url: location)
    }
    return try SQLiteStore(path: location, create: create)
}
