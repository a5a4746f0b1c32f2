import Foundation
import Geocode
import GlaneurCore
import Ingest
import Normalize
import Resolve
import Store

/// Runs a pipeline: reads every source, normalises and geocodes the records,
/// deduplicates them into entities, and loads the run into the map database in one
/// transaction (or, for a dry run, only reports what would change).
public struct PipelineRunner {
    public var spec: PipelineSpec
    /// A database that replaces the pipeline's target (`--db`).
    public var database: String?
    public var dryRun = false
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// The gazetteer store for offline geocoding.
    public var gazetteerPath = GazetteerStore.defaultPath
    /// Told as stages start, advance and finish, for a progress bar and logs; called on
    /// the thread that called `run()`.
    public var onEvent: (PipelineEvent) -> Void = { _ in }
    /// People's answers on pairs of records, on top of those the map remembers.
    public var answers: [PairAnswer] = []
    /// Estimates the matching model again on this run's records and their neighbours
    /// instead of scoring with the one the map keeps (estimated when the map was empty).
    public var reestimatesModel = false

    public init(spec: PipelineSpec) {
        self.spec = spec
    }

    /// What a run did, stage by stage; `report` is the map database's account.
    public struct Outcome {
        public var sources: [SourceOutcome] = []
        public var records = 0
        public var rejects: [Reject] = []
        public var precisions: [String: Int] = [:]
        /// Records placed by each geocoding provider.
        public var providers: [String: Int] = [:]
        /// Records each normalisation rule changed, and records with each warning.
        public var rules: [String: Int] = [:]
        public var warnings: [String: Int] = [:]
        public var entities = 0
        /// Records that joined an entity another record of the run started.
        public var merged = 0
        public var reviewPairs = 0
        /// The review file of the uncertain pairs (CSV), records named `source/key`, for
        /// `glaneur review import`; nil when there are none.
        public var reviewFile: [UInt8]?
        public var report: RunReport?
        public var timings: [(stage: String, seconds: Double)] = []
    }

    public struct SourceOutcome {
        public var file: String
        public var source: String
        public var counts: ReadCounts
    }

    /// One record on its way through the stages.
    struct Prepared {
        var record: ProducerRecord
        var priority: Int
        var normalized: NormalizedRecord
        var place: GeocodeResult
        /// What the record gives its entity, and where it is: read by the matching, the
        /// golden records and the load alike, so made once.
        var fields: EntityFields
        var location: Location?
    }

    public func run() throws -> Outcome {
        var outcome = Outcome()
        var clock = StageClock()

        onEvent(.started(stage: PipelineStage.read, total: inputBytes()))
        let (records, inputs) = try read(into: &outcome)
        finish(PipelineStage.read, rows: records.count, clock: &clock, outcome: &outcome)

        onEvent(.started(stage: PipelineStage.normalise, total: records.count))
        let normalized = normalize(records)
        finish(PipelineStage.normalise, rows: normalized.count, clock: &clock, outcome: &outcome)
        for record in normalized {
            for rule in record.rules { outcome.rules[rule, default: 0] += 1 }
            for code in Set(record.warnings.map(\.code)) { outcome.warnings[code, default: 0] += 1 }
        }

        onEvent(.started(stage: PipelineStage.geocode, total: normalized.count))
        let places = try geocode(normalized)
        finish(PipelineStage.geocode, rows: places.count, clock: &clock, outcome: &outcome)
        for place in places {
            outcome.precisions[place.precision.rawValue, default: 0] += 1
            if place.precision != .none { outcome.providers[place.provider, default: 0] += 1 }
        }

        let prepared = parallelMap(count: records.count, threads: threads) { index in
            Prepared(
                record: records[index].record, priority: records[index].priority,
                normalized: normalized[index], place: places[index],
                fields: Self.fields(of: normalized[index], raw: records[index].record),
                location: Self.location(of: places[index]))
        }
        // Each record is now held by `prepared`: these arrays only release them, a text at
        // a time, which another thread can do beside the matching.
        releaseInBackground((consume records, consume normalized, consume places))

        onEvent(.started(stage: PipelineStage.deduplicate, total: nil))
        let target = database ?? resolvedTarget()
        // A dry run against a map that does not exist yet compares with an empty map in
        // memory: creating the file, even empty, would be a write.
        let isNewFile = !target.contains("://") && !FileManager.default.fileExists(atPath: target)
        let store = try openMapStore(dryRun && isNewFile ? ":memory:" : target, create: true)
        guard let index = store as? any EntityIndexReading else {
            throw StoreError("\(target) keeps no entity index to match records against")
        }
        let matching = try index.readingOneState {
            try match(prepared, inputs: inputs, store: index)
        }
        finish(PipelineStage.deduplicate, rows: prepared.count, clock: &clock, outcome: &outcome)
        outcome.reviewPairs = matching.reviewPairs
        outcome.reviewFile = matching.reviewFile

        onEvent(.started(stage: PipelineStage.load, total: nil))
        var run = RunInput(
            pipeline: spec.name, mode: LoadMode(rawValue: spec.target.mode.rawValue) ?? .upsert,
            inputs: inputs, rejects: outcome.rejects)
        assemble(prepared, matching: matching, into: &run, outcome: &outcome)
        outcome.report = try store.load(run, dryRun: dryRun)
        finish(PipelineStage.load, rows: prepared.count, clock: &clock, outcome: &outcome)
        outcome.records = prepared.count
        // Freeing a large run's records took seconds of one core after the work was done.
        releaseInBackground((consume prepared, consume matching, consume run))
        return outcome
    }

