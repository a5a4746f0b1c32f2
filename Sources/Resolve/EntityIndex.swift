import GlaneurCore

/// A change to the map's entities, with what justified it, so that an operator can see it
/// and undo it. Records are named by their position in `EntityIndex.records`.
public enum EntityEvent: Sendable, Equatable {
    /// A record that matched no entity became a new one.
    case created(entity: String, record: Int)
    /// A record joined an entity; `probability` and `reasons` are those of its strongest
    /// link into the entity.
    case attached(record: Int, entity: String, probability: Double, reasons: String)
    /// A new record linked two entities: `absorbed` is now part of `kept`.
    case merged(kept: String, absorbed: String, probability: Double, reasons: String)
    /// A person said two records of one entity are different producers: `records` left
    /// `entity` for `newEntity`.
    case split(entity: String, newEntity: String, records: [Int], reason: String)
}

/// The part of a map's entities that matching new records needs: the records stored in
/// the blocks the new records fall in, every record of their entities, the statistics
/// of the whole map and the model last estimated.
///
/// The map database keeps the index (`Store`'s `EntityIndexReading`); an import reads
/// back only this slice, so attaching costs in proportion to the new records and their
/// blocks, not to the map. With no slice given (`neighbours` nil), every record in
/// `records` is a candidate, which is how a list is matched against itself.
///
/// Identifiers are stable: an entity keeps its identifier as records join it; when two
/// merge, the older one (lower `entityOrder`) survives.
public struct EntityIndex: Sendable {
    public var records: [MatchRecord] = []
    /// The entity of each record, by position in `records`.
    public var entityOfRecord: [String] = []
    /// When each entity was created (lower is older); an entity missing here is newer
    /// than every one listed, and ties go to the lower identifier.
    public var entityOrder: [String: Int64] = [:]
    /// The model to score with; nil estimates one on the slice and the new records.
    public var model: FellegiSunterModel?
    /// The map's statistics, new records counted in; nil counts within the slice.
    public var statistics: CorpusStatistics?
    /// The number of the next entity identifier (`E000001`…) when no namer is given.
    public var nextEntity = 1
    /// The pairs of the last `attach` whose probability fell in the review band and that
    /// no rule decided, most uncertain first; positions as in `records`.
    public private(set) var reviewPairs: [ScoredPair] = []
    /// The pairs the last `attach` compared.
    public private(set) var comparedPairs = 0

    /// Whether the model is worth keeping for later imports: estimated on enough pairs,
    /// of which enough are expected matches. A first list with few duplicates teaches EM
    /// little (a prior near zero); the next import estimates again rather than scoring
    /// with it.
    public var modelIsTrustworthy: Bool {
        guard let model else { return false }
        return comparedPairs >= 200 && model.prior * Double(comparedPairs) >= 10
    }

    public init() {}

