import Foundation
import GlaneurCore
import Resolve
import Store

/// What matching a run against the map decided: the entity of every record of the run,
/// the events, and what changes in the entity index.
struct Matching {
    /// The entity of each prepared record, by position.
    var entityOfRecord: [String]
    /// Each prepared record's identity in the map (`source/key`).
    var identityOfRecord: [String]
    /// The run that last wrote each prepared record's content: the stored one for a
    /// record sent again unchanged, `Int64.max` (this run) for the others.
    var contentRunOfRecord: [Int64]
    var events: [MatchEvent]
    /// Every entity whose golden record the run rebuilds, with the map's records of it
    /// that the run does not send again.
    var storedMembers: [String: [IndexedRecord]]
    /// Entities that a merge absorbed: they leave the run's golden records.
    var absorbed: Set<String>
    var changes: EntityIndexChanges
    var reviewPairs: Int
    /// The review file of the pairs left uncertain, records named `source/key`; nil
    /// when there are none.
    var reviewFile: [UInt8]?
}

extension PipelineRunner {
    /// One record of the run, as the map knows it or not.
    private enum Standing {
        /// Sent before exactly as it is: it keeps its entity and is not matched again.
        case unchanged(IndexedRecord)
        /// Sent before with other content: matched again, its stored version leaves.
        case changed(IndexedRecord)
        case new
    }

