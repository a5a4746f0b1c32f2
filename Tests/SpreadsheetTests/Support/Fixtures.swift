import Foundation

@testable import Spreadsheet

/// Builds small XLSX packages from pieces of SpreadsheetML, so that each test states
/// exactly the cells it reads.
struct XLSXFixture {
    struct SheetSpec {
        var name: String
        /// The content of `<sheetData>`: `<row>`s of `<c>`s.
        var rows: String
        var mergedRanges: [String] = []
        var hidden = false
    }

    /// A cell format referred to by style index: style 0 is General, style n is
    /// `formats[n - 1]`.
    enum Format {
        case builtIn(Int)
        case custom(String)
    }

    var sheets: [SheetSpec]
    /// Each shared string's `<si>` content, such as `<t>Nom</t>`.
    var sharedStrings: [String] = []
    var formats: [Format] = []
    var date1904 = false
    var zip = ZipWriter.Options()
    var zip64EndRecords = false

    init(_ sheets: SheetSpec...) {
        self.sheets = sheets
    }

    init(rows: String) {
        self.sheets = [SheetSpec(name: "Sheet1", rows: rows)]
    }

    func build() -> [UInt8] {
        var writer = ZipWriter()
        let contentTypes = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="xml" ContentType="application/xml"/></Types>
            """
        writer.add("[Content_Types].xml", contentTypes, zip)
        writer.add(
            "_rels/.rels",
            relationships([
                ("rId1", "officeDocument", "xl/workbook.xml")
            ]), zip)

        let sheetList = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(sheet.name)\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\""
                + (sheet.hidden ? " state=\"hidden\"" : "") + "/>"
        }.joined()
        writer.add(
            "xl/workbook.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <workbookPr\(date1904 ? " date1904=\"1\"" : "")/>\
            <sheets>\(sheetList)</sheets></workbook>
            """, zip)

        var workbookLinks = sheets.indices.map {
            ("rId\($0 + 1)", "worksheet", "worksheets/sheet\($0 + 1).xml")
        }
        workbookLinks.append(("rIdS", "sharedStrings", "sharedStrings.xml"))
        workbookLinks.append(("rIdT", "styles", "/xl/styles.xml"))
        writer.add("xl/_rels/workbook.xml.rels", relationships(workbookLinks), zip)

        for (index, sheet) in sheets.enumerated() {
            let merges =
                sheet.mergedRanges.isEmpty
                ? ""
                : "<mergeCells>"
                    + sheet.mergedRanges.map { "<mergeCell ref=\"\($0)\"/>" }
                    .joined() + "</mergeCells>"
            writer.add(
                "xl/worksheets/sheet\(index + 1).xml",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
                <sheetData>\(sheet.rows)</sheetData>\(merges)</worksheet>
                """, zip)
        }

        let strings = sharedStrings.map { "<si>\($0)</si>" }.joined()
        writer.add(
            "xl/sharedStrings.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            uniqueCount="\(sharedStrings.count)">\(strings)</sst>
            """, zip)

        var customCodes: [String] = []
        var xfs = ["<xf numFmtId=\"0\"/>"]
        for format in formats {
            switch format {
            case .builtIn(let id):
                xfs.append("<xf numFmtId=\"\(id)\"/>")
            case .custom(let code):
                let id = 164 + customCodes.count
                customCodes.append(
                    "<numFmt numFmtId=\"\(id)\" formatCode=\"\(escapeAttribute(code))\"/>")
                xfs.append("<xf numFmtId=\"\(id)\"/>")
            }
        }
        writer.add(
            "xl/styles.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <numFmts>\(customCodes.joined())</numFmts>\
            <cellStyleXfs><xf numFmtId="49"/></cellStyleXfs>\
            <cellXfs>\(xfs.joined())</cellXfs></styleSheet>
            """, zip)
        return writer.finish(zip64: zip64EndRecords)
    }

    func open() throws(SpreadsheetError) -> Workbook {
        try Workbook(bytes: build(), file: "fixture.xlsx")
    }

    private func relationships(_ links: [(String, String, String)]) -> String {
        let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        let items = links.map { id, kind, target in
            "<Relationship Id=\"\(id)\" Type=\"\(base)\(kind)\" Target=\"\(target)\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(items)</Relationships>
            """
    }
}

/// Builds small ODS packages from the rows of `table:table`s.
struct ODSFixture {
    var tables: [(name: String, rows: String)]
    /// Tables given a style that hides them.
    var hiddenTables: Set<String> = []
    var zip = ZipWriter.Options(deflate: true)

    init(_ tables: (name: String, rows: String)...) {
        self.tables = tables
    }

    func build() -> [UInt8] {
        var writer = ZipWriter()
        // The mimetype comes first and stored, so that tools can recognise the file.
        writer.add("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        writer.add(
            "META-INF/manifest.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">\
            <manifest:file-entry manifest:full-path="/" \
            manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>\
            <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\
            </manifest:manifest>
            """, zip)
        let body = tables.map { name, rows in
            let style = hiddenTables.contains(name) ? " table:style-name=\"ta2\"" : ""
            return "<table:table table:name=\"\(name)\"\(style)>\(rows)</table:table>"
        }.joined()
        writer.add(
            "content.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content \
            xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
            xmlns:xlink="http://www.w3.org/1999/xlink" \
            xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" \
            xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
            office:version="1.3"><office:automatic-styles>\
            <style:style style:name="ta1" style:family="table">\
            <style:table-properties table:display="true"/></style:style>\
            <style:style style:name="ta2" style:family="table">\
            <style:table-properties table:display="false"/></style:style>\
            </office:automatic-styles><office:body><office:spreadsheet>\(body)\
            </office:spreadsheet></office:body></office:document-content>
            """, zip)
        return writer.finish()
    }

    func open() throws(SpreadsheetError) -> Workbook {
        try Workbook(bytes: build(), file: "fixture.ods")
    }
}

/// The path of a committed fixture file.
func fixturePath(_ name: String) -> String {
    // The resources are copied with the test bundle; a missing one is a packaging bug.
    guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)
    else { fatalError("fixture \(name) is not in the test bundle") }
    return url.path
}

private func escapeAttribute(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;")
        .replacingOccurrences(of: "\"", with: "&quot;")
        .replacingOccurrences(of: "<", with: "&lt;")
}

extension Sheet {
    /// The rows as (number, texts), the shape most assertions compare.
    var grid: [[String]] { rows.map(\.texts) }

    /// The text of a cell by reference, "" when the sheet has nothing there.
    func text(_ reference: String) -> String {
        cell(reference)?.text ?? ""
    }

    func cell(_ reference: String) -> Cell? {
        guard let (row, column) = CellReference.parse(reference),
            let found = rows.first(where: { $0.number == row }),
            column <= found.cells.count
        else { return nil }
        return found.cells[column - 1]
    }
}
