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

    /// The cells of the current row. An unquoted cell is read where it lies in the input
    /// buffer; only quoted cells, whose doubled quotes must be undone, are copied to
    /// `unquoted`. `cellStarts[i]` is the offset of cell i in the input buffer, or, for a
    /// copied cell, the bitwise complement of its offset in `unquoted`.
    private var unquoted = GrowableBuffer<UInt8>(capacity: 4096)
    private var cellStarts = GrowableBuffer<Int>(capacity: 64)
    private var cellCounts = GrowableBuffer<Int>(capacity: 64)

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
        self.buffer = Self.allocateBuffer(byteCount: max(blockSize, 16))
    }

    deinit {
        buffer.deallocate()
        unquoted.deallocate()
        cellStarts.deallocate()
        cellCounts.deallocate()
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

    /// The cells of a parsed row. Eight bytes past each cell can be read (they belong to
    /// the row or to padding), for word-at-a-time scanning.
    public struct ParsedRow {
        public let line: Int
        public let lineCount: Int
        fileprivate let input: UnsafePointer<UInt8>
        fileprivate let unquoted: UnsafePointer<UInt8>
        fileprivate let cellStarts: UnsafeBufferPointer<Int>
        fileprivate let cellCounts: UnsafeBufferPointer<Int>
        /// The bytes of all the cells together.
        public let byteCount: Int
        /// The row's bytes as they stood in the input, without its line end.
        public let raw: UnsafeBufferPointer<UInt8>

        public var count: Int { cellStarts.count }

        public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
            let start = cellStarts[index]
            let base = start >= 0 ? input + start : unquoted + ~start
            return UnsafeBufferPointer(start: base, count: cellCounts[index])
        }

        /// Whether every cell is empty: a blank line, or `;;;` in a spreadsheet export.
        public var isBlank: Bool { byteCount == 0 }

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
        // The loop works on local copies: a stored property of a class pays a dynamic
        // exclusivity check on every access, which costs more than the parsing itself.
        var unquoted = self.unquoted
        var cellStarts = self.cellStarts
        var cellCounts = self.cellCounts
        defer {
            self.unquoted = unquoted
            self.cellStarts = cellStarts
            self.cellCounts = cellCounts
        }
        unquoted.removeAll()
        cellStarts.removeAll()
        cellCounts.removeAll()
        let bytes = UnsafeBufferPointer(
            start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: end)
        let delimiter = self.delimiter
        let quote = self.quote
        let end = self.end
        let sourceFinished = self.sourceFinished

        var index = start
        var newlines = 0
        var byteCount = 0

        // One cell per turn: `index` is at the start of a cell.
        while true {
            var lineEndAt: Int?
            if index < end && bytes[index] == quote {
                // A quoted cell: copy its text, undoing doubled quotes, up to the closing
                // quote; text after the closing quote is kept too.
                let cellStart = unquoted.count
                index += 1
                var inQuotes = true
                while true {
                    guard index < end else {
                        if inQuotes || !sourceFinished { return .needMoreInput }
                        break
                    }
                    let byte = bytes[index]
                    if inQuotes {
                        if byte == quote {
                            guard index + 1 < end || sourceFinished else { return .needMoreInput }
                            if index + 1 < end && bytes[index + 1] == quote {
                                unquoted.append(quote)
                                index += 2
                            } else {
                                inQuotes = false
                                index += 1
                            }
                            continue
                        }
                        if byte == 0x0A
                            || (byte == 0x0D && (index + 1 >= end || bytes[index + 1] != 0x0A))
                        {
                            newlines += 1
                        }
                        unquoted.append(byte)
                        index += 1
                    } else {
                        if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
                        unquoted.append(byte)
                        index += 1
                    }
                }
                cellStarts.append(~cellStart)
                cellCounts.append(unquoted.count - cellStart)
                byteCount += unquoted.count - cellStart
            } else {
                // An unquoted cell: find its end, eight bytes at a time, and leave it where
                // it is. A quote inside it is an ordinary character.
                let cellStart = index
                while index + 8 <= end {
                    // Line ends are the only bytes below 0x0E a text cell usually has;
                    // a tab stops the fast scan too, and the byte loop sorts it out.
                    let word = ByteScan.word(bytes, at: index)
                    if ByteScan.hasLess(word, than: 0x0E) || ByteScan.has(word, delimiter) {
                        break
                    }
                    index += 8
                }
                while index < end {
                    let byte = bytes[index]
                    if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
                    index += 1
                }
                if index == end && !sourceFinished { return .needMoreInput }
                cellStarts.append(cellStart)
                cellCounts.append(index - cellStart)
                byteCount += index - cellStart
            }

            // After a cell: a delimiter, a line end, or the end of the input.
            guard index < end else {
                lineEndAt = nil
                break
            }
            let byte = bytes[index]
            if byte == delimiter {
                index += 1
                continue
            }
            lineEndAt = index
            var next = index + 1
            if byte == 0x0D {
                guard index + 1 < end || sourceFinished else { return .needMoreInput }
                if index + 1 < end && bytes[index + 1] == 0x0A {
                    next += 1
                    linesWithCRLF += 1
                } else {
                    linesWithLoneCR += 1
                }
            } else {
                linesWithLF += 1
            }
            return .complete(
                finishRow(
                    unquoted: unquoted, cellStarts: cellStarts, cellCounts: cellCounts,
                    byteCount: byteCount, rawEnd: lineEndAt ?? index, next: next,
                    newlines: newlines + 1))
        }
        return .complete(
            finishRow(
                unquoted: unquoted, cellStarts: cellStarts, cellCounts: cellCounts,
                byteCount: byteCount, rawEnd: end, next: end, newlines: 0))
    }

    private func finishRow(
        unquoted: GrowableBuffer<UInt8>, cellStarts: GrowableBuffer<Int>,
        cellCounts: GrowableBuffer<Int>, byteCount: Int, rawEnd: Int, next: Int, newlines: Int
    ) -> ParsedRow {
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let raw = UnsafeBufferPointer(start: base + start, count: rawEnd - start)
        let line = nextLine
        let lineCount = max(newlines, 1)
        nextLine += newlines
        bytesConsumed += next - start
        start = next
        return ParsedRow(
            line: line, lineCount: lineCount, input: base, unquoted: unquoted.base,
            cellStarts: cellStarts.contents, cellCounts: cellCounts.contents,
            byteCount: byteCount, raw: raw)
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

    /// The input buffer, with eight zero bytes after it that are not counted, so that the
    /// last cell may be read a word at a time.
    private static func allocateBuffer(byteCount: Int) -> UnsafeMutableRawBufferPointer {
        let padded = UnsafeMutableRawBufferPointer.allocate(
            byteCount: byteCount + 8, alignment: 16)
        padded.initializeMemory(as: UInt8.self, repeating: 0)
        return UnsafeMutableRawBufferPointer(rebasing: padded[0..<byteCount])
    }

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
            let larger = Self.allocateBuffer(byteCount: buffer.count * 2)
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
/// pointers into it stay valid until the next append. Eight bytes past the capacity are
/// allocated too, so that word-at-a-time readers may read past the last element.
struct GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = Self.allocate(capacity)
    }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Element> {
        let padding = (8 + MemoryLayout<Element>.stride - 1) / MemoryLayout<Element>.stride
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: capacity + padding)
        UnsafeMutableRawPointer(pointer + capacity).initializeMemory(
            as: UInt8.self, repeating: 0, count: padding * MemoryLayout<Element>.stride)
        return pointer
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
        let larger = Self.allocate(newCapacity)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = newCapacity
    }
}