    private func finish(
        _ stage: String, rows: Int, clock: inout StageClock, outcome: inout Outcome
    ) {
        let seconds = clock.lap()
        outcome.timings.append((stage, seconds))
        onEvent(.finished(stage: stage, rows: rows, seconds: seconds))
    }

    // MARK: - Stages

    private func read(into outcome: inout Outcome) throws
        -> ([(record: ProducerRecord, priority: Int)], [InputFile])
    {
        var records: [(record: ProducerRecord, priority: Int)] = []
        var inputs: [InputFile] = []
        var bytesBefore = 0
        var keys = SourceKeys()
        for source in spec.sources {
            for file in source.files {
                let reader = try SourceReader.open(path: file, options: source.readOptions)
                var repeatedKeys = 0
                while let item = try reader.next() {
                    switch item {
                    case .record(let record):
                        if let reject = keys.rejectIfRepeated(record) {
                            outcome.rejects.append(reject)
                            repeatedKeys += 1
                        } else {
                            records.append((record, source.priority))
                        }
                    case .reject(let reject): outcome.rejects.append(reject)
                    }
                    if reader.counts.rows % 4_096 == 0 {
                        onEvent(
                            .advanced(
                                stage: PipelineStage.read,
                                done: bytesBefore + reader.bytesConsumed, rows: records.count))
                    }
                }
                bytesBefore += fileSize(file)
                var counts = reader.counts
                counts.records -= repeatedKeys
                counts.rejects += repeatedKeys
                outcome.sources.append(
                    SourceOutcome(file: file, source: reader.description.source, counts: counts))
                inputs.append(
                    InputFile(
                        path: file, source: reader.description.source,
                        checksum: try checksum(of: file), rows: reader.counts.rows,
                        isFullList: source.delivery == .full))
            }
        }
        return (records, inputs)
    }

    /// The size of every partner file, the reading stage's total work.
    private func inputBytes() -> Int {
        spec.sources.flatMap(\.files).reduce(0) { $0 + fileSize($1) }
    }

