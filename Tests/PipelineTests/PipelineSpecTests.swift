import Foundation
import GlaneurCore
import Ingest
import Testing

@testable import Pipeline

@Suite("Pipeline files")
struct PipelineSpecTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func parse(_ text: String) throws(PipelineSpecError) -> PipelineSpec {
        try PipelineSpec.parse(
            Data(text.utf8), file: "test.json5",
            baseDirectory: Self.packageRoot.appendingPathComponent("pipelines").path)
    }

    func problems(_ text: String) -> [PipelineSpecError.Problem] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.problems
        }
    }

    @Test(arguments: [
        "federation-wallonne.json5", "vlaamse-proefregio.json5", "reseau-bio.json5",
        "all-partners.json5",
    ])
    func shippedPipelinesAreValid(_ name: String) throws {
        let path = Self.packageRoot.appendingPathComponent("pipelines/\(name)").path
        let spec = try PipelineSpec.load(path: path)
        #expect(!spec.sources.isEmpty)
        #expect(spec.sources.allSatisfy { $0.files.count == 1 })
    }

    @Test func readsJSON5WithCommentsAndTrailingCommas() throws {
        let spec = try parse(
            """
            // a comment
            {
              name: 'wallonie',
              sources: [
                { path: "../samples/*.csv", partner: "Fédération", encoding: "cp1252",
                  delimiter: ";", columns: { name: "Nom", postcode: "CP", }, priority: 3,
                  delivery: "full", },
              ],
              dedupe: { match_threshold: 0.85, review_band: [0.5, 0.8] },
              target: { mode: "replace" },
            }
            """)
        #expect(spec.name == "wallonie")
        let source = try #require(spec.sources.first)
        #expect(source.files.count == 4)
        #expect(source.files.allSatisfy { $0.hasSuffix(".csv") })
        #expect(source.readOptions.encoding == .windows1252)
        #expect(source.readOptions.delimiter == UInt8(ascii: ";"))
        #expect(source.readOptions.columnOverrides == ["Nom": .name, "CP": .postcode])
        #expect(source.readOptions.sourceName == "Fédération")
        #expect(source.priority == 3)
        #expect(source.delivery == .full)
        #expect(spec.dedupe.matchThreshold == 0.85)
        #expect(spec.dedupe.reviewBand == 0.5...0.8)
        #expect(spec.target.mode == .replace)
        #expect(spec.target.database == "map.sqlite")
        #expect(spec.geocode.providers == ["offline"])
    }

    @Test func everyProblemIsReportedWithItsPath() {
        let found = problems(
            """
            {
              name: 42,
              sources: [
                { path: "../samples/no-such-file.csv", encodign: "utf-8" },
                { path: "../samples/federation-wallonne.csv", encoding: "latin-2",
                  priority: "high", columns: { nmae: "Nom" } },
              ],
              geocode: { providers: ["offline", "google"], minimum_precision: "city" },
              dedupe: { match_threshold: 1.5, review_band: [0.9, 0.4] },
              target: { mode: "overwrite" },
              extra: true,
            }
            """)
        let byPath = Dictionary(grouping: found, by: \.path).mapValues { $0.map(\.message) }
        #expect(byPath["name"] == ["expected a string, found a number"])
        #expect(
            byPath["sources[0].encodign"]?.first?.contains("did you mean \"encoding\"?") == true)
        #expect(byPath["sources[0].path"]?.first?.contains("no file matches") == true)
        #expect(
            byPath["sources[1].encoding"]?.first?.contains("unknown encoding \"latin-2\"") == true)
        #expect(byPath["sources[1].priority"] == ["expected a number, found a string"])
        #expect(
            byPath["sources[1].columns.nmae"]?.first?.contains("did you mean \"name\"?") == true)
        #expect(byPath["geocode.providers[1]"]?.first?.contains("unknown provider") == true)
        #expect(byPath["geocode.minimum_precision"]?.first?.contains("not one of") == true)
        #expect(byPath["dedupe.match_threshold"]?.first?.contains("between 0 and 1") == true)
        #expect(byPath["dedupe.review_band"]?.first?.contains("lowest first") == true)
        #expect(
            byPath["target.mode"]?.first?.contains("not one of append, upsert, replace") == true)
        #expect(byPath["extra"]?.first?.contains("unknown key") == true)
    }

    @Test func reviewBandAboveTheMatchThresholdIsImpossible() {
        let found = problems(
            """
            { name: "x", sources: [{ path: "../samples/reseau-bio.json" }],
              dedupe: { match_threshold: 0.8, review_band: [0.6, 0.95] } }
            """)
        #expect(found.map(\.path) == ["dedupe.review_band"])
        #expect(found.first?.message.contains("above the match threshold") == true)
    }

    @Test func missingSourcesAndSyntaxErrors() {
        #expect(problems("{ name: \"x\" }").map(\.path) == ["sources"])
        #expect(problems("{ name: \"x\", sources: [] }").map(\.path) == ["sources"])
        let syntax = problems("{ name: \"x\", sources: [ }")
        #expect(syntax.first?.message.contains("not valid JSON5") == true)
    }

    @Test func errorDescriptionListsEveryProblem() {
        let error = PipelineSpecError(
            file: "p.json5",
            problems: [.init(path: "a", message: "one"), .init(path: "b.c", message: "two")])
        #expect(error.description == "p.json5: 2 problems:\n  a: one\n  b.c: two")
    }
}
