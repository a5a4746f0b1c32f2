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

        --online sends the rows the gazetteer could not place as precisely as they allow
        (a house number without street data, say) to web geocoders, in the order given:
        'ban' (the French BAN API or any addok server), 'nominatim' (structured search,
        one request a second, with --user-agent), 'photon'. Their answers are cached in
        ~/.cache/glaneur/geocode-cache.sqlite (or --cache), so an interrupted run resumes
        without asking twice. An online answer replaces the offline one only when it is
        more precise, lies in the address's country and near its locality.
        """
    static let options: [OptionDefinition] =
        [
            .value("-o", "--output", name: "FILE", help: "Write the table here (default: stdout)."),
            .value(
                "--explain", name: "ADDRESS",
                help: "Geocode one address and show the candidates and the reasoning."),
            .value(
                "--gazetteer", name: "FILE",
                help: "The gazetteer store (default: $GLANEUR_GAZETTEER or "
                    + "~/.cache/glaneur/gazetteer.sqlite)."),
            .value("--threads", name: "N", help: "Threads to geocode with (default: all cores)."),
            .value(
                "--online", name: "PROVIDERS",
                help: "Ask web geocoders for what the gazetteer cannot place: ban, nominatim, "
                    + "photon (comma-separated, in order)."),
            .value(
                "--ban-url", name: "URL",
                help: "BAN/addok base URL (default: https://api-adresse.data.gouv.fr)."),
            .value(
                "--nominatim-url", name: "URL",
                help: "Nominatim base URL (default: https://nominatim.openstreetmap.org)."),
            .value(
                "--photon-url", name: "URL",
                help: "Photon base URL (default: https://photon.komoot.io)."),
            .value(
                "--rate", name: "N",
                help: "Requests per second to each provider "
                    + "(default: BAN 50, Nominatim 1, Photon 5)."),
            .value(
                "--user-agent", name: "TEXT",
                help: "User-Agent sent to web geocoders (Nominatim requires a real one)."),
            .value("--cache", name: "FILE", help: "Cache of online answers (SQLite)."),
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
            var result = geocoder.geocode(AddressQuery(freeText: address), explain: true)
            let online = try onlineGeocoders(arguments)
            if !online.isEmpty {
                let candidates = result.candidates
                result = CascadeGeocoder(offline: geocoder, online: online)
                    .geocode(AddressQuery(freeText: address))
                result.candidates = candidates
            }
            let output = try OutputFile(path: arguments.value("--output") ?? "-")
            output.write(Array(Explanation.text(for: address, result: result).utf8))
            try output.close()
            return result.precision == .none ? .failure : .success
        }

        guard arguments.positionals.count == 1 else {
            throw UsageError(
                arguments.positionals.isEmpty
                    ? "missing IN.csv (or --explain \"ADDRESS\")" : "geocode takes one input file")
        }
        let threads = try CommonOptions.threads(arguments)

        let online = try onlineGeocoders(arguments)
        // Read every row first: geocoding runs on all cores over the whole table.
        let path = arguments.positionals[0]
        let table = try InputTable.read(
            path: path, options: try InputOptions.readOptions(from: arguments))
        let geocoder = try openGeocoder(arguments, context: context)

        let started = Date()
        let results =
            online.isEmpty
            ? geocoder.geocode(table.queries, threads: threads)
            : CascadeGeocoder(offline: geocoder, online: online)
                .geocode(table.queries, threads: threads)
        let elapsed = Date().timeIntervalSince(started)

        let output = try OutputFile(path: arguments.value("--output") ?? "-")
        var writer = CSVWriter()
        writer.row(table.columns + resultColumns)
        for (index, cells) in table.rows.enumerated() {
            var result = results[index]
            if let message = table.rejects[index], result.precision == .none {
                result.reason = "not read: \(message)"
            }
            writer.row(cells + Self.cells(for: result))
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

    /// The online providers asked for with --online, in order.
    private static func onlineGeocoders(_ arguments: ParsedArguments) throws
        -> [OnlineGeocoder]
    {
        guard let list = arguments.value("--online") else { return [] }
        let rate = try arguments.value("--rate").map { text throws(UsageError) in
            guard let value = Double(text), value > 0 else {
                throw UsageError("--rate takes a number of requests per second, not '\(text)'")
            }
            return value
        }
        let cache = try GeocodeCache(path: arguments.value("--cache") ?? GeocodeCache.defaultPath)
        let userAgent = arguments.value("--user-agent") ?? "glaneur/\(Glaneur.version)"
        return try list.split(separator: ",").map { name throws(UsageError) in
            let provider: any OnlineProvider
            switch name.trimmingCharacters(in: .whitespaces).lowercased() {
            case "ban", "addok":
                provider = BANProvider(
                    baseURL: arguments.value("--ban-url") ?? "https://api-adresse.data.gouv.fr",
                    requestsPerSecond: rate ?? 50)
            case "nominatim":
                provider = NominatimProvider(
                    baseURL: arguments.value("--nominatim-url")
                        ?? "https://nominatim.openstreetmap.org",
                    requestsPerSecond: rate ?? 1)
            case "photon":
                provider = PhotonProvider(
                    baseURL: arguments.value("--photon-url") ?? "https://photon.komoot.io",
                    requestsPerSecond: rate ?? 5)
            default:
                throw UsageError(
                    "unknown provider '\(name)' in --online; use ban, nominatim or photon",
                    suggestion: ArgumentParser.closest(
                        to: String(name), among: ["ban", "nominatim", "photon"]
                    ).map { "'\($0)'" })
            }
            return OnlineGeocoder(provider: provider, cache: cache, userAgent: userAgent)
        }
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
    /// Why ingest rejected a row, by row index.
    var rejects: [Int: String] = [:]

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
                    let index =
                        columnIndex[field.name]
                        ?? {
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
                // Geocoding needs no producer name: a row rejected only for that is read
                // back from its raw text. Any other reject still gets its line, unplaced.
                var cells = [String](repeating: "", count: table.columns.count)
                var query = AddressQuery()
                if reject.code == .missingName, let dialect = reader.description.dialect {
                    let raw = splitRow(
                        reject.raw, delimiter: dialect.delimiter,
                        quote: dialect.quote)
                    for (index, cell) in raw.enumerated() where index < cells.count {
                        cells[index] = cell
                    }
                    query = AddressQuery(cells: cells, mapping: reader.description.mapping)
                } else if !cells.isEmpty {
                    cells[0] = reject.raw
                }
                table.rows.append(cells)
                table.queries.append(query)
                table.rejects[table.rows.count - 1] = reject.message
            }
        }
        return table
    }
}

/// The cells of one delimited row (quoted cells may hold delimiters and doubled quotes).
private func splitRow(_ text: String, delimiter: UInt8, quote: UInt8) -> [String] {
    var cells: [String] = []
    var cell: [UInt8] = []
    var quoted = false
    var bytes = Array(text.utf8)
    while bytes.last == 0x0A || bytes.last == 0x0D { bytes.removeLast() }
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        index += 1
        if quoted {
            if byte == quote {
                if index < bytes.count, bytes[index] == quote {
                    cell.append(byte)
                    index += 1
                } else {
                    quoted = false
                }
            } else {
                cell.append(byte)
            }
        } else if byte == quote, cell.isEmpty {
            quoted = true
        } else if byte == delimiter {
            cells.append(String(decoding: cell, as: UTF8.self))
            cell.removeAll()
        } else {
            cell.append(byte)
        }
    }
    cells.append(String(decoding: cell, as: UTF8.self))
    return cells
}

extension AddressQuery {
    /// The address fields of a row's cells, by the header mapping.
    init(cells: [String], mapping: HeaderMapping) {
        func value(_ field: Field) -> String? {
            let values = mapping.columns(for: field).compactMap { index in
                index < cells.count && !cells[index].isEmpty ? cells[index] : nil
            }
            return values.isEmpty ? nil : values.joined(separator: " ")
        }
        self.init(
            street: value(.street), houseNumber: value(.houseNumber), box: value(.box),
            postcode: value(.postcode), locality: value(.locality), country: value(.country),
            freeText: value(.address))
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
                let postcode =
                    candidate.postcodeAgreement.map {
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
