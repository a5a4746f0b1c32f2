import GlaneurCore
import Testing

@testable import GlaneurCLI

@Suite("Argument parsing")
struct ArgumentParserTests {
    let options: [OptionDefinition] = [
        .value("-o", "--output", name: "FILE", help: ""),
        .value("--map", name: "FIELD=COLUMN", help: "", repeatable: true),
        .flag("--raw", help: ""),
    ]

    @Test func valuesFlagsAndPositionals() throws {
        let parsed = try ArgumentParser.parse(
            ["a.csv", "-o", "out.ndjson", "--raw", "b.csv", "--map=name=Nom", "--map", "x=y"],
            options: options)
        #expect(parsed.positionals == ["a.csv", "b.csv"])
        #expect(parsed.value("--output") == "out.ndjson")
        #expect(parsed.flag("--raw"))
        #expect(parsed.values("--map") == ["name=Nom", "x=y"])
    }

    @Test(
        arguments: [
            (["--json"], true, nil, [String]()),
            (["--json", "audit.json"], true, "audit.json", []),
            (["--json=audit.json"], true, "audit.json", []),
            (["--json", "-"], true, "-", []),
            (["--json", "--raw"], true, nil, []),
            (["--json", "-o", "a.html"], true, nil, []),
            (["--raw", "a.csv"], false, nil, ["a.csv"]),
        ] as [([String], Bool, String?, [String])])
    func anOptionalValueMayBeLeftOut(
        arguments: [String], given: Bool, value: String?, positionals: [String]
    ) throws {
        let parsed = try ArgumentParser.parse(
            arguments, options: options + [.optionalValue("--json", name: "FILE", help: "")])
        #expect(parsed.flag("--json") == given)
        #expect(parsed.value("--json") == value)
        #expect(parsed.positionals == positionals)
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try ArgumentParser.parse(["--", "--raw", "-o"], options: options)
        #expect(parsed.positionals == ["--raw", "-o"])
        #expect(!parsed.flag("--raw"))
    }

    @Test func dashAloneAndNegativeNumbersArePositional() throws {
        let parsed = try ArgumentParser.parse(["-", "-4.5"], options: options)
        #expect(parsed.positionals == ["-", "-4.5"])
    }

    @Test(arguments: [
        (["--output"], "option '--output' needs a value (FILE)"),
        (["--raw=1"], "option '--raw' takes no value"),
        (["-o", "a", "-o", "b"], "option '--output' is given twice"),
        (["--ouput", "x"], "unknown option '--ouput'"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError.self) { try ArgumentParser.parse(arguments, options: options) }
        do {
            _ = try ArgumentParser.parse(arguments, options: options)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func suggestsTheClosestName() {
        #expect(ArgumentParser.closest(to: "--ouput", among: ["--output", "--raw"]) == "--output")
        #expect(
            ArgumentParser.closest(to: "--enc", among: ["--encoding", "--raw"]) == "--encoding")
        #expect(ArgumentParser.closest(to: "--zzzzzz", among: ["--output", "--raw"]) == nil)
        #expect(ArgumentParser.closest(to: "inspet", among: ["inspect", "read"]) == "inspect")
    }

    @Test func editDistance() {
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.editDistance("same", "same") == 0)
    }
}
