import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads an OpenDocument spreadsheet (`.ods`). All sheets live in one part,
/// `content.xml`, which is read once when the workbook is opened.
final class ODSReader: WorkbookReader {
    private let sheets: [Sheet]

    var sheetNames: [String] { sheets.map(\.name) }

    init(archive: ZipArchive) throws(SpreadsheetError) {
        // An encrypted document keeps a readable manifest that says so; its content is
        // ciphertext that would only fail as malformed XML.
        if let manifest = try archive.contents(ofMemberNamed: "META-INF/manifest.xml"),
            String(decoding: manifest, as: UTF8.self).contains("encryption-data")
        {
            throw SpreadsheetError(
                .passwordProtected, file: archive.file,
                reason: "the spreadsheet is password-protected; open it with its password "
                    + "and save it again without one")
        }
        let handler = ODSContentHandler()
        guard try archive.parseMember(named: "content.xml", with: handler) else {
            throw SpreadsheetError(
                .corrupt, file: archive.file, part: "content.xml",
                reason: "the content part is missing: this is not a complete .ods file")
        }
        sheets = handler.sheets
    }

    func isHidden(at index: Int) -> Bool {
        sheets[index].isHidden
    }

    func sheet(at index: Int) throws(SpreadsheetError) -> Sheet {
        sheets[index]
    }
}

/// Streams `content.xml`: `table:table`s of `table:table-row`s of `table:table-cell`s,
/// with the run-length repetition OpenDocument uses for identical rows and cells, and
/// the typed value of each cell in `office:` attributes beside its displayed paragraphs.
final class ODSContentHandler: XMLHandler {
    /// The most cells that repetition may expand one row into.
    static let maximumRepeatedCells = 10_000_000

    var sheets: [Sheet] = []

    private var builder = SheetBuilder()
    private var sheetName = ""
    private var sheetIsHidden = false
    /// Table styles that hide their sheet (`table:display="false"`), met in the
    /// automatic styles before the body.
    private var hiddenTableStyles: Set<String> = []
    private var currentTableStyle: String?
    private var rowNumber = 0
    private var columnNumber = 0
    private var rowRepeat = 1
    /// The cells of the row being read: (first column, repeat count, cell).
    private var rowCells: [(column: Int, count: Int, cell: Cell)] = []

    // The cell being read.
    private var inCell = false
    private var cellAttributes: [String: String] = [:]
    private var cellRepeat = 1
    private var paragraphs: [String] = []
    private var paragraph = ""
    private var inParagraph = false
    /// Depth inside elements whose text is not the cell's value (comments, shapes).
    private var ignoredDepth = 0

    override func didStart(
        _ name: Substring, attributes: [String: String], parser: XMLParser
    ) {
        if ignoredDepth > 0 {
            ignoredDepth += 1
            return
        }
        switch name {
        case "style":
            let isTableStyle = odsAttribute(attributes, "style:family") == "table"
            currentTableStyle = isTableStyle ? odsAttribute(attributes, "style:name") : nil
        case "table-properties":
            if let style = currentTableStyle,
                odsAttribute(attributes, "table:display") == "false"
            {
                hiddenTableStyles.insert(style)
            }
        case "table":
            builder = SheetBuilder()
            sheetName = odsAttribute(attributes, "table:name") ?? "Sheet\(sheets.count + 1)"
            sheetIsHidden =
                odsAttribute(attributes, "table:style-name")
                .map(hiddenTableStyles.contains) ?? false
            rowNumber = 0
        case "table-row":
            rowNumber += 1
            columnNumber = 0
            rowRepeat = repeatCount(attributes, "table:number-rows-repeated")
            rowCells.removeAll(keepingCapacity: true)
        case "table-cell", "covered-table-cell":
            columnNumber += 1
            cellRepeat = repeatCount(attributes, "table:number-columns-repeated")
            // Cells a merge covers take the merged value: what they hold is hidden.
            guard name == "table-cell" else {
                columnNumber += cellRepeat - 1
                return
            }
            inCell = true
            cellAttributes = attributes
            paragraphs.removeAll(keepingCapacity: true)
            addMerge(attributes)
        case "p" where inCell, "h" where inCell:
            inParagraph = true
            paragraph = ""
        case "s" where inParagraph:
            let count = odsAttribute(attributes, "text:c").flatMap(Int.init) ?? 1
            paragraph += String(repeating: " ", count: min(max(count, 1), 1000))
        case "tab" where inParagraph:
            paragraph += "\t"
        case "line-break" where inParagraph:
            paragraph += "\n"
        case "annotation", "shapes", "frame", "note":
            ignoredDepth = 1
        default:
            break
        }
    }

