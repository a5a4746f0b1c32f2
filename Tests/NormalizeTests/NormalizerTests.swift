import Foundation
import GlaneurCore
import Testing

@testable import Normalize

@Suite struct NormalizerTests {
    func record(_ values: [Field: String], row: Int = 1) -> ProducerRecord {
        var record = ProducerRecord(
            provenance: Provenance(
                source: "federation", file: "federation.csv", row: row,
                line: row + 1))
        for (field, value) in values.sorted(by: { $0.key.ordinal < $1.key.ordinal }) {
            record[field] = value
            record.sourceFields.append(SourceField(name: field.key, value: .text(value)))
        }
        return record
    }

    @Test(arguments: [
        ("Lausanne", "1003", "CH"), ("Namur", "5000", "BE"), ("Lille", "59000", "FR"),
    ])
    func infersTheCountryFromTheLocalityAlone(
        _ locality: String, _ postcode: String, _ country: String
    ) {
        let normalized = Normalizer().normalize(
            record([.name: "Ferme", .locality: locality, .postcode: postcode]))
        #expect(normalized.country?.value == country)
        // A 5-digit postcode is the stronger clue.
        #expect(normalized.countryInferredFrom == (postcode.count == 5 ? "postcode" : "locality"))
    }

    @Test func theLocalityOutranksTheShapeOfANationalNumber() {
        // "079 …" is a Swiss mobile and no Belgian number; in Namur it is a typo, not Swiss.
        let typo = Normalizer().normalize(
            record([.locality: "Namur", .postcode: "5000", .phones: "079 123 45 67"]))
        #expect(typo.country?.value == "BE")
        #expect(typo.countryInferredFrom == "locality")
        #expect(typo.phones.first?.isValid == false)
        #expect(typo.warnings.map(\.code).contains("invalid-phone"))
        // With no locality to go by, the only region where the number is valid decides.
        let unplaced = Normalizer().normalize(
            record([.postcode: "1003", .phones: "079 123 45 67"]))
        #expect(unplaced.country?.value == "CH")
        #expect(unplaced.countryInferredFrom == "phone")
        #expect(unplaced.phones.first?.e164 == "+41791234567")
    }

    @Test func forMatchingReadsWhatTheComparisonsReadAndNothingElse() {
        let input = record([
            .name: "FERME DU BOIS JOLI SPRL", .contact: "Marie Dupont",
            .street: "Rue du Bois 12", .postcode: "5000", .locality: "Namur",
            .phones: "081 22 33 44", .emails: "Info@BoisJoli.be",
            .companyNumber: "0123.456.749", .website: "www.boisjoli.be",
            .products: "pommes, fromage de chèvre", .labels: "bio",
            .description: "Ferme familiale",
        ])
        let forMap = Normalizer().normalize(input)
        let forMatching = Normalizer(options: Normalizer.Options(purpose: .matching))
            .normalize(input)
        #expect(forMatching.name == forMap.name)
        #expect(forMatching.nameKey == forMap.nameKey)
        #expect(forMatching.legalForm == forMap.legalForm)
        #expect(forMatching.contact == forMap.contact)
        #expect(forMatching.address == forMap.address)
        #expect(forMatching.postcode == forMap.postcode)
        #expect(forMatching.locality == forMap.locality)
        #expect(forMatching.country == forMap.country)
        #expect(forMatching.phones == forMap.phones)
        #expect(forMatching.emails == forMap.emails)
        #expect(forMatching.companyNumber == forMap.companyNumber)
        // The map's fields that no comparison reads are left out.
        #expect(!forMap.products.isEmpty && forMatching.products.isEmpty)
        #expect(forMap.website != nil && forMatching.website == nil)
        #expect(forMap.organic != nil && forMatching.organic == nil)
        #expect(forMap.description != nil && forMatching.description == nil)
    }

    @Test func readsCHDotAsTheRowsCountryReadsIt() {
        let belgian = Normalizer().normalize(
            record([.street: "Ch. de Louvain 123", .postcode: "1300", .country: "Belgique"]))
        #expect(belgian.address.street == "Chaussée de Louvain")
        #expect(belgian.address.streetType == "chaussée")
        let swiss = Normalizer().normalize(
            record([.street: "Ch. de Louvain 123", .postcode: "1300", .country: "Suisse"]))
        #expect(swiss.address.street == "Chemin de Louvain")
        #expect(swiss.address.streetType == "chemin")
    }

