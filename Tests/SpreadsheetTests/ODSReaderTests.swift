import Testing

@testable import Spreadsheet

struct ODSReaderTests {
    static func cell(_ attributes: String, _ paragraphs: String = "") -> String {
        "<table:table-cell \(attributes)>\(paragraphs)</table:table-cell>"
    }

    @Test func valueTypesAreWrittenFromTheStoredValue() throws {
        let row = [
            Self.cell("office:value-type=\"string\"", "<text:p>Ferme du Chêne</text:p>"),
            Self.cell(
                "office:value-type=\"float\" office:value=\"1000\"",
                "<text:p>01000</text:p>"),
            Self.cell(
                "office:value-type=\"float\" office:value=\"476112345\"",
                "<text:p>04 76 11 23 45</text:p>"),
            Self.cell(
                "office:value-type=\"float\" office:value=\"476112345\"",
                "<text:p>4,76E+08</text:p>"),
            Self.cell(
                "office:value-type=\"float\" office:value=\"1234.5\"",
                "<text:p>1 234,50</text:p>"),
            Self.cell(
                "office:value-type=\"percentage\" office:value=\"0.25\"",
                "<text:p>25 %</text:p>"),
            Self.cell(
                "office:value-type=\"currency\" office:currency=\"EUR\" office:value=\"5\"",
                "<text:p>5,00 €</text:p>"),
            Self.cell(
                "office:value-type=\"date\" office:date-value=\"2024-03-01\"",
                "<text:p>01/03/2024</text:p>"),
            Self.cell(
                "office:value-type=\"date\" office:date-value=\"2024-03-01T14:30:00\"",
                "<text:p>01/03/2024 14:30</text:p>"),
            Self.cell(
                "office:value-type=\"time\" office:time-value=\"PT14H30M00S\"",
                "<text:p>14:30</text:p>"),
            Self.cell(
                "office:value-type=\"boolean\" office:boolean-value=\"true\"",
                "<text:p>VRAI</text:p>"),
            Self.cell(
                "office:value-type=\"float\" office:value=\"0\" calcext:value-type=\"error\"",
                "<text:p>#DIV/0!</text:p>"),
        ].joined()
        let sheet = try ODSFixture(("Producteurs", "<table:table-row>\(row)</table:table-row>"))
            .open().sheet(at: 0)
        let cells = try #require(sheet.rows.first).cells
        #expect(
            cells.map(\.text) == [
                "Ferme du Chêne", "01000", "04 76 11 23 45", "476112345", "1234.50", "25%", "5",
                "2024-03-01", "2024-03-01 14:30:00", "14:30:00", "TRUE", "#DIV/0!",
            ])
        #expect(
            cells.map(\.warning) == [
                nil, nil, nil, .writtenFormUnknown, nil, nil, nil, nil, nil, nil, nil,
                .formulaError,
            ])
        #expect(cells[4].number == 1234.5)
    }

    @Test func repeatedRowsAndColumnsAreExpandedButTrailingPaddingIsNot() throws {
        let rows = """
            <table:table-row>\
            \(Self.cell("office:value-type=\"string\"", "<text:p>a</text:p>"))\
            <table:table-cell table:number-columns-repeated="2"/>\
            \(Self.cell("table:number-columns-repeated=\"2\" office:value-type=\"string\"",
                        "<text:p>x</text:p>"))\
            <table:table-cell table:number-columns-repeated="16379"/>\
            </table:table-row>\
            <table:table-row table:number-rows-repeated="3">\
            \(Self.cell("office:value-type=\"float\" office:value=\"7\"", "<text:p>7</text:p>"))\
            </table:table-row>\
            <table:table-row table:number-rows-repeated="1048569">\
            <table:table-cell table:number-columns-repeated="16384"/></table:table-row>
            """
        let sheet = try ODSFixture(("S", rows)).open().sheet(at: 0)
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 4])
        #expect(sheet.grid == [["a", "", "", "x", "x"], ["7"], ["7"], ["7"]])
    }

    @Test func repetitionBeyondReasonIsAnError() {
        let rows = """
            <table:table-row table:number-rows-repeated="1000000">\
            <table:table-cell table:number-columns-repeated="16384" office:value-type="string">\
            <text:p>x</text:p></table:table-cell></table:table-row>
            """
        let error = #expect(throws: SpreadsheetError.self) {
            try ODSFixture(("S", rows)).open()
        }
        #expect(error?.description.contains("repeats its cells 1000000 times") == true)
    }

    @Test func paragraphsSpansAndSpacesMakeTheText() throws {
        let rows = """
            <table:table-row>\
            \(Self.cell("office:value-type=\"string\"", """
                <text:p>Rucher<text:s text:c="3"/>Saint-<text:span>Jean</text:span></text:p>\
                <text:p>2<text:s/>rue<text:tab/>du<text:line-break/>Moulin</text:p>
                """))\
            \(Self.cell("office:value-type=\"string\"", """
                <office:annotation><text:p>commentaire</text:p></office:annotation>\
                <text:p><text:a xlink:href="https://example.org">site</text:a></text:p>
                """))\
            </table:table-row>
            """
        let sheet = try ODSFixture(("S", rows)).open().sheet(at: 0)
        #expect(sheet.grid == [["Rucher   Saint-Jean\n2 rue\tdu\nMoulin", "site"]])
    }

    /// Merged headers and merged names are copied; a title alone on its row is not.
    @Test func mergedCellsCopyTheirValueIntoCoveredCells() throws {
        let rows = """
            <table:table-row>\
            \(Self.cell("table:number-columns-spanned=\"3\" office:value-type=\"string\"",
                        "<text:p>Liste</text:p>"))\
            <table:covered-table-cell table:number-columns-repeated="2">\
            <text:p>hidden</text:p></table:covered-table-cell>\
            </table:table-row>\
            <table:table-row>\
            \(Self.cell("office:value-type=\"string\"", "<text:p>Nom</text:p>"))\
            \(Self.cell("table:number-columns-spanned=\"2\" office:value-type=\"string\"",
                        "<text:p>Produits</text:p>"))\
            <table:covered-table-cell/></table:table-row>\
            <table:table-row>\
            \(Self.cell("table:number-rows-spanned=\"2\" office:value-type=\"string\"",
                        "<text:p>Ferme</text:p>"))\
            \(Self.cell("office:value-type=\"string\"", "<text:p>lait</text:p>"))\
            \(Self.cell("office:value-type=\"string\"", "<text:p>bio</text:p>"))\
            </table:table-row>\
            <table:table-row><table:covered-table-cell/>\
            \(Self.cell("office:value-type=\"string\"", "<text:p>miel</text:p>"))\
            </table:table-row>
            """
        let sheet = try ODSFixture(("S", rows)).open().sheet(at: 0)
        #expect(
            sheet.grid == [
                ["Liste"], ["Nom", "Produits", "Produits"], ["Ferme", "lait", "bio"],
                ["Ferme", "miel"],
            ])
    }

    @Test func severalTablesAreSeveralSheets() throws {
        let liste =
            "<table:table-row>"
            + Self.cell("office:value-type=\"string\"", "<text:p>Nom</text:p>")
            + "</table:table-row>"
        var fixture = ODSFixture(
            ("Vide", "<table:table-row><table:table-cell/></table:table-row>"),
            ("Caché", liste), ("Liste", liste))
        fixture.hiddenTables = ["Caché"]
        let workbook = try fixture.open()
        #expect(workbook.format == .ods)
        #expect(workbook.sheetNames == ["Vide", "Caché", "Liste"])
        #expect(try workbook.firstNonEmptySheet().name == "Liste")
        #expect(try workbook.sheet(at: 1).isHidden)
        #expect(try !workbook.sheet(at: 2).isHidden)
        #expect(try workbook.sheet(named: "Vide").rows.isEmpty)
    }

    @Test func aWorkbookWhoseOnlyDataIsHiddenStillGivesIt() throws {
        let liste =
            "<table:table-row>"
            + Self.cell("office:value-type=\"string\"", "<text:p>Nom</text:p>")
            + "</table:table-row>"
        var fixture = ODSFixture(
            ("Vide", "<table:table-row><table:table-cell/></table:table-row>"),
            ("Liste", liste))
        fixture.hiddenTables = ["Liste"]
        let sheet = try fixture.open().firstNonEmptySheet()
        #expect(sheet.name == "Liste")
        #expect(sheet.isHidden)
    }
}