    override func characters(_ string: String) {
        if inParagraph && ignoredDepth == 0 { paragraph += string }
    }

    override func didEnd(_ name: Substring, parser: XMLParser) {
        if ignoredDepth > 0 {
            ignoredDepth -= 1
            return
        }
        switch name {
        case "p" where inParagraph, "h" where inParagraph:
            inParagraph = false
            paragraphs.append(paragraph)
        case "table-cell" where inCell:
            inCell = false
            let cell = odsCell(attributes: cellAttributes, paragraphs: paragraphs)
            if !cell.text.isEmpty {
                rowCells.append((columnNumber, cellRepeat, cell))
            }
            columnNumber += cellRepeat - 1
        case "table-row":
            finishRow(parser)
        case "table":
            sheets.append(
                Sheet(name: sheetName, rows: builder.finish(), isHidden: sheetIsHidden))
        default:
            break
        }
    }

    /// Writes the row's cells once per repetition. Repeated empty rows (LibreOffice pads
    /// sheets with a million of them) only move the row number.
    private func finishRow(_ parser: XMLParser) {
        if !rowCells.isEmpty {
            // A few repeated cells are a compact file; millions are a file built to
            // exhaust memory, or damaged.
            let width = rowCells.reduce(0) { $0 + $1.count }
            guard
                width.multipliedReportingOverflow(by: rowRepeat).partialValue
                    <= Self.maximumRepeatedCells, width <= Self.maximumRepeatedCells
            else {
                fail(
                    parser,
                    "row \(rowNumber) of sheet \"\(sheetName)\" repeats its cells "
                        + "\(rowRepeat) times, more than Glaneur expands")
                return
            }
            let lastRow = min(rowNumber + rowRepeat - 1, SheetBuilder.maximumRows)
            for row in rowNumber...max(rowNumber, lastRow) {
                for (column, count, cell) in rowCells {
                    let lastColumn = min(column + count - 1, SheetBuilder.maximumColumns)
                    for repeated in column...max(column, lastColumn) {
                        builder.set(cell, row: row, column: repeated)
                    }
                }
            }
        }
        rowNumber += rowRepeat - 1
    }

    private func addMerge(_ attributes: [String: String]) {
        let columns = odsAttribute(attributes, "table:number-columns-spanned").flatMap(Int.init)
        let rows = odsAttribute(attributes, "table:number-rows-spanned").flatMap(Int.init)
        let columnSpan = max(columns ?? 1, 1)
        let rowSpan = max(rows ?? 1, 1)
        guard columnSpan > 1 || rowSpan > 1 else { return }
        builder.merge(
            MergedRange(
                firstRow: rowNumber, firstColumn: columnNumber,
                lastRow: rowNumber + rowSpan - 1, lastColumn: columnNumber + columnSpan - 1))
    }

    private func repeatCount(_ attributes: [String: String], _ name: String) -> Int {
        let count = odsAttribute(attributes, name).flatMap(Int.init) ?? 1
        return min(max(count, 1), SheetBuilder.maximumRows)
    }
}

/// An attribute by its conventional prefixed name (`office:value-type`), falling back
/// to its local name for documents that bind the namespaces to other prefixes.
func odsAttribute(_ attributes: [String: String], _ name: String) -> String? {
    if let value = attributes[name] { return value }
    guard !attributes.isEmpty, let colon = name.firstIndex(of: ":") else { return nil }
    let local = name[name.index(after: colon)...]
    for (key, value) in attributes where localName(key) == local {
        // `calcext:value-type` repeats `office:value-type` with more detail; the
        // fallback must not mistake one for the other.
        if key.hasPrefix("calcext:") { continue }
        return value
    }
    return nil
}