    @Test func normalisesAWalloonRecordKeepingEverySource() throws {
        let normalized = Normalizer().normalize(
            record([
                .name: "FERME DU BOIS JOLI SPRL", .street: "r. de la Gare 12 bte 3",
                .postcode: "B-5000", .locality: "NAMUR", .country: "Belgique",
                .phones: "081/23.45.67", .emails: "Info@Ferme-Bois-Joli.BE",
                .website: "www.ferme-bois-joli.be/", .products: "légumes, oeufs bio",
                .labels: "bio",
            ]))
        #expect(
            normalized.name
                == SourcedText(
                    value: "Ferme du Bois Joli",
                    source: "FERME DU BOIS JOLI SPRL"))
        #expect(normalized.legalForm?.code == "SPRL")
        #expect(normalized.legalForm?.current == "SRL")
        #expect(normalized.address.street == "Rue de la Gare")
        #expect(normalized.address.houseNumber == "12")
        #expect(normalized.address.box == "3")
        #expect(normalized.postcode == SourcedText(value: "5000", source: "B-5000"))
        #expect(normalized.locality?.value == "Namur")
        #expect(normalized.country == SourcedText(value: "BE", source: "Belgique"))
        #expect(normalized.phones.map(\.e164) == ["+3281234567"])
        #expect(normalized.phones.first?.written == "081/23.45.67")
        #expect(normalized.emails.map(\.value) == ["Info@ferme-bois-joli.be"])
        #expect(normalized.website?.url == "https://www.ferme-bois-joli.be")
        #expect(normalized.products.map(\.key) == ["vegetables", "eggs"])
        #expect(normalized.organic == .certified)
        #expect(normalized.language == "fr")
        for rule in [
            "legal-form-extracted", "display-case", "street-type-expanded",
            "box-extracted", "postcode-prefix-removed", "phone-e164",
            "email-domain-lowercased", "organic-read",
        ] {
            #expect(normalized.rules.contains(rule), "\(rule)")
        }
        #expect(normalized.warnings.isEmpty)
    }

    @Test func normalisesAFlemishRecordWithSeparateNumberAndBox() {
        let normalized = Normalizer().normalize(
            record([
                .name: "Hoeve De Linde BVBA", .street: "Kerkstr.", .houseNumber: "12 bus 3",
                .postcode: "9000", .locality: "Gent", .phones: "09 225 12 34 / 0475 12 34 56",
                .products: "groenten, eieren, geitenkaas", .labels: "ja",
            ]))
        #expect(normalized.address.street == "Kerkstraat")
        #expect(normalized.address.houseNumber == "12")
        #expect(normalized.address.box == "3")
        #expect(normalized.country?.value == "BE")
        #expect(normalized.countryInferredFrom != nil)
        #expect(normalized.phones.map(\.kind) == [.fixedLine, .mobile])
        #expect(normalized.rules.contains("phones-split"))
        #expect(normalized.legalForm?.current == "BV")
        #expect(normalized.language == "nl")
    }

    @Test func splitsAOneCellAddress() {
        let normalized = Normalizer().normalize(
            record([
                .name: "Ferme du Moulin", .address: "12, r. du Moulin 59000 LILLE CEDEX",
            ]))
        #expect(normalized.address.street == "Rue du Moulin")
        #expect(normalized.address.houseNumber == "12")
        #expect(normalized.postcode?.value == "59000")
        #expect(normalized.locality?.value == "Lille")
        #expect(normalized.address.cedex == "CEDEX")
        #expect(normalized.country?.value == "FR")
    }

    @Test func keepsInvalidValuesAndWarns() {
        let normalized = Normalizer().normalize(
            record([
                .name: "Ferme X", .postcode: "500", .country: "BE", .phones: "081/23.45",
                .emails: "ferme.x.be", .products: "savon", .companyNumber: "0403.170.702",
            ]))
        let codes = Set(normalized.warnings.map(\.code))
        #expect(
            codes == [
                "invalid-postcode", "invalid-phone", "invalid-email",
                "unknown-product", "invalid-company-number",
            ])
        #expect(normalized.phones.first?.written == "081/23.45")
        #expect(normalized.postcode?.value == "500")
    }

    @Test func aCacheNeverChangesTheAnswer() {
        let cache = NormalizationCache()
        let input = record([
            .name: "Hoeve 't Hof", .street: "Dorpsstraat 5", .postcode: "8000",
            .phones: "050 12 34 56", .products: "melk, boter",
        ])
        let plain = Normalizer().normalize(input)
        for _ in 0..<3 {
            let cached = Normalizer().normalize(input, cache: cache)
            #expect(cached.address == plain.address)
            #expect(cached.phones == plain.phones)
            #expect(cached.products == plain.products)
            #expect(cached.rules == plain.rules)
        }
        #expect(cache.hits > 0)
    }
}

