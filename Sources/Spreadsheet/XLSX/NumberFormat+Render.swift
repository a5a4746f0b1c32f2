/// The day that serial number 0 stands for.
enum DateSystem: Sendable {
    /// Excel's default: day 1 is 1900-01-01, and day 60 is 29 February 1900, a day that
    /// never was (kept from Lotus 1-2-3 for compatibility).
    case from1900
    /// Old Mac Excel's: day 0 is 1904-01-01.
    case from1904
}

extension NumberFormat {
    /// The cell for a number displayed through this format.
    func render(_ value: Double, dateSystem: DateSystem) -> Cell {
        guard value.isFinite else { return Cell(text: "#NUM!", warning: .formulaError) }
        guard let section = section(for: value) else { return generalNumberCell(value) }
        switch section.layout {
        case .date(let hasDate, let hasTime, let hasSeconds, let elapsed):
            return renderDate(
                value, hasDate: hasDate, hasTime: hasTime, hasSeconds: hasSeconds,
                elapsed: elapsed, dateSystem: dateSystem)
        case .general(let prefix):
            // Scientific notation and fractions hide the digits that were typed: the full
            // number serves the data better. TODO: fractions (`# ?/?`) are written as
            // decimals; partner lists have not been seen to use them.
            var cell = generalNumberCell(value)
            if !prefix.isEmpty { cell.text = prefix + cell.text }
            return cell
        case .number:
            if let width = section.padWidth, let padded = Self.padded(value, width: width) {
                return Cell(text: padded, number: value)
            }
            let cell = renderNumber(value, section: section)
            // An empty section (`;;;`) hides the value on screen; the data is still wanted.
            return cell.text.isEmpty && value != 0 ? generalNumberCell(value) : cell
        }
    }

    /// The section that displays the value: positive;negative;zero;text. A negative
    /// number shown through its own section loses its sign, which the section writes.
    private func section(for value: Double) -> Section? {
        switch sections.count {
        case 0: return nil
        case 1: return sections[0]
        case 2: return value < 0 ? sections[1] : sections[0]
        default:
            if value < 0 { return sections[1] }
            return value == 0 ? sections[2] : sections[0]
        }
    }

    // MARK: - Numbers

    /// A non-negative integer through a format of bare placeholders such as `00000`:
    /// the common case of postcodes and phone numbers, without going through digits.
    private static func padded(_ value: Double, width: Int) -> String? {
        guard value >= 0, value < 1e15, value.rounded(.towardZero) == value else { return nil }
        let digits = value == 0 && width == 0 ? "" : String(Int64(value))
        guard digits.utf8.count < width else { return digits }
        return String(repeating: "0", count: width - digits.utf8.count) + digits
    }

    private func renderNumber(_ value: Double, section: Section) -> Cell {
        // Round to the decimals the format shows, and say so when that hides digits.
        var decimal = DecimalDigits(abs(value) * section.scale)
        let before = decimal
        decimal.round(toFractionDigits: section.fractionPlaces)
        let warning: CellWarning? = decimal != before ? .roundedForDisplay : nil

        // A single-section format has no place for the sign: it goes in front.
        let needsSign = value < 0 && sections.count == 1 && !decimal.isZero
        let text =
            integerPart(decimal.integerDigits, tokens: section.integerTokens)
            + fractionPart(decimal.fractionDigits, tokens: section.fractionTokens)
        let cellText = (needsSign ? "-" : "") + text.trimmingSpaces
        return Cell(text: cellText, warning: warning, number: value)
    }

    /// Fills the integer placeholders from the right. The leftmost placeholder takes
    /// every digit left over, so 123456 through `000` is `123456`, and 1000 through
    /// `00000` is `01000`.
    private func integerPart(_ digits: [UInt8], tokens: ArraySlice<Token>) -> String {
        var remaining = digits[...]
        let firstDigit = tokens.firstIndex { if case .digit = $0 { true } else { false } }
        var pieces: [String] = []
        for index in tokens.indices.reversed() {
            switch tokens[index] {
            case .digit(let kind):
                if index == firstDigit {
                    if !remaining.isEmpty {
                        pieces.append(String(digitsOf: Array(remaining)))
                        remaining = []
                    } else {
                        pieces.append(kind == "0" ? "0" : kind == "?" ? " " : "")
                    }
                } else if let digit = remaining.popLast() {
                    pieces.append(String(digitsOf: [digit]))
                } else {
                    pieces.append(kind == "0" ? "0" : kind == "?" ? " " : "")
                }
            case .literal(let text):
                pieces.append(text)
            case .percent:
                pieces.append("%")
            case .datePart, .amPm, .general, .text, .exponent, .fraction, .comma,
                .decimalPoint:
                continue
            }
        }
        // A section with no placeholder at all ("-" for zero, "TRUE" in LibreOffice's
        // boolean format) shows only its literals, as spreadsheet programs do.
        return pieces.reversed().joined()
    }

