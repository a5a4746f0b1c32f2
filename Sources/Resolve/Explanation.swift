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

    /// The reasons for a pair in a few words: the comparisons that weigh most.
    public static func reasons(_ pair: ScoredPair, model: FellegiSunterModel) -> String {
        if let rule = pair.rule { return rule }
        var items: [(String, Double)] = []
        for comparison in Comparison.allCases {
            let level = pair.compared.pattern[comparison]
            guard level != Pattern.null else { continue }
            items.append(
                (
                    "\(comparison.key): \(comparison.levels[Int(level)])",
                    model.weight(comparison, level: level)
                ))
        }
        return items.sorted { abs($0.1) > abs($1.1) }
            .map { String(format: "%@ %+.1f", $0.0, $0.1) }
            .joined(separator: "; ")
    }
}
