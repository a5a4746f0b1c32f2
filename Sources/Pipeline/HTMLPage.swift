import Foundation

/// Builds a self-contained HTML page: no script, no network, no external font or image.
///
/// Every text goes through `escape`; only `raw(_:)` takes markup, which its callers
/// build from escaped text themselves (the SVG of a map).
struct HTMLPage {
    private var body = ""
    private let title: String
    /// The page's language (`fr`, `nl`), for the `lang` attribute.
    private let language: String

    init(title: String, language: String = "fr") {
        self.title = title
        self.language = language
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    mutating func heading(_ level: Int, _ text: String, id: String? = nil) {
        let anchor = id.map { " id=\"\(Self.escape($0))\"" } ?? ""
        body += "<h\(level)\(anchor)>\(Self.escape(text))</h\(level)>\n"
    }

    mutating func paragraph(_ text: String, className: String? = nil) {
        let attribute = className.map { " class=\"\(Self.escape($0))\"" } ?? ""
        body += "<p\(attribute)>\(Self.escape(text))</p>\n"
    }

    /// Markup built by the caller, every text in it already escaped.
    mutating func raw(_ markup: String) {
        body += markup
    }

    mutating func table(header: [String], rows: [[String]], numericColumns: Set<Int> = []) {
        body += "<table><thead><tr>"
        for (index, cell) in header.enumerated() {
            let attribute = numericColumns.contains(index) ? " class=\"number\"" : ""
            body += "<th\(attribute)>\(Self.escape(cell))</th>"
        }
        body += "</tr></thead><tbody>\n"
        for row in rows {
            body += "<tr>"
            for (index, cell) in row.enumerated() {
                let attribute = numericColumns.contains(index) ? " class=\"number\"" : ""
                body += "<td\(attribute)>\(Self.escape(cell))</td>"
            }
            body += "</tr>\n"
        }
        body += "</tbody></table>\n"
    }

    /// Key figures side by side, each a large number over its label.
    mutating func figures(_ items: [(value: String, label: String)]) {
        body += "<div class=\"figures\">"
        for item in items {
            body +=
                "<div class=\"figure\"><span class=\"value\">\(Self.escape(item.value))</span>"
                + "<span class=\"label\">\(Self.escape(item.label))</span></div>"
        }
        body += "</div>\n"
    }

    /// A table of shares in [0, 1], each cell shaded from red (0) to green (1); `rows`
    /// pairs a label and a count with the shares of each column (nil: not applicable).
    mutating func shareTable(
        header: [String], rows: [(label: String, count: Int, shares: [Double?])]
    ) {
        body += "<table class=\"shares\"><thead><tr>"
        for (index, cell) in header.enumerated() {
            body += "<th\(index == 0 ? "" : " class=\"number\"")>\(Self.escape(cell))</th>"
        }
        body += "</tr></thead><tbody>\n"
        for row in rows {
            body += "<tr><td>\(Self.escape(row.label))</td><td class=\"number\">\(row.count)</td>"
            for share in row.shares {
                guard let share else {
                    body += "<td class=\"number\">–</td>"
                    continue
                }
                // Hue 0 (red) to 120 (green), light enough for dark text.
                let hue = Int((share * 120).rounded())
                body +=
                    "<td class=\"number\" style=\"background:hsl(\(hue),60%,82%)\">"
                    + "\(Int((share * 100).rounded())) %</td>"
            }
            body += "</tr>\n"
        }
        body += "</tbody></table>\n"
    }

    /// Horizontal bars, largest first, as inline SVG.
    mutating func barChart(_ counts: [String: Int], caption: String) {
        let bars = counts.sorted {
            $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
        }
        barChart(bars.map { ($0.key, $0.value, "#4a7c3f") }, caption: caption)
    }

    /// Horizontal bars in the order given, each with its colour, as inline SVG.
    mutating func barChart(_ bars: [(label: String, value: Int, colour: String)], caption: String) {
        guard let largest = bars.map(\.value).max(), largest > 0 else { return }
        let rowHeight = 22
        let height = bars.count * rowHeight + 10
        // Room for the longest label, at about 7.5 units a character of 13-unit text.
        let longest = bars.map(\.label.count).max() ?? 0
        let labelWidth = min(320, max(200, longest * 15 / 2 + 14))
        let barRoom = 640 - labelWidth - 60
        body +=
            "<figure><svg role=\"img\" width=\"640\" height=\"\(height)\" "
            + "viewBox=\"0 0 640 \(height)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 5
            let width = max(1, barRoom * bar.value / largest)
            body +=
                "<text x=\"0\" y=\"\(y + 15)\" font-size=\"13\">\(Self.escape(bar.label))</text>"
            body +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"15\" "
                + "fill=\"\(Self.escape(bar.colour))\"/>"
            body +=
                "<text x=\"\(labelWidth + 5 + width)\" y=\"\(y + 15)\" "
                + "font-size=\"13\">\(bar.value)</text>\n"
        }
        body += "</svg><figcaption>\(Self.escape(caption))</figcaption></figure>\n"
    }

    func finish() -> String {
        """
        <!DOCTYPE html>
        <html lang="\(Self.escape(language))"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>
        body { font-family: sans-serif; margin: 2em auto; max-width: 64em; color: #222;
               padding: 0 1em; line-height: 1.4; }
        h1 { color: #2f5a27; }
        h2 { border-bottom: 2px solid #cfe0c8; padding-bottom: 0.2em; margin-top: 2em; }
        table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.92em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left;
                 vertical-align: top; }
        th { background: #eef3ea; }
        td.number { text-align: right; white-space: nowrap; }
        th.number { text-align: right; }
        table.shares { font-size: 0.75em; }
        table.shares td, table.shares th { padding: 0.25em 0.4em; }
        figure { margin: 1em 0; }
        figcaption { font-size: 0.9em; color: #555; }
        .figures { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
        .figure { border: 1px solid #cfe0c8; border-radius: 6px; padding: 0.6em 1em;
                  min-width: 9em; background: #f7faf5; }
        .figure .value { display: block; font-size: 1.6em; font-weight: bold; color: #2f5a27; }
        .figure .label { font-size: 0.85em; color: #555; }
        .note { font-size: 0.9em; color: #555; }
        .legend span { display: inline-block; margin-right: 1.2em; font-size: 0.9em; }
        .legend i { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%;
                    margin-right: 0.3em; vertical-align: middle; }
        nav ul { columns: 2; }
        </style></head><body>
        \(body)</body></html>

        """
    }
}
