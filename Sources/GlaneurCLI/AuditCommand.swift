import Foundation
import GlaneurCore
import Pipeline
import Store

/// `glaneur audit`: a data-quality audit of a whole map database.
enum AuditCommand: Command {
    static let name = "audit"
    static let abstract = "Audit the map: completeness, bad contacts and points, duplicates."
    static let usage =
        "[--db URL] -o AUDIT.html [--json [FILE]] [--lang fr|nl] [--stale-days N]"
    static let discussion = """
        Reads every active entity and record of the map database and reports:
        the completeness of each field by source; phones, e-mails and company numbers
        that the normaliser's validators reject, or that are placeholders or shared by
        several entities; the mix of geocoding precisions; entities without a point,
        points outside their country or far from their locality; pairs of entities the
        deduplicator would merge; records no source has confirmed for --stale-days days;
        and entities with a Flemish postcode whose locality is in French or that hold
        nothing in Dutch.

        -o writes a self-contained HTML page (no script, no network) with figures,
        charts, a map of the entities and the first findings of each check (--limit);
        --json writes every finding as JSON, to FILE or to standard output. Findings are
        not failures: the exit status is 0 whenever the audit ran.
        """
    static let options: [OptionDefinition] = [
        RunsCommand.databaseOption,
        .value("-o", "--output", name: "AUDIT.html", help: "Write the HTML page here."),
        .optionalValue(
            "--json", name: "FILE", help: "Write the findings as JSON (standard output: no FILE)."),
        .value("--lang", name: "LANG", help: "The page's language: fr (default) or nl."),
        .value(
            "--stale-days", name: "N",
            help: "A record unconfirmed for more than N days is stale (default: 365)."),
        .value(
            "--far-km", name: "KM",
            help: "A point farther than KM from its locality's centre is reported (default: 25)."),
        .value(
            "--limit", name: "N", help: "Findings listed per check on the page (default: 50)."),
        .value("--gazetteer", name: "PATH", help: "The gazetteer store for localities' centres."),
        .value("--threads", name: "N", help: "Threads to use (default: all cores)."),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let htmlPath = arguments.value("--output")
        let wantsJSON = arguments.flag("--json")
        let jsonPath = arguments.value("--json") ?? "-"
        guard htmlPath != nil || wantsJSON else {
            throw UsageError("nothing to write: name the page with -o AUDIT.html, or add --json")
        }
        if htmlPath == "-" {
            throw UsageError("the page is a file: name it with -o AUDIT.html")
        }
        let language = arguments.value("--lang")?.lowercased() ?? "fr"
        guard AuditDocument.languages.contains(language) else {
            throw UsageError(
                "unknown language '\(arguments.value("--lang") ?? "")'; use fr or nl",
                suggestion: ArgumentParser.closest(to: language, among: AuditDocument.languages)
                    .map { "'\($0)'" })
        }
        var options = Audit.Options()
        options.staleDays = try wholeNumber(arguments, "--stale-days", default: 365, from: 0)
        options.farFromLocalityKilometres = try kilometres(arguments, "--far-km", default: 25)
        options.threads = try CommonOptions.threads(arguments)
        if let path = arguments.value("--gazetteer") { options.gazetteerPath = path }
        let limit = try wholeNumber(arguments, "--limit", default: 50, from: 1)

        let database =
            arguments.value("--db")
            ?? ProcessInfo.processInfo.environment["GLANEUR_DB"] ?? "map.sqlite"
        let store = try RunsCommand.openDatabase(arguments)
        if context.showsProgress { context.standardError.progress("auditing \(database)…") }
        let report = try Audit(options: options).run(on: store, database: database)
        context.standardError.clearProgress()
        let document = AuditDocument(report: report, tableLimit: limit)

        if let htmlPath {
            let output = try OutputFile(path: htmlPath)
            output.write(try document.html(language: language))
            try output.close()
        }
        if wantsJSON {
            let output = try OutputFile(path: jsonPath)
            output.write(document.json())
            try output.close()
        }
        if !context.quiet { summarise(report, htmlPath: htmlPath, context: context) }
        return .success
    }

    private static func summarise(
        _ report: AuditReport, htmlPath: String?, context: CommandContext
    ) {
        context.standardError.line(
            "Audited \(report.entities) entities and \(report.records) records: "
                + "\(report.findings.count) findings.")
        for (check, count) in report.counts where count > 0 {
            context.standardError.line("  " + RunsCommand.pad(check.rawValue, 26) + String(count))
        }
        if let htmlPath { context.standardError.line("  page: \(htmlPath)") }
    }

    private static func wholeNumber(
        _ arguments: ParsedArguments, _ option: String, default value: Int, from minimum: Int
    ) throws(UsageError) -> Int {
        guard let text = arguments.value(option) else { return value }
        guard let number = Int(text), number >= minimum else {
            throw UsageError("\(option) takes a whole number from \(minimum), not '\(text)'")
        }
        return number
    }

    private static func kilometres(
        _ arguments: ParsedArguments, _ option: String, default value: Double
    ) throws(UsageError) -> Double {
        guard let text = arguments.value(option) else { return value }
        guard let number = Double(text), number > 0, number.isFinite else {
            throw UsageError("\(option) takes a distance in kilometres above 0, not '\(text)'")
        }
        return number
    }
}