    /// Matches the run's new and changed records against each other and against the
    /// map's entities, reading back only the blocks they fall in.
    ///
    /// 1. Each record is looked up by source and key: an unchanged one keeps its entity.
    /// 2. The statistics of the map, with the run's records counted in and the versions
    ///    they replace counted out, weigh tokens and values.
    /// 3. The blocks of the records to match give the stored neighbours; the entities
    ///    of those neighbours are read whole, so that clustering sees every record of an
    ///    entity it may grow.
    /// 4. The stored model scores the pairs, unless the map is empty or a new estimate
    ///    is asked for; the events and the index changes follow.
    func match(_ prepared: [Prepared], inputs: [InputFile], store: any EntityIndexReading)
        throws -> Matching
    {
        var options = Resolver.Options()
        options.threshold = spec.dedupe.matchThreshold
        options.reviewBand = spec.dedupe.reviewBand
        options.threads = threads
        // People's decisions: those the map remembers, then this run's own.
        let decisions = try store.reviewDecisions()
        options.answers =
            decisions.map {
                PairAnswer(first: $0.first, second: $0.second, isMatch: $0.isMatch)
            } + answers

        // Step 1: what the map already holds of each source.
        let keys = RecordInput.storageKeys(
            of: prepared.indices.map { index in
                RecordInput(
                    provenance: prepared[index].record.provenance,
                    sourceKey: prepared[index].record[.sourceKey],
                    rawFields: prepared[index].record.sourceFields,
                    fields: EntityFields(name: ""), entityUID: "")
            }, threads: threads)
        let sources = Set(prepared.indices.map { prepared[$0].record.provenance.source })
            .union(inputs.map(\.source))
        var stored: [String: [String: IndexedRecord]] = [:]
        for source in sources { stored[source] = try store.indexedRecords(source: source) }
        let mode = spec.target.mode
        // Records of a map written before the index are linked but not indexed: sent
        // again unchanged, they keep their entity and join the index.
        var unindexed: [Int] = []
        var linked: [String: [String: (entityUID: String, contentHash: String, lastRun: Int64)]] =
            [:]
        for source in sources where stored[source, default: [:]].isEmpty {
            linked[source] = try store.linkedRecords(source: source)
        }
        let standings: [Standing] = prepared.indices.map { index in
            let source = prepared[index].record.provenance.source
            if let link = linked[source]?[keys[index].key],
                link.contentHash == keys[index].contentHash || mode == .append
            {
                unindexed.append(index)
                return .unchanged(
                    IndexedRecord(
                        source: source, sourceKey: keys[index].key, contentHash: link.contentHash,
                        entityUID: link.entityUID, form: "", nameOrder: "", tokens: [],
                        values: [], keys: [], fields: EntityFields(name: ""), location: nil,
                        priority: prepared[index].priority, lastRun: link.lastRun))
            }
            guard let known = stored[source]?[keys[index].key] else { return .new }
            let isSame = known.contentHash == keys[index].contentHash || mode == .append
            return isSame ? .unchanged(known) : .changed(known)
        }
        var leaving: [IndexedRecord] = []
        if mode != .append {
            let full = Set(
                mode == .replace ? Array(sources) : inputs.filter(\.isFullList).map(\.source))
            var sent: [String: Set<String>] = [:]
            for index in prepared.indices {
                sent[prepared[index].record.provenance.source, default: []]
                    .insert(keys[index].key)
            }
            for source in full.sorted() {
                for (key, record) in stored[source, default: [:]].sorted(by: { $0.key < $1.key })
                where !sent[source, default: []].contains(key) {
                    leaving.append(record)
                }
            }
        }

        // Step 2: the statistics.
        let toMatch = prepared.indices.filter {
            if case .unchanged = standings[$0] { return false }
            return true
        }
        // Built on all cores, as `glaneur dedupe` builds them: one at a time, the forms
        // of a large first import kept a core idle for seconds.
        let forms = parallelMap(count: toMatch.count, threads: threads) { position in
            let record = toMatch[position]
            var form = MatchRecord(prepared[record].normalized, geocode: prepared[record].place)
            form.identity = Self.identity(
                prepared[record].record.provenance.source, keys[record].key)
            return form
        }
        let replaced: [IndexedRecord] =
            toMatch.compactMap {
                if case .changed(let known) = standings[$0] { return known }
                return nil
            } + leaving
        let replacedForms = replaced.compactMap { MatchRecord(form: $0.form) }
        let unindexedForms = unindexed.map { record in
            MatchRecord(prepared[record].normalized, geocode: prepared[record].place)
        }
        // Each list read in place: joined, or iterated, every form would be copied.
        var tokens = Set<String>()
        var values = Set<String>()
        for list in [forms, replacedForms, unindexedForms] {
            for index in list.indices {
                tokens.formUnion(list[index].nameTokens)
                values.formUnion(Corpus.values(of: list[index]))
            }
        }
        let counts = try store.statistics(tokens: tokens, values: values)
        var statistics = CorpusStatistics()
        statistics.records = counts.records
        statistics.documents = counts.documents
        statistics.values = counts.values
        statistics.totals = counts.totals
        statistics.squares = counts.squares
        for index in replacedForms.indices { statistics.add(replacedForms[index], sign: -1) }
        for index in forms.indices { statistics.add(forms[index]) }
        for index in unindexedForms.indices { statistics.add(unindexedForms[index]) }

        // Step 3: the stored neighbours of the records to match, and their entities.
        let batch = Corpus(records: forms, statistics: statistics, threads: threads)
        let recordKeys = parallelMap(count: forms.count, threads: threads) { index in
            options.blocking.keys(of: index, in: batch).map { Int64(bitPattern: $0) }
        }
        var probes: [BlockProbe] = []
        var probeOwner: [Int] = []
        // An empty index has no neighbours to look for.
        if counts.records > 0 {
            for index in forms.indices {
                for key in Set(recordKeys[index]) {
                    probes.append(BlockProbe(key: key, nameOrder: forms[index].nameOrder))
                    probeOwner.append(index)
                }
            }
        }
        let found =
            probes.isEmpty
            ? []
            : try store.neighbours(
                of: probes, blockSize: options.blocking.maximumBlockSize,
                window: options.blocking.window)
        let replacedIDs = Set(replaced.map(\.id))
        var entities = try store.entityUIDs(
            ofRecords: Array(Set(found.joined()).subtracting(replacedIDs)))
        // The entities of records a person answered about, so that a "no match" splits
        // them and a "match" merges them whether or not this run touches them.
        for answer in options.answers {
            let found = try [answer.first, answer.second].compactMap { identity in
                try Self.split(identity).flatMap {
                    try store.indexedRecord(source: $0.source, sourceKey: $0.key)
                }
            }
            if found.count == 2 { entities.formUnion(found.map(\.entityUID)) }
        }
        let slice = try store.indexedRecords(entityUIDs: Array(entities))
            .filter { !replacedIDs.contains($0.id) }
        try countSliceWords(slice, into: &statistics, store: store)
        var positionOfID: [Int64: Int] = [:]
        for (position, row) in slice.enumerated() { positionOfID[row.id] = position }
        var neighbours = [[Int]](repeating: [], count: forms.count)
        for (probe, ids) in found.enumerated() {
            neighbours[probeOwner[probe]] += ids.compactMap { positionOfID[$0] }
        }

        // Step 4: attach.
        var index = EntityIndex()
        var sliceForms: [MatchRecord] = []
        for row in slice {
            // A form this Glaneur cannot read is matched by nothing: it keeps its entity.
            var form = MatchRecord(form: row.form) ?? MatchRecord(file: "", row: 0, source: "")
            form.identity = Self.identity(row.source, row.sourceKey)
            sliceForms.append(form)
        }
        index.records = sliceForms
        index.entityOfRecord = slice.map(\.entityUID)
        index.entityOrder = try store.entityOrder(uids: Array(entities))
        index.statistics = statistics
        let storedModel = try store.storedModel().flatMap(FellegiSunterModel.init(encoded:))
        let estimates = storedModel == nil || reestimatesModel
        index.model = estimates ? nil : storedModel
        var vacated = try vacatedEntities(replaced: replaced, store: store)
        var givenUIDs = Set(slice.map(\.entityUID)).union(replaced.map(\.entityUID))
            .subtracting(vacated)
        let oldCount = slice.count
        // The identifier each new record would give a new entity: a digest, made once, on
        // all cores.
        let bases = parallelMap(count: toMatch.count, threads: threads) {
            entityID(for: prepared[toMatch[$0]].record)
        }
        var baseOfRecord = [String](repeating: "", count: prepared.count)
        for (offset, record) in toMatch.enumerated() { baseOfRecord[record] = bases[offset] }
        // Whether the map holds the identifiers new entities would take, asked once for
        // all of them rather than once per new entity (a round trip each in PostgreSQL).
        var known = StoredUIDs(asked: Set(bases))
        known.stored = Set(try store.entityOrder(uids: Array(known.asked)).keys)
        let events = index.attach(forms, neighbours: neighbours, options: options) {
            positions in
            let members = positions.filter { $0 >= oldCount }.map { toMatch[$0 - oldCount] }
            let base: String
            if let anchor = members.min(by: { left, right in
                let (a, b) = (prepared[left].priority, prepared[right].priority)
                return a != b ? a > b : left < right
            }) {
                base = baseOfRecord[anchor]
            } else {
                // A stored record split off alone.
                let row = slice[positions.first ?? 0]
                base = entityID(source: row.source, key: row.sourceKey)
            }
            return newEntityUID(
                members, base: base, standings: standings, vacated: &vacated,
                given: &givenUIDs, known: known, store: store)
        }

        // Step 5: what the run tells the map.
        // Unchanged records keep their entity, unless a merge or a split moved it.
        var finalEntity: [Int64: String] = [:]
        for (position, row) in slice.enumerated() {
            finalEntity[row.id] = index.entityOfRecord[position]
        }
        var entityOfRecord = prepared.indices.map { index -> String in
            guard case .unchanged(let known) = standings[index] else { return "" }
            return finalEntity[known.id] ?? known.entityUID
        }
        for (offset, record) in toMatch.enumerated() {
            entityOfRecord[record] = index.entityOfRecord[oldCount + offset]
        }
        var absorbed = Set<String>()
        var matchEvents: [MatchEvent] = []
        func identity(_ position: Int) -> (source: String, key: String) {
            if position < oldCount { return (slice[position].source, slice[position].sourceKey) }
            let record = toMatch[position - oldCount]
            return (prepared[record].record.provenance.source, keys[record].key)
        }
        for event in events {
            switch event {
            case .created(let entity, let record):
                let (source, key) = identity(record)
                matchEvents.append(
                    MatchEvent(
                        kind: .new, entityUID: entity, source: source, sourceKey: key, score: 1,
                        reasons: ["matched no entity on the map"]))
            case .attached(let record, let entity, let probability, let reasons):
                let (source, key) = identity(record)
                matchEvents.append(
                    MatchEvent(
                        kind: .attach, entityUID: entity, source: source, sourceKey: key,
                        score: probability, reasons: [reasons]))
            case .merged(let kept, let absorbedUID, let probability, let reasons):
                absorbed.insert(absorbedUID)
                matchEvents.append(
                    MatchEvent(
                        kind: .merge, entityUID: kept, otherUIDs: [absorbedUID],
                        score: probability, reasons: [reasons]))
            case .split(let entity, let newEntity, let records, let reason):
                let (source, key) = identity(records.first ?? 0)
                matchEvents.append(
                    MatchEvent(
                        kind: .split, entityUID: entity, otherUIDs: [newEntity], source: source,
                        sourceKey: key, score: 0, reasons: [reason]))
            }
        }

        // The index: the run's new and changed records, stored records that changed
        // entity, and the records that left.
        var changes = EntityIndexChanges()
        // Records are read in place: one taken whole would be copied.
        for (offset, record) in toMatch.enumerated() {
            changes.upserts.append(
                IndexedRecord(
                    source: prepared[record].record.provenance.source,
                    sourceKey: keys[record].key, contentHash: keys[record].contentHash,
                    entityUID: entityOfRecord[record], form: forms[offset].form,
                    nameOrder: forms[offset].nameOrder, tokens: forms[offset].nameTokens,
                    values: Corpus.values(of: forms[offset]), keys: recordKeys[offset],
                    fields: prepared[record].fields, location: prepared[record].location,
                    priority: prepared[record].priority))
        }
        var sent = Set<String>()
        for index in prepared.indices {
            sent.insert(Self.identity(prepared[index].record.provenance.source, keys[index].key))
        }
        let unindexedCorpus = Corpus(records: unindexedForms, statistics: statistics)
        for (offset, record) in unindexed.enumerated() {
            let form = unindexedForms[offset]
            changes.upserts.append(
                IndexedRecord(
                    source: prepared[record].record.provenance.source,
                    sourceKey: keys[record].key,
                    contentHash: keys[record].contentHash,
                    entityUID: entityOfRecord[record], form: form.form,
                    nameOrder: form.nameOrder, tokens: form.nameTokens,
                    values: Corpus.values(of: form),
                    keys: options.blocking.keys(of: offset, in: unindexedCorpus).map {
                        Int64(bitPattern: $0)
                    },
                    fields: prepared[record].fields, location: prepared[record].location,
                    priority: prepared[record].priority))
        }
        var members: [String: [IndexedRecord]] = [:]
        var regrouped = Set<String>()
        for (position, row) in slice.enumerated() {
            var row = row
            let entity = index.entityOfRecord[position]
            if entity != row.entityUID {
                regrouped.formUnion([entity, row.entityUID])
                if !sent.contains(Self.identity(row.source, row.sourceKey)) {
                    changes.moves.append((row.source, row.sourceKey, entity))
                }
                row.entityUID = entity
                changes.upserts.append(row)
            }
            members[entity, default: []].append(row)
        }
        changes.removals = leaving.map { ($0.source, $0.sourceKey) }
        if estimates, index.modelIsTrustworthy, let model = index.model {
            changes.model = model.encoded
        }

        // Golden records: every entity the run names, with all of its stored records.
        var named = Set(entityOfRecord).union(regrouped)
        for record in leaving { named.insert(record.entityUID) }
        named.subtract(absorbed)
        let missing = named.subtracting(members.keys)
        for row in try store.indexedRecords(entityUIDs: Array(missing))
        where !replacedIDs.contains(row.id) {
            members[row.entityUID, default: []].append(row)
        }
        var storedMembers: [String: [IndexedRecord]] = [:]
        for entity in named {
            storedMembers[entity] = members[entity, default: []].filter {
                !sent.contains(Self.identity($0.source, $0.sourceKey))
            }
        }
        let reviewFile =
            index.reviewPairs.isEmpty
            ? nil
            : ReviewFile.write(
                index.reviewPairs, corpus: Corpus(records: index.records),
                model: index.model ?? FellegiSunterModel())
        let contentRuns = standings.map { standing -> Int64 in
            if case .unchanged(let known) = standing { return known.lastRun }
            return Int64.max
        }
        return Matching(
            entityOfRecord: entityOfRecord,
            identityOfRecord: prepared.indices.map {
                Self.identity(prepared[$0].record.provenance.source, keys[$0].key)
            },
            contentRunOfRecord: contentRuns, events: matchEvents, storedMembers: storedMembers,
            absorbed: absorbed, changes: changes, reviewPairs: index.reviewPairs.count,
            reviewFile: reviewFile)
    }

