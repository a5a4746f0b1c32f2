import Foundation
import GlaneurCore

/// A Fellegi–Sunter model: for every level of every comparison, the probability *m* of
/// seeing it in a pair of records of one producer and *u* in a pair of two producers.
/// A pair's match weight is log2 of the prior odds plus log2(m/u) of each level seen;
/// its match probability follows.
///
/// *u* is estimated from random pairs (nearly all of two producers), *m* and the prior
/// by expectation–maximisation over the candidate pairs. Any probability can be fixed by
/// hand; fixed ones are kept through the estimation.
public struct FellegiSunterModel: Sendable {
    /// The share of candidate pairs that are matches.
    public var prior: Double
    /// m[comparison][level] and u[comparison][level].
    public var m: [[Double]]
    public var u: [[Double]]
    /// Probabilities fixed by hand, by `Override.key`.
    public var overrides: [Override] = []
    /// Iterations run and whether EM converged, for the summary.
    public var iterations = 0
    public var converged = false

    /// A probability fixed by hand: `name.m.0=0.9` sets m of the name comparison's
    /// first level.
    public struct Override: Sendable, Hashable {
        public var comparison: Comparison
        public var isM: Bool
        public var level: Int
        public var value: Double

        /// Reads `COMPARISON.m|u.LEVEL=VALUE`.
        public init?(parsing text: String) {
            let sides = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard sides.count == 2, let value = Double(sides[1]), value > 0, value < 1 else {
                return nil
            }
            let parts = sides[0].split(separator: ".").map(String.init)
            guard parts.count == 3, let comparison = Comparison(key: parts[0]),
                parts[1] == "m" || parts[1] == "u", let level = Int(parts[2]),
                comparison.levels.indices.contains(level)
            else { return nil }
            self.comparison = comparison
            self.isM = parts[1] == "m"
            self.level = level
            self.value = value
        }

        public var key: String {
            "\(comparison.key).\(isM ? "m" : "u").\(level)"
        }
    }

