import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A streaming XML handler that can stop the parse with an error of its own.
///
/// Subclasses override `didStart`, `didEnd` and `characters`, which get element names
/// without their namespace prefix. The parser callbacks themselves live here: without
/// the Objective-C runtime the parser calls its delegate through the protocol's witness
/// table, which methods declared only in a subclass would not be part of. They also
/// track whether the root element closed, since the parser on Linux reports a document
/// that simply stops (a truncated part) as a success.
class XMLHandler: NSObject, XMLParserDelegate {
    /// Set by a subclass that meets something it cannot use; the parse then stops.
    var failure: String?
    private var depth = 0
    fileprivate(set) var rootClosed = false

    func fail(_ parser: XMLParser, _ reason: String) {
        guard failure == nil else { return }
        failure = reason
        parser.abortParsing()
    }

    func didStart(_ name: Substring, attributes: [String: String], parser: XMLParser) {}

    func didEnd(_ name: Substring, parser: XMLParser) {}

    func characters(_ string: String) {}

    final func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String]
    ) {
        depth += 1
        didStart(localName(elementName), attributes: attributes, parser: parser)
    }

    final func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        depth -= 1
        if depth == 0 { rootClosed = true }
        didEnd(localName(elementName), parser: parser)
    }

    final func parser(_ parser: XMLParser, foundCharacters string: String) {
        characters(string)
    }
}

extension ZipArchive {
    /// Parses the member with this name with `handler`, inflating it as the parser reads;
    /// false when the archive has no such member. A malformed document, or damaged
    /// compressed data, is an error that names the file and the member.
    func parseMember(named name: String, with handler: XMLHandler) throws(SpreadsheetError)
        -> Bool
    {
        guard let entry = entry(named: name) else { return false }
        let stream = try stream(of: entry)

        // The parser reads the stream a chunk at a time and hands each to libxml2; given
        // a large document whole instead (`XMLParser(data:)`), libxml2 refuses it
        // partway with an internal error.
        let parser = XMLParser(stream: stream)
        parser.delegate = handler
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let succeeded = parser.parse()

        // Damaged data explains any XML error that follows from it: report it first.
        if let failure = stream.failure {
            throw SpreadsheetError(.corrupt, file: file, part: entry.name, reason: failure)
        }
        if let failure = handler.failure {
            throw SpreadsheetError(.corrupt, file: file, part: entry.name, reason: failure)
        }
        // The parser runs libxml2 in recovery mode, so `parse()` may return true after an
        // error: the error is what counts, and so does a document that never closes.
        if !succeeded || parser.parserError != nil || !handler.rootClosed {
            let code = parser.parserError.map { " (XML error \(($0 as NSError).code))" } ?? ""
            let problem =
                handler.rootClosed || parser.parserError != nil
                ? "the XML is malformed near line \(parser.lineNumber)\(code)"
                : "the XML stops before its end (the file is truncated)"
            throw SpreadsheetError(
                .corrupt, file: file, part: entry.name,
                reason: problem + "; the file is damaged: ask for it again or save it anew")
        }
        return true
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
        // Most strings have no escape; finding that out must not cost a Foundation search.
        var utf8 = self.utf8.makeIterator()
        var sawUnderscore = false
        var mayHaveEscape = false
        while let byte = utf8.next() {
            if sawUnderscore, byte == UInt8(ascii: "x") {
                mayHaveEscape = true
                break
            }
            sawUnderscore = byte == UInt8(ascii: "_")
        }
        guard mayHaveEscape else { return self }
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
