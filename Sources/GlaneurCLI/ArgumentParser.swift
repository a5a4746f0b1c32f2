import GlaneurCore

/// A small command-line parser that behaves the way users of swift-argument-parser
/// expect: `--option value` and `--option=value`, `-o value`, `--` ending the options,
/// usage errors with a "did you mean" suggestion.

/// One option a command accepts.
public struct OptionDefinition: Sendable {
    /// Names with their dashes: `["-o", "--output"]`. The last one is the canonical name.
    public var names: [String]
    /// The placeholder shown in help for an option that takes a value; nil for a flag.
    public var valueName: String?
    public var help: String
    /// Whether the option may be given several times (`--map a=b --map c=d`).
    public var repeatable: Bool
    /// Whether the value may be left out (`--json` alone, `--json FILE`, `--json=FILE`):
    /// the option then also reads as a flag.
    public var valueIsOptional = false

    public init(
        _ names: [String], value valueName: String? = nil, help: String,
        repeatable: Bool = false
    ) {
        self.names = names
        self.valueName = valueName
        self.help = help
        self.repeatable = repeatable
    }

    public static func flag(_ names: String..., help: String) -> OptionDefinition {
        OptionDefinition(names, help: help)
    }

    public static func value(
        _ names: String..., name: String, help: String,
        repeatable: Bool = false
    ) -> OptionDefinition {
        OptionDefinition(names, value: name, help: help, repeatable: repeatable)
    }

    /// An option whose value may be left out: given alone it is a flag; the word after
    /// it is its value unless that word is another option.
    public static func optionalValue(_ names: String..., name: String, help: String)
        -> OptionDefinition
    {
        var option = OptionDefinition(names, value: name, help: help)
        option.valueIsOptional = true
        return option
    }

    var canonicalName: String { names.last ?? "" }
}

/// What the user typed, sorted out.
public struct ParsedArguments: Sendable {
    public var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// Whether a flag was given, by its canonical name (`--raw`).
    public func flag(_ name: String) -> Bool {
        flags.contains(name)
    }

    /// The last value of an option, by its canonical name.
    public func value(_ name: String) -> String? {
        values[name]?.last
    }

    /// Every value of a repeatable option, in order.
    public func values(_ name: String) -> [String] {
        values[name] ?? []
    }

    mutating func setFlag(_ name: String) {
        flags.insert(name)
    }

    mutating func addValue(_ value: String, for name: String) {
        values[name, default: []].append(value)
    }
}

/// A mistake in how a command was called: reported with the usage line, exit 64.
public struct UsageError: Error, Sendable {
    public var message: String
    public var suggestion: String?

    public init(_ message: String, suggestion: String? = nil) {
        self.message = message
        self.suggestion = suggestion
    }
}

enum ArgumentParser {
    /// Parses the arguments that follow a command's name.
    static func parse(
        _ arguments: [String], options: [OptionDefinition]
    ) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") || isNumber(argument) {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }

            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = options.first(where: { $0.names.contains(name) }) else {
                let known = options.flatMap(\.names)
                throw UsageError(
                    "unknown option '\(name)'",
                    suggestion: closest(to: name, among: known).map { "'\($0)'" })
            }

            if option.valueName == nil {
                if inlineValue != nil {
                    throw UsageError("option '\(name)' takes no value")
                }
                parsed.setFlag(option.canonicalName)
                continue
            }
            if option.valueIsOptional {
                parsed.setFlag(option.canonicalName)
                let next = index < arguments.count ? arguments[index] : nil
                let takesNext =
                    inlineValue == nil && next.map { $0 == "-" || !$0.hasPrefix("-") } == true
                guard inlineValue != nil || takesNext else { continue }
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count {
                value = arguments[index]
                index += 1
            } else {
                throw UsageError("option '\(name)' needs a value (\(option.valueName ?? "VALUE"))")
            }
            if !option.repeatable, parsed.value(option.canonicalName) != nil {
                throw UsageError("option '\(option.canonicalName)' is given twice")
            }
            parsed.addValue(value, for: option.canonicalName)
        }
        return parsed
    }

    private static func isNumber(_ argument: String) -> Bool {
        argument.count > 1 && Double(argument) != nil
    }

    /// The known word closest to a mistyped one, if it is close enough to be a typo.
    static func closest(to word: String, among candidates: [String]) -> String? {
        Suggestion.closest(to: word, among: candidates)
    }
}
