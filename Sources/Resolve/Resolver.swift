import Foundation
import GlaneurCore

/// A decision a person took on a pair, remembered across runs: never asked again, and
/// fed to the model as a labelled example.
public struct PairAnswer: Hashable, Sendable {
    /// The records' labels (`file:row`), in any order.
    public var first: String
    public var second: String
    public var isMatch: Bool

    public init(first: String, second: String, isMatch: Bool) {
        self.first = first
        self.second = second
        self.isMatch = isMatch
    }
}

/// A scored candidate pair.
public struct ScoredPair: Sendable {
    public var first: Int32
    public var second: Int32
    public var compared: ComparedPair
    public var weight: Double
    public var probability: Double
    /// The deterministic rule that decided the pair, if any (`same-company-number`,
    /// `different-company-numbers`, `answered-match`, `answered-no-match`).
    public var rule: String?
}

/// What deduplication found.
public struct Resolution: Sendable {
    /// The cluster of every record (an index into `clusters`).
    public var clusterOfRecord: [Int]
    /// Records of each cluster, in input order.
    public var clusters: [[Int]]
    /// Pairs whose probability falls in the review band and that no one answered yet,
    /// most uncertain first.
    public var reviewPairs: [ScoredPair]
    public var model: FellegiSunterModel
    public var candidatePairs: Int
    /// Merges the clustering refused because two records in the merged cluster clearly
    /// differ.
    public var refusedMerges: Int
    /// Seconds spent in each step.
    public var timings: [(step: String, seconds: Double)]
}

/// Deduplicates records: blocks, compares, estimates the model, scores and clusters.
///
/// ```swift
/// let resolver = Resolver(options: .init())
/// let resolution = resolver.resolve(Corpus(records: records))
/// resolution.clusters   // [[0, 5], [1], …]
/// ```
public struct Resolver: Sendable {
    public struct Options: Sendable {
        /// A pair at or above this match probability links its records.
        public var threshold = 0.5
        /// Pairs between these probabilities go to the review file.
        public var reviewBand: ClosedRange<Double> = 0.2...0.8
        /// Below this probability two records clearly differ: no cluster may hold both.
        public var separation = 0.01
        /// No cluster grows past this many records.
        public var maximumClusterSize = 50
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Random pairs drawn to estimate u.
        public var randomPairs = 40_000
        public var overrides: [FellegiSunterModel.Override] = []
        public var answers: [PairAnswer] = []
        public var blocking = Blocking()

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func resolve(_ corpus: Corpus) -> Resolution {
        var timings: [(String, Double)] = []
        var clock = Date()
        func lap(_ step: String) {
            let now = Date()
            timings.append((step, now.timeIntervalSince(clock)))
            clock = now
        }

        // 1. Candidate pairs from the blocking keys, compared on all cores.
        let pairs = options.blocking.candidatePairs(in: corpus, threads: options.threads)
        lap("blocking")
        let compared = parallelMap(count: pairs.count, threads: options.threads) { index in
            corpus.compare(Int(pairs[index] >> 32), Int(pairs[index] & 0xFFFF_FFFF))
        }
        lap("comparing")

        // 2. The model: u from random pairs, m and the prior by EM, answers as labels.
        let model = estimate(corpus: corpus, compared: compared)
        lap("estimating")

        // 3. Scores, with the deterministic rules on top.
        let answers = answerIndex(corpus)
        let scored = score(pairs, compared, model: model, answers: answers)
        lap("scoring")

        // 4. Clusters that do not chain, and the uncertain pairs left for a person.
        var clustering = Clustering(
            corpus: corpus, model: model, scored: scored, answers: answers, options: options)
        let (clusterOfRecord, clusters) = clustering.run()
        let review =
            scored
            .filter { $0.rule == nil && options.reviewBand.contains($0.probability) }
            .sorted { abs($0.probability - 0.5) < abs($1.probability - 0.5) }
        lap("clustering")

        return Resolution(
            clusterOfRecord: clusterOfRecord, clusters: clusters, reviewPairs: review,
            model: model, candidatePairs: pairs.count, refusedMerges: clustering.refused,
            timings: timings)
    }

