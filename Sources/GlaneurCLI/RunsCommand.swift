import GlaneurCore
import Glibc
import Store

/// `glaneur runs`: the history of imports into a map database.
enum RunsCommand: Command {
    static let name = "runs"
    static let abstract = "List the imports into a map database, show one, or revert one."
    static let usage = "list|show ID|revert ID [--db URL] [--json]"
    static let subcommands: [any Command.Type] = [
        RunsListCommand.self, RunsShowCommand.self, RunsRevertCommand.self,
    ]

    static let databaseOption = OptionDefinition.value(
        "--db", name: "URL",
        help: "The map database: a SQLite file or a postgresql:// URL (default: $GLANEUR_DB "
            + "or map.sqlite).")
    static let jsonOption = OptionDefinition.flag("--json", help: "Print JSON.")

    /// Opens the database that `--db` names; history needs one that exists.
    static func openDatabase(_ arguments: ParsedArguments) throws -> any MapStore {
        let location =
            arguments.value("--db")
            ?? getenv("GLANEUR_DB").map { String(cString: $0) } ?? "map.sqlite"
        return try openMapStore(location, create: false)
    }

    /// The run id, the one positional argument.
    static func runID(_ arguments: ParsedArguments, command: String) throws -> Int64 {
        guard arguments.positionals.count == 1 else {
            throw UsageError(
                arguments.positionals.isEmpty
                    ? "missing ID (see 'glaneur runs list')" : "\(command) takes one ID")
        }
        guard let id = Int64(arguments.positionals[0]), id > 0 else {
            throw UsageError(
                "a run ID is a positive whole number, not '\(arguments.positionals[0])'")
        }
        return id
    }

