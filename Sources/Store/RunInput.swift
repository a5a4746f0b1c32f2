import GlaneurCore

/// Everything one run of a pipeline hands the map database: what it read, the records
/// with the entity each belongs to, what the matcher decided, and the rows it rejected.
///
/// The pipeline fills one `RunInput` and passes it to `MapStore.load(_:dryRun:)`, which
/// writes it in a single transaction (or, for a dry run, only reports what would change).
///
/// ```swift
/// var run = RunInput(pipeline: "biowallonie", mode: .upsert)
/// run.inputs = [InputFile(path: "producers.csv", source: "biowallonie",
///                         checksum: "9f2c…", rows: 2, isFullList: true)]
/// run.entities = [EntityInput(uid: "e-1", fields: golden, location: point)]
/// run.records = [RecordInput(provenance: where, sourceKey: "17", entityUID: "e-1", …)]
/// let report = try store.load(run)
/// ```
public struct RunInput: Sendable {
    /// The pipeline's name, as its specification names it.
    public var pipeline: String
    /// How the run treats what the database already holds.
    public var mode: LoadMode
    /// The files read, with their checksums.
    public var inputs: [InputFile]
    /// The golden record of every entity the run's records belong to.
    public var entities: [EntityInput]
    /// The records, each assigned to one of `entities` by its `entityUID`.
    public var records: [RecordInput]
    /// What the matcher decided, in order.
    public var events: [MatchEvent]
    /// The rows that could not be used.
    public var rejects: [Reject]
    /// What the run changes in the entity index, written in the same transaction; nil
    /// leaves the index as it is.
    public var index: EntityIndexChanges?

    public init(
        pipeline: String,
        mode: LoadMode = .upsert,
        inputs: [InputFile] = [],
        entities: [EntityInput] = [],
        records: [RecordInput] = [],
        events: [MatchEvent] = [],
        rejects: [Reject] = []
    ) {
        self.pipeline = pipeline
        self.mode = mode
        self.inputs = inputs
        self.entities = entities
        self.records = records
        self.events = events
        self.rejects = rejects
    }
}

/// How a load treats the rows already in the database. Nothing is ever deleted: a link
/// that a source no longer sends is marked inactive, and can be brought back by a revert.
public enum LoadMode: String, Sendable, CaseIterable {
    /// Adds new records; records already known (same source and key) are left as they are.
    case append
    /// Adds new records and updates changed ones; a source sent as a full list also marks
    /// the links it no longer sends inactive. The default for pipelines.
    case upsert
    /// As `upsert`, with every source of the run taken as a full list: what the run does
    /// not send becomes inactive.
    case replace
}

/// One file a run read.
public struct InputFile: Sendable, Hashable {
    /// The path as given on the command line or in the pipeline.
    public var path: String
    /// The partner that sent it: records are keyed by source and source key.
    public var source: String
    /// A checksum of the file's bytes (SHA-256 in hex, as `sha256sum` prints it), so
    /// that a run can be tied to the exact file it read.
    public var checksum: String
    /// The data rows read from it (records plus rejects).
    public var rows: Int
    /// Whether the file lists every producer of its source, so that a producer missing
    /// from it has left the list (rather than being left out of a partial update).
    public var isFullList: Bool

    public init(path: String, source: String, checksum: String, rows: Int, isFullList: Bool) {
        self.path = path
        self.source = source
        self.checksum = checksum
        self.rows = rows
        self.isFullList = isFullList
    }
}

/// The fields of a golden record, or of one record after normalisation: names, legal
/// form, address parts, phones in E.164, e-mails, website, company number, products and
/// labels.
public struct EntityFields: Sendable, Hashable {
    public var name: String
    public var legalForm: String?
    /// The kind of actor: producer, shop, association…
    public var kind: String?
    public var street: String?
    public var houseNumber: String?
    public var box: String?
    public var postcode: String?
    public var locality: String?
    /// The ISO 3166 country code.
    public var country: String?
    /// Phone numbers in E.164 (`+3281234567`).
    public var phones: [String]
    public var emails: [String]
    public var website: String?
    public var companyNumber: String?
    public var vatNumber: String?
    public var products: [String]
    public var labels: [String]