    /// Fills the decimal placeholders from the left: `0` shows a zero, `#` nothing and
    /// `?` a space where the number has no more digits.
    private func fractionPart(_ digits: [UInt8], tokens: ArraySlice<Token>) -> String {
        guard !tokens.isEmpty else { return "" }
        var remaining = digits[...]
        var digitText = ""
        var trailing = ""
        for token in tokens {
            switch token {
            case .digit(let kind):
                if let digit = remaining.popFirst() {
                    digitText += trailing + String(digitsOf: [digit])
                    trailing = ""
                } else if kind == "0" {
                    digitText += trailing + "0"
                    trailing = ""
                } else if kind == "?" {
                    trailing += " "
                }
            case .literal(let text):
                trailing += text
            case .percent:
                trailing += "%"
            default:
                continue
            }
        }
        return (digitText.isEmpty ? "" : "." + digitText) + trailing
    }

    // MARK: - Dates

    /// Dates and times in ISO 8601: `2024-03-01`, `2024-03-01 14:30`, `14:30:05`, with
    /// seconds only when the format shows them.
    private func renderDate(
        _ value: Double, hasDate: Bool, hasTime: Bool, hasSeconds: Bool, elapsed: Bool,
        dateSystem: DateSystem
    ) -> Cell {
        // Round to the second first, so 23:59:59.7 carries into the next day.
        var seconds = (value * 86_400).rounded()
        if elapsed {
            let total = Int(abs(seconds))
            let text =
                (value < 0 ? "-" : "") + "\(total / 3600):" + twoDigits(total / 60 % 60)
                + (hasSeconds ? ":" + twoDigits(total % 60) : "")
            return Cell(text: text, number: value)
        }
        guard value >= 0, value < 2_958_466 else {
            var cell = generalNumberCell(value)
            cell.warning = .invalidDate
            return cell
        }
        let day = Int((seconds / 86_400).rounded(.down))
        seconds -= Double(day) * 86_400
        let secondOfDay = Int(seconds)
        let time =
            twoDigits(secondOfDay / 3600) + ":" + twoDigits(secondOfDay / 60 % 60)
            + (hasSeconds ? ":" + twoDigits(secondOfDay % 60) : "")
        guard hasDate else { return Cell(text: time, number: value) }

        let (date, valid) = Self.civilDate(serial: day, system: dateSystem)
        let text = hasTime ? date + " " + time : date
        return Cell(text: text, warning: valid ? nil : .invalidDate, number: value)
    }

    /// The ISO date of a serial day number, and whether that day exists.
    static func civilDate(serial: Int, system: DateSystem) -> (String, Bool) {
        // Days since 1970-01-01 of the serial's day.
        let daysFromEpoch: Int
        switch system {
        case .from1904:
            daysFromEpoch = serial - 24_107
        case .from1900:
            if serial == 60 { return ("1900-02-29", false) }
            // Before the phantom leap day the serials are one day off from after it.
            daysFromEpoch = serial < 60 ? serial - 25_568 : serial - 25_569
        }
        let (year, month, day) = civil(daysFromEpoch: daysFromEpoch)
        let text = String(year) + "-" + twoDigits(month) + "-" + twoDigits(day)
        return (text, true)
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01, by counting 400-year
    /// eras from 0000-03-01 so that the leap day falls at the end of each year.
    static func civil(daysFromEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = daysFromEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra =
            (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

func twoDigits(_ value: Int) -> String {
    value < 10 ? "0" + String(value) : String(value)
}

extension String {
    /// The string without leading and trailing spaces (ASCII and no-break spaces).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\u{A0}" || $0 == "\u{202F}" }
        guard let first = firstIndex(where: { !isSpace($0) }),
            let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