    private func fileSize(_ path: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    private func normalize(_ records: [(record: ProducerRecord, priority: Int)])
        -> [NormalizedRecord]
    {
        let countries = Dictionary(
            spec.sources.flatMap { source in source.files.map { ($0, source.country) } },
            uniquingKeysWith: { first, _ in first })
        let fallback = spec.normalize.defaultCountry
        let normalizers = Dictionary(
            uniqueKeysWithValues: Set(countries.values.map { $0 ?? fallback }).map { country in
                (country, Normalizer(options: Normalizer.Options(defaultCountry: country)))
            })
        var normalized: [NormalizedRecord] = []
        normalized.reserveCapacity(records.count)
        // One cache per thread for the whole stage: a street, a locality or a product
        // list met in the first batch is still known in the last.
        let caches = ThreadCaches(count: max(1, threads))
        let cacheOfState = { (state: Int) in caches[state] }
        for batch in batches(of: records.count, threads: threads) {
            normalized += parallelMap(
                count: batch.count, threads: threads, state: cacheOfState
            ) { cache, offset in
                // Read in place: the record taken whole would be copied.
                let index = batch.lowerBound + offset
                let country = countries[records[index].record.provenance.file] ?? fallback
                let normalizer = normalizers[country ?? fallback] ?? Normalizer()
                return normalizer.normalize(records[index].record, cache: cache)
            }
            onEvent(
                .advanced(
                    stage: PipelineStage.normalise, done: normalized.count,
                    rows: normalized.count))
        }
        return normalized
    }

    private func geocode(_ records: [NormalizedRecord]) throws -> [GeocodeResult] {
        let geocoder = try OfflineGeocoder(store: GazetteerStore(path: gazetteerPath))
        let queries = records.map { record in
            AddressQuery(
                street: record.address.street, houseNumber: record.address.houseNumber,
                postcode: record.postcode?.value, locality: record.locality?.value,
                country: record.country?.value)
        }
        var places: [GeocodeResult] = []
        places.reserveCapacity(queries.count)
        for batch in batches(of: queries.count, threads: threads) {
            places += geocoder.geocode(Array(queries[batch]), threads: threads)
            onEvent(
                .advanced(stage: PipelineStage.geocode, done: places.count, rows: places.count))
        }
        return places
    }

    // MARK: - Entities

    /// Turns the matching into entities with golden records, and records into links.
    private func assemble(
        _ prepared: [Prepared], matching: Matching, into run: inout RunInput,
        outcome: inout Outcome
    ) {
        var changes = matching.changes
        let runRecords = matching.entityOfRecord.indices.reduce(into: [String: [Int]]()) {
            $0[matching.entityOfRecord[$1], default: []].append($1)
        }
        // Each entity's golden record on all cores: they need nothing of one another.
        let entities = matching.storedMembers.keys.sorted()
        let goldens = parallelMap(count: entities.count, threads: threads) { position in
            let entity = entities[position]
            var candidates = (runRecords[entity] ?? []).map { index in
                Survivorship.Candidate(
                    fields: prepared[index].fields, location: prepared[index].location,
                    priority: prepared[index].priority, run: matching.contentRunOfRecord[index],
                    origin: matching.identityOfRecord[index])
            }
            candidates += matching.storedMembers[entity, default: []].map { record in
                Survivorship.Candidate(
                    fields: record.fields, location: record.location, priority: record.priority,
                    run: record.lastRun, origin: "\(record.source)/\(record.sourceKey)")
            }
            return candidates.isEmpty ? nil : Survivorship.golden(candidates)
        }
        for (entity, golden) in zip(entities, goldens) {
            guard let golden else { continue }
            run.entities.append(
                EntityInput(uid: entity, fields: golden.fields, location: golden.location))
            changes.fieldSources[entity] = golden.sources
        }
        outcome.entities = Set(matching.entityOfRecord).count
        outcome.merged = matching.events.filter { $0.kind == .attach }.count

        // Read in place: a record taken whole would be copied, every text in it retained.
        run.records += parallelMap(count: prepared.count, threads: threads) { index in
            RecordInput(
                provenance: prepared[index].record.provenance,
                sourceKey: prepared[index].record[.sourceKey],
                rawFields: prepared[index].record.sourceFields,
                fields: prepared[index].fields, location: prepared[index].location,
                entityUID: matching.entityOfRecord[index])
        }
        run.events = matching.events
        run.index = changes
    }

    /// What a record gives its entity: its normalised fields, the name as written when
    /// it has none.
    static func fields(of record: borrowing NormalizedRecord, raw: ProducerRecord)
        -> EntityFields
    {
        var fields = EntityFields(
            name: record.name?.value ?? raw[.name] ?? "",
            legalForm: record.legalForm?.current, kind: record.kind?.value,
            street: record.address.street, houseNumber: record.address.houseNumber,
            box: record.address.box, postcode: record.postcode?.value,
            locality: record.locality?.value, country: record.country?.value,
            phones: record.phones.compactMap(\.e164),
            emails: record.emails.filter(\.isValid).map(\.value),
            website: record.website.flatMap { $0.isValid ? $0.url : nil },
            companyNumber: record.companyNumber.flatMap { $0.isValid ? $0.canonical : nil },
            vatNumber: record.vatNumber.flatMap { $0.isValid ? $0.canonical : nil },
            products: record.products.compactMap(\.category),
            labels: record.otherLabels)
        if record.organic == .certified { fields.labels.insert("organic", at: 0) }
        return fields
    }

    static func location(of place: GeocodeResult) -> Location? {
        guard let latitude = place.latitude, let longitude = place.longitude,
            place.precision != .none
        else { return nil }
        return Location(
            latitude: latitude, longitude: longitude, precision: place.precision.rawValue,
            score: place.score, provider: place.provider)
    }

    private func rank(_ precision: String) -> Int {
        GeocodeSpec.precisions.firstIndex(of: precision) ?? GeocodeSpec.precisions.count
    }

    /// A stable id: the partner and its own key for the row, or, without a key, the
    /// partner and the row's name and postcode as written.
    func entityID(for record: ProducerRecord) -> String {
        if let key = record[.sourceKey] {
            return entityID(source: record.provenance.source, key: key)
        }
        var hash = SHA256()
        hash.update(Array(record.provenance.source.utf8))
        hash.update([0x1F])
        hash.update(Array((record[.name] ?? "").utf8))
        hash.update([0x1F])
        hash.update(Array((record[.postcode] ?? "").utf8))
        return "E" + hash.finalize().prefix(16)
    }

    /// The id a record with this source and key derives.
    func entityID(source: String, key: String) -> String {
        var hash = SHA256()
        hash.update(Array(source.utf8))
        hash.update([0x1F])
        hash.update(Array(key.utf8))
        return "E" + hash.finalize().prefix(16)
    }

    private func checksum(of path: String) throws -> String {
        var file = try FileSource(path: path)
        var hash = SHA256()
        while true {
            let block = try readBlock(from: &file, count: 1 << 20)
            if block.isEmpty { break }
            hash.update(block)
        }
        return hash.finalize()
    }

    private func resolvedTarget() -> String {
        let target = spec.target.database
        if target.hasPrefix("postgresql://") || target.hasPrefix("postgres://")
            || target.hasPrefix("/")
        {
            return target
        }
        return spec.baseDirectory + "/" + target
    }
}

/// The source keys each partner has used so far in a run: a key recognises a row from
/// one delivery to the next, so a second row with the same key is rejected, naming the
/// first, rather than silently replacing it.
struct SourceKeys {
    private var firstUse: [String: [String: Provenance]] = [:]

