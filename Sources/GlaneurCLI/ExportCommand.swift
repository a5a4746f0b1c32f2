import GlaneurCore
import Store

/// `glaneur export`: the map's entities for other tools.
enum ExportCommand: Command {
    static let name = "export"
    static let abstract = "Export the map's entities as GeoJSON, CSV or a GeoPackage."
    static let usage = "--format geojson|csv|gpkg [--db URL] [-o OUT] [--excel]"
    static let discussion = """
        GeoJSON (RFC 7946) for web maps, CSV for spreadsheets, and a standalone GeoPackage
        holding only the entities for GIS tools. Active entities only, unless
        --include-inactive. --excel writes CSV as French and Belgian Excel expects it:
        UTF-8 with a byte-order mark, ';' between cells, and cells starting with =, +, -
        or @ prefixed with an apostrophe so that no formula runs. A GeoPackage needs -o
        and never overwrites an existing file.
        """
    static let options: [OptionDefinition] = [
        .value("--format", name: "FORMAT", help: "geojson, csv or gpkg."),
        RunsCommand.databaseOption,
        .value("-o", "--output", name: "OUT", help: "Write to OUT instead of standard output."),
        .flag("--excel", help: "CSV for Excel: BOM, ';', formulas neutralised."),
        .flag("--include-inactive", help: "Also export entities no source lists any more."),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'")
        }
        guard let name = arguments.value("--format") else {
            throw UsageError("missing --format geojson|csv|gpkg")
        }
        guard let format = Exporter.Format(rawValue: name.lowercased()) else {
            throw UsageError(
                "unknown format '\(name)'; use geojson, csv or gpkg",
                suggestion: ArgumentParser.closest(
                    to: name, among: Exporter.Format.allCases.map(\.rawValue)
                ).map { "'\($0)'" })
        }
        if arguments.flag("--excel") && format != .csv {
            throw UsageError("--excel applies to --format csv only")
        }
        let outputPath = arguments.value("--output") ?? "-"
        if format == .gpkg && outputPath == "-" {
            throw UsageError("a GeoPackage is a file: name it with -o OUT.gpkg")
        }

        let store = try RunsCommand.openDatabase(arguments)
        let inactive = arguments.flag("--include-inactive")
        let count: Int
        switch format {
        case .gpkg:
            count = try Exporter.writeGeoPackage(
                from: store, path: outputPath, includeInactive: inactive)
        case .geojson, .csv:
            let output = try OutputFile(path: outputPath)
            if format == .geojson {
                count = try Exporter.writeGeoJSON(
                    from: store, to: output, includeInactive: inactive)
            } else {
                count = try Exporter.writeCSV(
                    from: store, to: output, excel: arguments.flag("--excel"),
                    includeInactive: inactive)
            }
            try output.close()
        }
        if !context.quiet {
            let target = outputPath == "-" ? "standard output" : outputPath
            context.standardError.line("Exported \(count) entities to \(target).")
        }
        return .success
    }
}
