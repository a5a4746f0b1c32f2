/// An Excel number format code (`00000`, `0.00%`, `dd/mm/yyyy`, `General`), parsed once
/// and applied to every number displayed through it.
///
/// The point is to write a number as the sheet shows it where that matters for data:
/// leading zeros of postcodes and phone numbers, literal text, decimals, percentages,
/// dates. Dates and times are written in ISO 8601 whatever the format's order, since
/// `03/04/2024` means different days to different readers. Digit grouping is left out
/// (see `Cell.text`). Colours and the widths of `_` and `*` are display matters, dropped.
struct NumberFormat: Sendable {
    enum Token: Equatable, Sendable {
        case literal(String)
        /// `0` (always a digit), `#` (a digit when significant), `?` (a digit or a space).
        case digit(Character)
        case decimalPoint
        /// `,`: grouping between digit placeholders, a division by 1000 after them.
        case comma
        case percent
        case exponent
        /// `@`: the cell's text.
        case text
        case general
        /// y, m, d, h, s and their elapsed forms `[h]`, `[mm]`, `[ss]`.
        case datePart(Character, elapsed: Bool)
        case amPm
        case fraction
    }

    /// What a section displays, worked out once from its tokens.
    enum Layout: Sendable {
        /// The number in full (General, text, and the notations that hide digits).
        case general(prefix: String)
        case date(hasDate: Bool, hasTime: Bool, hasSeconds: Bool, elapsed: Bool)
        case number
    }

    struct Section: Sendable {
        var tokens: [Token]
        var layout: Layout
        /// Tokens before the decimal point, and after it.
        var integerTokens: ArraySlice<Token>
        var fractionTokens: ArraySlice<Token>
        /// The multiplier of `%` and the divisor of trailing commas, combined.
        var scale: Double
        var fractionPlaces: Int
        /// For formats made only of integer placeholders (`00000`), the number of zeros:
        /// integers then only need padding.
        var padWidth: Int?

        init(tokens: [Token]) {
            self.tokens = tokens
            let isDigit: (Token) -> Bool = { if case .digit = $0 { true } else { false } }
            let pointIndex = tokens.firstIndex(of: .decimalPoint)
            integerTokens = tokens[..<(pointIndex ?? tokens.endIndex)]
            fractionTokens = pointIndex.map { tokens[($0 + 1)...] } ?? []
            fractionPlaces = fractionTokens.filter(isDigit).count

            var scale = 1.0
            for token in tokens where token == .percent { scale *= 100 }
            if let lastDigit = integerTokens.lastIndex(where: isDigit) {
                var index = lastDigit + 1
                while index < integerTokens.endIndex, integerTokens[index] == .comma {
                    scale /= 1000
                    index += 1
                }
            }
            self.scale = scale

            let dateParts = tokens.compactMap { token -> (Character, Bool)? in
                if case .datePart(let part, let elapsed) = token { (part, elapsed) } else { nil }
            }
            if !dateParts.isEmpty {
                let hasSeconds = dateParts.contains { $0.0 == "s" }
                let hasHours = dateParts.contains { $0.0 == "h" }
                // An `m` is minutes beside hours or seconds, a month otherwise.
                let hasDate =
                    dateParts.contains { $0.0 == "y" || $0.0 == "d" }
                    || (dateParts.contains { $0.0 == "m" } && !hasHours && !hasSeconds)
                layout = .date(
                    hasDate: hasDate, hasTime: hasHours || hasSeconds, hasSeconds: hasSeconds,
                    elapsed: dateParts.contains { $0.1 })
            } else if tokens.contains(.general) || tokens.contains(.text)
                || tokens.contains(.exponent) || tokens.contains(.fraction)
            {
                var prefix = ""
                if case .literal(let text) = tokens.first { prefix = text.trimmingSpaces }
                layout = .general(prefix: prefix)
            } else {
                layout = .number
            }

            let onlyPlaceholders =
                !tokens.isEmpty
                && tokens.allSatisfy { $0 == .digit("0") || $0 == .digit("#") || $0 == .comma }
            padWidth =
                onlyPlaceholders && scale == 1
                ? tokens.filter { $0 == .digit("0") }.count : nil
        }

        var isDate: Bool {
            if case .date = layout { true } else { false }
        }
    }

    let sections: [Section]

    static let general = NumberFormat(code: "General")

    /// Whether the format shows dates or times.
    var isDate: Bool { sections.first?.isDate ?? false }

    /// Whether the format is `@`, Text: a number typed into such a cell is shown as
    /// typed, which the file only records as the number.
    var isText: Bool { sections.count == 1 && sections[0].tokens == [.text] }

    init(code: String) {
        sections = Self.splitSections(code).map { Section(tokens: Self.tokenize($0)) }
    }

    // MARK: - Built-in formats

