import Testing

@testable import Normalize

/// One street line and what the parser must make of it.
struct StreetCase: CustomTestStringConvertible, Sendable {
    var line: String
    var country: String?
    var language: String?
    var street: String?
    var type: String?
    var name: String?
    var number: String?
    var suffix: String?
    var box: String?
    var lieuDit: String?

    var testDescription: String { line }
}

@Suite struct AddressParserTests {
    static let streetLines: [StreetCase] = [
        // France: number first, abbreviations, suffixes, ranges.
        StreetCase(
            line: "12 bis rue du Moulin", country: "FR", street: "rue du Moulin",
            type: "rue", name: "du Moulin", number: "12", suffix: "bis"),
        StreetCase(
            line: "12bis, r. du Moulin", country: "FR", street: "Rue du Moulin",
            type: "rue", name: "du Moulin", number: "12", suffix: "bis"),
        StreetCase(
            line: "128, Impasse des Hêtres", country: "FR", street: "Impasse des Hêtres",
            type: "impasse", name: "des Hêtres", number: "128"),
        StreetCase(
            line: "10-12 av. Jean Jaurès", country: "FR", street: "Avenue Jean Jaurès",
            type: "avenue", name: "Jean Jaurès", number: "10-12"),
        StreetCase(
            line: "10 à 12 bd Victor Hugo", country: "FR",
            street: "Boulevard Victor Hugo", type: "boulevard", number: "10-12"),
        StreetCase(
            line: "7B Rte de Lyon", country: "FR", street: "Route de Lyon",
            type: "route", name: "de Lyon", number: "7", suffix: "b"),
        StreetCase(
            line: "3 ter imp. des Vignes", country: "FR", street: "Impasse des Vignes",
            type: "impasse", number: "3", suffix: "ter"),
        StreetCase(
            line: "24 R. du Moulin", country: "FR", street: "Rue du Moulin",
            type: "rue", number: "24"),
        StreetCase(
            line: "5 all. des Tilleuls", country: "FR", street: "Allée des Tilleuls",
            type: "allée", number: "5"),
        StreetCase(
            line: "2 pl. de l'Église", country: "FR", street: "Place de l'Église",
            type: "place", number: "2"),
        StreetCase(
            line: "14 ch. des Prés", country: "FR", street: "Chemin des Prés",
            type: "chemin", number: "14"),
        StreetCase(
            line: "9 sq. Saint-Roch", country: "FR", street: "Square Saint-Roch",
            type: "square", number: "9"),
        StreetCase(
            line: "12 rue du 8 Mai 1945", country: "FR", street: "rue du 8 Mai 1945",
            type: "rue", number: "12"),
        StreetCase(
            line: "rue du 8 Mai 1945", country: "FR", street: "rue du 8 Mai 1945",
            type: "rue", number: nil),
        StreetCase(
            line: "4 rue St-Martin", country: "FR", street: "rue Saint-Martin",
            type: "rue", number: "4"),
        StreetCase(
            line: "17 RUE DE LA GARE", country: "FR", street: "Rue de la Gare",
            type: "rue", number: "17"),
        // France: places without a street.
        StreetCase(line: "lieu-dit Les Granges", country: "FR", lieuDit: "Les Granges"),
        StreetCase(line: "Le Bourg", country: "FR", lieuDit: "Le Bourg"),
        StreetCase(line: "Hameau de la Croix", country: "FR", lieuDit: "de la Croix"),
        // Belgium in French: number after the street, boxes.
        StreetCase(
            line: "Rue de la Gare 12 bte 3", country: "BE", street: "Rue de la Gare",
            type: "rue", name: "de la Gare", number: "12", box: "3"),
        StreetCase(
            line: "Rue de la Gare, 12/3", country: "BE", street: "Rue de la Gare",
            type: "rue", number: "12", box: "3"),
        StreetCase(
            line: "Chée de Namur 145 boîte 4", country: "BE",
            street: "Chaussée de Namur", type: "chaussée", name: "de Namur",
            number: "145", box: "4"),
        StreetCase(
            line: "chaus. de Louvain 12A", country: "BE", street: "Chaussée de Louvain",
            type: "chaussée", number: "12", suffix: "a"),
        StreetCase(
            line: "Drève des Alliés 3 bt 2", country: "BE", street: "Drève des Alliés",
            type: "drève", number: "3", box: "2"),
        StreetCase(
            line: "Thier de la Fontaine 8", country: "BE",
            street: "Thier de la Fontaine", type: "thier", number: "8"),
        StreetCase(
            line: "Rue Albert Ier 40 bis", country: "BE", street: "Rue Albert Ier",
            type: "rue", number: "40", suffix: "bis"),
        StreetCase(
            line: "Grand-Route 7", country: "BE", street: "Grand-Route",
            type: "route", number: "7"),
        // Belgium in Dutch: glued types, boxes.
        StreetCase(
            line: "Kerkstraat 12 bus 3", country: "BE", language: "nl",
            street: "Kerkstraat", type: "straat", name: "Kerk", number: "12", box: "3"),
        StreetCase(
            line: "Kerkstr. 12/3", country: "BE", language: "nl", street: "Kerkstraat",
            type: "straat", name: "Kerk", number: "12", box: "3"),
        StreetCase(
            line: "Brusselsestwg 240 b2", country: "BE", language: "nl",
            street: "Brusselsesteenweg", type: "steenweg", number: "240", box: "2"),
        StreetCase(
            line: "Stationsln. 5", country: "BE", language: "nl",
            street: "Stationslaan", type: "laan", number: "5"),
        StreetCase(
            line: "Dorpspln 1", country: "BE", language: "nl", street: "Dorpsplein",
            type: "plein", number: "1"),
        StreetCase(
            line: "Lindendreef 8C", country: "BE", language: "nl",
            street: "Lindendreef", type: "dreef", number: "8", suffix: "c"),
        StreetCase(
            line: "Grote Markt 1", country: "BE", language: "nl", street: "Grote Markt",
            type: "markt", name: "Grote", number: "1"),
        StreetCase(
            line: "Frankrijklei 10", country: "BE", language: "nl",
            street: "Frankrijklei", type: "lei", number: "10"),
        StreetCase(
            line: "Sint-Michielskaai 4", country: "BE", language: "nl",
            street: "Sint-Michielskaai", type: "kaai", number: "4"),
        StreetCase(
            line: "Veldkouter 22", country: "BE", language: "nl", street: "Veldkouter",
            type: "kouter", number: "22"),
        StreetCase(
            line: "Kerkstraat ZN", country: "BE", language: "nl", street: "Kerkstraat",
            type: "straat", number: nil),
        // German-speaking East Belgium and Switzerland.
        StreetCase(
            line: "Hauptstr. 12", country: "BE", language: "de",
            street: "Hauptstraße", type: "strasse", number: "12"),
        StreetCase(
            line: "Bahnhofstrasse 3", country: "CH", street: "Bahnhofstrasse",
            type: "strasse", number: "3"),
        StreetCase(
            line: "Kirchstraße 5a", country: "BE", language: "de",
            street: "Kirchstraße", type: "strasse", number: "5", suffix: "a"),
        StreetCase(
            line: "Rue Saint-Martin 131", country: "CH", street: "Rue Saint-Martin",
            type: "rue", number: "131"),
        StreetCase(
            line: "Chemin des Vignes 5A", country: "CH", street: "Chemin des Vignes",
            type: "chemin", number: "5", suffix: "a"),
        // Luxembourg: number first with a comma.
        StreetCase(
            line: "17, Grand-Rue", country: "LU", street: "Grand-Rue", type: "rue",
            number: "17"),
        // "ch." by country: a chaussée in Belgium, a chemin in France and Switzerland and
        // when the country is not known.
        StreetCase(
            line: "Ch. de Louvain 123", country: "BE", street: "Chaussée de Louvain",
            type: "chaussée", name: "de Louvain", number: "123"),
        StreetCase(
            line: "ch. de Tervuren 5 bte 2", country: "BE", street: "Chaussée de Tervuren",
            type: "chaussée", number: "5", box: "2"),
        StreetCase(
            line: "Ch. de la Forêt 4", country: "CH", street: "Chemin de la Forêt",
            type: "chemin", number: "4"),
        StreetCase(
            line: "3 ch. du Lavoir", country: "FR", street: "Chemin du Lavoir", type: "chemin",
            number: "3"),
        StreetCase(
            line: "Ch. des Vignes 8", street: "Chemin des Vignes", type: "chemin", number: "8"),
        // Lines left alone.
        StreetCase(line: "Rue sans numéro", country: "BE", street: "Rue", type: "rue"),
        StreetCase(
            line: "Place du 11 Novembre", country: "FR", street: "Place du 11 Novembre",
            type: "place", number: nil),
    ]

