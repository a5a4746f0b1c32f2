import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A streaming XML handler that can stop the parse with an error of its own.
class XMLHandler: NSObject, XMLParserDelegate {
    /// Set by a subclass that meets something it cannot use; the parse then stops.
    var failure: String?

    func fail(_ parser: XMLParser, _ reason: String) {
        guard failure == nil else { return }
        failure = reason
        parser.abortParsing()
    }
}

/// Parses one archive member with `handler`, turning a malformed document into an
/// error that names the file and the member.
func parseXML(
    _ bytes: [UInt8], with handler: XMLHandler, file: String, part: String
) throws(SpreadsheetError) {
    let parser = XMLParser(data: Data(bytes))
    parser.delegate = handler
    parser.shouldResolveExternalEntities = false
    parser.shouldProcessNamespaces = false
    let succeeded = parser.parse()
    if let failure = handler.failure {
        throw SpreadsheetError(.corrupt, file: file, part: part, reason: failure)
    }
    guard succeeded else {
        let detail = parser.parserError.map { ($0 as NSError).localizedDescription } ?? ""
        throw SpreadsheetError(
            .corrupt, file: file, part: part,
            reason: "the XML is malformed near line \(parser.lineNumber)"
                + (detail.isEmpty ? "" : " (\(detail))")
                + "; the file is damaged: ask for it again or save it anew")
    }
}

/// The element or attribute name without its namespace prefix: `x:c` is `c`. Writers
/// agree on local names but not always on prefixes.
@inline(__always)
func localName(_ qualified: String) -> Substring {
    guard let colon = qualified.utf8.lastIndex(of: UInt8(ascii: ":")) else {
        return qualified[...]
    }
    return qualified[qualified.index(after: colon)...]
}

/// An attribute by local name.
func attribute(_ attributes: [String: String], _ name: String) -> String? {
    if let value = attributes[name] { return value }
    for (key, value) in attributes where localName(key) == name {
        return value
    }
    return nil
}

extension String {
    /// Decodes the `_xHHHH_` escapes with which OOXML writes characters that XML cannot
    /// carry (a carriage return is `_x000D_`); `_x005F_` escapes a literal underscore.
    var decodingOOXMLEscapes: String {
        guard contains("_x") else { return self }
        var result = ""
        var rest = self[...]
        while let start = rest.range(of: "_x") {
            result += rest[..<start.lowerBound]
            let afterMarker = rest[start.upperBound...]
            let hex = afterMarker.prefix(4)
            if hex.count == 4, afterMarker.dropFirst(4).first == "_",
                let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code)
            {
                result.unicodeScalars.append(scalar)
                rest = afterMarker.dropFirst(5)
            } else {
                result += "_x"
                rest = afterMarker
            }
        }
        return result + rest
    }
}
