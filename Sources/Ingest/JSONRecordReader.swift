import GlaneurCore

/// Reads a JSON document holding an array of producer objects: the array itself, or an
/// array inside an object (`{"data": {"producers": [...]}}`), found by the path the
/// user names or, failing that, as the first array of objects in the document.
///
/// The document is parsed whole: API exports are small. Nested objects are flattened to
/// dotted keys (`address.postalCode`); lists of scalars stay lists.
public final class JSONRecordReader: RecordReader {
    public private(set) var description: SourceDescription
    public private(set) var counts = ReadCounts()

    private let elements: [JSONValue]
    private let lines: [Int]
    private var builder: RecordBuilder
    private var position = 0

    public init(path: String, options: ReadOptions = ReadOptions()) throws(GlaneurError) {
        var file = try FileSource(path: path)
        var bytes: [UInt8] = []
        while true {
            let block = try readBlock(from: &file, count: 1 << 20)
            if block.isEmpty { break }
            bytes += block
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }

        // First find the array, then parse again noting where its elements start, so
        // that each record carries its line.
        let document = try Self.parse(bytes, path: path)
        let arrayPath = try Self.arrayPath(in: document, requested: options.jsonPath, file: path)
        let components = arrayPath.isEmpty ? [] : arrayPath.split(separator: ".").map(String.init)
        let (_, offsets) = try Self.parse(bytes, path: path, locating: components)
        guard case .array(let elements) = document.value(atPath: arrayPath) ?? document else {
            throw GlaneurError.unreadable(
                path: path, location: nil, reason: "\"\(arrayPath)\" is not an array")
        }
        self.elements = elements
        self.lines = Self.lineNumbers(of: offsets, in: bytes)

        let columns = Self.columns(of: elements)
        let source = options.sourceName ?? CSVRecordReader.sourceName(of: path)
        let mapping = try HeaderMapping(columns: columns, overrides: options.columnOverrides)
        description = SourceDescription(
            path: path, source: source, format: .json, encoding: nil, dialect: nil,
            headerLine: nil, mapping: mapping, jsonPath: arrayPath)
        builder = RecordBuilder(mapping: mapping, source: source, file: path)
    }

    /// The document is read whole before the first record, so progress counts elements.
    public var bytesConsumed: Int { position }

    public func next() throws(GlaneurError) -> ReadItem? {
        guard position < elements.count else { return nil }
        let element = elements[position]
        position += 1
        counts.rows += 1
        let line = position - 1 < lines.count ? lines[position - 1] : 0
        let item = JSONRecordFlattener.item(
            element, columns: description.mapping.columns, builder: builder,
            row: counts.rows, line: line)
        switch item {
        case .record: counts.records += 1
        case .reject: counts.rejects += 1
        }
        return item
    }

    // MARK: - Locating the records

    private static func parse(_ bytes: [UInt8], path: String, locating: [String]? = nil)
        throws(GlaneurError) -> (value: JSONValue, offsets: [Int])
    {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in
                if let locating {
                    return try JSONParser.parse(buffer, locatingElementsAt: locating)
                }
                return (try JSONParser.parse(buffer), [])
            }
        }
        switch result {
        case .success(let parsed): return parsed
        case .failure(let error):
            throw GlaneurError.unreadable(
                path: path, location: .init(line: error.line, column: error.column),
                reason: "malformed JSON: \(error.message)")
        }
    }

    private static func parse(_ bytes: [UInt8], path: String) throws(GlaneurError) -> JSONValue {
        try parse(bytes, path: path, locating: nil).value
    }

    /// The dotted path of the array of records: the one asked for, or the top level, or
    /// the first array of objects found breadth-first.
    static func arrayPath(in document: JSONValue, requested: String?, file: String)
        throws(GlaneurError) -> String
    {
        if let requested {
            guard let value = document.value(atPath: requested) else {
                throw GlaneurError.unreadable(
                    path: file, location: nil,
                    reason: "no value at \"\(requested)\"; \(describeKeys(of: document))")
            }
            guard case .array = value else {
                throw GlaneurError.unreadable(
                    path: file, location: nil,
                    reason: "the value at \"\(requested)\" is not an array")
            }
            return requested
        }
        if case .array = document { return "" }

        var queue: [(String, JSONValue)] = [("", document)]
        while !queue.isEmpty {
            let (prefix, value) = queue.removeFirst()
            guard case .object(let members) = value else { continue }
            for member in members {
                let path = prefix.isEmpty ? member.key : prefix + "." + member.key
                if case .array(let items) = member.value,
                    items.contains(where: { if case .object = $0 { true } else { false } })
                {
                    return path
                }
                queue.append((path, member.value))
            }
        }
        throw GlaneurError.unreadable(
            path: file, location: nil,
            reason: "no array of objects found; name it with --json-path "
                + "(\(describeKeys(of: document)))")
    }

    private static func describeKeys(of document: JSONValue) -> String {
        guard case .object(let members) = document else { return "the document is not an object" }
        return "the top-level keys are " + members.map { "\"\($0.key)\"" }.joined(separator: ", ")
    }

    /// Every flattened key met in the elements, in order of first appearance.
    static func columns(of elements: [JSONValue]) -> [String] {
        var seen = Set<String>()
        var columns: [String] = []
        for element in elements {
            guard case .object = element else { continue }
            for field in JSONRecordFlattener.flatten(element) where seen.insert(field.name).inserted
            {
                columns.append(field.name)
            }
        }
        return columns
    }

    static func lineNumbers(of offsets: [Int], in bytes: [UInt8]) -> [Int] {
        var lines: [Int] = []
        lines.reserveCapacity(offsets.count)
        var line = 1
        var position = 0
        for offset in offsets {
            while position < offset {
                if bytes[position] == 0x0A { line += 1 }
                position += 1
            }
            lines.append(line)
        }
        return lines
    }
}