@Suite struct NormalizedJSONTests {
    @Test func roundTripsThroughNDJSON() throws {
        var input = ProducerRecord(
            provenance: Provenance(source: "e", file: "e.ndjson", row: 7, line: 7))
        input[.name] = "Ferme Bruchez, SA"
        input[.street] = "Rue Saint-Martin 131"
        input[.postcode] = "1110"
        input[.country] = "CH"
        input.setValues(["0041 21 872 85 36"], for: .phones)
        input.setValues(["viande de boeuf", "porc"], for: .products)
        input.sourceFields = [SourceField(name: "producer_name", value: .text("Ferme Bruchez, SA"))]
        let normalized = Normalizer().normalize(input)

        var writer = JSONWriter()
        normalized.writeJSON(to: &writer)
        let back = try NormalizedRecord(json: try JSONParser.parse(writer.bytes))
        #expect(back.provenance == normalized.provenance)
        #expect(back.name == normalized.name)
        #expect(back.nameKey == normalized.nameKey)
        #expect(back.legalForm == normalized.legalForm)
        #expect(back.address == normalized.address)
        #expect(back.postcode == normalized.postcode)
        #expect(back.country == normalized.country)
        #expect(back.phones == normalized.phones)
        #expect(back.products == normalized.products)
        #expect(back.rules == normalized.rules)
        #expect(back.sourceFields == normalized.sourceFields)

        var again = JSONWriter()
        back.writeJSON(to: &again)
        #expect(again.bytes == writer.bytes)
    }

    @Test func refusesALineThatIsNotARecord() {
        #expect(throws: NormalizedRecordDecodingError.self) {
            try NormalizedRecord(json: try JSONParser.parse("[1,2]"))
        }
    }
}

@Suite struct NDJSONNormalizerTests {
    @Test func outputIsTheSameOnOneThreadOrTwo() throws {
        let directory = "/tmp/glaneur-normalize-test-\(getpid())"
        mkdir(directory, 0o755)
        defer { system("rm -rf '\(directory)'") }

        // Enough records for several blocks, one of them not a record.
        var lines: [UInt8] = []
        for row in 1...3000 {
            var writer = JSONWriter()
            var record = ProducerRecord(
                provenance: Provenance(source: "s", file: "s.csv", row: row, line: row + 1))
            record[.name] = "Ferme \(row)"
            record[.phones] = "081 23 \(10 + row % 90) \(10 + row % 80)"
            record[.postcode] = "5000"
            record.writeJSON(to: &writer)
            lines += writer.bytes + [0x0A]
            if row == 1500 { lines += Array("not json\n".utf8) }
        }
        let input = directory + "/in.ndjson"
        try #require(FileManager.default.createFile(atPath: input, contents: Data(lines)))

        var outputs: [[UInt8]] = []
        for threads in [1, 2] {
            let path = directory + "/out\(threads).ndjson"
            let output = try OutputFile(path: path)
            let engine = NDJSONNormalizer(threads: threads, blockSize: 64 << 10)
            let summary = try engine.run(path: input, output: output)
            try output.close()
            #expect(summary.records == 3000)
            #expect(summary.unreadableLines == 1)
            #expect(summary.unreadableSamples.first?.hasPrefix("line 1501, column 1:") == true)
            #expect(summary.rules["phone-e164"] == 3000)
            outputs.append(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].filter { $0 == 0x0A }.count == 3000)
    }
}
