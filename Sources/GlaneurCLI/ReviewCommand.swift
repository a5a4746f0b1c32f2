import Foundation
import GlaneurCore
import Resolve
import Store

/// `glaneur review`: people's decisions on uncertain pairs, kept with the map.
enum ReviewCommand: Command {
    static let name = "review"
    static let abstract = "Keep people's answers on uncertain pairs in the map database."
    static let usage = "import FILE [--db URL] [--reviewer NAME]"
    static let subcommands: [any Command.Type] = [ReviewImportCommand.self]
}

/// `glaneur review import FILE`
enum ReviewImportCommand: Command {
    static let name = "import"
    static let abstract = "Import a filled-in review file into the map database."
    static let usage = "FILE [--db URL] [--reviewer NAME]"
    static let discussion = """
        FILE is a review file an import wrote beside its report
        (reports/PIPELINE-runN.review.csv), with the decision column filled in: 'match'
        or 'no match' (rows left empty are skipped). The map database keeps every
        answer: later imports keep a 'no match' pair apart (splitting their entity if
        they share one), merge the entities of a 'match' pair, and never ask about the
        pair again. A newer answer on the same pair replaces the older one.
        """
    static let options: [OptionDefinition] = [
        RunsCommand.databaseOption,
        .value(
            "--reviewer", name: "NAME",
            help: "Who answered (default: $USER)."),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard arguments.positionals.count == 1 else {
            throw UsageError(
                arguments.positionals.isEmpty
                    ? "missing FILE (a filled-in review file)" : "review import takes one FILE")
        }
        let path = arguments.positionals[0]
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw GlaneurError.unreadable(
                path: path, location: nil, reason: "cannot read the review file")
        }
        let answers = try ReviewFile.answers(in: text, path: path)
        let reviewer =
            arguments.value("--reviewer")
            ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        guard let store = try RunsCommand.openDatabase(arguments) as? any EntityIndexReading
        else {
            throw GlaneurError.invalidRequest("this map database keeps no review decisions")
        }
        let written = try store.importReviewDecisions(
            answers.map {
                ReviewDecision(
                    first: $0.first, second: $0.second, isMatch: $0.isMatch, reviewer: reviewer)
            })
        if !context.quiet {
            let matches = answers.filter(\.isMatch).count
            context.standardError.line(
                "\(path): \(answers.count) answers (\(matches) match, "
                    + "\(answers.count - matches) no match); \(written) new or changed, "
                    + "applied by the next import")
        }
        return .success
    }
}
