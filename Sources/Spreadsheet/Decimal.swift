import Glibc

/// A number as decimal digits, the form in which cells are written out.
///
/// Spreadsheets store binary doubles and display at most 15 significant digits; going
/// through decimal digits lets the reader round the way the display does (half away
/// from zero, on the digits a person sees) and write large integers in full rather than
/// in scientific notation.
struct DecimalDigits: Equatable {
    var isNegative: Bool
    /// Significant digits, without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// The number is 0.d₁d₂d₃… × 10^exponent.
    var exponent: Int

    /// The value rounded to 15 significant digits, as spreadsheet programs show it.
    init(_ value: Double) {
        isNegative = value < 0
        let magnitude = abs(value)
        digits = []
        exponent = 0
        guard magnitude.isFinite, magnitude != 0 else { return }

        // Integers below 10^15 are exact in a double: take their digits directly, which
        // is also the common case (postcodes, phones, counts).
        if magnitude < 1e15, magnitude.rounded(.towardZero) == magnitude {
            var integer = UInt64(magnitude)
            var reversed: [UInt8] = []
            while integer > 0 {
                reversed.append(UInt8(integer % 10))
                integer /= 10
            }
            digits = reversed.reversed()
            exponent = digits.count
            trimTrailingZeros()
            return
        }

        // Otherwise let the C library round to 15 significant digits: "d.ddd…e±x".
        var buffer = [CChar](repeating: 0, count: 40)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([magnitude]) { vsnprintf(pointer.baseAddress, 40, "%.14e", $0) }
        }
        guard written > 0 else { return }
        var mantissa: [UInt8] = []
        var exponentValue = 0
        var exponentSign = 1
        var inExponent = false
        for char in buffer.prefix(Int(written)) {
            let byte = UInt8(bitPattern: char)
            switch byte {
            case UInt8(ascii: "e"): inExponent = true
            case UInt8(ascii: "-") where inExponent: exponentSign = -1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponentValue = exponentValue * 10 + Int(byte - UInt8(ascii: "0"))
                } else {
                    mantissa.append(byte - UInt8(ascii: "0"))
                }
            default: continue
            }
        }
        digits = mantissa
        exponent = exponentSign * exponentValue + 1
        trimTrailingZeros()
    }

    private mutating func trimTrailingZeros() {
        while digits.last == 0 { digits.removeLast() }
        var leading = 0
        while leading < digits.count, digits[leading] == 0 { leading += 1 }
        if leading > 0 {
            digits.removeFirst(leading)
            exponent -= leading
        }
        if digits.isEmpty { exponent = 0 }
    }

    var isZero: Bool { digits.isEmpty }

    /// How many digits follow the decimal point.
    var fractionDigitCount: Int { max(0, digits.count - exponent) }

    /// Rounds half away from zero to `places` digits after the decimal point.
    mutating func round(toFractionDigits places: Int) {
        let kept = exponent + places
        guard kept < digits.count else { return }
        guard kept >= 0 else {
            digits = []
            exponent = 0
            return
        }
        let roundsUp = digits[kept] >= 5
        digits.removeSubrange(kept...)
        if roundsUp {
            var index = digits.count - 1
            while index >= 0 {
                if digits[index] == 9 {
                    digits[index] = 0
                    index -= 1
                } else {
                    digits[index] += 1
                    break
                }
            }
            if index < 0 {
                digits.insert(1, at: 0)
                exponent += 1
            }
        }
        trimTrailingZeros()
    }

    /// The digits before the decimal point, without sign: "0" for a value below one.
    var integerDigits: [UInt8] {
        guard exponent > 0 else { return [] }
        var result = Array(digits.prefix(exponent))
        if result.count < exponent {
            result.append(contentsOf: repeatElement(0, count: exponent - result.count))
        }
        return result
    }

    /// The digits after the decimal point, without trailing zeros.
    var fractionDigits: [UInt8] {
        guard digits.count > exponent else { return [] }
        if exponent >= 0 { return Array(digits[exponent...]) }
        return Array(repeatElement(0, count: -exponent)) + digits
    }

    /// Plain decimal notation, never scientific: `476112345`, `-0.25`, `1e-7` as
    /// `0.0000001`.
    var plainText: String {
        guard !isZero else { return "0" }
        var text = isNegative ? "-" : ""
        let integer = integerDigits
        text += integer.isEmpty ? "0" : String(digitsOf: integer)
        let fraction = fractionDigits
        if !fraction.isEmpty {
            text += "." + String(digitsOf: fraction)
        }
        return text
    }

    /// Whether the value is a whole number.
    var isInteger: Bool { fractionDigitCount == 0 }
}

extension String {
    init(digitsOf digits: [UInt8]) {
        self.init(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }
}

/// The text of a number in no particular format: full integer digits, up to 15
/// significant digits, a `.` before decimals. With the warning a long integer gets,
/// since its written form (a leading zero, spaces) is unknown.
func generalNumberCell(_ value: Double) -> Cell {
    // Integers, the usual case, need no trip through decimal digits.
    if abs(value) < 1e15, value.rounded(.towardZero) == value {
        let integer = Int64(value)
        let warning: CellWarning? = abs(integer) >= 10_000_000 ? .writtenFormUnknown : nil
        return Cell(text: String(integer), warning: warning, number: value)
    }
    let decimal = DecimalDigits(value)
    let warning: CellWarning? =
        decimal.isInteger && decimal.exponent >= 8 ? .writtenFormUnknown : nil
    return Cell(text: decimal.plainText, warning: warning, number: value)
}