    static func identifier(_ number: Int) -> String {
        let digits = String(number)
        return "E" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Matches new records against each other and against the entities, and changes
    /// only the entities they touch.
    ///
    /// - parameter neighbours: for each new record, the positions in `records` of the
    ///   stored records that share a block with it; they are compared with it on top of
    ///   the pairs that blocking finds within `records` and the new records.
    /// - parameter name: the identifier of an entity that new records start, given
    ///   their positions (after `attach`, in `records`); numbered on when nil.
    /// - returns: the events, in the order they happened.
    public mutating func attach(
        _ newRecords: [MatchRecord], neighbours: [[Int]]? = nil, options: Resolver.Options,
        name: (([Int]) -> String)? = nil
    ) -> [EntityEvent] {
        let oldCount = records.count
        let corpus = Corpus(records: records + newRecords, statistics: statistics)
        let resolver = Resolver(options: options)

        // Pairs that involve a new record only: old entities are not matched again.
        var pairs = options.blocking.candidatePairs(
            in: corpus, threads: options.threads, newFrom: oldCount)
        if let neighbours {
            var extra: [UInt64] = []
            for (offset, stored) in neighbours.enumerated() {
                for record in stored where record < oldCount {
                    extra.append(Blocking.pair(Int32(record), Int32(oldCount + offset)))
                }
            }
            // A first import has no stored neighbours: its tens of millions of pairs are
            // sorted and unique already, and were hashed into a set for nothing.
            if !extra.isEmpty {
                pairs = Blocking.sortedUnique(pairs + extra, threads: options.threads)
            }
        }
        // Pairs a person answered are scored whatever blocking says: a "match" merges
        // two entities even when neither record is new.
        let answered = resolver.answerIndex(corpus).keys.filter { pair in
            pairs.isEmpty || !pairs.contains(pair)
        }
        if !answered.isEmpty {
            pairs = Blocking.sortedUnique(pairs + answered, threads: options.threads)
        }
        comparedPairs = pairs.count
        let compared = parallelMap(count: pairs.count, threads: options.threads) { index in
            corpus.compare(Int(pairs[index] >> 32), Int(pairs[index] & 0xFFFF_FFFF))
        }
        let model = self.model ?? resolver.estimate(corpus: corpus, compared: compared)
        let answers = resolver.answerIndex(corpus)
        let scored = resolver.score(pairs, compared, model: model, answers: answers)

        // A person's "no match" inside an entity splits it first; then the entities as
        // they stand are the starting clusters.
        var events = splitAnswered(answers: options.answers, name: name)
        var groupOfEntity: [String: [Int]] = [:]
        for (record, entity) in entityOfRecord.enumerated() {
            groupOfEntity[entity, default: []].append(record)
        }
        var clustering = Clustering(
            corpus: corpus, model: model, scored: scored, answers: answers, options: options)
        let (clusterOfRecord, clusters) = clustering.run(
            groups: groupOfEntity.keys.sorted().compactMap { groupOfEntity[$0] })

        reviewPairs =
            scored
            .filter { $0.rule == nil && options.reviewBand.contains($0.probability) }
            .sorted { abs($0.probability - 0.5) < abs($1.probability - 0.5) }
        records = corpus.records
        events += settle(
            clusters: clusters, clusterOfRecord: clusterOfRecord, oldCount: oldCount,
            scored: scored, model: model, name: name)
        self.model = model
        return events
    }

    /// Whether entity `a` was created before entity `b`.
    func isOlder(_ a: String, than b: String) -> Bool {
        switch (entityOrder[a], entityOrder[b]) {
        case (let x?, let y?) where x != y: x < y
        case (.some, nil): true
        case (nil, .some): false
        default: a < b
        }
    }

    /// Names the clusters: a cluster with old records keeps its oldest entity's
    /// identifier (absorbing the others), one of new records only gets a new identifier.
    private mutating func settle(
        clusters: [[Int]], clusterOfRecord: [Int], oldCount: Int, scored: [ScoredPair],
        model: FellegiSunterModel, name: (([Int]) -> String)?
    ) -> [EntityEvent] {
        // The strongest link of each new record into its cluster, for the events.
        var bestLink: [Int: ScoredPair] = [:]
        for index in scored.indices {
            // Read in place: a pair taken whole would be copied.
            let (a, b) = (Int(scored[index].first), Int(scored[index].second))
            guard clusterOfRecord[a] == clusterOfRecord[b] else { continue }
            for record in [a, b] where record >= oldCount {
                if (bestLink[record]?.probability ?? -1) < scored[index].probability {
                    bestLink[record] = scored[index]
                }
            }
        }

        var events: [EntityEvent] = []
        var entityOfNewRecord: [Int: String] = [:]
        let reasons = ReasonWriter(model: model)
        for cluster in clusters {
            let newRecords = cluster.filter { $0 >= oldCount }
            let oldEntities = Set(cluster.filter { $0 < oldCount }.map { entityOfRecord[$0] })
                .sorted { isOlder($0, than: $1) }
            guard let firstNew = newRecords.first else {
                // Only a person's "match" joins entities without a new record.
                guard let kept = oldEntities.first, oldEntities.count > 1 else { continue }
                for absorbed in oldEntities.dropFirst() {
                    events.append(
                        .merged(
                            kept: kept, absorbed: absorbed, probability: 1,
                            reasons: "answered-match"))
                }
                for record in cluster { entityOfRecord[record] = kept }
                continue
            }
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
                            reasons: link.map { reasons.reasons($0) } ?? ""))
                }
                for record in cluster where record < oldCount { entityOfRecord[record] = kept }
            } else if let name {
                entity = name(newRecords)
            } else {
                entity = Self.identifier(nextEntity)
                nextEntity += 1
            }
            for record in newRecords {
                entityOfNewRecord[record] = entity
                if oldEntities.isEmpty, record == firstNew {
                    events.append(.created(entity: entity, record: record))
                } else if let link = bestLink[record] {
                    events.append(
                        .attached(
                            record: record, entity: entity, probability: link.probability,
                            reasons: reasons.reasons(link)))
                }
            }
        }
        for record in oldCount..<records.count {
            entityOfRecord.append(entityOfNewRecord[record] ?? "")
        }
        return events
    }

    /// Splits entities along "no match" answers: the second record of each answered pair
    /// that shares an entity with the first leaves it, alone, for a new entity.
    ///
    /// Records that only the departing record linked to the entity stay where they are:
    /// telling which of them followed it would need their pairs scored again.
    private mutating func splitAnswered(answers: [PairAnswer], name: (([Int]) -> String)?)
        -> [EntityEvent]
    {
        var events: [EntityEvent] = []
        var indexOfLabel: [String: Int] = [:]
        for (index, record) in records.enumerated() { indexOfLabel[record.label] = index }
        for answer in answers where !answer.isMatch {
            guard let a = indexOfLabel[answer.first], let b = indexOfLabel[answer.second],
                entityOfRecord[a] == entityOfRecord[b]
            else { continue }
            let entity = entityOfRecord[b]
            let newEntity: String
            if let name {
                newEntity = name([b])
            } else {
                newEntity = Self.identifier(nextEntity)
                nextEntity += 1
            }
            entityOfRecord[b] = newEntity
            events.append(
                .split(
                    entity: entity, newEntity: newEntity, records: [b],
                    reason: "answered no match with \(answer.first)"))
        }
        return events
    }
}
