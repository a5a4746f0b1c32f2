import GlaneurCore

/// The `glaneur` command: finds the subcommand, parses its options, runs it, and turns
/// what goes wrong into a message and an exit status.
public enum Glaneur {
    public static let version = "0.1.0"

    /// Every subcommand, in the order help lists them (the order of the work).
    public static let commands: [any Command.Type] = [
        InspectCommand.self,
        ReadCommand.self,
        NormalizeCommand.self,
        GeocodeCommand.self,
        DedupeCommand.self,
        EvaluateCommand.self,
        ImportCommand.self,
        RunsCommand.self,
        ReviewCommand.self,
        ExportCommand.self,
        AuditCommand.self,
        GazetteerCommand.self,
    ]

    /// Runs the command line and returns the process's exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        let standardError = StandardError()
        let words = Array(arguments.dropFirst())
        return run(words, path: "glaneur", standardError: standardError).rawValue
    }

    static func run(_ words: [String], path: String, standardError: StandardError) -> ExitStatus {
        guard let first = words.first else {
            report(
                UsageError("missing command"), command: Root.self, path: path,
                standardError: standardError)
            return .usage
        }
        switch first {
        case "--version", "-V":
            print("glaneur \(version)")
            return .success
        case "-h", "--help":
            print(Help.text(for: Root.self, path: path), terminator: "")
            return .success
        case "help":
            return help(for: Array(words.dropFirst()), standardError: standardError)
        default:
            return dispatch(words, within: Root.self, path: path, standardError: standardError)
        }
    }

    /// Finds the command named by the first word among `parent`'s subcommands and runs
    /// it with the remaining words.
    static func dispatch(
        _ words: [String], within parent: any Command.Type, path: String,
        standardError: StandardError
    ) -> ExitStatus {
        guard let word = words.first else {
            report(
                UsageError("missing command"), command: parent, path: path,
                standardError: standardError)
            return .usage
        }
        if ObjectIdentifier(parent) != ObjectIdentifier(Root.self), word == "-h" || word == "--help"
        {
            print(Help.text(for: parent, path: path), terminator: "")
            return .success
        }
        guard let command = parent.subcommands.first(where: { $0.name == word }) else {
            let names = parent.subcommands.map { $0.name }
            let kind = word.hasPrefix("-") ? "option" : "command"
            let error = UsageError(
                "unknown \(kind) '\(word)'",
                suggestion: ArgumentParser.closest(to: word, among: names).map { "'\($0)'" })
            report(error, command: parent, path: path, standardError: standardError)
            return .usage
        }

        let commandPath = "\(path) \(command.name)"
        let rest = Array(words.dropFirst())
        if !command.subcommands.isEmpty {
            return dispatch(rest, within: command, path: commandPath, standardError: standardError)
        }

        let optionWords = rest.prefix(while: { $0 != "--" })
        if optionWords.contains("-h") || optionWords.contains("--help") {
            print(Help.text(for: command, path: commandPath), terminator: "")
            return .success
        }
        let log = Log(format: LogFormat.requested(in: rest), output: standardError)
        do {
            let options = command.options + CommonOptions.all
            let arguments = try ArgumentParser.parse(rest, options: options)
            let context = CommandContext(
                commandPath: commandPath, quiet: arguments.flag("--quiet"),
                standardError: standardError, logFormat: try CommonOptions.logFormat(arguments))
            return try command.run(arguments, context: context)
        } catch let error as UsageError {
            if log.format == .json {
                var fields = [
                    ("usage", LogValue.string(Help.usageLine(for: command, path: commandPath)))
                ]
                if let suggestion = error.suggestion {
                    fields.append(("suggestion", .string(suggestion)))
                }
                log.error(error.message, fields)
            } else {
                report(error, command: command, path: commandPath, standardError: standardError)
            }
            return .usage
        } catch let error as GlaneurError {
            log.error(error.description)
            return .failure
        } catch {
            log.error("\(error)")
            return .failure
        }
    }

    private static func help(for words: [String], standardError: StandardError) -> ExitStatus {
        var command: any Command.Type = Root.self
        var path = "glaneur"
        for word in words {
            guard let next = command.subcommands.first(where: { $0.name == word }) else {
                let error = UsageError(
                    "unknown command '\(word)'",
                    suggestion: ArgumentParser.closest(
                        to: word, among: command.subcommands.map { $0.name }
                    ).map { "'\($0)'" })
                report(error, command: command, path: path, standardError: standardError)
                return .usage
            }
            command = next
            path += " \(word)"
        }
        print(Help.text(for: command, path: path), terminator: "")
        return .success
    }

    static func report(
        _ error: UsageError, command: any Command.Type, path: String,
        standardError: StandardError
    ) {
        standardError.line("Error: \(error.message)")
        if let suggestion = error.suggestion {
            standardError.line("Did you mean \(suggestion)?")
        }
        standardError.line("Usage: \(Help.usageLine(for: command, path: path))")
        standardError.line("See '\(path) --help'.")
    }
}

/// The top of the command tree, for help and dispatch.
enum Root: Command {
    static let name = "glaneur"
    static let abstract =
        "Glaneur imports partners' producer lists into a food network's map: it reads, "
        + "normalises,\ngeocodes and deduplicates them, and accounts for every row."
    static let usage = "<command> [options]"
    static let discussion = """
        Data goes to standard output or to -o FILE; diagnostics, progress and summaries
        go to standard error. Exit status: 0 success, 1 data or file failure, 64 usage error.
        """
    static var subcommands: [any Command.Type] { Glaneur.commands }
    static let options: [OptionDefinition] = [
        .flag("-V", "--version", help: "Show the version.")
    ]
}