    mutating func rejectIfRepeated(_ record: ProducerRecord) -> Reject? {
        guard let key = record[.sourceKey], !key.isEmpty else { return nil }
        let source = record.provenance.source
        guard let first = firstUse[source]?[key] else {
            firstUse[source, default: [:]][key] = record.provenance
            return nil
        }
        var writer = JSONWriter()
        record.writeJSON(to: &writer)
        return Reject(
            provenance: record.provenance, code: .duplicateKey,
            message:
                "source key '\(key)' is already used by \(first.file) row \(first.row) of "
                + "'\(source)'",
            raw: String(decoding: writer.bytes, as: UTF8.self))
    }
}

/// Seconds between laps, for the timings per stage.
struct StageClock {
    private var last = Date()

    mutating func lap() -> Double {
        let now = Date()
        defer { last = now }
        return now.timeIntervalSince(last)
    }
}

/// The normalisation caches of a stage's threads. A cache has no lock: `parallelMap` hands
/// each state number to one thread at a time, which makes the sharing safe.
private final class ThreadCaches: @unchecked Sendable {
    private let caches: [NormalizationCache]

    init(count: Int) {
        caches = (0..<count).map { _ in NormalizationCache() }
    }

    subscript(chunk: Int) -> NormalizationCache { caches[chunk] }
}
