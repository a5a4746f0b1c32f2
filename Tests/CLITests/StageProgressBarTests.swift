import Testing

@testable import GlaneurCLI

@Suite("Progress bar")
struct StageProgressBarTests {
    @Test func showsTheShareDoneTheRateAndTheTimeLeft() {
        let line = StageProgressBar.line(
            stage: "normalise", done: 250_000, total: 1_000_000, rows: 250_000, elapsed: 5)
        #expect(
            line == "normalise   █████░░░░░░░░░░░░░░░  25%  250,000 rows  50,000 rows/s  15s left")
    }

    @Test func aStageWithoutATotalShowsItsTimeSoFar() {
        let line = StageProgressBar.line(
            stage: "deduplicate", done: 0, total: nil, rows: 0, elapsed: 72)
        #expect(line == "deduplicate 1m12s")
    }

    @Test func noRateBeforeTheFirstRows() {
        let line = StageProgressBar.line(stage: "read", done: 0, total: 100, rows: 0, elapsed: 3)
        #expect(line.hasSuffix("  0%  0 rows"))
    }
}
