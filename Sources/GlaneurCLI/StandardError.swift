import Glibc

/// Writes diagnostics to standard error, a whole line at a time, so that lines from two
/// threads never interleave.
public final class StandardError: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    /// Whether a progress line is on screen and must be cleared before the next line.
    private var progressShown = false

    public init() {
        pthread_mutex_init(&lock, nil)
    }

    deinit {
        pthread_mutex_destroy(&lock)
    }

    /// Writes a line (a newline is added).
    public func line(_ text: String) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if progressShown {
            write("\r\u{1B}[K")
            progressShown = false
        }
        write(text + "\n")
    }

    /// Replaces the progress line on a terminal.
    public func progress(_ text: String) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        write("\r\u{1B}[K" + text)
        progressShown = true
    }

    /// Removes the progress line, if any.
    public func clearProgress() {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if progressShown {
            write("\r\u{1B}[K")
            progressShown = false
        }
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(
                    STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// A progress line for long work: updated at most ten times a second, shown only when
/// the context allows it.
public final class ProgressLine {
    private let output: StandardError
    private let enabled: Bool
    private let label: String
    private let total: Int?
    private let started = monotonicSeconds()
    private var lastShown = 0.0

    /// - parameter total: the amount of work (bytes, rows) if known, for the time left.
    public init(_ label: String, total: Int?, context: CommandContext) {
        self.output = context.standardError
        self.enabled = context.showsProgress
        self.label = label
        self.total = total
    }

    /// Reports that `done` units of work (of `total`) are finished; `rows` is shown as
    /// the rate people care about.
    public func update(done: Int, rows: Int) {
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - lastShown >= 0.1 else { return }
        lastShown = now
        let elapsed = max(now - started, 1e-6)
        var text =
            "\(label): \(formatCount(rows)) rows, \(formatCount(Int(Double(rows) / elapsed)))/s"
        if let total, total > 0, done > 0 {
            let fraction = min(Double(done) / Double(total), 1)
            let left = elapsed / fraction - elapsed
            text += ", \(Int(fraction * 100))%, \(formatDuration(left)) left"
        }
        output.progress(text)
    }

    public func finish() {
        guard enabled else { return }
        output.clearProgress()
    }
}

func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// 1234567 → "1,234,567".
func formatCount(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return value < 0 ? "-" + result : result
}

func formatDuration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    if total < 60 { return "\(total)s" }
    if total < 3600 { return "\(total / 60)m\(String(format2: total % 60))s" }
    return "\(total / 3600)h\(String(format2: (total % 3600) / 60))m"
}

extension String {
    /// Two digits, zero-padded.
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }

}
