/// Reads an Office Open XML workbook (`.xlsx`, `.xlsm`): the package's parts are found
/// through relationships, as ECMA-376 part 2 prescribes, rather than by fixed names.
final class XLSXReader: WorkbookReader {
    private struct SheetPart {
        var name: String
        /// The worksheet's archive path; nil for a chart sheet, which has no cells.
        var path: String?
        var isHidden: Bool
    }

    private let archive: ZipArchive
    private let sheets: [SheetPart]
    private let sharedStrings: [String]
    private let formats: [NumberFormat]
    private let dateSystem: DateSystem

    var sheetNames: [String] { sheets.map(\.name) }

    init(archive: ZipArchive) throws(SpreadsheetError) {
        self.archive = archive
        let file = archive.file

        // The package's root relationships name the workbook part.
        let rootRelationships = try Self.relationships(in: archive, path: "_rels/.rels")
        let workbookPath =
            rootRelationships
            .first { $0.kind == "officeDocument" }
            .map { RelationshipsHandler.resolve($0.target, from: "") }
            ?? "xl/workbook.xml"
        let workbook = WorkbookHandler()
        guard try archive.parseMember(named: workbookPath, with: workbook) else {
            throw SpreadsheetError(
                .corrupt, file: file, part: workbookPath,
                reason: "the workbook part is missing: this is not a complete .xlsx file")
        }
        dateSystem = workbook.dateSystem

        // The workbook's relationships lead to its sheets, strings and styles.
        let relationships = try Self.relationships(
            in: archive, path: RelationshipsHandler.relationshipsPath(of: workbookPath))
        var targets: [String: Relationship] = [:]
        for relationship in relationships { targets[relationship.id] = relationship }
        func path(ofKind kind: String, default fallback: String) -> String {
            relationships.first { $0.kind == kind }
                .map { RelationshipsHandler.resolve($0.target, from: workbookPath) }
                ?? fallback
        }

        sheets = workbook.sheets.map { entry in
            let relationship = targets[entry.relationshipID]
            let isWorksheet = relationship.map { $0.kind == "worksheet" && !$0.isExternal }
            let path =
                isWorksheet == false
                ? nil
                : relationship.map {
                    RelationshipsHandler.resolve($0.target, from: workbookPath)
                }
            return SheetPart(name: entry.name, path: path, isHidden: entry.isHidden)
        }

        let stringsPath = path(ofKind: "sharedStrings", default: "xl/sharedStrings.xml")
        let strings = SharedStringsHandler()
        _ = try archive.parseMember(named: stringsPath, with: strings)
        sharedStrings = strings.strings

        let stylesPath = path(ofKind: "styles", default: "xl/styles.xml")
        let styles = StylesHandler()
        _ = try archive.parseMember(named: stylesPath, with: styles)
        formats = styles.cellFormats()
    }

    func isHidden(at index: Int) -> Bool {
        sheets[index].isHidden
    }

    func sheet(at index: Int) throws(SpreadsheetError) -> Sheet {
        let part = sheets[index]
        guard let path = part.path else {
            return Sheet(name: part.name, rows: [], isHidden: part.isHidden)
        }
        let handler = WorksheetHandler(
            sharedStrings: sharedStrings, formats: formats, dateSystem: dateSystem)
        guard try archive.parseMember(named: path, with: handler) else {
            throw SpreadsheetError(
                .corrupt, file: archive.file, part: path,
                reason: "the part of sheet \"\(part.name)\" is missing from the archive")
        }
        return Sheet(name: part.name, rows: handler.builder.finish(), isHidden: part.isHidden)
    }

    private static func relationships(in archive: ZipArchive, path: String)
        throws(SpreadsheetError) -> [Relationship]
    {
        let handler = RelationshipsHandler()
        _ = try archive.parseMember(named: path, with: handler)
        return handler.relationships
    }
}
