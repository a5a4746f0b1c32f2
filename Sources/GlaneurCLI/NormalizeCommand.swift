import Foundation
import GlaneurCore
import Normalize

/// `glaneur normalize`: records in, normalised records out, with a summary by rule.
enum NormalizeCommand: Command {
    static let name = "normalize"
    static let abstract = "Normalise records: text, names, addresses, phones, products."
    static let usage = "IN.ndjson [-o OUT.ndjson] [options]"
    static let discussion = """
        IN.ndjson holds records as 'glaneur read' writes them. Each record comes out as one
        JSON object a line in which every normalised field (name, legal form, street,
        house number, box, postcode, locality, country, phones in E.164, e-mails, website,
        company numbers, products, organic status) keeps the partner's text beside it as
        "source", with the rules applied and the warnings raised. Nothing is dropped:
        an invalid phone or postcode is kept as written and flagged.

        The summary on stderr counts, for each rule and warning code, the records it
        concerned. IN.ndjson may be '-' for standard input.
        """
    static let options: [OptionDefinition] = [
        .value("-o", "--output", name: "FILE", help: "Write records here (default: stdout)."),
        .value(
            "--country", name: "CODE",
            help: "Country assumed for rows that do not say and give no clue (BE, FR, CH, LU)."),
        .value("--threads", name: "N", help: "Threads to normalise with (default: all cores)."),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard arguments.positionals.count == 1 else {
            throw UsageError(
                arguments.positionals.isEmpty
                    ? "missing IN.ndjson" : "normalize takes one input file")
        }
        let threads = try CommonOptions.threads(arguments)
        let country = try arguments.value("--country").map { text throws(UsageError) in
            guard let code = Country.code(for: text) else {
                throw UsageError("--country takes a country code such as BE or FR, not '\(text)'")
            }
            return code
        }

        let path = arguments.positionals[0]
        let output = try OutputFile(path: arguments.value("--output") ?? "-")
        let engine = NDJSONNormalizer(
            normalizer: Normalizer(options: Normalizer.Options(defaultCountry: country)),
            threads: threads)
        let progress = ProgressLine(
            path, total: path == "-" ? nil : fileSize(path),
            context: context)
        let started = monotonicSeconds()
        let summary = try engine.run(path: path, output: output) { bytes, records in
            progress.update(done: bytes, rows: records)
        }
        try output.close()
        progress.finish()
        report(summary, seconds: monotonicSeconds() - started, path: path, context: context)
        return summary.unreadableLines == 0 ? .success : .failure
    }

    /// The summary by rule and warning, most frequent first.
    static func report(
        _ summary: NormalizationSummary, seconds: Double, path: String, context: CommandContext
    ) {
        for sample in summary.unreadableSamples {
            context.standardError.line("Error: \(path): \(sample)")
        }
        guard !context.quiet else { return }
        let rate = seconds > 0 ? Int(Double(summary.records) / seconds) : summary.records
        var lines = [
            "\(path): \(formatCount(summary.records)) records normalised in "
                + "\(String(format: "%.2f", seconds)) s (\(formatCount(rate)) records/s)"
        ]
        if summary.unreadableLines > 0 {
            lines.append(
                "\(formatCount(summary.unreadableLines)) lines were not records and "
                    + "were skipped: check that the input was written by 'glaneur read'")
        }
        let width =
            (summary.rules.keys.map(\.count) + summary.warnings.keys.map(\.count)
            + [8]).max() ?? 8
        for (title, counts) in [("rule", summary.rules), ("warning", summary.warnings)]
        where !counts.isEmpty {
            lines.append("  " + pad(title, width) + "  records")
            for (code, count) in counts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                lines.append("  " + pad(code, width) + "  " + formatCount(count))
            }
        }
        for line in lines { context.standardError.line(line) }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