    /// The model estimated on this corpus.
    public func estimate(corpus: Corpus, compared: [ComparedPair]) -> FellegiSunterModel {
        var model = FellegiSunterModel()
        model.overrides = options.overrides
        model.applyOverrides()

        let count = corpus.count
        if count > 1 {
            let draws = min(options.randomPairs, count * (count - 1) / 2)
            let randomPatterns = parallelMap(count: draws, threads: options.threads) { index in
                var local = SplitMix(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
                let a = Int(local.next() % UInt64(count))
                var b = Int(local.next() % UInt64(count - 1))
                if b >= a { b += 1 }
                return corpus.compare(a, b).pattern
            }
            model.estimateU(from: randomPatterns)
        }

        var patterns: [Pattern: Int] = [:]
        for pair in compared { patterns[pair.pattern, default: 0] += 1 }
        let labels = labelled(corpus)
        model.estimateM(patterns: patterns, labelled: labels)
        return model
    }

    func labelled(_ corpus: Corpus) -> [(pattern: Pattern, isMatch: Bool)] {
        guard !options.answers.isEmpty else { return [] }
        var byLabel: [String: Int] = [:]
        for (index, record) in corpus.records.enumerated() { byLabel[record.label] = index }
        return options.answers.compactMap { answer in
            guard let a = byLabel[answer.first], let b = byLabel[answer.second] else {
                return nil
            }
            return (corpus.compare(a, b).pattern, answer.isMatch)
        }
    }

    /// The answers, by record pair.
    func answerIndex(_ corpus: Corpus) -> [UInt64: Bool] {
        guard !options.answers.isEmpty else { return [:] }
        var byLabel: [String: Int32] = [:]
        for (index, record) in corpus.records.enumerated() { byLabel[record.label] = Int32(index) }
        var index: [UInt64: Bool] = [:]
        for answer in options.answers {
            guard let a = byLabel[answer.first], let b = byLabel[answer.second] else { continue }
            index[Blocking.pair(a, b)] = answer.isMatch
        }
        return index
    }

    /// Every pair's score, `compared[i]` being `pairs[i]` compared; on all cores: tens of
    /// millions of pairs fill gigabytes of fresh memory, and one core waited on it for
    /// seconds.
    func score(
        _ pairs: [UInt64], _ compared: [ComparedPair], model: FellegiSunterModel,
        answers: [UInt64: Bool]
    ) -> [ScoredPair] {
        parallelMap(count: pairs.count, threads: options.threads) { index in
            score(
                Int32(pairs[index] >> 32), Int32(pairs[index] & 0xFFFF_FFFF), compared[index],
                model: model, answers: answers)
        }
    }

    /// A pair's weight and probability, or the rule that decides it.
    public func score(
        _ first: Int32, _ second: Int32, _ compared: ComparedPair, model: FellegiSunterModel,
        answers: [UInt64: Bool]
    ) -> ScoredPair {
        let weight = model.weight(compared)
        var pair = ScoredPair(
            first: first, second: second, compared: compared, weight: weight,
            probability: FellegiSunterModel.probability(weight: weight), rule: nil)
        if let answer = answers[Blocking.pair(first, second)] {
            pair.rule = answer ? "answered-match" : "answered-no-match"
            pair.probability = answer ? 1 : 0
        } else if compared.pattern[.companyNumber] == 1 {
            // Two valid, different company numbers are two legal entities.
            pair.rule = "different-company-numbers"
            pair.probability = 0
        } else if compared.pattern[.companyNumber] == 0, compared.pattern[.name] != 4 {
            pair.rule = "same-company-number"
            pair.probability = 1
        }
        return pair
    }
}

/// A small, fast, seedable random generator (SplitMix64), so that runs are repeatable.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
