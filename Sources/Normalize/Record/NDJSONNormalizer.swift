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
/// The input is read in blocks of whole lines, and each block is cut into a few slices per
/// thread; the threads take slices as they come free, each normalising into its slice's
/// buffer with a cache of its own, and the buffers are written in slice order, so that the
/// output keeps the input's order whatever the threads did. Reading the next block and
/// writing the previous one happen on a thread of their own while a block is normalised.
public struct NDJSONNormalizer: Sendable {
    public var normalizer: Normalizer
    public var threads: Int
    /// Bytes of input read at a time (whole lines are kept together).
    public var blockSize: Int

    /// Slices per thread and block: enough for a thread that was held up to be caught up
    /// by the others, few enough to keep each slice's buffer long.
    static let slicesPerThread = 4

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

        let reader = BlockReader(descriptor: descriptor, path: path, blockSize: blockSize)
        let workers = SliceWorkers(threads: threads, slices: threads * Self.slicesPerThread)
        let output = UncheckedOutput(file: output)
        // Reads and writes, in the order they are asked for.
        let io = DispatchQueue(label: "glaneur.normalize.io")
        // Every write asked for is done before returning, also when reading fails.
        defer { io.sync {} }
        let nextRead = DispatchSemaphore(value: 0)
        var summary = NormalizationSummary()
        var firstLine = 1
        var bytesDone = 0

        var block = try reader.next()
        var set = 0
        while let buffer = block {
            let lines = buffer.bytes
            // The next block is read while this one is normalised, into the other buffer.
            // The write of the block before last, which used this block's output buffers,
            // was asked for before that read.
            io.async {
                reader.prefetch()
                nextRead.signal()
            }
            let result = normalize(lines: lines, firstLine: firstLine, workers: workers, set: set)
            firstLine += result.lineCount
            summary.merge(result.summary)
            let writtenSet = set
            io.async {
                for slice in 0..<result.slices {
                    output.file.write(workers.writer(slice, set: writtenSet))
                }
            }
            bytesDone += lines.count
            progress?(bytesDone, summary.records)
            nextRead.wait()
            block = try reader.next()
            set = 1 - set
        }
        summary.cacheHits = workers.hits
        summary.cacheLookups = workers.lookups
        return summary
    }

    /// Normalises a block of whole lines on all threads; the output of slice `i` is left
    /// in `workers.writer(i, set: set)`.
    func normalize(
        lines block: UnsafeBufferPointer<UInt8>, firstLine: Int, workers: SliceWorkers, set: Int
    ) -> (slices: Int, summary: NormalizationSummary, lineCount: Int) {
        let starts = Self.lineStarts(block)
        let lineCount = starts.count
        let slices = min(workers.slices, lineCount)
        let perSlice = (lineCount + slices - 1) / slices
        let results = SliceResults(count: slices)
        let normalizer = self.normalizer
        workers.startBlock(slices: slices)

        let bytes = UncheckedBuffer(buffer: block)
        let tasks = min(threads, slices)
        // One task per thread, each with its cache, taking slices until none is left.
        DispatchQueue.concurrentPerform(iterations: tasks) { task in
            let cache = workers.cache(task)
            while let slice = workers.nextSlice() {
                let first = min(slice * perSlice, lineCount)
                let end = min(first + perSlice, lineCount)
                normalize(
                    slice: slice, lines: first..<end, starts: starts,
                    of: bytes.buffer, lineCount: lineCount, firstLine: firstLine,
                    normalizer: normalizer, cache: cache, workers: workers, set: set,
                    results: results)
            }
        }

        var summary = NormalizationSummary()
        for slice in 0..<slices { summary.merge(results.summaries[slice]) }
        return (slices, summary, lineCount)
    }

    /// Normalises the lines of one slice into the slice's writer.
    private func normalize(
        slice: Int, lines: Range<Int>, starts: [Int], of bytes: UnsafeBufferPointer<UInt8>,
        lineCount: Int, firstLine: Int, normalizer: Normalizer, cache: NormalizationCache,
        workers: SliceWorkers, set: Int, results: SliceResults
    ) {
        // Each slice reuses its writer's memory from block to block.
        var writer = workers.takeWriter(slice, set: set)
        var summary = NormalizationSummary()
        for line in lines {
            let start = starts[line]
            var end = line + 1 < lineCount ? starts[line + 1] : bytes.count
            while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D {
                end -= 1
            }
            guard end > start else { continue }
            let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
            do {
                // Straight from bytes; the general parser for the lines the
                // direct reader leaves to it, and for their errors.
                let direct = RecordReader.readKeepingSourceFields(text)
                let record =
                    try direct?.record ?? ProducerRecord(json: try JSONParser.parse(text))
                let normalized = normalizer.normalize(record, cache: cache)
                summary.count(normalized)
                normalized.writeJSON(
                    to: &writer,
                    sourceFieldsJSON: direct?.sourceFields.map {
                        UnsafeBufferPointer(rebasing: text[$0])
                    })
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
        workers.putWriter(writer, slice, set: set)
        results.store(slice, summary: summary)
    }

    /// The offset of each line of a block of whole lines.
    static func lineStarts(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var starts = [0]
        guard let base = bytes.baseAddress else { return starts }
        var offset = 0
        while offset < bytes.count,
            let newline = memchr(base + offset, 0x0A, bytes.count - offset)
        {
            offset = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            if offset < bytes.count { starts.append(offset) }
        }
        return starts
    }
}

/// Reads an input in blocks of whole lines, one block ahead: `prefetch` reads the next
/// block on the I/O thread, `next` hands it over on the caller's.
///
/// Blocks are read straight into two buffers used in turn, so that reading copies no
/// byte and allocates nothing once the buffers are grown: a block is normalised in one
/// buffer while the next is read into the other. A block handed over stays valid until
/// the second `prefetch` or `next` after it.
private final class BlockReader: @unchecked Sendable {
    private let descriptor: Int32
    private let path: String
    private let blockSize: Int
    private let buffers: [ByteBuffer]
    private var nextBuffer = 0
    /// Bytes read after the last whole line handed over.
    private var carry: [UInt8] = []
    private var ahead: Result<ByteBuffer?, GlaneurError>?
    private var finished = false

    init(descriptor: Int32, path: String, blockSize: Int) {
        self.descriptor = descriptor
        self.path = path
        self.blockSize = blockSize
        buffers = [ByteBuffer(capacity: blockSize), ByteBuffer(capacity: blockSize)]
    }

    /// Reads the next block, to be taken by `next`.
    func prefetch() {
        ahead = Result { () throws(GlaneurError) in try read() }
    }

    /// The next block of whole lines (the last one may lack its newline), or nil at the
    /// end of the input.
    func next() throws(GlaneurError) -> ByteBuffer? {
        let result = ahead ?? Result { () throws(GlaneurError) in try read() }
        ahead = nil
        return try result.get()
    }

    private func read() throws(GlaneurError) -> ByteBuffer? {
        let buffer = buffers[nextBuffer]
        nextBuffer = 1 - nextBuffer
        buffer.count = 0
        buffer.append(carry)
        carry.removeAll(keepingCapacity: true)
        while !finished {
            buffer.reserve(buffer.count + blockSize)
            let count = Glibc.read(descriptor, buffer.base + buffer.count, blockSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw GlaneurError.io(path: path, action: "cannot read", errno: errno)
            }
            if count == 0 {
                finished = true
                break
            }
            // Hand over the whole lines, keep the unfinished last one for the next block.
            let added = UnsafeBufferPointer(start: buffer.base + buffer.count, count: count)
            let start = buffer.count
            buffer.count += count
            guard let newline = added.lastIndex(of: 0x0A) else { continue }
            let end = start + newline + 1
            carry.append(contentsOf: UnsafeBufferPointer(rebasing: buffer.bytes[end...]))
            buffer.count = end
            return buffer
        }
        return buffer.count == 0 ? nil : buffer
    }
}

/// Bytes in memory of their own that grows when asked and is never shrunk.
final class ByteBuffer: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// The bytes in use, from `base`.
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Makes room for `minimum` bytes in all, keeping those in use.
    func reserve(_ minimum: Int) {
        guard minimum > capacity else { return }
        let larger = max(capacity * 2, minimum)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = larger
    }

    func append(_ source: [UInt8]) {
        reserve(count + source.count)
        source.withUnsafeBufferPointer { source in
            guard let start = source.baseAddress else { return }
            (base + count).update(from: start, count: source.count)
        }
        count += source.count
    }
}

