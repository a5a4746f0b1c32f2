import Foundation
import Geocode
import GlaneurCore
import Ingest

/// `glaneur geocode`: a table of addresses in, the same table with coordinates out.
enum GeocodeCommand: Command {
    static let name = "geocode"
    static let abstract = "Geocode a table of addresses, offline by default."
    static let usage = "IN.csv [-o OUT.csv] [options] | --explain \"ADDRESS\""
    static let discussion = """
        Columns are recognised as 'glaneur read' recognises them: street, house number,
        postcode, locality, country, or one free-text address column; every input column
        is written back, followed by latitude, longitude, precision (housenumber, street,
        locality, postcode or none), score (0 to 1), gap (the lead over the next place),
        match_label, match_id, provider, steps and reason. Rows are never dropped: a row
        that cannot be placed has precision 'none' and a reason.

        The offline gazetteer (localities of France, Belgium, Switzerland and Luxembourg,
        plus the address files added with 'glaneur gazetteer import') is built at first
        use in ~/.cache/glaneur/gazetteer.sqlite, or in the file --gazetteer names.

        --explain shows the candidates for one address and why the winner won.
        """
    static let options: [OptionDefinition] = [
        .value("-o", "--output", name: "FILE", help: "Write the table here (default: stdout)."),
        .value("--explain", name: "ADDRESS",
            help: "Geocode one address and show the candidates and the reasoning."),
        .value("--gazetteer", name: "FILE",
            help: "The gazetteer store (default: $GLANEUR_GAZETTEER or "
                + "~/.cache/glaneur/gazetteer.sqlite)."),
        .value("--threads", name: "N", help: "Threads to geocode with (default: all cores)."),
    ] + InputOptions.definitions

    static let resultColumns = [
        "latitude", "longitude", "precision", "score", "gap", "match_label", "match_id",
        "provider", "steps", "reason",
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        if let address = arguments.value("--explain") {
            guard arguments.positionals.isEmpty else {
                throw UsageError("--explain takes the address itself; give no input file")
            }
            let geocoder = try openGeocoder(arguments, context: context)
            let result = geocoder.geocode(AddressQuery(freeText: address), explain: true)
            let output = try OutputFile(path: arguments.value("--output") ?? "-")
            output.write(Array(Explanation.text(for: address, result: result).utf8))
            try output.close()
            return result.precision == .none ? .failure : .success
        }

        guard arguments.positionals.count == 1 else {
            throw UsageError(arguments.positionals.isEmpty
                ? "missing IN.csv (or --explain \"ADDRESS\")" : "geocode takes one input file")
        }
        let threads = try arguments.value("--threads").map { text throws(UsageError) in
            guard let count = Int(text), count >= 1 else {
                throw UsageError("--threads takes a whole number from 1, not '\(text)'")
            }
            return count
        } ?? ProcessInfo.processInfo.activeProcessorCount

        // Read every row first: geocoding runs on all cores over the whole table.
        let path = arguments.positionals[0]
        let table = try InputTable.read(
            path: path, options: try InputOptions.readOptions(from: arguments))
        let geocoder = try openGeocoder(arguments, context: context)

        let started = Date()
        let results = geocoder.geocode(table.queries, threads: threads)
        let elapsed = Date().timeIntervalSince(started)

        let output = try OutputFile(path: arguments.value("--output") ?? "-")
        var writer = CSVWriter()
        writer.row(table.columns + resultColumns)
        for (index, cells) in table.rows.enumerated() {
            writer.row(cells + Self.cells(for: results[index]))
            if writer.bytes.count >= 1 << 20 {
                output.write(writer.bytes)
                writer.removeAll()
            }
        }
        output.write(writer.bytes)
        try output.close()

        if !context.quiet {
            summarise(results, elapsed: elapsed, threads: threads, context: context)
        }
        return .success
    }

    private static func openGeocoder(_ arguments: ParsedArguments, context: CommandContext)
        throws -> OfflineGeocoder
    {
        let store = try GazetteerStore(
            path: arguments.value("--gazetteer") ?? GazetteerStore.defaultPath)
        return try OfflineGeocoder(store: store)
    }

