import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

// The small parts of an XLSX package read before any sheet: relationships, the
// workbook's list of sheets, shared strings and cell styles (ECMA-376 part 1, §18).

/// One relationship of a package part: `rId3` is `worksheets/sheet2.xml`.
struct Relationship {
    var id: String
    var type: String
    var target: String
    var isExternal: Bool

    /// The relationship type's last path component (`worksheet`, `sharedStrings`…),
    /// which is the same in the transitional and strict OOXML namespaces.
    var kind: Substring {
        type.split(separator: "/").last ?? ""
    }
}

final class RelationshipsHandler: XMLHandler {
    var relationships: [Relationship] = []

    override func didStart(
        _ name: Substring, attributes: [String: String], parser: XMLParser
    ) {
        guard name == "Relationship" else { return }
        relationships.append(
            Relationship(
                id: attributes["Id"] ?? "", type: attributes["Type"] ?? "",
                target: attributes["Target"] ?? "",
                isExternal: attributes["TargetMode"] == "External"))
    }

    /// The archive path a relationship of `source` points to: targets are relative to
    /// the source part's folder unless they start with `/`.
    static func resolve(_ target: String, from source: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var components = source.split(separator: "/").dropLast().map(String.init)
        for piece in target.split(separator: "/") {
            switch piece {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(piece))
            }
        }
        return components.joined(separator: "/")
    }

    /// Where the relationships of `part` are kept: `xl/_rels/workbook.xml.rels`.
    static func relationshipsPath(of part: String) -> String {
        var components = part.split(separator: "/").map(String.init)
        let name = components.popLast() ?? ""
        return (components + ["_rels", name + ".rels"]).joined(separator: "/")
    }
}

/// `workbook.xml`: the sheets in tab order and the date system.
final class WorkbookHandler: XMLHandler {
    struct SheetEntry {
        var name: String
        var relationshipID: String
        var isHidden: Bool
    }

    var sheets: [SheetEntry] = []
    var dateSystem = DateSystem.from1900

    override func didStart(
        _ name: Substring, attributes: [String: String], parser: XMLParser
    ) {
        switch name {
        case "workbookPr":
            let value = attributes["date1904"]?.lowercased()
            if value == "1" || value == "true" { dateSystem = .from1904 }
        case "sheet":
            let state = attributes["state"] ?? "visible"
            sheets.append(
                SheetEntry(
                    name: attributes["name"] ?? "Sheet\(sheets.count + 1)",
                    relationshipID: attribute(attributes, "id") ?? "",
                    isHidden: state != "visible"))
        default:
            break
        }
    }
}

/// `sharedStrings.xml`: the strings that cells of type `s` refer to by index. A string
/// with formatting runs is the concatenation of its runs; phonetic guides (`rPh`, the
/// readings written above Japanese text) are not part of the value.
final class SharedStringsHandler: XMLHandler {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var inPhonetic = false

    override func didStart(
        _ name: Substring, attributes: [String: String], parser: XMLParser
    ) {
        switch name {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        case "sst":
            if let count = attributes["uniqueCount"].flatMap(Int.init), count < 10_000_000 {
                strings.reserveCapacity(count)
            }
        default: break
        }
    }

    override func characters(_ string: String) {
        if inText { current += string }
    }

    override func didEnd(_ name: Substring, parser: XMLParser) {
        switch name {
        case "si": strings.append(current.decodingOOXMLEscapes)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// `styles.xml`: for each cell style index (`s` on a cell), its number format.
final class StylesHandler: XMLHandler {
    var customFormats: [Int: String] = [:]
    /// The number format id of each entry of `cellXfs`, in order.
    var formatIDs: [Int] = []
    private var inCellFormats = false

    override func didStart(
        _ name: Substring, attributes: [String: String], parser: XMLParser
    ) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init) {
                customFormats[id] = attributes["formatCode"] ?? "General"
            }
        case "cellXfs":
            inCellFormats = true
        case "xf" where inCellFormats:
            formatIDs.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default:
            break
        }
    }

    override func didEnd(_ name: Substring, parser: XMLParser) {
        if name == "cellXfs" { inCellFormats = false }
    }

    /// The parsed format of each cell style, parsing each distinct code once.
    func cellFormats() -> [NumberFormat] {
        var parsed: [Int: NumberFormat] = [:]
        return formatIDs.map { id in
            if let format = parsed[id] { return format }
            let code = customFormats[id] ?? NumberFormat.builtIn(id) ?? "General"
            let format = NumberFormat(code: code)
            parsed[id] = format
            return format
        }
    }
}