    static func writeCounts(_ counts: RunCounts, to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        for (index, (name, value)) in counts.named.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(name)
            writer.integer(value)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// Writes a run as a JSON object; `details` adds members before the closing brace.
    static func writeSummary(
        _ run: RunSummary, to writer: inout JSONWriter,
        details: (inout JSONWriter) -> Void = { _ in }
    ) {
        writer.raw("{\"id\":")
        writer.integer(Int(run.id))
        writer.raw(",\"started\":")
        writer.string(run.started)
        writer.raw(",\"finished\":")
        if let finished = run.finished { writer.string(finished) } else { writer.raw("null") }
        writer.raw(",\"pipeline\":")
        writer.string(run.pipeline)
        writer.raw(",\"mode\":")
        writer.string(run.mode)
        writer.raw(",\"status\":")
        writer.string(run.status)
        writer.raw(",\"counts\":")
        writeCounts(run.counts, to: &writer)
        details(&writer)
        writer.byte(UInt8(ascii: "}"))
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}

/// `glaneur runs list`
enum RunsListCommand: Command {
    static let name = "list"
    static let abstract = "List every run, oldest first, with its counts."
    static let usage = "[--db URL] [--json]"
    static let options = [RunsCommand.databaseOption, RunsCommand.jsonOption]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let runs = try RunsCommand.openDatabase(arguments).runs()
        if arguments.flag("--json") {
            var writer = JSONWriter()
            writer.byte(UInt8(ascii: "["))
            for (index, run) in runs.enumerated() {
                writer.raw(index == 0 ? "\n" : ",\n")
                RunsCommand.writeSummary(run, to: &writer)
            }
            writer.raw("\n]\n")
            let output = OutputFile.standardOutput()
            output.write(writer)
            try output.close()
            return .success
        }
        guard !runs.isEmpty else {
            context.standardError.line("No runs yet: import a pipeline with 'glaneur import'.")
            return .success
        }
        let header = [
            "ID", "STARTED", "PIPELINE", "MODE", "STATUS", "READ", "NEW", "MERGED", "UPDATED",
            "UNCHANGED", "REJECTED", "INACTIVE",
        ]
        let rows = runs.map { run in
            [
                String(run.id), run.started, run.pipeline, run.mode, run.status,
                String(run.counts.rowsRead), String(run.counts.new), String(run.counts.merged),
                String(run.counts.updated), String(run.counts.unchanged),
                String(run.counts.rejected), String(run.counts.inactivated),
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { column, text in
                RunsCommand.pad(text, widths[column], right: column == 0 || column >= 5)
            }
            print(cells.joined(separator: "  "))
        }
        return .success
    }
}

/// `glaneur runs show ID`
enum RunsShowCommand: Command {
    static let name = "show"
    static let abstract = "Show one run: counts, inputs, timings, match events, rejects."
    static let usage = "ID [--db URL] [--json]"
    static let options = [RunsCommand.databaseOption, RunsCommand.jsonOption]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let id = try RunsCommand.runID(arguments, command: "show")
        guard let detail = try RunsCommand.openDatabase(arguments).run(id: id) else {
            throw GlaneurError.invalidRequest("there is no run \(id): see 'glaneur runs list'")
        }
        if arguments.flag("--json") {
            print(json(detail), terminator: "")
        } else {
            print(text(detail), terminator: "")
        }
        return .success
    }

    static func json(_ detail: RunDetail) -> String {
        var writer = JSONWriter()
        RunsCommand.writeSummary(detail.summary, to: &writer) { rest in
            rest.raw(",\"reverted\":")
            if let reverted = detail.reverted { rest.string(reverted) } else { rest.raw("null") }
            rest.raw(",\"inputs\":[")
            for (index, input) in detail.inputs.enumerated() {
                if index > 0 { rest.byte(UInt8(ascii: ",")) }
                rest.raw("{\"path\":")
                rest.string(input.path)
                rest.raw(",\"source\":")
                rest.string(input.source)
                rest.raw(",\"checksum\":")
                rest.string(input.checksum)
                rest.raw(",\"rows\":")
                rest.integer(input.rows)
                rest.raw(",\"full_list\":")
                input.isFullList ? rest.raw("true") : rest.raw("false")
                rest.byte(UInt8(ascii: "}"))
            }
            rest.raw("],\"rejects_by_code\":{")
            for (index, group) in detail.rejectsByCode.enumerated() {
                if index > 0 { rest.byte(UInt8(ascii: ",")) }
                rest.key(group.code)
                rest.integer(group.count)
            }
            rest.raw("},\"events\":[")
            for (index, event) in detail.events.enumerated() {
                if index > 0 { rest.byte(UInt8(ascii: ",")) }
                rest.raw("{\"kind\":")
                rest.string(event.kind.rawValue)
                rest.raw(",\"entity\":")
                rest.string(event.entityUID)
                rest.raw(",\"others\":")
                rest.strings(event.otherUIDs)
                rest.raw(",\"source\":")
                if let source = event.source { rest.string(source) } else { rest.raw("null") }
                rest.raw(",\"source_key\":")
                if let key = event.sourceKey { rest.string(key) } else { rest.raw("null") }
                rest.raw(",\"score\":")
                rest.raw(Array(String(event.score).utf8))
                rest.raw(",\"reasons\":")
                rest.strings(event.reasons)
                rest.byte(UInt8(ascii: "}"))
            }
            rest.byte(UInt8(ascii: "]"))
        }
        writer.byte(0x0A)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func text(_ detail: RunDetail) -> String {
        let run = detail.summary
        var lines = ["Run \(run.id): \(run.pipeline) (\(run.mode)), \(run.status)"]
        lines.append("  started   \(run.started)")
        lines.append("  finished  \(run.finished ?? "-")")
        if let reverted = detail.reverted { lines.append("  reverted  \(reverted)") }
        lines.append("Counts:")
        for (name, value) in run.counts.named {
            lines.append(
                "  " + RunsCommand.pad(name, 17) + RunsCommand.pad(String(value), 9, right: true))
        }
        lines.append("Inputs:")
        for input in detail.inputs {
            lines.append(
                "  \(input.path) (source \(input.source), \(input.rows) rows, "
                    + (input.isFullList ? "full list" : "partial") + "), checksum \(input.checksum)"
            )
        }
        if !detail.rejectsByCode.isEmpty {
            lines.append("Rejects:")
            for group in detail.rejectsByCode { lines.append("  \(group.code): \(group.count)") }
        }
        let notable = detail.events.filter { $0.kind != .new }
        lines.append(
            "Match events: \(detail.events.count) (\(notable.count) attach, merge or split)")
        for event in notable.prefix(20) {
            let others =
                event.otherUIDs.isEmpty ? "" : " ← " + event.otherUIDs.joined(separator: ", ")
            lines.append(
                "  \(event.kind.rawValue) \(event.entityUID)\(others) score \(event.score): "
                    + event.reasons.joined(separator: ", "))
        }
        if notable.count > 20 { lines.append("  … \(notable.count - 20) more (see --json)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `glaneur runs revert ID`
enum RunsRevertCommand: Command {
    static let name = "revert"
    static let abstract = "Put the entities and links a run changed back as they were."
    static let usage = "ID [--db URL] [--json]"
    static let discussion = """
        Entities and records the run added are removed, the ones it changed or marked
        inactive get their previous state back, and the run is marked reverted (its
        history is kept). A run that later runs built on cannot be reverted until they are:
        revert those first, newest first.
        """
    static let options = [RunsCommand.databaseOption, RunsCommand.jsonOption]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let id = try RunsCommand.runID(arguments, command: "revert")
        let report = try RunsCommand.openDatabase(arguments).revert(runID: id)
        if arguments.flag("--json") {
            print(
                "{\"id\":\(report.runID),\"status\":\"reverted\","
                    + "\"entities_removed\":\(report.entitiesRemoved),"
                    + "\"entities_restored\":\(report.entitiesRestored),"
                    + "\"records_removed\":\(report.recordsRemoved),"
                    + "\"records_restored\":\(report.recordsRestored)}")
        }
        if !context.quiet {
            context.standardError.line(
                "Reverted run \(id): \(report.entitiesRemoved) entities and "
                    + "\(report.recordsRemoved) records removed, \(report.entitiesRestored) "
                    + "entities and \(report.recordsRestored) records restored.")
        }
        return .success
    }
}