    /// How review files and decisions name a record of the map: `source/key`.
    static func identity(_ source: String, _ key: String) -> String {
        source + "/" + key
    }

    /// The source and key of an identity, split at its first `/`: a source named with a
    /// slash cannot be told from its key, and its decisions are not applied.
    static func split(_ identity: String) -> (source: String, key: String)? {
        guard let slash = identity.firstIndex(of: "/") else { return nil }
        return (String(identity[..<slash]), String(identity[identity.index(after: slash)...]))
    }

    /// Adds the map's counts of the stored records' name tokens and shared values that the
    /// run's own records do not carry. Without them the corpus counts such a token within the
    /// slice alone, where a word a thousand producers share is seen once: it then weighs
    /// as a rare word, and a stored name that has it and a new one that lacks it look
    /// further apart than a batch over the same records would find them.
    private func countSliceWords(
        _ slice: [IndexedRecord], into statistics: inout CorpusStatistics,
        store: any EntityIndexReading
    ) throws {
        var tokens = Set<String>()
        var carriers: [String: Int] = [:]
        for row in slice {
            for token in row.tokens where statistics.documents[token] == nil {
                tokens.insert(token)
            }
            for value in row.values where statistics.values[value] == nil {
                carriers[value, default: 0] += 1
            }
        }
        // A value's count weighs only a pair that shares it: those the slice holds once
        // are never asked about.
        let values = Set(carriers.filter { $0.value > 1 }.keys)
        guard !tokens.isEmpty || !values.isEmpty else { return }
        let counts = try store.statistics(tokens: tokens, values: values)
        statistics.documents.merge(counts.documents) { known, _ in known }
        statistics.values.merge(counts.values) { known, _ in known }
    }

