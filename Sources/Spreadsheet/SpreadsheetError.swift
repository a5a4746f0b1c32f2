/// Why a workbook, or one of its sheets, cannot be read.
///
/// The description names the file, the part of the archive at fault when there is one,
/// and what the user can do about it:
///
///     partners.xlsx: xl/worksheets/sheet2.xml: the compressed data is corrupt
///     (the file is damaged; ask the partner to send it again)
public struct SpreadsheetError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react differently (an exit code, a hint).
    public enum Kind: String, Sendable {
        /// The file could not be opened or read.
        case io
        /// The workbook is encrypted; it must be saved again without a password.
        case passwordProtected = "password-protected"
        /// A format Glaneur does not read (an old .xls, an unknown compression method).
        case unsupported
        /// The file is truncated or damaged.
        case corrupt
        /// The caller asked for a sheet that the workbook does not have.
        case noSuchSheet = "no-such-sheet"
    }

    public var kind: Kind
    /// The file as the caller named it.
    public var file: String
    /// The archive member at fault (`xl/worksheets/sheet1.xml`), when the failure is in one.
    public var part: String?
    /// What is wrong and, when there is something to do, what to do.
    public var reason: String

    public init(_ kind: Kind, file: String, part: String? = nil, reason: String) {
        self.kind = kind
        self.file = file
        self.part = part
        self.reason = reason
    }

    public var description: String {
        part.map { "\(file): \($0): \(reason)" } ?? "\(file): \(reason)"
    }
}
