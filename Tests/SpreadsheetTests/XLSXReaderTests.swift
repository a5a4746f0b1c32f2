import Testing

@testable import Spreadsheet

struct XLSXReaderTests {
    @Test func cellTypesAreWrittenAsDisplayed() throws {
        var fixture = XLSXFixture(
            rows: """
                <row r="1">\
                <c r="A1" t="s"><v>0</v></c>\
                <c r="B1" t="s"><v>1</v></c>\
                <c r="C1" t="inlineStr"><is><t>Inline</t></is></c>\
                <c r="D1" t="inlineStr"><is><r><t>Rich </t></r>\
                <r><rPr><b/></rPr><t>inline</t></r></is></c>\
                <c r="E1" t="b"><v>1</v></c>\
                <c r="F1" t="b"><v>0</v></c>\
                <c r="G1" t="e"><v>#N/A</v></c>\
                <c r="H1" t="str"><f>A1&amp;"!"</f><v>Ferme!</v></c>\
                <c r="I1" t="d"><v>2024-03-01T00:00:00</v></c>\
                <c r="J1" t="d"><v>2024-03-01T14:30:00</v></c>\
                <c r="K1"><v>42</v></c>\
                <c r="L1" t="n"><v>4.76112345E8</v></c>\
                <c r="M1" t="s"><v>2</v></c>\
                </row>
                """)
        fixture.sharedStrings = [
            "<t>Ferme</t>",
            "<r><t>Les </t></r><r><rPr><i/></rPr><t xml:space=\"preserve\">Jardins </t></r>"
                + "<rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh><r><t>d'Été</t></r>",
            "<t>Ligne 1_x000D_\nLigne 2</t>",
        ]
        let sheet = try fixture.open().sheet(at: 0)
        let cells = try #require(sheet.rows.first).cells
        #expect(
            cells.map(\.text) == [
                "Ferme", "Les Jardins d'Été", "Inline", "Rich inline", "TRUE", "FALSE", "#N/A",
                "Ferme!", "2024-03-01", "2024-03-01 14:30:00", "42", "476112345",
                "Ligne 1\r\nLigne 2",
            ])
        #expect(cells[6].warning == .formulaError)
        #expect(cells[11].warning == .writtenFormUnknown)
        #expect(cells[10].number == 42)
        #expect(cells[0].number == nil)
    }

    @Test func sparseRowsKeepTheirNumbersAndEmptyRowsAreLeftOut() throws {
        var fixture = XLSXFixture(
            rows: """
                <row r="2"><c r="B2" t="s"><v>0</v></c><c r="D2"><v>7</v></c></row>\
                <row r="3"><c r="A3" s="1"/><c r="B3" t="s"/></row>\
                <row r="5" spans="1:6"><c r="F5" t="inlineStr"><is><t>far</t></is></c>\
                <c r="G5" s="1"/></row>
                """)
        fixture.sharedStrings = ["<t>Nom</t>"]
        fixture.formats = [.custom("00000")]
        let sheet = try fixture.open().sheet(at: 0)
        #expect(sheet.rows.map(\.number) == [2, 5])
        #expect(sheet.grid == [["", "Nom", "", "7"], ["", "", "", "", "", "far"]])
    }

    @Test func cellsAndRowsWithoutReferencesFollowThePreviousOnes() throws {
        let fixture = XLSXFixture(
            rows: """
                <row><c><v>1</v></c><c><v>2</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>\
                <row><c><v>7</v></c></row><row r="9"><c><v>9</v></c></row><row><c><v>10</v></c></row>
                """)
        let sheet = try fixture.open().sheet(at: 0)
        #expect(sheet.rows.map(\.number) == [1, 2, 9, 10])
        #expect(sheet.grid == [["1", "2", "", "", "5", "6"], ["7"], ["9"], ["10"]])
    }

    /// A merged header and a name merged down are copied; a title merged across the top,
    /// alone on its row, stays one cell; an empty merge gives nothing.
    @Test func mergedCellsCopyTheirValueIntoCoveredCells() throws {
        var fixture = XLSXFixture(
            XLSXFixture.SheetSpec(
                name: "Producteurs",
                rows: """
                    <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="0"/></row>\
                    <row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>\
                    <row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>1</v></c>\
                    <c r="C3"><v>2</v></c><c r="D3"><v>3</v></c></row>\
                    <row r="5"><c r="D5"><v>4</v></c></row>
                    """,
                mergedRanges: ["A1:D1", "B2:C2", "A3:A5", "E1:E9"]))
        fixture.sharedStrings = [
            "<t>Liste 2024</t>", "<t>Nom</t>", "<t>Téléphone</t>",
            "<t>Ferme</t>",
        ]
        let sheet = try fixture.open().sheet(at: 0)
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 4, 5])
        #expect(
            sheet.grid == [
                ["Liste 2024"],
                ["Nom", "Téléphone", "Téléphone"],
                ["Ferme", "1", "2", "3"],
                ["Ferme"],
                ["Ferme", "", "", "4"],
            ])
        #expect(sheet.rows[1].cells.map(\.isMergedCopy) == [false, false, true])
        #expect(sheet.cell("A4")?.isMergedCopy == true)
        #expect(sheet.cell("B2")?.isMergedCopy == false)
    }

    @Test func textFormattedCellsAndPaddedNumbersKeepLeadingZeros() throws {
        var fixture = XLSXFixture(
            rows: """
                <row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="2"><v>1000</v></c>\
                <c r="C1" s="3"><v>476112345</v></c><c r="D1" s="4"><v>45352</v></c>\
                <c r="E1" s="1"><v>1000</v></c></row>
                """)
        fixture.sharedStrings = ["<t>01000</t>"]
        fixture.formats = [.builtIn(49), .custom("00000"), .custom("0000000000"), .builtIn(14)]
        let cells = try #require(try fixture.open().sheet(at: 0).rows.first).cells
        #expect(cells.map(\.text) == ["01000", "01000", "0476112345", "2024-03-01", "1000"])
        #expect(cells.allSatisfy { $0.warning == nil })
    }

    @Test func numericCellsAreReadLeniently() throws {
        let fixture = XLSXFixture(
            rows: """
                <row r="1"><c r="A1"><v> 42 </v></c><c r="B1" t="n"><v>n/a</v></c>\
                <c r="C1"><v>1E-3</v></c><c r="D1"><v>-0</v></c></row>
                """)
        #expect(try fixture.open().sheet(at: 0).grid == [["42", "n/a", "0.001", "0"]])
    }

    @Test func the1904DateSystemShiftsDates() throws {
        var fixture = XLSXFixture(rows: "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>43890</v></c></row>")
        fixture.formats = [.builtIn(14)]
        fixture.date1904 = true
        #expect(try fixture.open().sheet(at: 0).text("A1") == "2024-03-01")
        fixture.date1904 = false
        #expect(try fixture.open().sheet(at: 0).text("A1") == "2020-02-29")
    }

    @Test func sheetsAreFoundByNamePositionOrContent() throws {
        var fixture = XLSXFixture(
            XLSXFixture.SheetSpec(name: "Vide", rows: "<row r=\"1\"><c r=\"A1\" s=\"0\"/></row>"),
            XLSXFixture.SheetSpec(
                name: "Caché", rows: "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>",
                hidden: true),
            XLSXFixture.SheetSpec(
                name: "Producteurs", rows: "<row r=\"4\"><c r=\"B4\" t=\"s\"><v>1</v></c></row>"),
            XLSXFixture.SheetSpec(
                name: "Notes", rows: "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>2</v></c></row>"))
        fixture.sharedStrings = ["<t>old</t>", "<t>Nom</t>", "<t>Mis à jour en mars</t>"]
        let workbook = try fixture.open()
        #expect(workbook.format == .xlsx)
        #expect(workbook.sheetNames == ["Vide", "Caché", "Producteurs", "Notes"])
        #expect(try workbook.firstNonEmptySheet().name == "Producteurs")
        #expect(try workbook.sheet(named: "notes").text("A1") == "Mis à jour en mars")
        #expect(try workbook.sheet(at: 1).isHidden)
        #expect(try workbook.sheet(at: 0).isEmpty)

        let missing = #expect(throws: SpreadsheetError.self) {
            try workbook.sheet(named: "Contacts")
        }
        #expect(missing?.kind == .noSuchSheet)
        #expect(missing?.description.contains("\"Producteurs\"") == true)
        #expect(throws: SpreadsheetError.self) { try workbook.sheet(at: 4) }
    }

    @Test func prefixedElementNamesAreRead() throws {
        // Some writers bind the SpreadsheetML namespace to a prefix instead of the default.
        var writer = ZipWriter()
        writer.add("[Content_Types].xml", "<Types/>")
        writer.add(
            "xl/workbook.xml",
            """
            <x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <x:sheets><x:sheet name="Data" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>
            """)
        writer.add(
            "xl/_rels/workbook.xml.rels",
            """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Target="worksheets/data.xml" \
            Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet"/>\
            </Relationships>
            """)
        writer.add(
            "xl/worksheets/data.xml",
            """
            <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>ok</x:t></x:is>\
            </x:c><x:c r="B1"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>
            """)
        let workbook = try Workbook(bytes: writer.finish(), file: "prefixed.xlsx")
        #expect(workbook.sheetNames == ["Data"])
        #expect(try workbook.sheet(at: 0).grid == [["ok", "3"]])
    }

    static let containers: [(String, ZipWriter.Options, Bool)] = [
        ("stored", ZipWriter.Options(), false),
        ("deflated", ZipWriter.Options(deflate: true), false),
        ("data descriptors", ZipWriter.Options(deflate: true, dataDescriptor: true), false),
        ("zip64", ZipWriter.Options(deflate: true, zip64: true), true),
        ("zip64 descriptors", ZipWriter.Options(dataDescriptor: true, zip64: true), true),
    ]

    @Test(arguments: containers)
    func everyContainerVariantReadsTheSame(
        name: String, options: ZipWriter.Options, zip64: Bool
    ) throws {
        var fixture = XLSXFixture(
            rows: """
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>1000</v></c></row>
                """)
        fixture.sharedStrings = ["<t>\(String(repeating: "Ferme du Chêne ", count: 50))</t>"]
        fixture.formats = [.custom("00000")]
        fixture.zip = options
        fixture.zip64EndRecords = zip64
        let sheet = try fixture.open().sheet(at: 0)
        #expect(sheet.text("B1") == "01000", "\(name)")
        #expect(sheet.text("A1").count == 15 * 50)
    }
}
