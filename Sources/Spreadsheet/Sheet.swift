/// One sheet of a workbook, as rows of cells.
///
/// Rows that hold no value at all are left out, so `rows` may jump from row 3 to row 7;
/// `SheetRow.number` keeps each row's place as the spreadsheet program shows it.
public struct Sheet: Sendable {
    /// The sheet's name as its tab shows it.
    public var name: String
    /// The rows holding at least one non-empty cell, in order.
    public var rows: [SheetRow]
    /// Whether the workbook hides this sheet (a lookup table, old data).
    public var isHidden: Bool

    public init(name: String, rows: [SheetRow], isHidden: Bool = false) {
        self.name = name
        self.rows = rows
        self.isHidden = isHidden
    }

    /// Whether no cell of the sheet holds anything but whitespace.
    public var isEmpty: Bool {
        rows.allSatisfy { row in row.cells.allSatisfy(\.isBlank) }
    }
}

/// One row of a sheet.
public struct SheetRow: Sendable, Equatable {
    /// The 1-based row number, as the spreadsheet program shows it.
    public var number: Int
    /// The cells from column A to the last non-empty cell, with empty cells where the
    /// sheet has none: `cells[2]` is column C.
    public var cells: [Cell]

    public init(number: Int, cells: [Cell]) {
        self.number = number
        self.cells = cells
    }

    /// The cells' texts, the form the CSV reader gives its rows in.
    public var texts: [String] { cells.map(\.text) }
}

/// One cell, with its value written as a person sees it in the spreadsheet program.
public struct Cell: Sendable, Equatable {
    /// The value as displayed: text as typed, a number through its cell format (so a
    /// postcode formatted `00000` keeps its leading zero), a date as an ISO date
    /// (`2024-03-01`), a boolean as `TRUE` or `FALSE`, an error as `#N/A`.
    ///
    /// Digit grouping is left out (`#,##0` shows 1234 as `1234`): the separator depends
    /// on the reader's locale, and identifiers stored as numbers must stay whole.
    public var text: String
    /// What may be wrong with `text`, when something may be.
    public var warning: CellWarning?
    /// The stored number, for numeric, date and time cells (a date is its serial day
    /// number); nil for text, booleans and errors.
    public var number: Double?
    /// Whether the cell is covered by a merged range and `text` is the range's value
    /// copied from its top-left cell (a header merged over two columns names both; the
    /// second is the copy).
    public var isMergedCopy: Bool

    public init(
        text: String, warning: CellWarning? = nil, number: Double? = nil,
        isMergedCopy: Bool = false
    ) {
        self.text = text
        self.warning = warning
        self.number = number
        self.isMergedCopy = isMergedCopy
    }

    /// A cell with nothing in it.
    public static let empty = Cell(text: "")

    /// Whether the cell holds nothing but whitespace.
    public var isBlank: Bool { text.allSatisfy(\.isWhitespace) }
}

/// Why a cell's text may not be what the partner wrote. The raw values are stable
/// kebab-case codes for reports: never rename one.
public enum CellWarning: String, Sendable, CaseIterable, Codable {
    /// A long integer stored as a number in a format that does not pad it (General,
    /// scientific): if it was a phone number or an identifier, a leading zero may have
    /// been lost, and no format records how it was written.
    case writtenFormUnknown = "written-form-unknown"
    /// The cell format shows fewer decimals than the number holds: `text` is rounded as
    /// the sheet displays it, `number` keeps the stored value.
    case roundedForDisplay = "rounded-for-display"
    /// The cell holds a formula error (`#N/A`, `#REF!`, `#DIV/0!`…).
    case formulaError = "formula-error"
    /// A date that cannot exist: Excel's 29 February 1900, or a serial number outside
    /// the years 1900 to 9999.
    case invalidDate = "invalid-date"

    /// A sentence for reports.
    public var message: String {
        switch self {
        case .writtenFormUnknown:
            "a long number without a cell format: leading zeros, if it had any, are lost"
        case .roundedForDisplay:
            "the cell format rounds the stored number"
        case .formulaError:
            "the cell holds a formula error"
        case .invalidDate:
            "the date does not exist in the calendar"
        }
    }
}
