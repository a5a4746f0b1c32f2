import Foundation
import GlaneurCore
import Glibc

/// The exit statuses a scheduler can act on.
public enum ExitStatus: Int32, Sendable {
    /// Everything asked was done.
    case success = 0
    /// The data or a file could not be processed (an unreadable file, a failed check).
    case failure = 1
    /// The command was called wrongly: see its `--help`.
    case usage = 64
}

/// A `glaneur` subcommand.
///
/// Each command describes itself (name, abstract, options, arguments) so that help and
/// usage errors are written from one place, and implements `run`.
public protocol Command: Sendable {
    /// The word that selects the command: `read`.
    static var name: String { get }
    /// One line for the list of commands.
    static var abstract: String { get }
    /// The arguments in the usage line: `FILE... [-o OUT.ndjson]`.
    static var usage: String { get }
    /// Paragraphs shown after the usage in `--help`.
    static var discussion: String { get }
    static var options: [OptionDefinition] { get }
    /// Commands under this one (`runs list`); empty for a leaf command.
    static var subcommands: [any Command.Type] { get }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus
}

extension Command {
    public static var discussion: String { "" }
    public static var subcommands: [any Command.Type] { [] }
    public static var options: [OptionDefinition] { [] }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        throw UsageError("'\(name)' needs a subcommand")
    }
}

/// What every command may need from its surroundings.
public struct CommandContext {
    /// The command's words so far: `glaneur runs show`.
    public var commandPath: String
    public var quiet: Bool
    public var standardError: StandardError
    public var logFormat: LogFormat = .text

    /// Progress is shown only to a person watching: on a terminal, without `--quiet` and
    /// without JSON logs.
    public var showsProgress: Bool {
        !quiet && logFormat == .text && isatty(STDERR_FILENO) == 1
    }

    public var log: Log { Log(format: logFormat, output: standardError) }
}

/// Options every command accepts.
enum CommonOptions {
    /// The value of `--threads`: a whole number from 1, all cores by default.
    static func threads(_ arguments: ParsedArguments) throws(UsageError) -> Int {
        guard let text = arguments.value("--threads") else {
            return ProcessInfo.processInfo.activeProcessorCount
        }
        guard let count = Int(text), count >= 1 else {
            throw UsageError("--threads takes a whole number from 1, not '\(text)'")
        }
        return count
    }

    /// The value of `--log-format`.
    static func logFormat(_ arguments: ParsedArguments) throws(UsageError) -> LogFormat {
        guard let text = arguments.value("--log-format") else { return .text }
        guard let format = LogFormat(rawValue: text) else {
            let names = LogFormat.allCases.map(\.rawValue)
            throw UsageError(
                "--log-format takes \(names.joined(separator: " or ")), not '\(text)'",
                suggestion: ArgumentParser.closest(to: text, among: names).map { "'\($0)'" })
        }
        return format
    }

    static let help = OptionDefinition.flag("-h", "--help", help: "Show help for this command.")
    static let quiet = OptionDefinition.flag(
        "-q", "--quiet", help: "Print nothing on standard error but errors.")
    static let logFormat = OptionDefinition.value(
        "--log-format", name: "FORMAT",
        help: "text (default) or json: one JSON object a line on standard error.")

    /// What every command accepts besides its own options, in the order help lists them.
    static let all = [quiet, logFormat, help]
}

// MARK: - Help

enum Help {
    static func text(for command: any Command.Type, path: String) -> String {
        var lines: [String] = []
        lines.append(command.abstract)
        lines.append("")
        lines.append("Usage: \(usageLine(for: command, path: path))")
        if !command.discussion.isEmpty {
            lines.append("")
            lines.append(command.discussion)
        }
        if !command.subcommands.isEmpty {
            lines.append("")
            lines.append("Commands:")
            let width = command.subcommands.map { $0.name.count }.max() ?? 0
            for subcommand in command.subcommands {
                lines.append("  " + pad(subcommand.name, width) + "  " + subcommand.abstract)
            }
            lines.append("")
            lines.append("See '\(path) <command> --help' for a command's options.")
        }
        let options = command.options + CommonOptions.all
        if command.subcommands.isEmpty || !command.options.isEmpty {
            lines.append("")
            lines.append("Options:")
            let labels = options.map(label(for:))
            let width = min(labels.map(\.count).max() ?? 0, 30)
            for (option, label) in zip(options, labels) {
                if label.count > width {
                    lines.append("  " + label)
                    lines.append("  " + pad("", width) + "  " + option.help)
                } else {
                    lines.append("  " + pad(label, width) + "  " + option.help)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func usageLine(for command: any Command.Type, path: String) -> String {
        command.usage.isEmpty ? path : "\(path) \(command.usage)"
    }

    private static func label(for option: OptionDefinition) -> String {
        let names = option.names.joined(separator: ", ")
        guard let valueName = option.valueName else { return names }
        return option.valueIsOptional ? "\(names) [\(valueName)]" : "\(names) \(valueName)"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
