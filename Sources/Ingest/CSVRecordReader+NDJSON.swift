import GlaneurCore

/// The fast path of `glaneur read` for delimited files.
///
/// Building a `ProducerRecord` for each row means a string per cell and several arrays
/// per row; written straight back out as NDJSON, most of that work is wasted. This path
/// writes the record's JSON from the cells' bytes and falls back to the record path for
/// any row that needs care (a reject, a cell that is not valid in its encoding, a NUL
/// byte), so that both paths write the same bytes for every row.
extension CSVRecordReader {
    /// What writing one row did.
    public enum NDJSONStep {
        /// A record was written, followed by a newline.
        case wrote
        case rejected(Reject)
        case end
    }

    /// Writes the next record as one NDJSON line, exactly as
    /// `ProducerRecord.writeJSON(to:)` would.
    public func writeNextRecord(to writer: inout JSONWriter) throws(GlaneurError) -> NDJSONStep {
        if pendingFirstDataRow != nil {
            return step(for: try next(), writer: &writer)
        }
        while let row = try parser.nextRow() {
            switch row {
            case .brokenQuote(let line, let raw, let tooLarge):
                return step(
                    for: reject(brokenQuoteAt: line, raw: raw, tooLarge: tooLarge),
                    writer: &writer)
            case .cells(let cells):
                if cells.isBlank {
                    counts.blankRows += 1
                    continue
                }
                if let plan = ndjsonPlan, writeClean(cells, plan: plan, to: &writer) {
                    return .wrote
                }
                return step(for: item(decoding: cells), writer: &writer)
            }
        }
        noteFallbacks()
        return .end
    }

    /// Writes the next parsed row as a JSON array of strings, title and header rows
    /// included; false at the end of the file.
    public func writeNextRawRow(to writer: inout JSONWriter) throws(GlaneurError) -> Bool {
        if !pendingRawRows.isEmpty || pendingFirstDataRow != nil {
            guard let cells = try nextRawRow() else { return false }
            writer.strings(cells)
            writer.byte(0x0A)
            return true
        }
        while let row = try parser.nextRow() {
            guard case .cells(let cells) = row else { continue }
            if cells.count == 1 && cells[0].isEmpty && cells.raw.isEmpty { continue }
            if Self.scan(cells, count: cells.count, decoder: decoder) != nil {
                writer.byte(UInt8(ascii: "["))
                for index in 0..<cells.count {
                    if index > 0 { writer.byte(UInt8(ascii: ",")) }
                    writeCell(cells[index], to: &writer)
                }
                writer.raw("]\n")
            } else {
                writer.strings(decodeAll(cells))
                writer.byte(0x0A)
            }
            return true
        }
        return false
    }

    // MARK: - Rows that need no care

    private func step(for item: ReadItem?, writer: inout JSONWriter) -> NDJSONStep {
        switch item {
        case .record(let record):
            record.writeJSON(to: &writer)
            writer.byte(0x0A)
            return .wrote
        case .reject(let reject): return .rejected(reject)
        case nil: return .end
        }
    }

    /// Writes a row that has the header's width, clean cells and a name; returns false,
    /// writing nothing, for any other row.
    private func writeClean(
        _ cells: CSVParser<AnySource>.ParsedRow, plan: NDJSONPlan, to writer: inout JSONWriter
    ) -> Bool {
        var width = cells.count
        while width > columnCount, cells[width - 1].isEmpty { width -= 1 }
        guard width == columnCount, let escapes = Self.scan(cells, count: width, decoder: decoder)
        else { return false }
        // Single-byte files (Excel exports, small) take the record path; reference files
        // of millions of rows are UTF-8.
        let encoding = decoder.encoding
        guard !encoding.isSingleByte,
            plan.nameColumns.contains(where: { !Self.isBlank(cells[$0], encoding: encoding) })
        else { return false }

        counts.rows += 1
        counts.records += 1
        let row = counts.rows
        // Each cell is written twice (canonical field and source field), each byte taking
        // at most six once escaped; the padded escaping may store eight bytes past its end.
        let maximum = 12 * cells.byteCount + plan.fixedSize + 64 + 8
        writer.write(upTo: maximum) { cursor in
            plan.write(cells, row: row, escapes: escapes, encoding: encoding, to: &cursor)
        }
        return true
    }

