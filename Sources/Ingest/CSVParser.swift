import GlaneurCore

/// A streaming RFC 4180 parser over bytes in an ASCII-compatible encoding.
///
/// It reads blocks from its source into one buffer and hands out one row at a time; the
/// buffer grows only for a row longer than a block, up to `maximumRowBytes`. It accepts
/// what spreadsheet exports really contain: CRLF, LF or lone CR line ends, a missing
/// final newline, quotes inside unquoted cells (kept as they are), text after a closing
/// quote (appended). A quote that is never closed does not swallow the rest of the file:
/// the line it opens on is given back as a broken row and parsing resumes on the next
/// line.
public final class CSVParser<Source: ByteSource> {
    public let delimiter: UInt8
    public let quote: UInt8
    /// A quoted cell growing past this size is taken for a broken quote.
    public let maximumRowBytes: Int

    private var source: Source
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var sourceFinished = false
    private var nextLine = 1

    /// The cells of the current row, concatenated; `cellEnds[i]` is where cell i stops.
    private var cellBytes = GrowableBuffer<UInt8>(capacity: 4096)
    private var cellEnds = GrowableBuffer<Int>(capacity: 64)

    /// Totals for the whole input.
    public private(set) var bytesConsumed = 0
    public private(set) var linesWithLoneCR = 0
    public private(set) var linesWithCRLF = 0
    public private(set) var linesWithLF = 0

    public init(
        source: Source,
        delimiter: UInt8,
        quote: UInt8 = UInt8(ascii: "\""),
        blockSize: Int = 1 << 20,
        maximumRowBytes: Int = 16 << 20
    ) {
        self.source = source
        self.delimiter = delimiter
        self.quote = quote
        self.maximumRowBytes = max(maximumRowBytes, 16)
        self.buffer = .allocate(byteCount: max(blockSize, 16), alignment: 16)
    }

    deinit {
        buffer.deallocate()
        cellBytes.deallocate()
        cellEnds.deallocate()
    }

    // MARK: - Rows

    /// One row, valid until the next call to `nextRow()`.
    public enum Row {
        case cells(ParsedRow)
        /// A quote opened on `line` was never closed (or the row outgrew the limit).
        /// `raw` is that one line; parsing goes on from the line after it.
        case brokenQuote(line: Int, raw: [UInt8], tooLarge: Bool)
    }

    public func nextRow() throws(GlaneurError) -> Row? {
        while true {
            if start == end {
                if sourceFinished { return nil }
                try fill()
                continue
            }
            switch parseRow() {
            case .complete(let row):
                return .cells(row)
            case .needMoreInput:
                if sourceFinished {
                    // Only an open quote makes a row incomplete at the end of input.
                    return try brokenQuote(tooLarge: false)
                }
                if end - start >= maximumRowBytes {
                    return try brokenQuote(tooLarge: true)
                }
                try fill()
            }
        }
    }

    /// The cells of a parsed row.
    public struct ParsedRow {
        public let line: Int
        public let lineCount: Int
        fileprivate let cellBytes: UnsafeBufferPointer<UInt8>
        fileprivate let cellEnds: UnsafeBufferPointer<Int>
        /// The row's bytes as they stood in the input, without its line end.
        public let raw: UnsafeBufferPointer<UInt8>

        public var count: Int { cellEnds.count }

        public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
            let lower = index == 0 ? 0 : cellEnds[index - 1]
            return UnsafeBufferPointer(rebasing: cellBytes[lower..<cellEnds[index]])
        }

        /// Whether every cell is empty: a blank line, or `;;;` in a spreadsheet export.
        public var isBlank: Bool { cellBytes.isEmpty }