    /// Entities whose every stored record is replaced or leaves: a changed record that
    /// starts an entity again takes its old identifier back.
    private func vacatedEntities(replaced: [IndexedRecord], store: any EntityIndexReading)
        throws -> [String]
    {
        let leavingIDs = Set(replaced.map(\.id))
        let uids = Set(replaced.map(\.entityUID))
        let remaining = try store.indexedRecords(entityUIDs: Array(uids))
            .filter { !leavingIDs.contains($0.id) }
        return uids.subtracting(remaining.map(\.entityUID)).sorted()
    }

    /// Identifiers the map was asked about, and those of them it holds.
    struct StoredUIDs {
        var asked: Set<String>
        var stored: Set<String> = []
    }

    /// The identifier of an entity that records start: the old identifier of a changed
    /// record among them if it left that entity empty, else `base` (derived from the
    /// anchor record, so that importing the same lists into an empty map gives the same
    /// identifiers), numbered on when another entity has it.
    private func newEntityUID(
        _ members: [Int], base: String, standings: [Standing], vacated: inout [String],
        given: inout Set<String>, known: StoredUIDs, store: any EntityIndexReading
    ) -> String {
        for record in members {
            guard case .changed(let known) = standings[record],
                let slot = vacated.firstIndex(of: known.entityUID)
            else { continue }
            vacated.remove(at: slot)
            given.insert(known.entityUID)
            return known.entityUID
        }
        // A row without a key that changed is a new row to the map: it takes back the
        // identifier it derives when the old row left that entity empty.
        if let slot = vacated.firstIndex(of: base) {
            vacated.remove(at: slot)
            given.insert(base)
            return base
        }
        // Two rows without a key but with the same name and postcode derive the same
        // identifier: the second one is numbered on.
        func isTaken(_ uid: String) -> Bool {
            if given.contains(uid) { return true }
            if known.asked.contains(uid) { return known.stored.contains(uid) }
            return (try? store.entityOrder(uids: [uid]).isEmpty == false) == true
        }
        var uid = base
        var suffix = 2
        while isTaken(uid) {
            uid = base + "-\(suffix)"
            suffix += 1
        }
        given.insert(uid)
        return uid
    }
}
