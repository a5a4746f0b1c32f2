import Testing

@testable import Resolve

@Suite("Model weights follow the order of the levels")
struct ModelOrderTests {
    @Test func levelsOutOfOrderArePooledUntilTheirWeightsFall() {
        var model = FellegiSunterModel()
        let row = Comparison.location.rawValue
        // As EM left them on a person list: "within 25 km" above "same locality", and
        // "far apart" counting for a match.
        model.m[row] = [0.6458, 0.2873, 0.0205, 0.0179, 0.0285]
        model.u[row] = [0.02977, 0.82336, 0.12135, 0.00001, 0.02551]

        model.keepWeightsInLevelOrder()

        let weights = (0..<5).map { model.weight(.location, level: UInt8($0)) }
        for level in 1..<5 {
            #expect(weights[level] <= weights[level - 1] + 1e-9, "\(weights)")
        }
        #expect(weights[4] < 0, "far apart must count against a match: \(weights)")
        #expect(abs(model.m[row].reduce(0, +) - 1) < 1e-9)
        // The first level was in order and keeps its m.
        #expect(model.m[row][0] == 0.6458)
    }

    @Test func levelsInOrderAreLeftAlone() {
        var model = FellegiSunterModel()
        let before = model.m
        model.keepWeightsInLevelOrder()
        #expect(model.m == before)
    }
}
