/// What a run did, or would do on a dry run, counted per record and per entity.
///
/// Every row read is counted once: `rowsRead == new + merged + updated + unchanged +
/// rejected`.
public struct RunCounts: Sendable, Hashable {
    /// Rows read from the run's files (records plus rejects).
    public var rowsRead = 0
    /// Records that started a new entity.
    public var new = 0
    /// New records that joined an entity already in the database or started earlier in
    /// the run.
    public var merged = 0
    /// Known records whose content, entity or status changed.
    public var updated = 0
    /// Known records sent again as they were.
    public var unchanged = 0
    public var rejected = 0
    /// Links from records to entities that a full-list source no longer sends.
    public var inactivated = 0
    public var entitiesCreated = 0
    public var entitiesUpdated = 0

    public init() {}

    /// The counts by name, in report order, for JSON and tables.
    public var named: [(String, Int)] {
        [
            ("rows_read", rowsRead), ("new", new), ("merged", merged), ("updated", updated),
            ("unchanged", unchanged), ("rejected", rejected), ("inactivated", inactivated),
            ("entities_created", entitiesCreated), ("entities_updated", entitiesUpdated),
        ]
    }
}

/// The outcome of `MapStore.load(_:dryRun:)`.
public struct RunReport: Sendable {
    /// The run's id in the database; nil for a dry run, which writes nothing.
    public var runID: Int64?
    public var isDryRun: Bool
    public var counts: RunCounts
    /// A few examples for each outcome (`new`, `updated`, `merged`, `unchanged`,
    /// `rejected`, `inactivated`), as `source/key: name`, at most `sampleLimit` each.
    public var samples: [String: [String]]

    /// How many examples each outcome keeps.
    public static let sampleLimit = 5
}

/// One run as `runs list` shows it.
public struct RunSummary: Sendable, Hashable {
    public var id: Int64
    public var pipeline: String
    public var mode: String
    /// `committed`, or `reverted` once undone.
    public var status: String
    /// ISO 8601 UTC timestamps.
    public var started: String
    public var finished: String?
    public var counts: RunCounts
}

/// One run as `runs show` shows it.
public struct RunDetail: Sendable {
    public var summary: RunSummary
    public var inputs: [InputFile]
    /// The matcher's events, in order.
    public var events: [MatchEvent]
    /// The number of rejects by code.
    public var rejectsByCode: [(code: String, count: Int)]
    /// When the run was reverted, if it was.
    public var reverted: String?
}

/// An entity as the database holds it.
public struct StoredEntity: Sendable, Hashable {
    /// The row id (the GeoPackage feature id).
    public var fid: Int64
    public var uid: String
    public var fields: EntityFields
    public var location: Location?
    /// `active`, `inactive` (no source lists it any more) or `merged`.
    public var status: String
    public var firstSeen: String
    public var lastSeen: String
}

/// What `MapStore.revert(runID:)` undid.
public struct RevertReport: Sendable, Hashable {
    public var runID: Int64
    public var entitiesRemoved: Int
    public var entitiesRestored: Int
    public var recordsRemoved: Int
    public var recordsRestored: Int
}

/// A failure of the map database that the user can act on.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
