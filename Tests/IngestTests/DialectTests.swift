import GlaneurCore
import Testing

@testable import Ingest

@Suite("Dialect and header detection")
struct DialectTests {
    func sniff(_ text: String) -> Dialect {
        DialectSniffer.sniff(Array(text.utf8), isComplete: true)
    }

    @Test func semicolonsWinOverCommasInsideCells() {
        let text = """
            Nom;Adresse;CP;Localité;Produits
            Ferme A;Rue 1;5000;Namur;lait, oeufs, fromage
            Ferme B;Rue 2;4000;Liège;pain
            Ferme C;Rue 3;1300;Wavre;miel, cire

            """
        let dialect = sniff(text)
        #expect(dialect.delimiter == UInt8(ascii: ";"))
        #expect(dialect.hasHeader)
        #expect(dialect.preambleRows == 0)
    }

    @Test(arguments: [("\t", UInt8(0x09)), ("|", UInt8(ascii: "|")), (",", UInt8(ascii: ","))])
    func otherDelimiters(_ separator: String, _ byte: UInt8) {
        let text =
            ["name", "postcode", "city"].joined(separator: separator) + "\n"
            + ["A", "5000", "Namur"].joined(separator: separator) + "\n"
            + ["B", "4000", "Liège"].joined(separator: separator) + "\n"
        #expect(sniff(text).delimiter == byte)
    }

    @Test func titleRowsAboveTheHeader() {
        let text = """
            Liste des producteurs - mars 2024;;;
            ;;;
            Exporté le 03/03/2024;;;
            Nom;CP;Localité;Tél
            Ferme A;5000;Namur;081 22 33 44
            Ferme B;4000;Liège;04 222 33 44

            """
        let dialect = sniff(text)
        #expect(dialect.delimiter == UInt8(ascii: ";"))
        #expect(dialect.preambleRows == 2)  // the all-empty row is blank, not a title row
        #expect(dialect.hasHeader)
    }

    @Test func noHeaderWhenTheFirstRowIsData() {
        let text = """
            Ferme A;5000;Namur;081 22 33 44
            Ferme B;4000;Liège;04 222 33 44

            """
        #expect(!sniff(text).hasHeader)
    }

    @Test func unknownButLabelLikeHeader() {
        let text = """
            Exploitant;Commune de résidence;Identifiant interne
            Dupont;Namur;12345
            Martin;Liège;67890

            """
        #expect(sniff(text).hasHeader)
    }

    @Test func givenDelimiterAndHeaderAreObeyed() {
        let dialect = DialectSniffer.sniff(
            Array("a,b;c\n".utf8), isComplete: true, delimiter: UInt8(ascii: ";"),
            hasHeader: false)
        #expect(dialect.delimiter == UInt8(ascii: ";"))
        #expect(!dialect.hasHeader)
    }
}

@Suite("Header mapping")
struct HeaderMappingTests {
    @Test(arguments: [
        ("Nom", Field.name), ("Raison sociale", .name), ("NAAM", .name), ("producer_name", .name),
        ("CP", .postcode), ("Code postal", .postcode), ("PLZ", .postcode), ("zip", .postcode),
        ("Localité", .locality), ("LOCALITE", .locality), ("Gemeente", .locality),
        ("Ort", .locality),
        ("Tél.", .phones), ("Telefoon", .phones), ("GSM", .phones), ("Tél. portable", .phones),
        ("E-mail", .emails), ("Adresse e-mail", .emails), ("courriel", .emails),
        ("Straat", .street), ("Huisnr", .houseNumber), ("Nr", .houseNumber), ("Bus", .box),
        ("address.postalCode", .postcode), ("contact.name", .contact), ("contact.phone", .phones),
        ("Nom du contact", .contact), ("N° TVA", .vatNumber), ("BTW-nummer", .vatNumber),
        ("Numéro BCE", .companyNumber), ("SIRET", .companyNumber), ("Produits", .products),
        ("tags", .products), ("bio", .labels), ("Site web", .website), ("Pays", .country),
        ("opening_hours", .openingHours), ("lat", .latitude), ("lng", .longitude),
    ])
    func recognises(_ column: String, _ field: Field) {
        #expect(HeaderMapping.recognise(column)?.0 == field)
    }

    @Test func leavesUnknownColumnsUnmapped() throws {
        let mapping = try HeaderMapping(columns: ["Nom", "Code client", "Remarque interne 2"])
        #expect(mapping.fields[1] == nil)
        #expect(mapping.unmappedColumns.contains("Code client"))
    }

    @Test func addressIsAStreetLineWhenPlaceColumnsExist() throws {
        let withPlace = try HeaderMapping(columns: ["Nom", "Adresse", "CP", "Localité"])
        #expect(withPlace.fields[1] == .street)
        let alone = try HeaderMapping(columns: ["Nom", "Adresse"])
        #expect(alone.fields[1] == .address)
    }

    @Test func overridesWin() throws {
        let mapping = try HeaderMapping(
            columns: ["Exploitation", "Dénomination"], overrides: ["denomination": .name])
        #expect(mapping.fields[1] == .name)
        #expect(mapping.reasons[1] == "set by the user")
    }

    @Test func overrideOfAMissingColumnIsAnError() {
        #expect(throws: GlaneurError.self) {
            try HeaderMapping(columns: ["Nom"], overrides: ["Raison": .name])
        }
    }

    @Test func duplicateAndEmptyColumnNamesAreMadeUnique() {
        var notes: [String] = []
        let names = HeaderMapping.uniqueColumnNames(["Tél", "", "Tél", " Tél "], notes: &notes)
        #expect(names == ["Tél", "column_2", "Tél (2)", "Tél (3)"])
        #expect(notes.count == 3)
    }
}
