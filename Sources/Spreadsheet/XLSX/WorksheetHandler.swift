import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Streams a worksheet part (`sheetData` of `row`s of `c`ells, then `mergeCells`) into a
/// `SheetBuilder`, turning each cell's stored value into the text the sheet displays.
final class WorksheetHandler: XMLHandler {
    private let sharedStrings: [String]
    private let formats: [NumberFormat]
    private let dateSystem: DateSystem
    var builder = SheetBuilder()

    private var rowNumber = 0
    private var columnNumber = 0

    // The cell being read.
    private var cellType: String?
    private var cellStyle = 0
    private var value = ""
    private var inlineText = ""
    private var inValue = false
    private var inInlineText = false
    private var inPhonetic = false

    init(sharedStrings: [String], formats: [NumberFormat], dateSystem: DateSystem) {
        self.sharedStrings = sharedStrings
        self.formats = formats
        self.dateSystem = dateSystem
    }

    override func didStart(
        _ name: Substring, attributes: [String: String], parser: XMLParser
    ) {
        switch name {
        case "row":
            // Rows and cells may leave out their reference; they then follow the last.
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            columnNumber = 0
        case "c":
            if let reference = attributes["r"] {
                guard let column = CellReference.column(reference) else {
                    fail(parser, "a cell has the reference \"\(reference)\", which is not one")
                    return
                }
                columnNumber = column
            } else {
                columnNumber += 1
            }
            cellType = attributes["t"]
            cellStyle = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
            inlineText = ""
        case "v":
            inValue = true
        case "t":
            inInlineText = !inPhonetic
        case "rPh":
            inPhonetic = true
        case "mergeCell":
            if let range = attributes["ref"].flatMap(CellReference.range) {
                builder.merge(range)
            }
        default:
            break
        }
    }

    override func characters(_ string: String) {
        if inValue {
            value += string
        } else if inInlineText {
            inlineText += string
        }
    }

    override func didEnd(_ name: Substring, parser: XMLParser) {
        switch name {
        case "v":
            inValue = false
        case "t":
            inInlineText = false
        case "rPh":
            inPhonetic = false
        case "c":
            guard let cell = resolveCell(parser) else { return }
            builder.set(cell, row: rowNumber, column: columnNumber)
        default:
            break
        }
    }

    /// The displayed text of the cell just read, by its type (ECMA-376 §18.18.11).
    private func resolveCell(_ parser: XMLParser) -> Cell? {
        switch cellType {
        case "s":
            guard !value.isEmpty else { return nil }
            guard let index = Int(value), sharedStrings.indices.contains(index) else {
                fail(
                    parser,
                    "row \(rowNumber) refers to shared string \(value), which does not exist")
                return nil
            }
            return Cell(text: sharedStrings[index])
        case "inlineStr":
            return Cell(text: inlineText.decodingOOXMLEscapes)
        case "str":
            // The cached result of a formula that yields text.
            return Cell(text: value.decodingOOXMLEscapes)
        case "b":
            guard !value.isEmpty else { return nil }
            return Cell(text: value == "1" || value == "true" ? "TRUE" : "FALSE")
        case "e":
            return Cell(text: value, warning: .formulaError)
        case "d":
            // An ISO 8601 date-time, written like the dates of numeric cells.
            return Cell(text: isoDateTime(value))
        default:
            let stored = value.trimmingSpaces
            guard !stored.isEmpty else { return nil }
            // A numeric cell holding something else is the writer's mistake; the text it
            // holds is still the best guess at what the sheet shows.
            guard let number = Double(stored) else { return Cell(text: stored) }
            let format = formats.indices.contains(cellStyle) ? formats[cellStyle] : .general
            return format.render(number, dateSystem: dateSystem)
        }
    }
}
