/// What a running pipeline tells the one who started it, for a progress bar and logs.
///
/// Work is counted in the stage's own unit: bytes of the partner files while reading
/// (the only measure known before the rows are), records in the stages after.
public enum PipelineEvent: Sendable, Equatable {
    /// A stage began; `total` is its work when known beforehand.
    case started(stage: String, total: Int?)
    /// A stage has finished `done` units of work and `rows` records.
    case advanced(stage: String, done: Int, rows: Int)
    /// A stage ended after `seconds`, having handled `rows` records.
    case finished(stage: String, rows: Int, seconds: Double)
}

/// The stages of a run, in order, as events and reports name them.
public enum PipelineStage {
    public static let read = "read"
    public static let normalise = "normalise"
    public static let geocode = "geocode"
    public static let deduplicate = "deduplicate"
    public static let load = "load"
}

/// Splits `count` items into consecutive batches for stages that report progress between
/// batches; each batch is still spread over every thread.
func batches(of count: Int, threads: Int, perThread: Int = 8_192) -> [Range<Int>] {
    let size = max(1, threads) * perThread
    return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
}
