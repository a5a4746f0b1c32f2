import Foundation
import GlaneurCore
import Pipeline
import Store

/// `glaneur import`: runs a pipeline file from the partner files to the map database.
enum ImportCommand: Command {
    static let name = "import"
    static let abstract = "Run a pipeline: read, normalise, geocode, deduplicate and load."
    static let usage = "PIPELINE.json5 [--db URL] [--dry-run] [options]"
    static let discussion = """
        The pipeline file (JSON5) names the partner files and how to read them, and the
        settings of each stage; it is checked before anything runs, and every problem is
        reported with its place in the file. The run is one transaction: if anything
        fails, the map database is left as it was. With --dry-run, everything is computed
        and what would change is reported, but nothing is written.

        --db takes a SQLite file (created if needed; readable as a GeoPackage) or a
        postgresql:// URL, and replaces the pipeline's target.
        """
    static let options: [OptionDefinition] = [
        .value("--db", name: "URL", help: "The map database (default: the pipeline's target)."),
        .flag("--dry-run", help: "Report what would change; write nothing."),
        .flag(
            "--reestimate",
            help: "Estimate the matching model again instead of the one the map keeps."),
        .flag("--check", help: "Check the pipeline file and stop."),
        .value("--gazetteer", name: "PATH", help: "The gazetteer store for offline geocoding."),
        .value("--threads", name: "N", help: "Threads to work with (default: all cores)."),
        .value(
            "--report", name: "FOLDER",
            help: "Write the run's report (JSON and HTML) here (default: reports/ beside the map)."),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard arguments.positionals.count == 1 else {
            throw UsageError(
                arguments.positionals.isEmpty ? "missing PIPELINE" : "import takes one PIPELINE")
        }
        let threads = try CommonOptions.threads(arguments)
        let spec: PipelineSpec
        do {
            spec = try PipelineSpec.load(path: arguments.positionals[0])
        } catch {
            context.log.error(error.description, [("file", .string(arguments.positionals[0]))])
            return .failure
        }
        if arguments.flag("--check") {
            if !context.quiet {
                let files = spec.sources.reduce(0) { $0 + $1.files.count }
                context.standardError.line(
                    "\(arguments.positionals[0]): valid; \(counted(files, "file")) to read")
            }
            return .success
        }

        var runner = PipelineRunner(spec: spec)
        runner.database = arguments.value("--db")
        runner.dryRun = arguments.flag("--dry-run")
        runner.reestimatesModel = arguments.flag("--reestimate")
        runner.threads = threads
        if let path = arguments.value("--gazetteer") { runner.gazetteerPath = path }
        let database = runner.database ?? spec.target.database
        let log = context.log
        log.info(
            "run-started", "\(spec.name): importing into \(database)",
            [
                ("pipeline", .string(spec.name)), ("database", .string(database)),
                ("dry_run", .bool(runner.dryRun)),
            ], text: false)
        let bar = StageProgressBar(context: context)
        runner.onEvent = { event in
            bar.handle(event)
            if case .finished(let stage, let rows, let seconds) = event {
                log.info(
                    "stage-finished", "\(stage): \(rows) records in \(String(format3: seconds)) s",
                    [
                        ("stage", .string(stage)), ("records", .integer(rows)),
                        ("seconds", .seconds(seconds)),
                    ], text: false)
            }
        }
        let started = Date()
        let outcome: PipelineRunner.Outcome
        do {
            defer { bar.finish() }
            outcome = try runner.run()
        }
        if context.logFormat == .json {
            logSummary(outcome, spec: spec, log: log)
        } else if !context.quiet {
            summarise(outcome, spec: spec, dryRun: runner.dryRun, context: context)
        }

        let report = RunReportDocument(
            pipeline: spec.name, database: database, started: started, outcome: outcome)
        let folder = arguments.value("--report") ?? defaultReportFolder(for: database)
        let paths = try report.write(to: folder)
        if context.logFormat == .json {
            log.info(
                "report-written", "report: " + paths.joined(separator: ", "),
                [("paths", .strings(paths))])
        } else if !context.quiet {
            context.standardError.line("  report:     " + paths.joined(separator: ", "))
        }
        return .success
    }

    /// The run's figures as one JSON log line, for schedulers.
    private static func logSummary(
        _ outcome: PipelineRunner.Outcome, spec: PipelineSpec, log: Log
    ) {
        let rows = outcome.sources.reduce(0) { $0 + $1.counts.rows }
        var fields: [(String, LogValue)] = [
            ("pipeline", .string(spec.name)), ("rows", .integer(rows)),
            ("records", .integer(outcome.records)), ("rejects", .integer(outcome.rejects.count)),
            ("entities_in_run", .integer(outcome.entities)),
            ("joined_in_run", .integer(outcome.merged)),
            ("review_pairs", .integer(outcome.reviewPairs)),
        ]
        if let report = outcome.report {
            if let id = report.runID { fields.append(("run_id", .integer(Int(id)))) }
            for (name, count) in report.counts.named { fields.append((name, .integer(count))) }
        }
        let dryRun = outcome.report?.isDryRun ?? true
        log.info(
            "run-finished",
            "\(spec.name): \(dryRun ? "dry run" : "imported"), \(outcome.records) records",
            fields)
    }

    private static func summarise(
        _ outcome: PipelineRunner.Outcome, spec: PipelineSpec, dryRun: Bool,
        context: CommandContext
    ) {
        let line = context.standardError.line
        line(dryRun ? "\(spec.name): dry run, nothing written" : "\(spec.name): imported")
        line("")
        line("  rows   records  rejects  file")
        for source in outcome.sources {
            line(
                "  " + pad(formatCount(source.counts.rows), 6) + " "
                    + pad(formatCount(source.counts.records), 8) + " "
                    + pad(formatCount(source.counts.rejects), 8) + " " + source.file)
        }
        let rows = outcome.sources.reduce(0) { $0 + $1.counts.rows }
        line(
            "  " + pad(formatCount(rows), 6) + " " + pad(formatCount(outcome.records), 8) + " "
                + pad(formatCount(outcome.rejects.count), 8) + " total")
        line("")
        let precisions = outcome.precisions.sorted { $0.value > $1.value }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        line("  geocoded:   \(precisions)")
        line(
            "  entities:   \(formatCount(outcome.entities)) from \(formatCount(outcome.records)) "
                + "records (\(formatCount(outcome.merged)) merged into another record's entity, "
                + "\(formatCount(outcome.reviewPairs)) pairs to review)")
        if let report = outcome.report {
            let counts = report.counts.named.map { "\($0.0) \($0.1)" }
            let run = report.runID.map { " (run \($0))" } ?? ""
            line("  map:        " + counts.joined(separator: ", ") + run)
        }
        let timings = outcome.timings.map { "\($0.stage) \(String(format1: $0.seconds))s" }
        line("  timings:    " + timings.joined(separator: ", "))
    }

    /// `reports/` in the map database's folder, or in the current folder for PostgreSQL.
    private static func defaultReportFolder(for database: String) -> String {
        guard !database.contains("://") else { return "reports" }
        let folder = (database as NSString).deletingLastPathComponent
        return folder.isEmpty ? "reports" : folder + "/reports"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension String {
    /// One decimal: 2.345 → "2.3".
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
