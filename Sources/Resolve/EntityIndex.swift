/// A change to the map's entities, with what justified it, so that an operator can see it
/// and undo it.
public enum EntityEvent: Sendable, Equatable {
    /// A record that matched no entity became a new one.
    case created(entity: String, record: String)
    /// A record joined an entity; `probability` and `reasons` are those of its strongest
    /// link into the entity.
    case attached(record: String, entity: String, probability: Double, reasons: String)
    /// A new record linked two entities: `absorbed` is now part of `kept`.
    case merged(kept: String, absorbed: String, probability: Double, reasons: String)
    /// A person said two records of one entity are different producers: `records` left
    /// `entity` for `newEntity`.
    case split(entity: String, newEntity: String, records: [String], reason: String)
}

/// What the map database keeps to match new records against its entities: each record
/// attached to an entity, in the matcher's form, with its entity's identifier, and the
/// model last estimated.
///
/// Identifiers are stable: an entity keeps its identifier as records join it; when two
/// merge, the older (lower) identifier survives; new ones are numbered on from the highest.
public struct EntityIndex: Sendable {
    public var records: [MatchRecord] = []
    /// The entity of each record, by position in `records`.
    public var entityOfRecord: [String] = []
    public var model: FellegiSunterModel?
    /// The number of the next entity identifier (`E000001`…).
    public var nextEntity = 1

    public init() {}

    static func identifier(_ number: Int) -> String {
        let digits = String(number)
        return "E" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Matches new records against each other and against the entities, and changes
    /// only the entities they touch.
    ///
    /// - returns: the events, in the order they happened.
    public mutating func attach(_ newRecords: [MatchRecord], options: Resolver.Options)
        -> [EntityEvent]
    {
        let oldCount = records.count
        // TODO: the corpus (token weights, value counts) and the blocks are rebuilt over
        // every record on each call, which is linear in the map's size: attaching 1,000
        // records to a million in two seconds needs them stored with the index and
        // updated as records come, with only the new records' blocks read back.
        let corpus = Corpus(records: records + newRecords)
        let resolver = Resolver(options: options)

        // Pairs that involve a new record only; the model is kept from earlier runs when
        // there is one, so that scores do not drift from one import to the next.
        let pairs = options.blocking.candidatePairs(
            in: corpus, threads: options.threads, newFrom: oldCount)
        let compared = parallelMap(count: pairs.count, threads: options.threads) { index in
            corpus.compare(Int(pairs[index] >> 32), Int(pairs[index] & 0xFFFF_FFFF))
        }
        let model = self.model ?? resolver.estimate(corpus: corpus, compared: compared)
        let answers = resolver.answerIndex(corpus)
        let scored = pairs.indices.map { index in
            resolver.score(
                Int32(pairs[index] >> 32), Int32(pairs[index] & 0xFFFF_FFFF), compared[index],
                model: model, answers: answers)
        }

        // A person's "no match" inside an entity splits it first; then the entities as
        // they stand are the starting clusters.
        var events = splitAnswered(answers: options.answers)
        var groupOfEntity: [String: [Int]] = [:]
        for (record, entity) in entityOfRecord.enumerated() {
            groupOfEntity[entity, default: []].append(record)
        }
        var clustering = Clustering(
            corpus: corpus, model: model, scored: scored, answers: answers, options: options)
        let (clusterOfRecord, clusters) = clustering.run(
            groups: groupOfEntity.keys.sorted().compactMap { groupOfEntity[$0] })

        events += settle(
            corpus: corpus, clusters: clusters, clusterOfRecord: clusterOfRecord,
            oldCount: oldCount,
            scored: scored, model: model)
        records = corpus.records
        self.model = model
        return events
    }

    /// Names the clusters: a cluster with old records keeps its oldest entity's
    /// identifier (absorbing the others), one of new records only gets a new identifier.
    private mutating func settle(
        corpus: Corpus, clusters: [[Int]], clusterOfRecord: [Int], oldCount: Int,
        scored: [ScoredPair], model: FellegiSunterModel
    ) -> [EntityEvent] {
        // The strongest link of each new record into its cluster, for the events.
        var bestLink: [Int: ScoredPair] = [:]
        for pair in scored {
            let (a, b) = (Int(pair.first), Int(pair.second))
            guard clusterOfRecord[a] == clusterOfRecord[b] else { continue }
            for record in [a, b] where record >= oldCount {
                if (bestLink[record]?.probability ?? -1) < pair.probability {
                    bestLink[record] = pair
                }
            }
        }

        var events: [EntityEvent] = []
        var entityOfNewRecord: [Int: String] = [:]
        for cluster in clusters {
            let newRecords = cluster.filter { $0 >= oldCount }
            guard let firstNew = newRecords.first else { continue }
            let oldEntities = Set(cluster.filter { $0 < oldCount }.map { entityOfRecord[$0] })
                .sorted()
            let entity: String
            if let kept = oldEntities.first {
                entity = kept
                let link = newRecords.compactMap { bestLink[$0] }.max {
                    $0.probability < $1.probability
                }
                for absorbed in oldEntities.dropFirst() {
                    events.append(
                        .merged(
                            kept: kept, absorbed: absorbed, probability: link?.probability ?? 1,
                            reasons: link.map { Resolver.reasons($0, model: model) } ?? ""))
                }
                for record in cluster where record < oldCount { entityOfRecord[record] = kept }
            } else {
                entity = Self.identifier(nextEntity)
                nextEntity += 1
            }
            for record in newRecords {
                entityOfNewRecord[record] = entity
                let label = corpus.records[record].label
                if oldEntities.isEmpty, record == firstNew {
                    events.append(.created(entity: entity, record: label))
                } else if let link = bestLink[record] {
                    events.append(
                        .attached(
                            record: label, entity: entity, probability: link.probability,
                            reasons: Resolver.reasons(link, model: model)))
                }
            }
        }
        for record in oldCount..<corpus.count {
            entityOfRecord.append(entityOfNewRecord[record] ?? "")
        }
        return events
    }

    // TODO: split events follow a "no match" answer between two records of one entity by
    // moving the second record alone to a new entity; records that only it linked stay.
    private mutating func splitAnswered(answers: [PairAnswer]) -> [EntityEvent] {
        var events: [EntityEvent] = []
        var indexOfLabel: [String: Int] = [:]
        for (index, record) in records.enumerated() { indexOfLabel[record.label] = index }
        for answer in answers where !answer.isMatch {
            guard let a = indexOfLabel[answer.first], let b = indexOfLabel[answer.second],
                entityOfRecord[a] == entityOfRecord[b]
            else { continue }
            let entity = entityOfRecord[b]
            let newEntity = Self.identifier(nextEntity)
            nextEntity += 1
            entityOfRecord[b] = newEntity
            events.append(
                .split(
                    entity: entity, newEntity: newEntity, records: [answer.second],
                    reason: "answered no match with \(answer.first)"))
        }
        return events
    }

}