    /// Starting values: agreement likely among matches, disagreement among non-matches.
    public init() {
        prior = 0.1
        m = Comparison.allCases.map { comparison in
            let count = comparison.levels.count
            // Geometrically decreasing from the strongest agreement.
            let raw = (0..<count).map { pow(0.35, Double($0)) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        u = Comparison.allCases.map { comparison in
            let count = comparison.levels.count
            let raw = (0..<count).map { pow(3, Double($0)) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        // Company numbers are rare in partner lists: EM may never see them, so they start
        // from what they mean (the same number is one producer, two numbers two).
        m[Comparison.companyNumber.rawValue] = [0.95, 0.05]
        u[Comparison.companyNumber.rawValue] = [0.0001, 0.9999]
    }

    /// log2(m/u) of one level.
    public func weight(_ comparison: Comparison, level: UInt8) -> Double {
        guard level != Pattern.null else { return 0 }
        let row = comparison.rawValue
        let index = Int(level)
        return log2(max(m[row][index], 1e-6) / max(u[row][index], 1e-6))
    }

    public var priorWeight: Double { log2(prior / (1 - prior)) }

    /// The match weight of a pair: prior, comparisons, term-frequency adjustment.
    public func weight(_ pair: ComparedPair) -> Double {
        var total = priorWeight + pair.frequencyAdjustment
        for comparison in Comparison.allCases {
            total += weight(comparison, level: pair.pattern[comparison])
        }
        return total
    }

    public static func probability(weight: Double) -> Double {
        1 / (1 + exp2(-weight))
    }

    mutating func applyOverrides() {
        for override in overrides {
            if override.isM {
                m[override.comparison.rawValue][override.level] = override.value
            } else {
                u[override.comparison.rawValue][override.level] = override.value
            }
        }
    }

    // MARK: - Estimation

    /// EM may explain the pairs with a class that is not "same producer" (for places it
    /// cannot tell apart, "far apart" then reads as evidence for a match). The levels keep
    /// their meaning: the strongest agreement never counts against a match, plain
    /// disagreement never for one.
    mutating func keepLevelsMeaningful() {
        for comparison in Comparison.allCases where comparison != .companyNumber {
            let row = comparison.rawValue
            let last = m[row].count - 1
            var changed = false
            if m[row][last] > u[row][last] {
                m[row][last] = u[row][last]
                changed = true
            }
            if m[row][0] < u[row][0] {
                m[row][0] = u[row][0]
                changed = true
            }
            guard changed else { continue }
            let total = m[row].reduce(0, +)
            m[row] = m[row].map { $0 / total }
        }
    }

    /// The levels of a comparison go from the strongest agreement to plain disagreement,
    /// so their weights must not rise along them: "within 25 km" may not count for a match
    /// more than "same locality". EM on a few thousand pairs can say otherwise when a level
    /// is rare among the candidates; adjacent levels out of order are pooled (their m and u
    /// summed, as if they were one level) until the weights fall in order, and m is then
    /// spread back over the pooled levels in proportion to their u.
    mutating func keepWeightsInLevelOrder() {
        for comparison in Comparison.allCases where comparison.levels.count > 2 {
            let row = comparison.rawValue
            // Pools of consecutive levels, each with its summed m and u.
            var pools: [(levels: Range<Int>, m: Double, u: Double)] = []
            for level in m[row].indices {
                pools.append((level..<level + 1, m[row][level], u[row][level]))
                while pools.count > 1 {
                    let last = pools[pools.count - 1]
                    let before = pools[pools.count - 2]
                    guard last.m / last.u > before.m / before.u else { break }
                    pools.removeLast(2)
                    pools.append(
                        (
                            before.levels.lowerBound..<last.levels.upperBound, before.m + last.m,
                            before.u + last.u
                        ))
                }
            }
            guard pools.count < m[row].count else { continue }
            for pool in pools {
                for level in pool.levels { m[row][level] = u[row][level] * pool.m / pool.u }
            }
        }
    }

    /// A first guess of whether a pattern is a match, from evidence no one would dispute:
    /// a shared phone, e-mail or street address with a similar name is very likely one
    /// producer; different names or places far apart very likely two.
    ///
    /// - parameter nearOnly: count places a few kilometres apart as far apart too, so
    ///   that only evidence within one village or the next starts as a match.
    static func seed(_ pattern: Pattern, nearOnly: Bool) -> Double {
        let name = pattern[.name]
        let sharedContact =
            pattern[.phone] == 0 || pattern[.email] == 0 || pattern[.address] == 0
        let location = pattern[.location]
        if name != Pattern.null, name >= 4 { return 0.02 }
        if location == 4 || (nearOnly && location != Pattern.null && location >= 2) {
            return 0.02
        }
        if sharedContact, name <= 3 || name == Pattern.null { return 0.95 }
        if name <= 1, pattern[.location] <= 1 { return 0.5 }
        return 0.1
    }

    /// Estimates u from the level counts of random pairs (Laplace-smoothed).
    public mutating func estimateU(from patterns: [Pattern]) {
        for comparison in Comparison.allCases where comparison != .companyNumber {
            let count = comparison.levels.count
            var seen = [Double](repeating: 1, count: count)
            for pattern in patterns {
                let level = pattern[comparison]
                if level != Pattern.null { seen[Int(level)] += 1 }
            }
            let total = seen.reduce(0, +)
            u[comparison.rawValue] = seen.map { $0 / total }
        }
        applyOverrides()
    }

    /// Estimates m, u and the prior by expectation–maximisation over the candidate pairs'
    /// patterns (counted once per distinct pattern), starting from u of random pairs.
    /// Labelled patterns (a person's answers) keep their known class.
    ///
    /// u is re-estimated among the candidate pairs: blocking already made them alike
    /// (same village, similar names), and u of random pairs would make every candidate
    /// look like a match.
    ///
    /// An iteration goes over the distinct patterns, a few thousand at most, so EM may
    /// take hundreds: on a million records the first guess puts tens of thousands of
    /// pairs among the matches for a few thousand true ones, and EM needs about a
    /// hundred iterations to drain them. Stopped half-way, it leaves a model in which
    /// different phones or places hardly count against a match, and which two nearly
    /// equal lists leave in very different states.
    ///
    /// EM climbs to the nearest hill of the likelihood, and which hill depends on the
    /// first guess: on a million rows where farms of one name share an e-mail across
    /// regions, the usual guess led to a model under which "far apart" hardly counts,
    /// and the guess that trusts only nearby evidence to a likelier one under which it
    /// rules a pair out. EM runs from both; the likelier model is kept, the usual one on
    /// a tie.
    public mutating func estimateM(
        patterns: [Pattern: Int], labelled: [(pattern: Pattern, isMatch: Bool)] = [],
        maximumIterations: Int = 1000
    ) {
        // In a fixed order: sums over a dictionary's order, which changes from one
        // process to the next, differ in their last bits, and so would the scores.
        let distinct = patterns.map { (pattern: $0.key, count: $0.value) }
            .sorted { $0.pattern.raw < $1.pattern.raw }
        var best: (model: FellegiSunterModel, likelihood: Double)?
        for nearOnly in [false, true] {
            var fit = self
            fit.runEM(distinct, labelled: labelled, maximumIterations: maximumIterations) {
                Self.seed($0, nearOnly: nearOnly)
            }
            let likelihood = fit.logLikelihood(distinct, labelled: labelled)
            if likelihood > best?.likelihood ?? -.infinity { best = (fit, likelihood) }
        }
        if let best { self = best.model }
    }

    /// The log-likelihood of the pairs under the model: each unlabelled pattern as a
    /// mixture of matches and non-matches, each labelled one in its known class.
    func logLikelihood(
        _ patterns: [(pattern: Pattern, count: Int)],
        labelled: [(pattern: Pattern, isMatch: Bool)]
    ) -> Double {
        func classes(_ pattern: Pattern) -> (match: Double, other: Double) {
            var (match, other) = (prior, 1 - prior)
            for comparison in Comparison.allCases {
                let level = pattern[comparison]
                guard level != Pattern.null else { continue }
                match *= max(m[comparison.rawValue][Int(level)], 1e-12)
                other *= max(u[comparison.rawValue][Int(level)], 1e-12)
            }
            return (match, other)
        }
        var total = 0.0
        for (pattern, count) in patterns {
            let (match, other) = classes(pattern)
            total += Double(count) * log(match + other)
        }
        for answer in labelled {
            let (match, other) = classes(answer.pattern)
            total += log(answer.isMatch ? match : other)
        }
        return total
    }

    /// EM from the first guess `seed` until the model stops moving.
    private mutating func runEM(
        _ distinct: [(pattern: Pattern, count: Int)],
        labelled: [(pattern: Pattern, isMatch: Bool)], maximumIterations: Int,
        seed: (Pattern) -> Double
    ) {
        var iteration = 0
        converged = false
        while iteration < maximumIterations {
            iteration += 1
            let previous = (m: m, u: u, prior: prior)
            var matchCounts = m.map { [Double](repeating: 0, count: $0.count) }
            var otherCounts = matchCounts
            var matchTotal = 0.0
            var total = 0.0
            func accumulate(_ pattern: Pattern, count: Double, probability: Double) {
                matchTotal += probability * count
                total += count
                for comparison in Comparison.allCases {
                    let level = pattern[comparison]
                    if level != Pattern.null {
                        matchCounts[comparison.rawValue][Int(level)] += probability * count
                        otherCounts[comparison.rawValue][Int(level)] += (1 - probability) * count
                    }
                }
            }
            // Expectation: the probability that each pattern is a match; the first round
            // from the seed, which starts EM near the right answer (left to itself, EM
            // may split the pairs into "same name" and "other" instead of match and not).
            for (pattern, count) in distinct {
                let pair = ComparedPair(
                    pattern: pattern, frequencyAdjustment: 0, nameDice: 0, adjustedValues: [])
                let probability =
                    iteration == 1 ? seed(pattern) : Self.probability(weight: weight(pair))
                accumulate(pattern, count: Double(count), probability: probability)
            }
            for answer in labelled {
                accumulate(answer.pattern, count: 1, probability: answer.isMatch ? 1 : 0)
            }

            // Maximisation: m from the expected matches, smoothed so no level is 0.
            for comparison in Comparison.allCases where comparison != .companyNumber {
                let row = comparison.rawValue
                let sum = matchCounts[row].reduce(0, +)
                guard sum > 1 else { continue }
                let levels = Double(matchCounts[row].count)
                for level in matchCounts[row].indices {
                    m[row][level] = (matchCounts[row][level] + 0.01) / (sum + 0.01 * levels)
                }
                let otherSum = otherCounts[row].reduce(0, +)
                guard otherSum > 1 else { continue }
                for level in otherCounts[row].indices {
                    u[row][level] = (otherCounts[row][level] + 0.01) / (otherSum + 0.01 * levels)
                }
            }
            keepLevelsMeaningful()
            keepWeightsInLevelOrder()
            prior = min(0.99, max(1e-6, matchTotal / max(total, 1)))
            applyOverrides()
            // The change of the model as it is used, after the rules above: measured
            // before them, it stays as large as what they correct whenever they correct
            // something, and EM never stops before the last iteration.
            var change = abs(prior - previous.prior)
            for row in m.indices {
                for level in m[row].indices {
                    change = max(change, abs(m[row][level] - previous.m[row][level]))
                    change = max(change, abs(u[row][level] - previous.u[row][level]))
                }
            }
            if change < 1e-5 {
                converged = true
                break
            }
        }
        iterations = iteration
    }
}

extension FellegiSunterModel {
    /// The model as JSON (prior, m and u by comparison key), the way the map database
    /// keeps it between imports. Overrides are not kept: a pipeline gives its own.
    public var encoded: String {
        var members: [(key: String, value: JSONValue)] = [
            ("prior", .number(String(prior)))
        ]
        for comparison in Comparison.allCases {
            let row = comparison.rawValue
            members.append(
                (
                    comparison.key,
                    .object([
                        ("m", .array(m[row].map { .number(String($0)) })),
                        ("u", .array(u[row].map { .number(String($0)) })),
                    ])
                ))
        }
        var writer = JSONWriter()
        writer.value(.object(members))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The model `encoded` wrote; nil for text that is not one (the caller estimates a
    /// new one).
    public init?(encoded text: String) {
        guard let json = try? JSONParser.parse(text),
            let prior = json["prior"]?.scalarText.flatMap(Double.init)
        else { return nil }
        self.init()
        self.prior = prior
        for comparison in Comparison.allCases {
            let row = comparison.rawValue
            func numbers(_ key: String) -> [Double]? {
                guard case .array(let items)? = json[comparison.key]?[key] else { return nil }
                let values = items.compactMap { $0.scalarText.flatMap(Double.init) }
                return values.count == comparison.levels.count ? values : nil
            }
            guard let m = numbers("m"), let u = numbers("u") else { return nil }
            self.m[row] = m
            self.u[row] = u
        }
        converged = true
    }
}
