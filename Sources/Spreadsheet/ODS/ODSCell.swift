/// The text of an OpenDocument cell, from its typed value (`office:value-type` and the
/// `office:*-value` attributes) and the paragraphs the program displayed.
///
/// The displayed paragraphs depend on the locale of whoever saved the file (`3,5`,
/// `01/03/2024`, `VRAI`), so typed values are written from the stored value, like XLSX
/// cells: numbers with a `.`, dates in ISO 8601. The display is kept where it carries
/// what the value lost: the leading zeros of a postcode or phone number.
func odsCell(attributes: [String: String], paragraphs: [String]) -> Cell {
    let display = paragraphs.joined(separator: "\n")
    let type = odsAttribute(attributes, "office:value-type")

    if attributes["calcext:value-type"] == "error" {
        return Cell(text: display, warning: .formulaError)
    }
    switch type {
    case "float", "currency":
        guard let value = odsAttribute(attributes, "office:value").flatMap(Double.init) else {
            return Cell(text: display)
        }
        return numberCell(value, display: display)
    case "percentage":
        guard let value = odsAttribute(attributes, "office:value").flatMap(Double.init) else {
            return Cell(text: display)
        }
        var cell = generalNumberCell(value * 100)
        cell.text += "%"
        cell.warning = nil
        cell.number = value
        return cell
    case "date":
        guard let value = odsAttribute(attributes, "office:date-value") else {
            return Cell(text: display)
        }
        return Cell(text: isoDateTime(value))
    case "time":
        guard let value = odsAttribute(attributes, "office:time-value"),
            let time = clockTime(duration: value)
        else { return Cell(text: display) }
        return Cell(text: time)
    case "boolean":
        guard let value = odsAttribute(attributes, "office:boolean-value") else {
            return Cell(text: display)
        }
        return Cell(text: value == "true" || value == "1" ? "TRUE" : "FALSE")
    default:
        // Text cells, and cells with no type that still hold paragraphs.
        if display.isEmpty, let stored = odsAttribute(attributes, "office:string-value") {
            return Cell(text: stored)
        }
        return Cell(text: display)
    }
}

/// A number cell: its digits as displayed when the display is the same integer with
/// leading zeros (a postcode in a `00000` format), its stored value otherwise.
private func numberCell(_ value: Double, display: String) -> Cell {
    let cell = generalNumberCell(value)
    let shown = display.trimmingSpaces
    let digits = shown.filter { $0 != " " && $0 != "\u{A0}" && $0 != "\u{202F}" }
    let decimal = DecimalDigits(value)
    if shown != cell.text, decimal.isInteger, !decimal.isNegative,
        !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit),
        digits.drop(while: { $0 == "0" }) == cell.text.drop(while: { $0 == "0" })
    {
        // Digits with leading zeros or spaced in groups are how the partner wrote it.
        return Cell(text: shown, number: value)
    }
    return cell
}

/// `2024-03-01T00:00:00` as `2024-03-01`, `2024-03-01T14:30:00` as `2024-03-01 14:30:00`.
func isoDateTime(_ stored: String) -> String {
    let parts = stored.split(separator: "T", maxSplits: 1)
    guard parts.count == 2 else { return stored }
    let time = parts[1].prefix { $0 != "Z" && $0 != "+" && $0 != "." && $0 != "-" }
    if time.allSatisfy({ $0 == "0" || $0 == ":" }) { return String(parts[0]) }
    return parts[0] + " " + time
}

/// An ISO 8601 duration as OpenDocument stores times (`PT14H30M00S`) written as a clock
/// time, `14:30:00`; durations beyond a day keep counting hours.
func clockTime(duration: String) -> String? {
    guard let timeStart = duration.firstIndex(of: "T") else { return nil }
    var days = 0
    var number = ""
    for char in duration[..<timeStart] {
        if char.isASCIIDigit { number.append(char) }
        if char == "D" { days = Int(number) ?? 0 }
        if !char.isASCIIDigit { number = "" }
    }
    var hours = 0
    var minutes = 0
    var seconds = 0.0
    number = ""
    for char in duration[duration.index(after: timeStart)...] {
        switch char {
        case "H": hours = Int(number) ?? 0; number = ""
        case "M": minutes = Int(number) ?? 0; number = ""
        case "S": seconds = Double(number) ?? 0; number = ""
        default: number.append(char)
        }
    }
    let total = days * 86_400 + hours * 3600 + minutes * 60 + Int(seconds.rounded())
    return twoDigits(total / 3600) + ":" + twoDigits(total / 60 % 60) + ":"
        + twoDigits(total % 60)
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
