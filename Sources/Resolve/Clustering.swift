/// Groups records into clusters without chaining.
///
/// Linked pairs are taken from the most to the least certain. Two clusters merge only if
/// no record of one clearly differs from a record of the other (probability below
/// `separation`, a "no match" answer or two company numbers): so A≈B and B≈C do not put
/// A and C together when A and C clearly differ. Cross pairs that blocking never
/// compared are compared when the merge is considered; clusters are bounded in size, so
/// this stays cheap.
struct Clustering {
    let corpus: Corpus
    let model: FellegiSunterModel
    let scored: [ScoredPair]
    let answers: [UInt64: Bool]
    let options: Resolver.Options
    /// Merges refused because two records clearly differ.
    private(set) var refused = 0

    /// Pair keys of `scored`, sorted, for finding a cross pair's score.
    private let keys: [UInt64]

    init(
        corpus: Corpus, model: FellegiSunterModel, scored: [ScoredPair],
        answers: [UInt64: Bool], options: Resolver.Options
    ) {
        self.corpus = corpus
        self.model = model
        self.scored = scored
        self.answers = answers
        self.options = options
        // `scored` follows the candidate pairs, which are sorted.
        self.keys = scored.map { Blocking.pair($0.first, $0.second) }
    }

    /// - parameter groups: records already together (an entity's records in the map),
    ///   each group listed by its records; every other record starts alone.
    mutating func run(groups: [[Int]] = []) -> (clusterOfRecord: [Int], clusters: [[Int]]) {
        var parent = Array(0..<corpus.count)
        var members = (0..<corpus.count).map { [$0] }
        for group in groups {
            guard let first = group.first else { continue }
            for record in group.dropFirst() {
                parent[record] = first
                members[record] = []
            }
            members[first] = group
        }
        func root(_ record: Int) -> Int {
            var current = record
            while parent[current] != current {
                parent[current] = parent[parent[current]]
                current = parent[current]
            }
            return current
        }

        let links = scored.indices
            .filter { scored[$0].probability >= options.threshold }
            .sorted { scored[$0].probability > scored[$1].probability }
        for index in links {
            let pair = scored[index]
            let a = root(Int(pair.first))
            let b = root(Int(pair.second))
            guard a != b else { continue }
            guard members[a].count + members[b].count <= options.maximumClusterSize,
                !clearlyDiffer(members[a], members[b])
            else {
                refused += 1
                continue
            }
            let (kept, absorbed) = members[a].count >= members[b].count ? (a, b) : (b, a)
            parent[absorbed] = kept
            members[kept].append(contentsOf: members[absorbed])
            members[absorbed] = []
        }

        // Clusters numbered in the order of their first record.
        var clusterOfRoot: [Int: Int] = [:]
        var clusterOfRecord = [Int](repeating: 0, count: corpus.count)
        var clusters: [[Int]] = []
        for record in 0..<corpus.count {
            let top = root(record)
            let cluster =
                clusterOfRoot[top]
                ?? {
                    clusters.append([])
                    clusterOfRoot[top] = clusters.count - 1
                    return clusters.count - 1
                }()
            clusterOfRecord[record] = cluster
            clusters[cluster].append(record)
        }
        return (clusterOfRecord, clusters)
    }

    /// Whether any record of one group clearly differs from any of the other.
    func clearlyDiffer(_ left: [Int], _ right: [Int]) -> Bool {
        for a in left {
            for b in right where probability(a, b) < options.separation {
                return true
            }
        }
        return false
    }

    /// The pair's probability: scored by blocking, or compared now.
    func probability(_ a: Int, _ b: Int) -> Double {
        let key = Blocking.pair(Int32(a), Int32(b))
        if let found = index(of: key) { return scored[found].probability }
        let resolver = Resolver(options: options)
        let compared = corpus.compare(a, b)
        return resolver.score(Int32(a), Int32(b), compared, model: model, answers: answers)
            .probability
    }

    private func index(of key: UInt64) -> Int? {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && keys[low] == key ? low : nil
    }
}
