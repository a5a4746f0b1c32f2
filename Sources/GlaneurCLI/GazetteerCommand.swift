import Foundation
import Geocode
import GlaneurCore

/// `glaneur gazetteer`: the reference data that offline geocoding uses.
enum GazetteerCommand: Command {
    static let name = "gazetteer"
    static let abstract = "Import official address files into the gazetteer, or describe it."
    static let usage = "import|info ..."
    static let subcommands: [any Command.Type] = [
        GazetteerImportCommand.self, GazetteerInfoCommand.self,
    ]

    static let storeOption = OptionDefinition.value(
        "--gazetteer", name: "FILE",
        help: "The gazetteer store (default: $GLANEUR_GAZETTEER or "
            + "~/.cache/glaneur/gazetteer.sqlite).")

    static func openStore(_ arguments: ParsedArguments) throws -> GazetteerStore {
        try GazetteerStore(path: arguments.value("--gazetteer") ?? GazetteerStore.defaultPath)
    }
}

/// `glaneur gazetteer import --format ban|best|ch FILE...`
enum GazetteerImportCommand: Command {
    static let name = "import"
    static let abstract = "Add streets and house numbers from official address files."
    static let usage = "--format ban|best|ch FILE... [--gazetteer FILE]"
    static let discussion = """
        Formats: 'ban' is the French Base Adresse Nationale CSV per département
        (adresses-59.csv); 'best' the Belgian BeST Address CSV per region
        (openaddress-bevlg.csv…), whose French, Dutch and German street names become one
        street; 'ch' the Swiss official building address directory (LV95 coordinates,
        converted to WGS84). Each file is imported in one transaction; importing it again
        updates its rows instead of adding them twice.
        """
    static let options: [OptionDefinition] = [
        .value("--format", name: "FORMAT", help: "ban, best or ch."),
        GazetteerCommand.storeOption,
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard let name = arguments.value("--format") else {
            throw UsageError("missing --format ban|best|ch")
        }
        guard let format = AddressFileFormat(rawValue: name.lowercased()) else {
            throw UsageError(
                "unknown format '\(name)'; use ban, best or ch",
                suggestion: ArgumentParser.closest(
                    to: name, among: AddressFileFormat.allCases.map(\.rawValue)
                ).map { "'\($0)'" })
        }
        guard !arguments.positionals.isEmpty else { throw UsageError("missing FILE") }

        let store = try GazetteerCommand.openStore(arguments)
        let importer = AddressImporter(store: store, format: format)
        for path in arguments.positionals {
            let started = Date()
            let summary = try importer.importFile(path: path)
            let skipped = summary.skipped.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            context.standardError.line(
                "\(path): \(summary.addresses) addresses in \(summary.streets) streets from "
                    + "\(summary.rows) rows"
                    + (skipped.isEmpty ? "" : " (skipped: \(skipped))")
                    + String(format: " in %.1f s", Date().timeIntervalSince(started)))
        }
        return .success
    }
}

/// `glaneur gazetteer info`
enum GazetteerInfoCommand: Command {
    static let name = "info"
    static let abstract = "Show what the gazetteer holds: places, streets, imports."
    static let usage = "[--gazetteer FILE]"
    static let options: [OptionDefinition] = [GazetteerCommand.storeOption]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let summary = try GazetteerCommand.openStore(arguments).summary()
        var lines = ["Gazetteer: \(summary.path)"]
        lines.append("Shipped localities: version \(summary.shippedVersion ?? "none")")
        for (country, count) in summary.placesByCountry {
            lines.append("  \(country): \(count) places")
        }
        if summary.streetsBySource.isEmpty {
            lines.append("Streets: none (add some with 'glaneur gazetteer import')")
        } else {
            lines.append("Streets and addresses:")
            for (source, streets, addresses) in summary.streetsBySource {
                lines.append("  \(source): \(streets) streets, \(addresses) addresses")
            }
        }
        if !summary.imports.isEmpty {
            lines.append("Imports:")
            for item in summary.imports {
                lines.append(
                    "  \(item.date)  \(item.format)  \(item.file): \(item.streets) "
                        + "streets, \(item.addresses) addresses")
            }
        }
        lines.append(
            "Data: GeoNames (CC BY 4.0) and Statbel (CC BY 4.0); see the attribution "
                + "shipped with Glaneur.")
        print(lines.joined(separator: "\n"))
        return .success
    }
}