    /// Whether every cell can be written from its bytes (no NUL, and valid UTF-8 when the
    /// file is UTF-8), and if so which cells need JSON escapes: bit i for cell i, every
    /// bit for a row wider than 64 cells. Nil for a row that needs the record path.
    static func scan(_ cells: CSVParser<AnySource>.ParsedRow, count: Int, decoder: CellDecoder)
        -> UInt64?
    {
        let checksUTF8 = !decoder.encoding.isSingleByte
        var escapes: UInt64 = count > 64 ? ~0 : 0
        for index in 0..<count {
            let cell = cells[index]
            var offset = 0
            var plain = true
            var needsEscape = false
            while offset < cell.count {
                // The eight bytes after a cell are readable; past its end they are masked.
                var word = ByteScan.word(cell, at: offset)
                let remaining = cell.count - offset
                if remaining < 8 {
                    let kept: UInt64 = (1 << (UInt64(remaining) * 8)) &- 1
                    word = (word & kept) | (0x4141_4141_4141_4141 & ~kept)
                }
                if ByteScan.hasHigh(word) { plain = false }
                if ByteScan.hasLess(word, than: 0x20) || ByteScan.has(word, 0x22)
                    || ByteScan.has(word, 0x5C)
                {
                    needsEscape = true
                }
                offset += 8
            }
            if needsEscape {
                if cell.contains(0) { return nil }
                if index < 64 { escapes |= 1 << UInt64(index) }
            }
            if !plain && checksUTF8 && !UTF8Check.isValid(cell) { return nil }
        }
        return escapes
    }

    private func writeCell(_ cell: UnsafeBufferPointer<UInt8>, to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "\""))
        writeCellContents(cell, to: &writer)
        writer.byte(UInt8(ascii: "\""))
    }

    private func writeCellContents(
        _ cell: UnsafeBufferPointer<UInt8>, to writer: inout JSONWriter
    ) {
        guard decoder.encoding.isSingleByte, cell.contains(where: { $0 >= 0x80 }) else {
            writer.stringContents(cell)
            return
        }
        decoder.transcode(cell) { writer.stringContents($0) }
    }

    /// Whether a cell holds only white space, as `Character.isWhitespace` sees it.
    static func isBlank(_ cell: UnsafeBufferPointer<UInt8>, encoding: TextEncoding) -> Bool {
        for byte in cell {
            switch byte {
            case 0x20, 0x09...0x0D: continue
            case 0xA0 where encoding.isSingleByte: continue  // no-break space
            case 0x80...:
                // Only a multi-byte UTF-8 character can be white space here.
                return !encoding.isSingleByte
                    && String(decoding: cell, as: UTF8.self).allSatisfy(\.isWhitespace)
            default: return false
            }
        }
        return true
    }
}

/// What the fast path precomputes from the header: keys already escaped, and which
/// columns feed which field, all in flat arrays of plain values so that writing a row
/// retains nothing.
struct NDJSONPlan {
    struct Target {
        /// Where `,"postcode":` lies in `keys`.
        var key: Range<Int>
        /// Where this field's columns lie in `targetColumns`.
        var columns: Range<Int>
        var isList: Bool
    }

    /// Every key, escaped, one after the other.
    let keys: [UInt8]
    /// `{"source":"…","file":"…","row":`
    let prefix: Range<Int>
    let targets: [Target]
    let targetColumns: [Int]
    /// `"Nom":`, then `,"CP":`…, by column.
    let columnKeys: [Range<Int>]
    let nameColumns: [Int]
    /// The bytes a row takes besides its cells' text: keys, quotes and separators.
    let fixedSize: Int

