import GlaneurCore
import Ingest

/// The input options that every command reading partner files accepts, named the same
/// way everywhere.
enum InputOptions {
    static let definitions: [OptionDefinition] = [
        .value(
            "--format", name: "FORMAT",
            help: "Read files as csv, json, ndjson, xlsx or ods (default: detected)."),
        .value(
            "--encoding", name: "NAME",
            help: "Text encoding: utf-8, utf-16le, utf-16be, windows-1252, iso-8859-15 "
                + "(default: detected)."),
        .value(
            "-d", "--delimiter", name: "CHAR",
            help: "Cell delimiter: ',', ';', tab, '|' or any one character (default: detected)."),
        .flag("--no-header", help: "The first row is data; columns are named column_1…"),
        .flag("--header", help: "The first row (after any title rows) is a header."),
        .value(
            "--json-path", name: "PATH",
            help: "Dotted path to the array of records in a JSON object (data.producers)."),
        .value(
            "--sheet", name: "NAME|N",
            help: "Spreadsheet sheet to read (default: the first non-empty one)."),
        .value(
            "--source", name: "NAME",
            help: "The partner's name for provenance (default: the file's name)."),
        .value(
            "--map", name: "FIELD=COLUMN",
            help: "Map a column to a field, overriding detection (repeatable).",
            repeatable: true),
    ]

    static func readOptions(from arguments: ParsedArguments) throws(UsageError) -> ReadOptions {
        var options = ReadOptions()
        if let name = arguments.value("--format") {
            guard let format = InputFormat(rawValue: name.lowercased()) else {
                throw UsageError(
                    "unknown format '\(name)'; use "
                        + InputFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            options.format = format
        }
        if let name = arguments.value("--encoding") {
            guard let encoding = TextEncoding(name: name) else {
                throw UsageError(
                    "unknown encoding '\(name)'; use "
                        + TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))
            }
            options.encoding = encoding
        }
        if let name = arguments.value("--delimiter") {
            guard let delimiter = Dialect.delimiter(named: name) else {
                throw UsageError("'\(name)' cannot be a delimiter; give one character or 'tab'")
            }
            options.delimiter = delimiter
        }
        if arguments.flag("--no-header") && arguments.flag("--header") {
            throw UsageError("'--header' and '--no-header' contradict each other")
        }
        if arguments.flag("--no-header") { options.hasHeader = false }
        if arguments.flag("--header") { options.hasHeader = true }
        options.jsonPath = arguments.value("--json-path")
        options.sheet = arguments.value("--sheet")
        options.sourceName = arguments.value("--source")

        for mapping in arguments.values("--map") {
            guard let equals = mapping.firstIndex(of: "=") else {
                throw UsageError(
                    "'--map \(mapping)' should read FIELD=COLUMN, e.g. name=Raison sociale")
            }
            let fieldName = String(mapping[..<equals])
            let column = String(mapping[mapping.index(after: equals)...])
            guard let field = Field(key: fieldName) else {
                let fields = Field.allCases.map(\.key)
                throw UsageError(
                    "unknown field '\(fieldName)' in --map; the fields are "
                        + fields.joined(separator: ", "),
                    suggestion: ArgumentParser.closest(to: fieldName, among: fields)
                        .map { "'\($0)'" })
            }
            options.columnOverrides[column] = field
        }
        return options
    }
}
