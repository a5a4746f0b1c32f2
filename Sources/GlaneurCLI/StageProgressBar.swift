import Dispatch
import Foundation
import Pipeline

/// The progress of a pipeline run on one terminal line, stage by stage:
///
///     normalise   ███████████░░░░░░░░░  55%  550,000 rows  48,200 rows/s  9s left
///
/// Stages that cannot tell how far they are (deduplication, loading) show the time spent
/// so far, redrawn twice a second so that a long stage does not look stuck. Shown only
/// when the context allows it: never in a pipe, with `--quiet` or with JSON logs.
final class StageProgressBar: @unchecked Sendable {
    private let output: StandardError
    private let enabled: Bool
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?

    private var stage = ""
    private var total: Int?
    private var done = 0
    private var rows = 0
    private var stageStarted = 0.0
    private var lastDrawn = 0.0

    static let width = 20
    static let labelWidth = 11

    init(context: CommandContext) {
        output = context.standardError
        enabled = context.showsProgress
    }

    /// Follows the run's events; call `finish()` when the run ends, even by an error.
    func handle(_ event: PipelineEvent) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .started(let name, let work):
            stage = name
            total = work
            done = 0
            rows = 0
            stageStarted = monotonicSeconds()
            startTimer()
            draw(force: true)
        case .advanced(_, let work, let count):
            done = work
            rows = count
            draw(force: false)
        case .finished:
            break
        }
    }

    func finish() {
        guard enabled else { return }
        lock.lock()
        timer?.cancel()
        timer = nil
        lock.unlock()
        output.clearProgress()
    }

    private func startTimer() {
        guard timer == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock()
            defer { self.lock.unlock() }
            self.draw(force: true)
        }
        timer.resume()
        self.timer = timer
    }

    /// Called with the lock held.
    private func draw(force: Bool) {
        let now = monotonicSeconds()
        guard force || now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        output.progress(
            Self.line(
                stage: stage, done: done, total: total, rows: rows,
                elapsed: now - stageStarted))
    }

    /// The text of the bar, apart so that it can be checked without a terminal.
    static func line(stage: String, done: Int, total: Int?, rows: Int, elapsed: Double)
        -> String
    {
        let label = stage.padding(
            toLength: max(labelWidth, stage.count), withPad: " ", startingAt: 0)
        guard let total, total > 0 else {
            var text = label + " " + formatDuration(elapsed)
            if rows > 0 { text += "  " + formatCount(rows) + " rows" }
            return text
        }
        let fraction = min(max(Double(done) / Double(total), 0), 1)
        let filled = Int((fraction * Double(width)).rounded(.down))
        var text = label + " "
        text += String(repeating: "█", count: filled)
        text += String(repeating: "░", count: width - filled)
        text += " " + String(Int(fraction * 100)).leftPadded(to: 3) + "%"
        text += "  " + formatCount(rows) + " rows"
        if elapsed >= 0.5, rows > 0 {
            text += "  " + formatCount(Int(Double(rows) / elapsed)) + " rows/s"
            if fraction > 0, fraction < 1 {
                text += "  " + formatDuration(elapsed / fraction - elapsed) + " left"
            }
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