    init(description: SourceDescription) {
        var writer = JSONWriter()
        func keyRange(_ write: (inout JSONWriter) -> Void) -> Range<Int> {
            let start = writer.count
            write(&writer)
            return start..<writer.count
        }

        prefix = keyRange { writer in
            writer.raw("{\"source\":")
            writer.string(description.source)
            writer.raw(",\"file\":")
            writer.string(description.path)
            writer.raw(",\"row\":")
        }
        let mapping = description.mapping
        var targets: [Target] = []
        var targetColumns: [Int] = []
        for field in Field.allCases {
            let columns = mapping.columns(for: field)
            guard !columns.isEmpty else { continue }
            let key = keyRange { writer in
                writer.byte(UInt8(ascii: ","))
                writer.key(field.key)
            }
            let start = targetColumns.count
            targetColumns += columns
            targets.append(
                Target(key: key, columns: start..<targetColumns.count, isList: field.holdsList))
        }
        columnKeys = mapping.columns.enumerated().map { index, column in
            keyRange { writer in
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.key(column)
            }
        }
        self.targets = targets
        self.targetColumns = targetColumns
        nameColumns = mapping.columns(for: .name)
        keys = writer.bytes
        fixedSize = keys.count + 8 * 2 * mapping.columns.count + 32
    }

    /// Writes one record of clean UTF-8 cells.
    func write(
        _ cells: CSVParser<AnySource>.ParsedRow, row: Int, escapes: UInt64,
        encoding: TextEncoding, to cursor: inout JSONCursor
    ) {
        @inline(__always)
        func cell(_ column: Int, to cursor: inout JSONCursor) {
            if column >= 64 || escapes & (1 << UInt64(column)) != 0 {
                cursor.escaped(cells[column], padded: true)
            } else {
                cursor.bytesPadded(cells[column])
            }
        }

        keys.withUnsafeBufferPointer { keys in
            targetColumns.withUnsafeBufferPointer { targetColumns in
                cursor.bytes(UnsafeBufferPointer(rebasing: keys[prefix]))
                cursor.integer(row)
                cursor.raw(",\"line\":")
                cursor.integer(cells.line)

                for target in targets {
                    var written = 0
                    for column in targetColumns[target.columns] {
                        if CSVRecordReader.isBlank(cells[column], encoding: encoding) { continue }
                        if written == 0 {
                            cursor.bytes(UnsafeBufferPointer(rebasing: keys[target.key]))
                            cursor.raw(target.isList ? "[\"" : "\"")
                        } else {
                            cursor.raw(target.isList ? "\",\"" : " ")
                        }
                        cell(column, to: &cursor)
                        written += 1
                    }
                    if written > 0 { cursor.raw(target.isList ? "\"]" : "\"") }
                }

                cursor.raw(",\"fields\":{")
                for (column, key) in columnKeys.enumerated() {
                    cursor.bytes(UnsafeBufferPointer(rebasing: keys[key]))
                    cursor.byte(UInt8(ascii: "\""))
                    cell(column, to: &cursor)
                    cursor.byte(UInt8(ascii: "\""))
                }
                cursor.raw("}}\n")
            }
        }
    }
}

/// UTF-8 validation over bytes, without making a string.
enum UTF8Check {
    /// What a scan found: every sequence well formed (and whether any was multi-byte), or
    /// the offset of the first bad one, which may be merely cut by the end of the bytes.
    enum Outcome: Equatable {
        case valid(multibyte: Bool)
        case invalid(offset: Int, cutAtEnd: Bool)
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if case .valid = scan(bytes) { return true }
        return false
    }

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var index = 0
        var multibyte = false
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return .invalid(offset: index, cutAtEnd: false)
            }
            guard index + length <= count else { return .invalid(offset: index, cutAtEnd: true) }
            for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 {
                return .invalid(offset: index, cutAtEnd: false)
            }
            // Overlong forms and surrogates are refused, as String(validating:) does.
            let second = bytes[index + 1]
            if (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second >= 0xA0)
                || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second >= 0x90)
            {
                return .invalid(offset: index, cutAtEnd: false)
            }
            multibyte = true
            index += length
        }
        return .valid(multibyte: multibyte)
    }
}
