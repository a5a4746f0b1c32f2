import Foundation
import GlaneurCore

/// ISO 8601 UTC timestamps, as the database stores them.
enum Timestamp {
    static func now() -> String {
        Date().formatted(.iso8601)
    }
}

/// What a database already holds about one record.
struct KnownRecord {
    var id: Int64
    var contentHash: String
    var entityUID: String
    var isActive: Bool
}

/// What a database already holds about one entity.
struct KnownEntity {
    var fid: Int64
    var contentHash: String
    var status: String
}

/// A record ready to write: its key and digest computed once. A plan names the run's
/// rows by their place in it rather than copying them: a million copied records would
/// be some 400 MB of fresh memory to fill before the first write.
struct PlannedRecord {
    /// The record's index in `RunInput.records`.
    var index: Int
    var key: String
    var contentHash: String
}

/// An entity ready to write.
struct PlannedEntity {
    /// The entity's index in `RunInput.entities`.
    var index: Int
    var contentHash: String
}

/// The changes one run makes, computed from the run and the database's state before any
/// write, so that a dry run and a real run agree by construction.
struct LoadPlan {
    var newEntities: [PlannedEntity] = []
    var changedEntities: [(fid: Int64, entity: PlannedEntity)] = []
    var newRecords: [PlannedRecord] = []
    var changedRecords: [(id: Int64, record: PlannedRecord)] = []
    /// Records that a full-list source no longer sends.
    var inactivatedRecords: [Int64] = []
    /// Entities absorbed by a merge: (absorbed fid, survivor uid).
    var absorbedEntities: [(fid: Int64, into: String)] = []
    /// Entities the run touches, by uid, with their fid when they already exist.
    var knownEntities: [String: KnownEntity] = [:]
    var counts = RunCounts()
    var samples: [String: [String]] = [:]

    mutating func sample(_ outcome: String, _ text: @autoclosure () -> String) {
        guard samples[outcome, default: []].count < RunReport.sampleLimit else { return }
        samples[outcome, default: []].append(text())
    }
}

/// The reads a planner needs from a database.
protocol PlanningReader {
    /// Every record of a source, by source key.
    func records(ofSource source: String) throws -> [String: KnownRecord]
    /// The entities the database has among `uids`, by uid.
    func entities(uids: [String]) throws -> [String: KnownEntity]
}

enum LoadPlanner {
    /// The key a record is stored under: the partner's key, or its content when the
    /// partner gives none (a `#` keeps the two apart).
    static func key(of record: RecordInput, contentHash: String) -> String {
        if let key = record.sourceKey, !key.isEmpty { return key }
        return "#" + contentHash
    }

