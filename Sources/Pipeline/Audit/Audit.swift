import Foundation
import Geocode
import GlaneurCore
import Normalize
import Resolve
import Store

/// Examines a whole map database for data-quality problems: incomplete sources, invalid
/// or suspicious contacts, badly placed points, duplicates left on the map, records no
/// source confirms any more, Flemish entities without Dutch.
///
/// ```swift
/// let store = try openMapStore("map.sqlite", create: false)
/// let report = try Audit(options: .init()).run(on: store, database: "map.sqlite")
/// report.findings(.invalidPhone)   // [AuditFinding]
/// ```
///
/// The audit only reads: it re-validates the values with the normaliser's validators,
/// places localities with the offline gazetteer, and compares the entities' golden
/// records with the deduplicator's own blocking, comparisons and model.
///
/// The whole map is held in memory while the checks run (the entities, and the records
/// with their source fields): about 235 MB for 16,000 entities and 20,000 records, the
/// gazetteer's index included. A map of millions of records needs the checks to stream
/// the records instead; the contact and staleness checks could, the duplicate search
/// (which builds one corpus of all entities) could not.
public struct Audit: Sendable {
    public struct Options: Sendable {
        /// A record whose last confirmation is older than this many days is stale.
        public var staleDays = 365
        /// A point farther than this from the gazetteer's centre of its locality is
        /// reported.
        public var farFromLocalityKilometres = 25.0
        /// A point outside its country's outline by less than this is not reported: the
        /// outlines are simplified (see `CountryOutlines`).
        public var borderToleranceKilometres = 2.0
        /// A phone, e-mail or company number on this many active entities or more is
        /// suspicious (two entities sharing one are a likely duplicate instead).
        public var sharedValueEntities = 3
        /// The deduplicator's settings; pairs scored above `reviewBand` are reported.
        public var resolver = Resolver.Options()
        /// The most points the map draws, so that the page stays light.
        public var mapPointLimit = 20_000
        /// The gazetteer store for the localities' centres.
        public var gazetteerPath = GazetteerStore.defaultPath
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// The date findings are measured against (the stale delay).
        public var now = Date()

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Reads the whole map and runs every check.
    ///
    /// - parameter database: the database's name, as the report shows it.
    /// - throws: `StoreError` when the map cannot be read, `GlaneurError` or
    ///   `DatabaseError` when the gazetteer or the outlines cannot be.
    public func run(on store: any MapStore, database: String) throws -> AuditReport {
        var entities: [StoredEntity] = []
        try store.forEachEntity(includeInactive: false) { entities.append($0) }
        var records: [StoredRecord] = []
        try store.forEachRecord(includeInactive: false) { records.append($0) }

        var report = AuditReport(
            database: database, generated: options.now.formatted(.iso8601), options: options)
        report.entities = entities.count
        report.records = records.count
        report.completeness = completeness(entities: entities, records: records)
        measurePrecision(entities, into: &report)

        let normalized = normalize(entities)
        let geocoder = try OfflineGeocoder(store: GazetteerStore(path: options.gazetteerPath))
        let localities = geocoder.geocode(
            entities.map { entity in
                AddressQuery(
                    postcode: entity.fields.postcode, locality: entity.fields.locality,
                    country: entity.fields.country)
            }, threads: options.threads)
        let outlines = try CountryOutlines.shipped()

        let contacts = checkContacts(entities)
        report.findings += contacts
        report.findings += checkSourceContacts(records, entities: entities, reported: contacts)
        report.findings += checkPoints(entities, localities: localities, outlines: outlines)
        report.findings += checkDuplicates(entities, normalized: normalized, places: localities)
        report.findings += checkStaleRecords(records, entities: entities)
        report.findings += try checkFlemish(entities, normalized: normalized)
        drawPoints(entities, findings: report.findings, into: &report)
        return report
    }

    // MARK: - Figures

    private func completeness(entities: [StoredEntity], records: [StoredRecord])
        -> [Completeness]
    {
        var bySource: [String: Completeness] = [:]
        for record in records {
            var row =
                bySource[record.source]
                ?? Completeness(source: record.source, records: 0, filled: [:])
            row.records += 1
            let placed = record.latitude != nil && record.longitude != nil
            for field in AuditField.allCases
            where field.isFilled(in: record.fields, hasPoint: placed) {
                row.filled[field, default: 0] += 1
            }
            bySource[record.source] = row
        }
        var map = Completeness(source: nil, records: entities.count, filled: [:])
        for entity in entities {
            for field in AuditField.allCases
            where field.isFilled(in: entity.fields, hasPoint: entity.location != nil) {
                map.filled[field, default: 0] += 1
            }
        }
        return bySource.keys.sorted().compactMap { bySource[$0] } + [map]
    }

    private func measurePrecision(_ entities: [StoredEntity], into report: inout AuditReport) {
        var scores: [String: Double] = [:]
        for entity in entities {
            if let country = entity.fields.country {
                report.countries[country.uppercased(), default: 0] += 1
            }
            let precision = entity.location?.precision ?? Precision.none.rawValue
            report.precisions[precision, default: 0] += 1
            scores[precision, default: 0] += entity.location?.score ?? 0
        }
        for (precision, total) in scores {
            report.meanScores[precision] = total / Double(report.precisions[precision] ?? 1)
        }
    }

    private func drawPoints(
        _ entities: [StoredEntity], findings: [AuditFinding], into report: inout AuditReport
    ) {
        let flagged = Set(
            findings.filter { $0.check == .outsideCountry || $0.check == .farFromLocality }
                .map(\.entity.uid))
        for entity in entities {
            guard let location = entity.location else { continue }
            guard report.points.count < options.mapPointLimit else {
                report.pointsWithheld += 1
                continue
            }
            report.points.append(
                MapPoint(
                    latitude: location.latitude, longitude: location.longitude,
                    precision: location.precision, name: entity.fields.name,
                    isFlagged: flagged.contains(entity.uid)))
        }
    }

    // MARK: - Normalisation

    /// Each entity's golden record through the normaliser again, as the matcher and the
    /// language checks read it.
    func normalize(_ entities: [StoredEntity]) -> [NormalizedRecord] {
        let normalizer = Normalizer()
        return parallelChunks(entities.count, threads: options.threads) { range in
            let cache = NormalizationCache()
            return range.map { index in
                normalizer.normalize(Self.record(of: entities[index], row: index + 1), cache: cache)
            }
        }
    }

    /// A golden record as a record the normaliser reads, its provenance the map itself.
    static func record(of entity: StoredEntity, row: Int) -> ProducerRecord {
        let fields = entity.fields
        var record = ProducerRecord(
            provenance: Provenance(source: "map", file: "map", row: row, line: row))
        let scalars: [(Field, String?)] = [
            (.sourceKey, entity.uid), (.name, fields.name), (.legalForm, fields.legalForm),
            (.kind, fields.kind), (.street, fields.street), (.houseNumber, fields.houseNumber),
            (.box, fields.box), (.postcode, fields.postcode), (.locality, fields.locality),
            (.country, fields.country), (.website, fields.website),
            (.companyNumber, fields.companyNumber), (.vatNumber, fields.vatNumber),
        ]
        for (field, value) in scalars { record[field] = value }
        record.setValues(fields.phones, for: .phones)
        record.setValues(fields.emails, for: .emails)
        record.setValues(fields.products, for: .products)
        return record
    }

    static func reference(_ entity: StoredEntity) -> AuditEntity {
        AuditEntity(uid: entity.uid, name: entity.fields.name, locality: entity.fields.locality)
    }
}