/// Reads NDJSON (JSON Lines): one object a line, streamed. A line that is not valid JSON
/// is a reject, and reading goes on.
public final class NDJSONRecordReader: RecordReader {
    public private(set) var description: SourceDescription
    public private(set) var counts = ReadCounts()

    private let parser: CSVParser<AnySource>
    private var builder: RecordBuilder
    private var mappingFrozen = false
    private var columnIndex: [String: Int] = [:]
    private var options: ReadOptions

    public init(path: String, options: ReadOptions = ReadOptions()) throws(GlaneurError) {
        let file = try FileSource(path: path)
        // A line splitter is a CSV parser whose delimiter and quote never occur in
        // NDJSON outside strings: NUL and a byte that is invalid UTF-8.
        parser = CSVParser(source: AnySource(file), delimiter: 0x00, quote: 0xFF)
        self.options = options
        let source = options.sourceName ?? CSVRecordReader.sourceName(of: path)
        let mapping = try HeaderMapping(columns: [], overrides: [:])
        description = SourceDescription(
            path: path, source: source, format: .ndjson, encoding: nil, dialect: nil,
            headerLine: nil, mapping: mapping)
        builder = RecordBuilder(mapping: mapping, source: source, file: path)
    }

    public var bytesConsumed: Int { parser.bytesConsumed }

    public func next() throws(GlaneurError) -> ReadItem? {
        while let row = try parser.nextRow() {
            guard case .cells(let cells) = row else { continue }
            var line = Array(cells.raw)
            if cells.line == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                counts.blankRows += 1
                continue
            }
            counts.rows += 1
            let item = try item(line: line, number: cells.line)
            switch item {
            case .record: counts.records += 1
            case .reject: counts.rejects += 1
            }
            return item
        }
        return nil
    }

    private func item(line: [UInt8], number: Int) throws(GlaneurError) -> ReadItem {
        let provenance = Provenance(
            source: description.source, file: description.path, row: counts.rows, line: number)
        let raw = String(decoding: line, as: UTF8.self)
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONParser.parse(line)
        } catch {
            return .reject(
                Reject(
                    provenance: provenance, code: .badJSON,
                    message: "column \(error.column): \(error.message)", raw: raw))
        }
        try extendMapping(with: value)
        return JSONRecordFlattener.item(
            value, columns: description.mapping.columns, builder: builder,
            row: counts.rows, line: number)
    }

    /// NDJSON has no header: the columns are the keys met so far. A new key extends the
    /// mapping; keys already mapped keep their field.
    private func extendMapping(with value: JSONValue) throws(GlaneurError) {
        guard case .object = value else { return }
        var columns = description.mapping.columns
        var added = false
        for field in JSONRecordFlattener.flatten(value) where columnIndex[field.name] == nil {
            columnIndex[field.name] = columns.count
            columns.append(field.name)
            added = true
        }
        guard added else { return }
        let overrides = options.columnOverrides.filter { override in
            columns.contains { MatchKey.compact($0) == MatchKey.compact(override.key) }
        }
        description.mapping = try HeaderMapping(columns: columns, overrides: overrides)
        builder = RecordBuilder(
            mapping: description.mapping, source: description.source, file: description.path)
    }
}

/// Flattens JSON objects into source fields and builds records from them.
enum JSONRecordFlattener {
    static func item(
        _ element: JSONValue, columns: [String], builder: RecordBuilder, row: Int, line: Int
    ) -> ReadItem {
        var writer = JSONWriter()
        writer.value(element)
        let raw = String(decoding: writer.bytes, as: UTF8.self)
        guard case .object = element else {
            let provenance = Provenance(
                source: builder.source, file: builder.file, row: row, line: line)
            return .reject(
                Reject(
                    provenance: provenance, code: .notAnObject,
                    message: "expected an object with the producer's fields", raw: raw))
        }

        // Align the element's fields on the columns so that the mapping applies by
        // position, as for CSV; keys the element lacks are absent, not empty.
        let flattened = flatten(element)
        var byName: [String: SourceValue] = [:]
        for field in flattened where byName[field.name] == nil { byName[field.name] = field.value }
        let aligned = columns.map { SourceField(name: $0, value: byName[$0] ?? .null) }
        var item = builder.build(fields: aligned, row: row, line: line, warnings: [], raw: raw)
        if case .record(var record) = item {
            record.sourceFields = flattened
            item = .record(record)
        }
        return item
    }

    /// The object's members as dotted keys: `{"address": {"street": "…"}}` gives
    /// `address.street`; an array of objects gives `phones.0.number`.
    static func flatten(_ value: JSONValue, prefix: String = "") -> [SourceField] {
        guard case .object(let members) = value else { return [] }
        var fields: [SourceField] = []
        for member in members {
            let name = prefix.isEmpty ? member.key : prefix + "." + member.key
            switch member.value {
            case .null: fields.append(SourceField(name: name, value: .null))
            case .object: fields += flatten(member.value, prefix: name)
            case .array(let items):
                if items.allSatisfy({ $0.scalarText != nil || $0 == .null }) {
                    fields.append(
                        SourceField(name: name, value: .list(items.compactMap(\.scalarText))))
                } else {
                    for (index, item) in items.enumerated() {
                        if case .object = item {
                            fields += flatten(item, prefix: "\(name).\(index)")
                        } else if let text = item.scalarText {
                            fields.append(SourceField(name: "\(name).\(index)", value: .text(text)))
                        }
                    }
                }
            default:
                fields.append(SourceField(name: name, value: .text(member.value.scalarText ?? "")))
            }
        }
        return fields
    }
}
