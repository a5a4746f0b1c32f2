import Testing

@testable import Spreadsheet

/// Files that LibreOffice itself wrote (see Fixtures/sources/regenerate.sh): the
/// sheets a partner's spreadsheet program really produces, not our idea of them.
struct LibreOfficeFixtureTests {
    @Test(arguments: ["libreoffice-producers.xlsx", "libreoffice-producers.ods"])
    func formattedSheetWithMergedTitleAndNotes(file: String) throws {
        let workbook = try Workbook(path: fixturePath(file))
        #expect(workbook.sheetNames == ["Producteurs", "Notes"])

        let sheet = try workbook.firstNonEmptySheet()
        #expect(sheet.name == "Producteurs")
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 4, 7])
        let title = "Liste des producteurs partenaires 2024"
        // The title merged across the table stays one cell; the merged header is copied.
        #expect(sheet.rows[0].texts == [title])
        #expect(
            sheet.rows[1].texts == [
                "Nom", "Code postal", "Téléphone", "Téléphone", "Adhésion", "Surface (ha)", "Bio",
            ])

        // Postcode and phone keep their zeros through 00000 and 0000000000 formats; the
        // international number in General is written in full and flagged.
        let first = sheet.rows[2].cells
        #expect(first[0].text == "Ferme du Chêne")
        #expect(first[1].text == "01000")
        #expect(first[2].text == "0476112345")
        #expect(first[3].text == "33612345678")
        #expect(first[3].warning == .writtenFormUnknown)
        #expect(first[4].text == "2024-03-01")
        #expect(first[5].text == "12.50")

        // Text cells stay text; decimals follow the 0.00 format.
        let second = sheet.rows[3].cells
        #expect(second.map(\.text).prefix(3) == ["Les Jardins d'Été", "06200", "04 93 12 34 56"])
        #expect(second[4].text == "1999-12-31")
        #expect(second[3].text == "")
        #expect(sheet.rows[4].texts == ["Rucher   Saint-Jean", "", "", "", "", "", "oui"])

        #expect(
            try workbook.sheet(named: "Notes").rows.first?.texts == [
                "Liste envoyée par la fédération, à mettre à jour chaque trimestre."
            ])
    }

    @Test func decimalsAreRoundedAsTheXLSXFormatShows() throws {
        let sheet = try Workbook(path: fixturePath("libreoffice-producers.xlsx")).sheet(at: 0)
        let pi = try #require(sheet.cell("F4"))
        #expect(pi.text == "3.14")
        #expect(pi.warning == .roundedForDisplay)
        #expect(pi.number == 3.14159)
    }

    /// A semicolon CSV with decimal commas and day-first dates, opened and saved by a
    /// French-locale LibreOffice: numbers and dates come out locale-free.
    @Test(arguments: ["libreoffice-producteurs-fr.xlsx", "libreoffice-producteurs-fr.ods"])
    func frenchLocaleSheet(file: String) throws {
        let sheet = try Workbook(path: fixturePath(file)).firstNonEmptySheet()
        #expect(
            sheet.grid == [
                ["Nom", "Code postal", "Téléphone", "Adhésion", "Surface (ha)", "Prix moyen"],
                ["Ferme du Chêne", "1000", "476112345", "2024-03-01", "12.5", "1234.56"],
                ["Les Jardins d'Été", "6200", "04 93 12 34 56", "1999-12-31", "3.75", "-7.5"],
                ["Rucher Saint-Jean", "75001", "+33 6 12 34 56 78", "2024-02-29", "0.5", "1000"],
            ])
        // The import lost the phone's leading zero, and nothing in the file can say so
        // but its length.
        #expect(sheet.cell("C2")?.warning == .writtenFormUnknown)
        #expect(sheet.cell("B2")?.warning == nil)
    }

    @Test func passwordProtectedODSIsRefusedClearly() {
        let error = #expect(throws: SpreadsheetError.self) {
            try Workbook(path: fixturePath("libreoffice-password-secret.ods"))
        }
        #expect(error?.kind == .passwordProtected)
        #expect(error?.description.contains("libreoffice-password-secret.ods") == true)
        #expect(error?.description.contains("password") == true)
    }
}