    /// The codes that numbered formats stand for when `styles.xml` does not spell them
    /// out (ECMA-376 part 1, 18.8.30). Those not listed show as General.
    static func builtIn(_ id: Int) -> String? {
        switch id {
        case 0: "General"
        case 1: "0"
        case 2: "0.00"
        case 3: "#,##0"
        case 4: "#,##0.00"
        case 9: "0%"
        case 10: "0.00%"
        case 11: "0.00E+00"
        case 12: "# ?/?"
        case 13: "# ??/??"
        case 14: "mm-dd-yy"
        case 15: "d-mmm-yy"
        case 16: "d-mmm"
        case 17: "mmm-yy"
        case 18: "h:mm AM/PM"
        case 19: "h:mm:ss AM/PM"
        case 20: "h:mm"
        case 21: "h:mm:ss"
        case 22: "m/d/yy h:mm"
        case 37: "#,##0 ;(#,##0)"
        case 38: "#,##0 ;[Red](#,##0)"
        case 39: "#,##0.00;(#,##0.00)"
        case 40: "#,##0.00;[Red](#,##0.00)"
        case 45: "mm:ss"
        case 46: "[h]:mm:ss"
        case 47: "mmss.0"
        case 48: "##0.0E+0"
        case 49: "@"
        // Locale-dependent date formats (East Asian ids) that Excel maps to dates.
        case 27...36, 50...58: "yyyy-mm-dd"
        default: nil
        }
    }

    // MARK: - Parsing

    private static func splitSections(_ code: String) -> [String] {
        var sections: [String] = []
        var current = ""
        var inQuotes = false
        var inBrackets = false
        var escaped = false
        for char in code {
            if escaped {
                current.append(char)
                escaped = false
                continue
            }
            switch char {
            case "\\" where !inQuotes: escaped = true
            case "\"": inQuotes.toggle()
            case "[" where !inQuotes: inBrackets = true
            case "]" where !inQuotes: inBrackets = false
            case ";" where !inQuotes && !inBrackets:
                sections.append(current)
                current = ""
                continue
            default: break
            }
            current.append(char)
        }
        sections.append(current)
        return sections
    }

    private static func tokenize(_ section: String) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(section)
        var index = 0

        func appendLiteral(_ text: String) {
            if case .literal(let previous) = tokens.last {
                tokens[tokens.count - 1] = .literal(previous + text)
            } else {
                tokens.append(.literal(text))
            }
        }

        while index < chars.count {
            let char = chars[index]
            index += 1
            switch char {
            case "\"":
                var text = ""
                while index < chars.count, chars[index] != "\"" {
                    text.append(chars[index])
                    index += 1
                }
                index += 1
                appendLiteral(text)
            case "\\":
                if index < chars.count {
                    appendLiteral(String(chars[index]))
                    index += 1
                }
            case "_":
                // Padding as wide as the next character: a space is close enough.
                index += 1
                appendLiteral(" ")
            case "*":
                // Fills the column width with the next character: nothing to write.
                index += 1
            case "[":
                var content = ""
                while index < chars.count, chars[index] != "]" {
                    content.append(chars[index])
                    index += 1
                }
                index += 1
                tokens.append(contentsOf: bracketTokens(content))
            case "0", "#", "?":
                tokens.append(.digit(char))
            case ".":
                tokens.append(.decimalPoint)
            case ",":
                tokens.append(.comma)
            case "%":
                tokens.append(.percent)
            case "E", "e":
                if index < chars.count, chars[index] == "+" || chars[index] == "-" {
                    index += 1
                    tokens.append(.exponent)
                } else {
                    appendLiteral(String(char))
                }
            case "@":
                tokens.append(.text)
            case "/":
                // A slash between digit placeholders makes a fraction; otherwise it is
                // the separator of a date.
                if case .digit = tokens.last {
                    tokens.append(.fraction)
                } else {
                    appendLiteral("/")
                }
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S":
                tokens.append(.datePart(Character(char.lowercased()), elapsed: false))
            case "A", "a":
                let rest = String(chars[(index - 1)...]).uppercased()
                if rest.hasPrefix("AM/PM") {
                    index += 4
                    tokens.append(.amPm)
                } else if rest.hasPrefix("A/P") {
                    index += 2
                    tokens.append(.amPm)
                } else {
                    appendLiteral(String(char))
                }
            case "G", "g":
                let rest = String(chars[(index - 1)...]).lowercased()
                if rest.hasPrefix("general") {
                    index += 6
                    tokens.append(.general)
                } else {
                    appendLiteral(String(char))
                }
            default:
                appendLiteral(String(char))
            }
        }
        return tokens
    }

    /// What `[…]` holds: an elapsed time (`[h]`), a currency and locale (`[$€-40C]`), or a
    /// colour or condition, which display nothing.
    private static func bracketTokens(_ content: String) -> [Token] {
        let lower = content.lowercased()
        if let first = lower.first, "hms".contains(first), lower.allSatisfy({ $0 == first }) {
            return [.datePart(first, elapsed: true)]
        }
        if content.hasPrefix("$") {
            let symbol = content.dropFirst().prefix { $0 != "-" }
            return symbol.isEmpty ? [] : [.literal(String(symbol))]
        }
        // TODO: conditions such as [<1000] choose a section by value; they are rare in
        // partner lists, so sections are chosen by sign only.
        return []
    }
}