    @Test(arguments: streetLines)
    func parsesStreetLine(_ expected: StreetCase) {
        let line = AddressParser.parse(
            line: expected.line, country: expected.country, language: expected.language)
        #expect(line.street == expected.street)
        if let type = expected.type { #expect(line.streetType == type) }
        if let name = expected.name { #expect(line.streetName == name) }
        #expect(line.houseNumber == expected.number)
        #expect(line.houseNumberSuffix == expected.suffix)
        #expect(line.box == expected.box)
        #expect(line.lieuDit == expected.lieuDit)
    }

    @Test func withoutNumberIsRecorded() {
        #expect(AddressParser.parse(line: "Rue Haute SN", country: "BE").withoutNumber)
        #expect(AddressParser.parse(line: "Kerkstraat zn", country: "BE").withoutNumber)
        #expect(!AddressParser.parse(line: "Rue Haute 5", country: "BE").withoutNumber)
    }

    @Test func postOfficeBoxAndSortingCentreAreExtracted() {
        let line = AddressParser.parse(line: "12 rue des Lilas BP 45 CS 30001", country: "FR")
        #expect(line.street == "rue des Lilas")
        #expect(line.houseNumber == "12")
        #expect(line.postOfficeBox == "45")
        #expect(line.sortingCentre == "30001")
        #expect(line.rules.contains("post-office-box-extracted"))
    }

    struct CellCase: CustomTestStringConvertible, Sendable {
        var cell: String
        var street: String?
        var number: String?
        var box: String?
        var postcode: String?
        var locality: String?
        var cedex: String?
        var country: String?
        var testDescription: String { cell }
    }

    static let cells: [CellCase] = [
        CellCase(
            cell: "Rue de la Gare 12 bte 3 - 5000 Namur", street: "Rue de la Gare",
            number: "12", box: "3", postcode: "5000", locality: "Namur"),
        CellCase(
            cell: "12, r. du Moulin 59000 LILLE CEDEX", street: "Rue du Moulin",
            number: "12", postcode: "59000", locality: "LILLE", cedex: "CEDEX"),
        CellCase(
            cell: "Kerkstraat 5, B-8000 Brugge, België", street: "Kerkstraat",
            number: "5", postcode: "8000", locality: "Brugge", country: "BE"),
        CellCase(
            cell: "Chemin des Vignes 5, CH-1110 Morges", street: "Chemin des Vignes",
            number: "5", postcode: "1110", locality: "Morges", country: "CH"),
        CellCase(
            cell: "27, rue du Centre L-8470 Eischen", street: "rue du Centre",
            number: "27", postcode: "8470", locality: "Eischen", country: "LU"),
        CellCase(
            cell: "BP 12 - 13 av. Foch 75016 Paris Cedex 16", street: "Avenue Foch",
            number: "13", postcode: "75016", locality: "Paris", cedex: "CEDEX 16"),
        CellCase(
            cell: "Chaussée de Louvain 1234, 1300 Wavre", street: "Chaussée de Louvain",
            number: "1234", postcode: "1300", locality: "Wavre"),
        CellCase(
            cell: "Rue Haute 5, Namur", street: "Rue Haute", number: "5",
            locality: "Namur"),
        CellCase(cell: "Rue Haute 5", street: "Rue Haute", number: "5"),
    ]

    @Test(arguments: cells)
    func splitsOneCell(_ expected: CellCase) {
        let address = AddressParser.split(oneCell: expected.cell)
        #expect(address.streetLine.street == expected.street)
        #expect(address.streetLine.houseNumber == expected.number)
        #expect(address.streetLine.box == expected.box)
        #expect(address.postcode == expected.postcode)
        #expect(address.locality == expected.locality)
        #expect(address.cedex == expected.cedex)
        if let country = expected.country { #expect(address.country == country) }
    }
}