    static func cells(for result: GeocodeResult) -> [String] {
        [
            result.latitude.map { String(format: "%.6f", $0) } ?? "",
            result.longitude.map { String(format: "%.6f", $0) } ?? "",
            result.precision.rawValue,
            String(format: "%.3f", result.score),
            String(format: "%.3f", result.gap),
            result.label,
            result.referenceID,
            result.precision == .none ? "" : result.provider,
            result.steps.joined(separator: "|"),
            result.reason ?? "",
        ]
    }

    private static func summarise(
        _ results: [GeocodeResult], elapsed: Double, threads: Int, context: CommandContext
    ) {
        var counts: [Precision: Int] = [:]
        for result in results { counts[result.precision, default: 0] += 1 }
        let byPrecision = Precision.allCases.compactMap { precision in
            counts[precision].map { "\(precision.rawValue) \($0)" }
        }.joined(separator: ", ")
        let rate = elapsed > 0 ? Double(results.count) / elapsed : 0
        context.standardError.line(
            "geocoded \(results.count) rows in \(String(format: "%.3f", elapsed)) s "
                + "(\(Int(rate)) rows/s, \(threads) threads): \(byPrecision)")
    }
}

/// The rows of the input table, with their cells in the order of its columns and the
/// address query of each.
struct InputTable {
    var columns: [String] = []
    var rows: [[String]] = []
    var queries: [AddressQuery] = []

    static func read(path: String, options: ReadOptions) throws -> InputTable {
        let reader = try SourceReader.open(path: path, options: options)
        var table = InputTable()
        var columnIndex: [String: Int] = [:]
        for (index, column) in reader.description.mapping.columns.enumerated() {
            table.columns.append(column)
            columnIndex[column] = index
        }
        while let item = try reader.next() {
            switch item {
            case .record(let record):
                // JSON records may carry keys the first ones lacked: they get columns too.
                var cells = [String](repeating: "", count: table.columns.count)
                for field in record.sourceFields {
                    let index = columnIndex[field.name] ?? {
                        table.columns.append(field.name)
                        columnIndex[field.name] = table.columns.count - 1
                        for row in table.rows.indices { table.rows[row].append("") }
                        cells.append("")
                        return table.columns.count - 1
                    }()
                    cells[index] = field.value.strings.joined(separator: "|")
                }
                table.rows.append(cells)
                table.queries.append(AddressQuery(record: record))
            case .reject(let reject):
                // A row that ingest rejects (a missing name, a ragged row) still gets a
                // line: it cannot be placed, and the reason says why.
                var cells = [String](repeating: "", count: table.columns.count)
                if !cells.isEmpty { cells[0] = reject.raw }
                table.rows.append(cells)
                table.queries.append(AddressQuery())
            }
        }
        return table
    }
}

/// The text `--explain` prints.
enum Explanation {
    static func text(for address: String, result: GeocodeResult) -> String {
        var lines = ["Address: \(address)"]
        if result.precision == .none {
            lines.append("Not placed: \(result.reason ?? "no candidate")")
        } else {
            lines.append(
                "Answer: \(result.label) [\(result.referenceID)] at "
                    + String(format: "%.5f, %.5f", result.latitude ?? 0, result.longitude ?? 0))
            lines.append(
                "  precision \(result.precision.rawValue), score "
                    + String(format: "%.3f", result.score) + ", gap "
                    + String(format: "%.3f", result.gap) + ", provider \(result.provider)")
            if let reason = result.reason { lines.append("  note: \(reason)") }
        }
        lines.append("Steps: " + result.steps.joined(separator: " → "))
        if !result.candidates.isEmpty {
            lines.append("Candidates:")
            for (rank, candidate) in result.candidates.enumerated() {
                let postcode = candidate.postcodeAgreement.map {
                    String(format: "postcode %.2f", $0)
                } ?? "no postcode"
                lines.append(
                    "  \(rank + 1). " + String(format: "%.3f", candidate.score)
                        + "  \(candidate.label) (\(candidate.country), "
                        + "\(candidate.postcodes.prefix(3).joined(separator: " "))) "
                        + "[\(candidate.referenceID)]")
                lines.append(
                    "      name " + String(format: "%.2f", candidate.nameSimilarity)
                        + " (\(candidate.evidence) on \"\(candidate.localityText ?? "")\"), "
                        + postcode)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
