/// A row that could not be used, kept with everything needed to fix it at the source.
///
/// Rejects are never dropped: they are counted in every summary (rows read = records +
/// rejects) and written to their own file with the raw text of the row.
public struct Reject: Hashable, Sendable {
    public var provenance: Provenance
    public var code: RejectCode
    /// The source column at fault, when one is.
    public var column: String?
    public var message: String
    /// The row as it stood in the file, after decoding to UTF-8.
    public var raw: String

    public init(
        provenance: Provenance,
        code: RejectCode,
        column: String? = nil,
        message: String,
        raw: String
    ) {
        self.provenance = provenance
        self.code = code
        self.column = column
        self.message = message
        self.raw = raw
    }
}

/// Why a row was rejected. The raw values are stable kebab-case codes that reports group
/// by and that users may script against: never rename one.
public enum RejectCode: String, CaseIterable, Sendable, Codable {
    /// A CSV row with more cells than the header has columns.
    case raggedRow = "ragged-row"
    /// A CSV row with fewer cells than the header has columns.
    case shortRow = "short-row"
    /// A quoted CSV cell that is never closed; the line is rejected and reading resumes
    /// on the next one.
    case unterminatedQuote = "unterminated-quote"
    /// A CSV row larger than the reader's limit, which is almost always a broken quote.
    case rowTooLarge = "row-too-large"
    /// An NDJSON line that is not valid JSON.
    case badJSON = "bad-json"
    /// A JSON element that is not an object.
    case notAnObject = "not-an-object"
    /// A row with no producer name, which nothing downstream can use.
    case missingName = "missing-name"
    /// A row whose source key an earlier row of the same partner already used: the key
    /// is how the row is recognised from one delivery to the next, so only the first
    /// row keeps it.
    case duplicateKey = "duplicate-key"

    public var summary: String {
        switch self {
        case .raggedRow: "more cells than header columns"
        case .shortRow: "fewer cells than header columns"
        case .unterminatedQuote: "quoted cell never closed"
        case .rowTooLarge: "row larger than the reader's limit"
        case .badJSON: "line is not valid JSON"
        case .notAnObject: "JSON element is not an object"
        case .missingName: "no producer name"
        case .duplicateKey: "source key already used by an earlier row"
        }
    }
}
