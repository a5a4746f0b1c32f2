import Foundation
import Testing

@testable import Resolve

@Suite("Estimating the model")
struct ModelEstimationTests {
    /// The 20 commonest patterns of the candidate pairs of a map of a million rows
    /// (filler producers in the places of 50,000 generated ones), and the 20 commonest
    /// of those that share a phone, an e-mail or an address with a similar name: levels
    /// of name, phone, e-mail, company number, location, address, contact and legal
    /// form, "-" where a record lacks the value; then how many pairs have the pattern.
    static let millionRowPatterns: [(levels: String, pairs: Int)] = [
        ("4 - 1 - 0 2 - -", 919660),
        ("4 1 1 - 0 2 - -", 705280),
        ("3 - 1 - 2 2 - -", 314685),
        ("4 - 1 - 1 2 - -", 267834),
        ("3 1 1 - 2 2 - -", 226660),
        ("4 1 1 - 1 2 - -", 210331),
        ("4 - 1 - 2 2 - -", 178344),
        ("3 - 1 - 0 2 - -", 131326),
        ("4 1 1 - 2 2 - -", 124151),
        ("3 1 1 - 0 2 - -", 109150),
        ("0 1 - - 4 2 - -", 51429),
        ("3 - 1 - 3 2 - -", 47425),
        ("0 1 1 - 4 2 - -", 43917),
        ("3 - 1 - 1 2 - -", 39465),
        ("0 1 1 - 4 2 1 -", 37307),
        ("3 1 1 - 3 2 - -", 35966),
        ("4 - 1 - 0 - - -", 33392),
        ("3 1 1 - 1 2 - -", 33027),
        ("4 - 1 - 3 2 - -", 28897),
        ("4 1 1 - 0 - - -", 26284),
        ("1 1 1 - 0 2 - -", 2273),
        ("1 1 - - 0 2 - -", 1578),
        ("1 1 1 - 0 2 1 -", 1326),
        ("1 - 1 - 0 2 - -", 511),
        ("1 1 - - 1 2 - -", 391),
        ("1 1 1 - 0 2 - 1", 366),
        ("1 1 1 - 0 2 0 -", 345),
        ("1 1 - - 0 2 - 1", 330),
        ("1 1 - - 0 2 1 -", 296),
        ("1 1 1 - 1 2 - -", 282),
        ("0 0 - - 0 0 - -", 250),
        ("1 1 1 - 0 2 1 1", 225),
        ("1 1 1 - 1 2 1 -", 191),
        ("1 - - - 0 2 - -", 188),
        ("1 1 1 - 0 2 - 0", 171),
        ("1 - 1 - 1 2 - -", 164),
        ("0 0 0 - 0 0 - -", 163),
        ("0 0 - - 0 0 - 0", 156),
        ("0 0 0 - 0 0 0 -", 130),
        ("1 - 1 - 0 2 1 -", 129),
    ]

    static func pattern(_ levels: String) -> Pattern {
        var pattern = Pattern()
        for (comparison, level) in zip(Comparison.allCases, levels.split(separator: " ")) {
            pattern[comparison] = UInt8(level) ?? Pattern.null
        }
        return pattern
    }

    /// The first guess counts tens of thousands of these pairs as matches for a few
    /// thousand true ones; EM takes about a hundred iterations to drain them, and a
    /// model stopped before lets different phones and places pass for one producer.
    @Test func emRunsUntilTheModelStopsMovingOnAMillionRows() {
        var patterns: [Pattern: Int] = [:]
        for (levels, pairs) in Self.millionRowPatterns {
            patterns[Self.pattern(levels), default: 0] += pairs
        }
        var model = FellegiSunterModel()
        model.estimateM(patterns: patterns)

        #expect(model.converged, "stopped after \(model.iterations) iterations")
        #expect(model.weight(.phone, level: 1) < -5)
        #expect(model.weight(.location, level: 4) < -5)
        #expect(model.weight(.address, level: 2) < -5)
        #expect(model.prior < 0.001)
    }

    /// Every pattern of the same map. From the usual first guess EM settles where "far
    /// apart" and different phones hardly count, and same-named farms that share an
    /// e-mail across regions pass for one producer; from the guess that trusts nearby
    /// evidence only, on a likelier model where they rule a pair out.
    @Test func emKeepsTheLikelierOfTwoStarts() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/million-row-patterns.txt").path
        var patterns: [Pattern: Int] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            let pairs = try #require(fields.last.flatMap { Int($0) })
            patterns[Self.pattern(fields.dropLast().joined(separator: " ")), default: 0] += pairs
        }
        #expect(patterns.count == 1679)

        var model = FellegiSunterModel()
        model.estimateM(patterns: patterns)

        #expect(model.converged)
        #expect(model.weight(.location, level: 2) < -5, "within 5 km")
        #expect(model.weight(.location, level: 4) < -5, "far apart")
        #expect(model.weight(.phone, level: 1) < -3)
        #expect(model.weight(.email, level: 0) < 12)
    }
}
