import Testing

@testable import Spreadsheet

struct NumberFormatTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var code: String
        var value: Double
        var text: String
        var warning: CellWarning?

        init(_ code: String, _ value: Double, _ text: String, _ warning: CellWarning? = nil) {
            self.code = code
            self.value = value
            self.text = text
            self.warning = warning
        }

        var testDescription: String { "\(value) through \(code)" }
    }

    @Test(arguments: [
        // General: full digits, never scientific; long integers flagged.
        Example("General", 1000, "1000"),
        Example("General", 1_234_567, "1234567"),
        Example("General", 476_112_345, "476112345", .writtenFormUnknown),
        Example("General", 33_612_345_678, "33612345678", .writtenFormUnknown),
        Example("General", 1e20, "100000000000000000000", .writtenFormUnknown),
        Example("General", 0.1 + 0.2, "0.3"),
        Example("General", 12.5, "12.5"),
        Example("General", -7.5, "-7.5"),
        Example("General", 1.5e-7, "0.00000015"),
        Example("General", 0, "0"),
        // Zero padding keeps postcodes and phone numbers as written.
        Example("00000", 1000, "01000"),
        Example("00000", 75001, "75001"),
        Example("00000", 123_456, "123456"),
        Example("0000000000", 476_112_345, "0476112345"),
        Example("00\\ 00\\ 00\\ 00\\ 00", 476_112_345, "04 76 11 23 45"),
        Example("\"Tél. \"0000000000", 476_112_345, "Tél. 0476112345"),
        // Decimals are shown as the format shows them, rounding flagged.
        Example("0.00", 12.5, "12.50"),
        Example("0.00", 3.14159, "3.14", .roundedForDisplay),
        Example("0.00", 2.675, "2.68", .roundedForDisplay),
        Example("0", 3.7, "4", .roundedForDisplay),
        Example("#.##", 3, "3"),
        Example("0.0#", 1.234, "1.23", .roundedForDisplay),
        // Grouping is left out; a trailing comma scales by a thousand.
        Example("#,##0", 1_234_567, "1234567"),
        Example("#,##0,", 1_234_567, "1235", .roundedForDisplay),
        Example("#,##0.00\\ \"€\"", 1234.5, "1234.50 €"),
        Example("[$€-40C]\\ #,##0.00", 5, "€ 5.00"),
        Example(
            "_-* #,##0.00\\ _€_-;\\-* #,##0.00\\ _€_-;_-* \"-\"??\\ _€_-;_-@_-", -3, "-3.00"),
        // Percentages, sections, scientific notation, text.
        Example("0%", 0.25, "25%"),
        Example("0.0%", 0.1234, "12.3%", .roundedForDisplay),
        Example("#,##0;(#,##0)", -1234, "(1234)"),
        Example("#,##0;[Red]-#,##0", -1234, "-1234"),
        Example("0;-0;\"zéro\"", 0, "zéro"),
        Example("\"TRUE\";\"TRUE\";\"FALSE\"", 1, "TRUE"),
        Example("\"TRUE\";\"TRUE\";\"FALSE\"", 0, "FALSE"),
        Example(";;;", 5, "5"),
        Example("0.00", -12.5, "-12.50"),
        Example("0.00E+00", 476_112_345, "476112345", .writtenFormUnknown),
        Example("0.00E+00", 0.000123, "0.000123"),
        Example("@", 1000, "1000"),
    ])
    func numbers(_ example: Example) {
        let cell = NumberFormat(code: example.code).render(example.value, dateSystem: .from1900)
        #expect(cell.text == example.text)
        #expect(cell.warning == example.warning)
        #expect(cell.number == example.value)
    }

    @Test(arguments: [
        Example("dd/mm/yyyy", 45352, "2024-03-01"),
        Example("mm-dd-yy", 1, "1900-01-01"),
        Example("mm-dd-yy", 59, "1900-02-28"),
        Example("mm-dd-yy", 60, "1900-02-29", .invalidDate),
        Example("mm-dd-yy", 61, "1900-03-01"),
        Example("d-mmm-yy", 36525, "1999-12-31"),
        Example("mmm-yy", 45351, "2024-02-29"),
        Example("yyyy-mm-dd hh:mm", 45352.604166666664, "2024-03-01 14:30"),
        Example("dd/mm/yyyy hh:mm:ss", 45352.999999, "2024-03-02 00:00:00"),
        Example("hh:mm:ss", 0.5, "12:00:00"),
        Example("h:mm AM/PM", 0.75, "18:00"),
        Example("mm:ss", 0.000694444444, "00:01:00"),
        Example("[h]:mm", 1.5, "36:00"),
        Example("dd/mm/yyyy", -1, "-1", .invalidDate),
        Example("dd/mm/yyyy", 2_958_465, "9999-12-31"),
    ])
    func dates1900(_ example: Example) {
        let cell = NumberFormat(code: example.code).render(example.value, dateSystem: .from1900)
        #expect(cell.text == example.text)
        #expect(cell.warning == example.warning)
    }

    @Test(arguments: [
        (0.0, "1904-01-01"),
        (43890, "2024-03-01"),
        (59, "1904-02-29"),
    ])
    func dates1904(serial: Double, expected: String) {
        let cell = NumberFormat(code: "yyyy-mm-dd").render(serial, dateSystem: .from1904)
        #expect(cell.text == expected)
        #expect(cell.warning == nil)
    }

    @Test func builtInFormatsAreDatesWhereExcelSaysSo() {
        let dateIDs = [14, 15, 16, 17, 22, 45, 46, 47]
        for id in 0...49 {
            let format = NumberFormat(code: NumberFormat.builtIn(id) ?? "General")
            let expected =
                dateIDs.contains(id) || (18...21).contains(id)
                || (27...36).contains(id)
            #expect(format.isDate == expected, "format \(id)")
        }
    }

    @Test func civilDatesMatchAKnownCalendar() {
        // 1970-01-01 is day 0; leap years by the Gregorian rules.
        #expect(NumberFormat.civil(daysFromEpoch: 0) == (1970, 1, 1))
        #expect(NumberFormat.civil(daysFromEpoch: 11_016) == (2000, 2, 29))
        #expect(NumberFormat.civil(daysFromEpoch: -25_508) == (1900, 3, 1))
        #expect(NumberFormat.civil(daysFromEpoch: 2_932_896) == (9999, 12, 31))
    }
}

struct DecimalDigitsTests {
    @Test(arguments: [
        (0.5, 0, "1"),
        (0.004, 2, "0"),
        (0.006, 2, "0.01"),
        (9.995, 2, "10"),
        (-1.25, 1, "-1.3"),
        (123.456, 5, "123.456"),
    ])
    func rounding(value: Double, places: Int, expected: String) {
        var decimal = DecimalDigits(value)
        decimal.round(toFractionDigits: places)
        #expect(decimal.plainText == expected)
    }
}