/// The output file, written by the I/O thread only while a run lasts.
private struct UncheckedOutput: @unchecked Sendable {
    let file: OutputFile
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

/// The caches and output buffers of a run, and the slices of the block being normalised.
///
/// One cache per thread (each task of `concurrentPerform` uses its own), so that no cache
/// is used by two threads at once. Two sets of one writer per slice: a block is normalised
/// into one set while the block before is written from the other.
final class SliceWorkers: @unchecked Sendable {
    let slices: Int
    private let caches: [NormalizationCache]
    /// The next slice to hand out, and the block's slice count, under `lock`.
    private var nextSliceIndex = 0
    private var blockSlices = 0
    private var lock = pthread_mutex_t()
    private let writers: UnsafeMutableBufferPointer<JSONWriter>

    init(threads: Int, slices: Int) {
        self.slices = slices
        caches = (0..<threads).map { _ in NormalizationCache() }
        pthread_mutex_init(&lock, nil)
        writers = .allocate(capacity: 2 * slices)
        writers.initialize(repeating: JSONWriter())
    }

    deinit {
        pthread_mutex_destroy(&lock)
        writers.deinitialize().deallocate()
    }

    func cache(_ task: Int) -> NormalizationCache { caches[task] }

    /// Makes the slices of a new block available to `nextSlice`.
    func startBlock(slices: Int) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        nextSliceIndex = 0
        blockSlices = slices
    }

    /// A slice of the block that no thread has taken yet, or nil.
    func nextSlice() -> Int? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard nextSliceIndex < blockSlices else { return nil }
        nextSliceIndex += 1
        return nextSliceIndex - 1
    }

    /// The slice's writer, emptied, keeping its memory; give it back with `putWriter`.
    func takeWriter(_ slice: Int, set: Int) -> JSONWriter {
        var writer = JSONWriter()
        swap(&writer, &writers[set * slices + slice])
        writer.removeAll()
        return writer
    }

    func putWriter(_ writer: JSONWriter, _ slice: Int, set: Int) {
        writers[set * slices + slice] = writer
    }

    func writer(_ slice: Int, set: Int) -> JSONWriter { writers[set * slices + slice] }

    var hits: Int { caches.reduce(0) { $0 + $1.hits } }
    var lookups: Int { caches.reduce(0) { $0 + $1.lookups } }
}