        /// Copies the row's cells, for callers that keep rows beyond the next call.
        public var cellArrays: [[UInt8]] { (0..<count).map { Array(self[$0]) } }
    }

    // MARK: - Parsing

    private enum Outcome {
        case complete(ParsedRow)
        case needMoreInput
    }

    /// Parses one row starting at `start`, or reports that the buffer ends inside it.
    private func parseRow() -> Outcome {
        cellBytes.removeAll()
        cellEnds.removeAll()
        let bytes = UnsafeBufferPointer(
            start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: end)
        let delimiter = self.delimiter
        let quote = self.quote

        var index = start
        var newlines = 0
        var atCellStart = true
        var inQuotes = false

        while index < end {
            let byte = bytes[index]
            if inQuotes {
                if byte == quote {
                    guard index + 1 < end else {
                        if !sourceFinished { return .needMoreInput }
                        inQuotes = false
                        index += 1
                        continue
                    }
                    if bytes[index + 1] == quote {
                        cellBytes.append(quote)
                        index += 2
                    } else {
                        inQuotes = false
                        index += 1
                    }
                    continue
                }
                if byte == 0x0A || (byte == 0x0D && (index + 1 >= end || bytes[index + 1] != 0x0A))
                {
                    newlines += 1
                }
                cellBytes.append(byte)
                index += 1
                continue
            }

            if byte == delimiter {
                cellEnds.append(cellBytes.count)
                atCellStart = true
                index += 1
                continue
            }
            if byte == 0x0A || byte == 0x0D {
                var lineEnd = index + 1
                if byte == 0x0D {
                    guard index + 1 < end || sourceFinished else { return .needMoreInput }
                    if index + 1 < end, bytes[index + 1] == 0x0A {
                        lineEnd += 1
                        linesWithCRLF += 1
                    } else {
                        linesWithLoneCR += 1
                    }
                } else {
                    linesWithLF += 1
                }
                return .complete(finishRow(rawEnd: index, next: lineEnd, newlines: newlines + 1))
            }
            if byte == quote && atCellStart {
                inQuotes = true
                atCellStart = false
                index += 1
                continue
            }

            // The common case: run through an unquoted stretch.
            atCellStart = false
            var runEnd = index + 1
            while runEnd < end {
                let next = bytes[runEnd]
                if next == delimiter || next == 0x0A || next == 0x0D { break }
                runEnd += 1
            }
            cellBytes.append(contentsOf: bytes.baseAddress! + index, count: runEnd - index)
            index = runEnd
        }

        if inQuotes || !sourceFinished { return .needMoreInput }
        return .complete(finishRow(rawEnd: end, next: end, newlines: 0))
    }

    private func finishRow(rawEnd: Int, next: Int, newlines: Int) -> ParsedRow {
        cellEnds.append(cellBytes.count)
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let raw = UnsafeBufferPointer(start: base + start, count: rawEnd - start)
        let line = nextLine
        let lineCount = max(newlines, 1)
        nextLine += newlines
        bytesConsumed += next - start
        start = next
        return ParsedRow(
            line: line, lineCount: lineCount, cellBytes: cellBytes.contents,
            cellEnds: cellEnds.contents, raw: raw)
    }

    /// Gives back the first physical line of the row at `start` and resumes after it.
    /// A line longer than the buffer is given back cut, and the rest of it is skipped.
    private func brokenQuote(tooLarge: Bool) throws(GlaneurError) -> Row {
        let line = nextLine
        var raw: [UInt8] = []
        var base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var lineEnd = start
        while true {
            while lineEnd < end, base[lineEnd] != 0x0A, base[lineEnd] != 0x0D { lineEnd += 1 }
            if raw.count < maximumRowBytes {
                let kept = min(lineEnd - start, maximumRowBytes - raw.count)
                raw += UnsafeBufferPointer(start: base + start, count: kept)
            }
            bytesConsumed += lineEnd - start
            start = lineEnd
            if lineEnd < end || sourceFinished { break }
            try fill()
            base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            lineEnd = start
        }

        // Step over the line end, which may straddle two blocks.
        if start < end || !sourceFinished {
            if start == end { try fill() }
            base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if start < end, base[start] == 0x0D {
                start += 1
                bytesConsumed += 1
                if start == end, !sourceFinished { try fill() }
            }
            base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if start < end, base[start] == 0x0A {
                start += 1
                bytesConsumed += 1
            }
        }
        nextLine += 1
        return .brokenQuote(line: line, raw: raw, tooLarge: tooLarge)
    }

    // MARK: - Input

    /// Moves the unparsed bytes to the front of the buffer and reads more after them,
    /// doubling the buffer when a single row fills it.
    private func fill() throws(GlaneurError) {
        let pending = end - start
        if start > 0 {
            if pending > 0 {
                buffer.baseAddress!.copyMemory(
                    from: buffer.baseAddress! + start, byteCount: pending)
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            let larger = UnsafeMutableRawBufferPointer.allocate(
                byteCount: buffer.count * 2, alignment: 16)
            larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = larger
        }
        let free = UnsafeMutableRawBufferPointer(rebasing: buffer[end...])
        let count = try source.read(into: free)
        if count == 0 {
            sourceFinished = true
        } else {
            end += count
        }
    }
}

/// A manually managed array for the parser's hot loop: no copy-on-write checks, and
/// pointers into it stay valid until the next append.
struct GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func deallocate() {
        base.deallocate()
    }

    var contents: UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: base, count: count)
    }

    mutating func removeAll() {
        count = 0
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(toAtLeast: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf source: UnsafePointer<Element>, count added: Int) {
        if count + added > capacity { grow(toAtLeast: count + added) }
        (base + count).initialize(from: source, count: added)
        count += added
    }

    private mutating func grow(toAtLeast needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = newCapacity
    }
}
