import Foundation

/// What reads the sheets of one kind of workbook.
protocol WorkbookReader: AnyObject, Sendable {
    var sheetNames: [String] { get }
    func isHidden(at index: Int) -> Bool
    func sheet(at index: Int) throws(SpreadsheetError) -> Sheet
}

/// A spreadsheet file, XLSX or ODS, opened for reading its sheets.
///
/// Opening reads the file and the workbook's shared parts (sheet list, shared strings,
/// cell formats); an XLSX sheet's cells are read when the sheet is asked for.
///
///     let workbook = try Workbook(path: "partners.xlsx")
///     let sheet = try workbook.firstNonEmptySheet()
///     for row in sheet.rows {
///         print(row.number, row.texts)
///     }
///
/// The kind of workbook is recognised from the file's contents, not its extension. An
/// old `.xls`, a password-protected workbook, a truncated or damaged file are each a
/// `SpreadsheetError` that says so.
public struct Workbook: Sendable {
    /// The kinds of workbook read.
    public enum Format: String, Sendable {
        case xlsx
        case ods
    }

    /// The file as the caller named it.
    public let file: String
    public let format: Format
    private let reader: any WorkbookReader

    /// Opens the workbook at `path`.
    ///
    /// - throws: `SpreadsheetError` when the file cannot be read, is not a workbook, is
    ///   password-protected, or is damaged.
    public init(path: String) throws(SpreadsheetError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SpreadsheetError(.io, file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw SpreadsheetError(.io, file: path, reason: "this is a folder, not a workbook")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw SpreadsheetError(
                .io, file: path,
                reason: "cannot read the file: \((error as NSError).localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), file: path)
    }

    /// Opens a workbook already in memory (read from standard input, say); `file` names
    /// it in errors.
    public init(bytes: [UInt8], file: String) throws(SpreadsheetError) {
        self.file = file
        try Self.refuseNonZip(bytes, file: file)
        let archive = try ZipArchive(bytes: bytes, file: file)

        if archive.entry(named: "content.xml") != nil,
            archive.entry(named: "xl/workbook.xml") == nil
        {
            format = .ods
            reader = try ODSReader(archive: archive)
        } else if archive.entry(named: "[Content_Types].xml") != nil {
            if archive.entry(named: "xl/workbook.bin") != nil {
                throw SpreadsheetError(
                    .unsupported, file: file,
                    reason: "this is a binary Excel workbook (.xlsb), which Glaneur does not "
                        + "read; save it as .xlsx")
            }
            format = .xlsx
            reader = try XLSXReader(archive: archive)
        } else {
            throw SpreadsheetError(
                .unsupported, file: file,
                reason: "this ZIP archive is neither an .xlsx nor an .ods workbook")
        }
    }

    /// The sheets' names in tab order.
    public var sheetNames: [String] { reader.sheetNames }

    /// The sheet with this name; an exact match first, then one ignoring case.
    public func sheet(named name: String) throws(SpreadsheetError) -> Sheet {
        let names = sheetNames
        let index =
            names.firstIndex(of: name)
            ?? names.firstIndex { $0.lowercased() == name.lowercased() }
        guard let index else {
            throw SpreadsheetError(
                .noSuchSheet, file: file,
                reason: "there is no sheet named \"\(name)\"; the sheets are "
                    + names.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        return try reader.sheet(at: index)
    }

    /// The sheet at a 0-based position in tab order.
    public func sheet(at index: Int) throws(SpreadsheetError) -> Sheet {
        guard sheetNames.indices.contains(index) else {
            throw SpreadsheetError(
                .noSuchSheet, file: file,
                reason: "there is no sheet \(index + 1): the workbook has "
                    + "\(sheetNames.count) sheet\(sheetNames.count == 1 ? "" : "s")")
        }
        return try reader.sheet(at: index)
    }

    /// The first visible sheet with a non-empty cell, or failing that the first hidden
    /// one; the first sheet when every sheet is empty.
    public func firstNonEmptySheet() throws(SpreadsheetError) -> Sheet {
        let indices = sheetNames.indices
        let ordered =
            indices.filter { !reader.isHidden(at: $0) }
            + indices.filter { reader.isHidden(at: $0) }
        for index in ordered {
            let sheet = try reader.sheet(at: index)
            if !sheet.isEmpty { return sheet }
        }
        guard !sheetNames.isEmpty else {
            throw SpreadsheetError(.noSuchSheet, file: file, reason: "the workbook has no sheet")
        }
        return try reader.sheet(at: 0)
    }

    // MARK: - Recognising what is not a ZIP workbook

    /// Explains what a file that is not a ZIP archive is, when it is a known format.
    private static func refuseNonZip(_ bytes: [UInt8], file: String) throws(SpreadsheetError) {
        let compoundFile: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        if bytes.starts(with: compoundFile) {
            // Excel encrypts an .xlsx by wrapping it in an OLE2 compound file with an
            // "EncryptedPackage" stream; any other compound file is an Excel 97-2003
            // workbook.
            let marker = Array(
                "EncryptedPackage".utf16.flatMap {
                    [UInt8($0 & 0xFF), UInt8($0 >> 8)]
                })
            if contains(bytes, marker) {
                throw SpreadsheetError(
                    .passwordProtected, file: file,
                    reason: "the workbook is password-protected; open it with its password "
                        + "and save it again without one")
            }
            throw SpreadsheetError(
                .unsupported, file: file,
                reason: "this is an Excel 97-2003 workbook (.xls), which Glaneur does not "
                    + "read; save it as .xlsx or .ods")
        }
        if bytes.isEmpty {
            throw SpreadsheetError(.corrupt, file: file, reason: "the file is empty")
        }
        if !bytes.starts(with: [0x50, 0x4B]) {
            throw SpreadsheetError(
                .unsupported, file: file,
                reason: "this is not an .xlsx or .ods workbook (those are ZIP archives, "
                    + "starting with \"PK\")")
        }
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                return true
            }
            index += 1
        }
        return false
    }
}
