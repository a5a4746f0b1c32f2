import Dispatch
import GlaneurCore
import Glibc

/// Counts of one normalisation run, by rule and by warning code.
public struct NormalizationSummary: Sendable {
    public var records = 0
    /// Lines that are not a record in the NDJSON form of `glaneur read`.
    public var unreadableLines = 0
    /// The first unreadable lines, "line N: reason", for the user to look at.
    public var unreadableSamples: [String] = []
    /// Records to which each rule applied.
    public var rules: [String: Int] = [:]
    /// Records that raised each warning code.
    public var warnings: [String: Int] = [:]
    /// Lookups of the per-thread caches answered from memory, and all lookups.
    public var cacheHits = 0
    public var cacheLookups = 0

    public init() {}

    static let sampleLimit = 5

    mutating func count(_ record: NormalizedRecord) {
        records += 1
        for rule in record.rules { rules[rule, default: 0] += 1 }
        var seen: Set<String> = []
        for warning in record.warnings where seen.insert(warning.code).inserted {
            warnings[warning.code, default: 0] += 1
        }
    }

    mutating func merge(_ other: NormalizationSummary) {
        records += other.records
        unreadableLines += other.unreadableLines
        for sample in other.unreadableSamples where unreadableSamples.count < Self.sampleLimit {
            unreadableSamples.append(sample)
        }
        for (rule, count) in other.rules { rules[rule, default: 0] += count }
        for (code, count) in other.warnings { warnings[code, default: 0] += count }
    }
}

/// Normalises an NDJSON stream of records on several threads, writing the normalised
/// records in input order.
///
/// The input is read in blocks of whole lines; each block is cut into one slice per
/// thread, the slices are normalised at the same time into their own buffers, and the
/// buffers are written one after the other, so that the output keeps the input's order.
public struct NDJSONNormalizer: Sendable {
    public var normalizer: Normalizer
    public var threads: Int
    /// Bytes of input read at a time (whole lines are kept together).
    public var blockSize: Int

    public init(normalizer: Normalizer = Normalizer(), threads: Int, blockSize: Int = 8 << 20) {
        self.normalizer = normalizer
        self.threads = max(1, threads)
        self.blockSize = blockSize
    }

    /// Reads records from `path` (`-` for standard input) and writes normalised records
    /// to `output`.
    ///
    /// - parameter progress: called after each block with the bytes and records done.
    /// - throws: `GlaneurError.io` when the input cannot be opened or read.
    public func run(
        path: String, output: OutputFile, progress: ((Int, Int) -> Void)? = nil
    ) throws(GlaneurError) -> NormalizationSummary {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GlaneurError.io(path: path, action: "cannot open", errno: errno)
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }

        var summary = NormalizationSummary()
        let caches = SliceCaches(count: threads)
        var pending: [UInt8] = []
        var block = [UInt8](repeating: 0, count: blockSize)
        var firstLine = 1
        var bytesDone = 0
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, blockSize) }
            if count < 0 {
                if errno == EINTR { continue }
                throw GlaneurError.io(path: path, action: "cannot read", errno: errno)
            }
            if count == 0 { break }
            bytesDone += count
            pending.append(contentsOf: block[0..<count])

            // Keep the last, unfinished line for the next block.
            guard let lastNewline = pending.lastIndex(of: 0x0A) else { continue }
            let result = normalize(
                lines: pending, count: lastNewline + 1, firstLine: firstLine, caches: caches)
            firstLine += result.lineCount
            for slice in 0..<result.slices { output.write(caches.writer(slice).bytes) }
            summary.merge(result.summary)
            pending.removeSubrange(...lastNewline)
            progress?(bytesDone, summary.records)
        }
        summary.cacheHits = caches.hits
        summary.cacheLookups = caches.lookups
        if !pending.isEmpty {
            let result = normalize(
                lines: pending, count: pending.count, firstLine: firstLine, caches: caches)
            for slice in 0..<result.slices { output.write(caches.writer(slice).bytes) }
            summary.merge(result.summary)
        }
        return summary
    }

    /// Normalises a block of whole lines on all threads.
    /// Normalises the first `count` bytes of `block`, whole lines, on all threads; the
    /// output of slice `i` is left in `caches.writer(i)`.
    func normalize(lines block: [UInt8], count: Int, firstLine: Int, caches: SliceCaches)
        -> (slices: Int, summary: NormalizationSummary, lineCount: Int)
    {
        // Line boundaries, then one slice of lines per thread.
        var lineStarts: [Int] = [0]
        for index in 0..<count where block[index] == 0x0A && index + 1 < count {
            lineStarts.append(index + 1)
        }
        let starts = lineStarts
        let lineCount = starts.count
        let slices = min(threads, lineCount)
        let perSlice = (lineCount + slices - 1) / slices
        let results = SliceResults(count: slices)
        let normalizer = self.normalizer

        block.withUnsafeBufferPointer { whole in
            let bytes = UncheckedBuffer(buffer: UnsafeBufferPointer(rebasing: whole[0..<count]))
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                // Each slice reuses its writer's memory from block to block.
                var writer = caches.takeWriter(slice)
                var summary = NormalizationSummary()
                let cache = caches.cache(slice)
                let first = slice * perSlice
                let last = min(first + perSlice, lineCount)
                for line in first..<last {
                    let start = starts[line]
                    var end = line + 1 < lineCount ? starts[line + 1] : bytes.buffer.count
                    while end > start,
                        bytes.buffer[end - 1] == 0x0A || bytes.buffer[end - 1] == 0x0D
                    {
                        end -= 1
                    }
                    guard end > start else { continue }
                    let text = UnsafeBufferPointer(rebasing: bytes.buffer[start..<end])
                    do {
                        // Straight from bytes; the general parser for the lines the
                        // direct reader leaves to it, and for their errors.
                        let record =
                            try RecordReader.read(text)
                            ?? ProducerRecord(json: try JSONParser.parse(text))
                        let normalized = normalizer.normalize(record, cache: cache)
                        summary.count(normalized)
                        normalized.writeJSON(to: &writer)
                        writer.byte(0x0A)
                    } catch {
                        summary.unreadableLines += 1
                        if summary.unreadableSamples.count < NormalizationSummary.sampleLimit {
                            // A syntax error's column is within its line; the line is ours.
                            let place =
                                (error as? JSONSyntaxError).map {
                                    "line \(firstLine + line), column \($0.column): \($0.message)"
                                } ?? "line \(firstLine + line): \(error)"
                            summary.unreadableSamples.append(place)
                        }
                    }
                }
                caches.putWriter(slice, writer)
                results.store(slice, summary: summary)
            }
        }

        var summary = NormalizationSummary()
        for slice in 0..<slices { summary.merge(results.summaries[slice]) }
        return (slices, summary, lineCount)
    }
}

/// A read-only view of the block that every thread reads, each its own lines.
private struct UncheckedBuffer: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
}

/// One slot per slice; each thread writes only its own slot, and the slots are read
/// after `concurrentPerform` has returned.
private final class SliceResults: @unchecked Sendable {
    private let summarySlots: UnsafeMutableBufferPointer<NormalizationSummary>

    init(count: Int) {
        summarySlots = .allocate(capacity: count)
        summarySlots.initialize(repeating: NormalizationSummary())
    }

    deinit {
        summarySlots.deinitialize().deallocate()
    }

    func store(_ slice: Int, summary: NormalizationSummary) {
        summarySlots[slice] = summary
    }

    var summaries: [NormalizationSummary] { Array(summarySlots) }
}

/// One cache per slice of a block. Slice `i` of every block is normalised by one thread at
/// a time, so cache `i` is never used by two threads at once.
final class SliceCaches: @unchecked Sendable {
    private let caches: [NormalizationCache]
    private let writers: UnsafeMutableBufferPointer<JSONWriter>

    init(count: Int) {
        caches = (0..<count).map { _ in NormalizationCache() }
        writers = .allocate(capacity: count)
        writers.initialize(repeating: JSONWriter())
    }

    deinit {
        writers.deinitialize().deallocate()
    }

    /// The slice's writer, emptied, keeping its memory; give it back with `putWriter`.
    func takeWriter(_ slice: Int) -> JSONWriter {
        var writer = JSONWriter()
        swap(&writer, &writers[slice])
        writer.removeAll()
        return writer
    }

    func putWriter(_ slice: Int, _ writer: JSONWriter) {
        writers[slice] = writer
    }

    func writer(_ slice: Int) -> JSONWriter { writers[slice] }

    func cache(_ slice: Int) -> NormalizationCache { caches[slice] }
    var hits: Int { caches.reduce(0) { $0 + $1.hits } }
    var lookups: Int { caches.reduce(0) { $0 + $1.lookups } }
}