    /// Compares the run with what the database holds and lists the changes to make.
    static func plan(_ run: RunInput, reader: some PlanningReader) throws -> LoadPlan {
        var plan = LoadPlan()
        // A first import makes everything new: growing these arrays a row at a time would
        // copy a million planned rows again and again.
        plan.newEntities.reserveCapacity(run.entities.count)
        plan.newRecords.reserveCapacity(run.records.count)
        plan.counts.rowsRead = run.records.count + run.rejects.count
        plan.counts.rejected = run.rejects.count
        for reject in run.rejects.prefix(RunReport.sampleLimit) {
            plan.sample(
                "rejected",
                "\(reject.provenance.file) row \(reject.provenance.row): \(reject.code.rawValue)")
        }

        let digests = ContentHash.digests(of: run)

        // Step 1: entities. Every uid the run names is looked up once; an entity given
        // twice counts once, as first given.
        var entityUIDs = Set<String>(minimumCapacity: run.entities.count)
        var firstGiven: [Int] = []
        firstGiven.reserveCapacity(run.entities.count)
        for (index, entity) in run.entities.enumerated()
        where entityUIDs.insert(entity.uid).inserted {
            firstGiven.append(index)
        }
        for record in run.records where !entityUIDs.contains(record.entityUID) {
            throw StoreError(
                "record \(record.provenance.file) row \(record.provenance.row) belongs to "
                    + "entity '\(record.entityUID)', which the run does not define")
        }
        let mergedAway = run.events.filter { $0.kind == .merge }.flatMap(\.otherUIDs)
        let known = try reader.entities(uids: Array(entityUIDs) + mergedAway)
        for index in firstGiven {
            let entity = run.entities[index]
            let planned = PlannedEntity(index: index, contentHash: digests.entities[index])
            if let known = known[entity.uid] {
                plan.knownEntities[entity.uid] = known
                let changed = known.contentHash != planned.contentHash || known.status != "active"
                if changed && run.mode != .append {
                    plan.changedEntities.append((known.fid, planned))
                }
            } else {
                plan.newEntities.append(planned)
            }
        }
        plan.counts.entitiesCreated = plan.newEntities.count
        plan.counts.entitiesUpdated = plan.changedEntities.count

        // Step 2: records, compared by source and key with what each source sent before.
        var recordsPerSource: [String: Int] = [:]
        for record in run.records { recordsPerSource[record.provenance.source, default: 0] += 1 }
        let sources = Set(recordsPerSource.keys).union(run.inputs.map(\.source))
        var knownRecords: [String: [String: KnownRecord]] = [:]
        for source in sources { knownRecords[source] = try reader.records(ofSource: source) }
        // Sets sized up front: grown a key at a time, a million keys are rehashed into
        // ever larger tables some twenty times.
        var seenKeys = recordsPerSource.mapValues { Set<String>(minimumCapacity: $0) }
        var entitiesStarted = Set<String>(minimumCapacity: plan.newEntities.count)
        for (index, record) in run.records.enumerated() {
            let hash = digests.records[index]
            var key = key(of: record, contentHash: hash)
            let source = record.provenance.source
            // Rows without a key of their own that are identical to the letter (a line
            // pasted twice) are told apart by their order: "#hash", then "#hash/2".
            if record.sourceKey?.isEmpty ?? true {
                var occurrence = 1
                let first = key
                while seenKeys[source, default: []].contains(key) {
                    occurrence += 1
                    key = first + "/\(occurrence)"
                }
            }
            guard seenKeys[source, default: []].insert(key).inserted else {
                throw StoreError(
                    "\(record.provenance.file) row \(record.provenance.row): source key "
                        + "'\(key)' appears twice in source '\(source)'; keys must be unique")
            }
            let planned = PlannedRecord(index: index, key: key, contentHash: hash)
            // Only the sampled rows need their label; the others never build it.
            func label() -> String { "\(source)/\(key): \(record.fields.name)" }
            if let existing = knownRecords[source]?[key] {
                let changed =
                    existing.contentHash != hash || existing.entityUID != record.entityUID
                    || !existing.isActive
                if changed && run.mode != .append {
                    plan.changedRecords.append((existing.id, planned))
                    plan.counts.updated += 1
                    plan.sample("updated", label())
                } else {
                    plan.counts.unchanged += 1
                    plan.sample("unchanged", label())
                }
            } else {
                plan.newRecords.append(planned)
                let entityIsNew = plan.knownEntities[record.entityUID] == nil
                if entityIsNew && entitiesStarted.insert(record.entityUID).inserted {
                    plan.counts.new += 1
                    plan.sample("new", label())
                } else {
                    plan.counts.merged += 1
                    plan.sample("merged", label())
                }
            }
        }

        // Step 3: links that a full list no longer sends. Never deleted: marked inactive.
        if run.mode != .append {
            let fullSources = Set(
                run.mode == .replace
                    ? Array(sources) : run.inputs.filter(\.isFullList).map(\.source))
            for source in fullSources.sorted() {
                let sent = seenKeys[source, default: []]
                for (key, record) in knownRecords[source, default: [:]].sorted(by: {
                    $0.key < $1.key
                })
                where record.isActive && !sent.contains(key) {
                    plan.inactivatedRecords.append(record.id)
                    plan.counts.inactivated += 1
                    plan.sample("inactivated", "\(source)/\(key)")
                }
            }
        }

        // Step 4: entities that a merge absorbed.
        for event in run.events where event.kind == .merge {
            for uid in event.otherUIDs where uid != event.entityUID {
                if let absorbed = known[uid], absorbed.status != "merged" {
                    plan.absorbedEntities.append((absorbed.fid, event.entityUID))
                }
            }
        }
        return plan
    }
}
