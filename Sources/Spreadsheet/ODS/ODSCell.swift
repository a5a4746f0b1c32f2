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

/// A number cell, written as displayed when the display is a plain number that agrees
/// with the stored value: that keeps the leading zeros of a postcode in a `00000`
/// format and the decimals of a `0.00` format, whatever the separators of the locale
/// it was saved in. Anything else (scientific notation, currency signs) is written from
/// the stored value.
private func numberCell(_ value: Double, display: String) -> Cell {
    guard let shown = plainNumber(display: display, value: value) else {
        return generalNumberCell(value)
    }
    if shown.rounded {
        return Cell(text: shown.text, warning: .roundedForDisplay, number: value)
    }
    let hasLeadingZero =
        shown.text.count > 1 && shown.text.first == "0"
        && shown.text.dropFirst().first != "."
    return hasLeadingZero
        ? Cell(text: shown.text, number: value)
        : Cell(text: shown.text, warning: generalNumberCell(value).warning, number: value)
}

/// The display in plain notation (`-1234.50`, `01000`, `04 76 11 23 45`) if it shows the
/// value, exactly or rounded; nil if it is something else.
private func plainNumber(display: String, value: Double) -> (text: String, rounded: Bool)? {
    let spaces: Set<Character> = [" ", "\u{A0}", "\u{202F}"]
    let trimmed = display.trimmingSpaces
    guard !trimmed.isEmpty,
        trimmed.allSatisfy({ $0.isASCIIDigit || spaces.contains($0) || ",.-'".contains($0) })
    else { return nil }

    // Spaces between groups of three digits are a thousands separator; in any other
    // grouping (a phone's pairs) they are part of how the number is written.
    let groups = trimmed.split(whereSeparator: { spaces.contains($0) })
    let spacesGroupThousands =
        groups.count > 1
        && groups.dropFirst().allSatisfy { $0.prefix(3).allSatisfy(\.isASCIIDigit) }
        && groups.dropFirst().allSatisfy { $0.prefix { $0.isASCIIDigit }.count == 3 }
    let compact = trimmed.filter { !spaces.contains($0) && $0 != "'" }

    // The decimal separator is whichever of `.` and `,` comes last, unless a lone comma
    // groups thousands (`1,234`): the stored value tells which reading is right.
    var readings: [String] = []
    if let lastSeparator = compact.lastIndex(where: { $0 == "." || $0 == "," }) {
        let integer = compact[..<lastSeparator].filter { $0 != "." && $0 != "," }
        let fraction = compact[compact.index(after: lastSeparator)...]
        readings.append(integer + "." + fraction)
        readings.append(compact.filter { $0 != "." && $0 != "," })
    } else {
        readings.append(compact)
    }

    let stored = DecimalDigits(value)
    for reading in readings {
        guard let shownValue = Double(reading) else { continue }
        let places = reading.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
        var rounded = stored
        rounded.round(toFractionDigits: places)
        guard rounded == DecimalDigits(shownValue) else { continue }
        let keepsSpaces = groups.count > 1 && !spacesGroupThousands && !reading.contains(".")
        return (keepsSpaces ? trimmed : reading, rounded != stored)
    }
    return nil
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
        case "H":
            hours = Int(number) ?? 0
            number = ""
        case "M":
            minutes = Int(number) ?? 0
            number = ""
        case "S":
            seconds = Double(number) ?? 0
            number = ""
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