    public init(
        name: String, legalForm: String? = nil, kind: String? = nil, street: String? = nil,
        houseNumber: String? = nil, box: String? = nil, postcode: String? = nil,
        locality: String? = nil, country: String? = nil, phones: [String] = [],
        emails: [String] = [], website: String? = nil, companyNumber: String? = nil,
        vatNumber: String? = nil, products: [String] = [], labels: [String] = []
    ) {
        self.name = name
        self.legalForm = legalForm
        self.kind = kind
        self.street = street
        self.houseNumber = houseNumber
        self.box = box
        self.postcode = postcode
        self.locality = locality
        self.country = country
        self.phones = phones
        self.emails = emails
        self.website = website
        self.companyNumber = companyNumber
        self.vatNumber = vatNumber
        self.products = products
        self.labels = labels
    }
}

/// Where geocoding placed an entity or a record: a point in WGS 84 (EPSG:4326).
public struct Location: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double
    /// `housenumber`, `street`, `locality` or `postcode`.
    public var precision: String
    /// The geocoder's confidence in [0, 1].
    public var score: Double
    /// `gazetteer`, or the online provider's name.
    public var provider: String

    public init(
        latitude: Double, longitude: Double, precision: String, score: Double,
        provider: String
    ) {
        self.latitude = latitude
        self.longitude = longitude
        self.precision = precision
        self.score = score
        self.provider = provider
    }
}

/// An entity as the matcher leaves it: a stable id and its golden record.
public struct EntityInput: Sendable, Hashable {
    /// The matcher's stable id for the entity; it never changes once given.
    public var uid: String
    public var fields: EntityFields
    public var location: Location?

    public init(uid: String, fields: EntityFields, location: Location? = nil) {
        self.uid = uid
        self.fields = fields
        self.location = location
    }
}

/// One input row, normalised and geocoded, with the entity it belongs to.
public struct RecordInput: Sendable, Hashable {
    public var provenance: Provenance
    /// The partner's own id for the row; without one, the record is keyed by its
    /// content, so that a changed row reads as a new row (and the old one as gone).
    public var sourceKey: String?
    /// The partner's fields, untouched, in the partner's order.
    public var rawFields: [SourceField]
    /// The record's own normalised fields.
    public var fields: EntityFields
    public var location: Location?
    /// The `uid` of the entity the record belongs to.
    public var entityUID: String

    public init(
        provenance: Provenance, sourceKey: String?, rawFields: [SourceField],
        fields: EntityFields, location: Location? = nil, entityUID: String
    ) {
        self.provenance = provenance
        self.sourceKey = sourceKey
        self.rawFields = rawFields
        self.fields = fields
        self.location = location
        self.entityUID = entityUID
    }
}

/// What the matcher decided for one record or cluster, with its evidence.
public struct MatchEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A record started a new entity.
        case new
        /// A record joined an existing entity.
        case attach
        /// Entities were found to be one: `otherUIDs` are absorbed into `entityUID`.
        case merge
        /// An entity was found to be several: `otherUIDs` are split out of `entityUID`.
        case split
    }

    public var kind: Kind
    /// The entity the event is about (the survivor of a merge).
    public var entityUID: String
    /// The other entities involved (absorbed by a merge, split out by a split).
    public var otherUIDs: [String]
    /// The record concerned, by source and source key, when there is one.
    public var source: String?
    public var sourceKey: String?
    /// The match score in [0, 1].
    public var score: Double
    /// Why, in a few words each (`same-phone`, `name-similarity 0.93`).
    public var reasons: [String]

    public init(
        kind: Kind, entityUID: String, otherUIDs: [String] = [], source: String? = nil,
        sourceKey: String? = nil, score: Double, reasons: [String] = []
    ) {
        self.kind = kind
        self.entityUID = entityUID
        self.otherUIDs = otherUIDs
        self.source = source
        self.sourceKey = sourceKey
        self.score = score
        self.reasons = reasons
    }
}
