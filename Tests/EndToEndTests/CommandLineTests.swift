import Foundation
import Testing

@Suite("The command line, end to end")
struct CommandLineTests {
    @Test func versionAndHelpGoToStandardOutput() throws {
        let version = try GlaneurProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput.hasPrefix("glaneur "))

        let help = try GlaneurProcess.run(["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("inspect"))
        #expect(help.standardOutput.contains("read"))
        #expect(help.standardError.isEmpty)

        let readHelp = try GlaneurProcess.run(["read", "--help"])
        #expect(readHelp.status == 0)
        #expect(readHelp.standardOutput.contains("--rejects FILE"))
        #expect(try GlaneurProcess.run(["help", "read"]).standardOutput == readHelp.standardOutput)
    }

    @Test func mistypedCommandSuggestsTheRightOne() throws {
        let result = try GlaneurProcess.run(["raed", "x.csv"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("Error: unknown command 'raed'"))
        #expect(result.standardError.contains("Did you mean 'read'?"))
        #expect(result.standardError.contains("See 'glaneur --help'."))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func mistypedOptionSuggestsTheRightOne() throws {
        let result = try GlaneurProcess.run(["read", "--delimter", ";", "x.csv"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("unknown option '--delimter'"))
        #expect(result.standardError.contains("Did you mean '--delimiter'?"))
        #expect(result.standardError.contains("Usage: glaneur read FILE..."))
        #expect(result.standardError.contains("See 'glaneur read --help'."))
    }

    @Test func usageErrors() throws {
        #expect(try GlaneurProcess.run(["read"]).standardError.contains("missing FILE"))
        #expect(try GlaneurProcess.run(["read"]).status == 64)
        #expect(try GlaneurProcess.run(["read", "-o"]).status == 64)
        #expect(try GlaneurProcess.run(["read", "--raw=yes", "a.csv"]).status == 64)
        #expect(try GlaneurProcess.run(["read", "--encoding", "klingon", "a.csv"]).status == 64)
        #expect(try GlaneurProcess.run([]).status == 64)
    }

    @Test func missingFileIsAFailureNamingTheFile() throws {
        let result = try GlaneurProcess.run(["read", "no-such-file.csv"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("no-such-file.csv: cannot open: No such file"))
    }

    @Test func malformedJSONIsAFailureWithLineAndColumn() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("broken.json", Array("[\n {\"name\": \"A\",}\n]".utf8))
        let result = try GlaneurProcess.run(["read", path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("broken.json: line 2, column"))
        #expect(result.standardError.contains("malformed JSON"))
    }

    @Test func optionValueForms() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("-odd name.csv", Array("Nom;CP\nFerme;5000\n".utf8))
        let equals = try GlaneurProcess.run(["read", "--delimiter=;", "--", path])
        let spaced = try GlaneurProcess.run(["read", "-d", ";", "--", path])
        #expect(equals.status == 0)
        #expect(equals.standardOutput == spaced.standardOutput)
        #expect(equals.standardOutput.contains("\"postcode\":\"5000\""))
    }

    @Test func standardInput() throws {
        let csv = "name,postcode\nFerme A,01000\n"
        let result = try GlaneurProcess.run(["read", "-"], input: Data(csv.utf8))
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("\"postcode\":\"01000\""))
        #expect(result.standardOutput.contains("\"file\":\"-\""))
    }
}
