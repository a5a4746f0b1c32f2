import Foundation

extension Resolver {
    /// Why two records match or not, comparison by comparison, with each one's weight.
    public func explain(_ a: Int, _ b: Int, corpus: Corpus, model: FellegiSunterModel)
        -> String
    {
        let left = corpus.records[a]
        let right = corpus.records[b]
        let compared = corpus.compare(a, b, explain: true)
        let scored = score(
            Int32(a), Int32(b), compared, model: model, answers: answerIndex(corpus))
        var lines = [
            "A \(left.label): \(Self.describe(left))",
            "B \(right.label): \(Self.describe(right))",
            "",
            Self.pad("comparison", 16) + Self.pad("level", 44) + Self.pad("m", 9)
                + Self.pad("u", 10) + "weight",
            Self.pad("prior", 16) + Self.pad("share of candidate pairs that match", 44)
                + Self.pad(String(format: "%.4f", model.prior), 19)
                + String(format: "%+.2f", model.priorWeight),
        ]
        for comparison in Comparison.allCases {
            let level = compared.pattern[comparison]
            guard level != Pattern.null else {
                lines.append(Self.pad(comparison.key, 16) + "not compared (a value is missing)")
                continue
            }
            let row = comparison.rawValue
            var label = comparison.levels[Int(level)]
            if comparison == .name {
                label += String(format: " (%.2f)", compared.nameDice)
            }
            lines.append(
                Self.pad(comparison.key, 16) + Self.pad(label, 44)
                    + Self.pad(String(format: "%.4f", model.m[row][Int(level)]), 9)
                    + Self.pad(String(format: "%.5f", model.u[row][Int(level)]), 10)
                    + String(format: "%+.2f", model.weight(comparison, level: level)))
        }
        if compared.frequencyAdjustment != 0 {
            lines.append(
                Self.pad("frequency", 16)
                    + Self.pad(
                        "how rare the shared values are ("
                            + compared.adjustedValues.map { String($0.dropFirst(2)) }
                            .joined(separator: ", ") + ")", 63)
                    + String(format: "%+.2f", compared.frequencyAdjustment))
        }
        lines.append("")
        lines.append(
            String(
                format: "total weight %+.2f, match probability %.4f", scored.weight,
                FellegiSunterModel.probability(weight: scored.weight)))
        if let rule = scored.rule {
            lines.append("decided by rule: \(rule)")
        }
        let verdict =
            scored.probability >= options.threshold
            ? "match" : options.reviewBand.contains(scored.probability) ? "uncertain" : "no match"
        lines.append(
            "verdict: \(verdict) (threshold \(options.threshold); a cluster may still refuse "
                + "the link when another of its records clearly differs)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line for a record in explanations and review files.
    public static func describe(_ record: MatchRecord) -> String {
        var parts = [record.name ?? "(no name)"]
        let address = [record.street, record.houseNumber].compactMap { $0 }.joined(separator: " ")
        if !address.isEmpty { parts.append(address) }
        let place = [record.postcode, record.locality].compactMap { $0 }.joined(separator: " ")
        if !place.isEmpty { parts.append(place) }
        if !record.phones.isEmpty { parts.append(record.phones.joined(separator: " ")) }
        if !record.emails.isEmpty { parts.append(record.emails.joined(separator: " ")) }
        if let number = record.companyNumber { parts.append(number) }
        return parts.joined(separator: " | ")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// The reasons for a pair in a few words: the comparisons that weigh most. For many
    /// pairs scored by one model, a `ReasonWriter` writes them faster.
    public static func reasons(_ pair: ScoredPair, model: FellegiSunterModel) -> String {
        ReasonWriter(model: model).reasons(pair)
    }
}

/// Writes the reasons of pairs scored by one model, each comparison level's text and
/// weight written once rather than once per pair: formatting the numbers of every pair
/// took longer than scoring them.
public struct ReasonWriter: Sendable {
    /// The text and weight of each level, by comparison (`rawValue`) then level.
    private let levels: [[(text: String, weight: Double)]]

    public init(model: FellegiSunterModel) {
        var levels = [[(text: String, weight: Double)]](
            repeating: [], count: Comparison.allCases.count)
        for comparison in Comparison.allCases {
            levels[comparison.rawValue] = comparison.levels.indices.map { level in
                let weight = model.weight(comparison, level: UInt8(level))
                let name = "\(comparison.key): \(comparison.levels[level])"
                return (String(format: "%@ %+.1f", name, weight), weight)
            }
        }
        self.levels = levels
    }

    /// The comparisons of the pair, the weightiest first, or the rule that decided it.
    public func reasons(_ pair: ScoredPair) -> String {
        if let rule = pair.rule { return rule }
        var items: [(text: String, weight: Double)] = []
        for comparison in Comparison.allCases {
            let level = pair.compared.pattern[comparison]
            guard level != Pattern.null else { continue }
            items.append(levels[comparison.rawValue][Int(level)])
        }
        return items.sorted { abs($0.weight) > abs($1.weight) }
            .map(\.text)
            .joined(separator: "; ")
    }
}
