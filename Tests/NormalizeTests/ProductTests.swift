import Testing

@testable import Normalize

@Suite struct ProductVocabularyTests {
    @Test(arguments: [
        ("légumes de saison, œufs, fromage de chèvre", ["vegetables", "eggs", "goat-cheese"]),
        ("groenten, eieren, geitenkaas", ["vegetables", "eggs", "goat-cheese"]),
        ("Gemüse, Eier", ["vegetables", "eggs"]),
        ("vegetables; eggs + honey", ["vegetables", "eggs", "honey"]),
        ("oeufs bio / pommes de terre", ["eggs", "potatoes"]),
        ("chicons - patatten - hoeveijs", ["chicory", "potatoes", "ice-cream"]),
        ("rundvlees (pakketten), varkensvlees", ["beef", "pork"]),
        ("pain et farine", ["bread", "flour"]),
        ("legumes, fromages", ["vegetables", "cheese"]),
        ("miel toutes fleurs, confitures maison", ["honey", "jam"]),
        ("fromage de chèvre affiné", ["goat-cheese"]),
        // Typing errors.
        ("legumse, fromgae", ["vegetables", "cheese"]),
        ("aardappeln, geitenkass", ["potatoes", "goat-cheese"]),
    ])
    func mapsLists(_ list: String, _ keys: [String]) {
        #expect(ProductVocabulary.map(list: list).map(\.key) == keys)
    }

    @Test func keepsUnknownTerms() {
        let terms = ProductVocabulary.map(list: "légumes, savon artisanal, tricots")
        #expect(terms.map(\.written) == ["légumes", "savon artisanal", "tricots"])
        #expect(terms.map(\.key) == ["vegetables", nil, nil])
    }

    @Test func mapsAListAlreadySplit() {
        let terms = ProductVocabulary.map(values: ["viande de bœuf", "porc", "volaille"])
        #expect(terms.map(\.key) == ["beef", "pork", "poultry"])
        #expect(terms.map(\.category) == ["meat", "meat", "poultry"])
    }
}

@Suite struct OrganicLabelTests {
    @Test(arguments: [
        ("bio", OrganicLabels.Status.certified), ("BIO", .certified), ("ja", .certified),
        ("true", .certified), ("AB", .certified), ("certifié bio", .certified),
        ("Certisys", .certified), ("Bio Suisse", .certified), ("biologisch", .certified),
        ("en conversion", .conversion), ("in omschakeling", .conversion),
        ("conversion bio", .conversion), ("nee", .notOrganic), ("non", .notOrganic),
        ("-", .notOrganic), ("false", .notOrganic), ("", .notOrganic),
    ])
    func reads(_ value: String, _ status: OrganicLabels.Status) {
        #expect(OrganicLabels.read(value).status == status)
    }

    @Test func namesTheCertifier() {
        #expect(OrganicLabels.read("Ecocert").certifier == "Ecocert")
        #expect(OrganicLabels.read("bio").certifier == nil)
    }

    @Test func leavesOtherLabelsUnread() {
        #expect(OrganicLabels.read("Label Rouge").status == nil)
    }
}

@Suite struct PostcodeAndCountryTests {
    @Test(arguments: [
        ("B-5000", nil as String?, "5000", "BE" as String?, true),
        ("F-59000", nil, "59000", "FR", true),
        ("CH-1200", nil, "1200", "CH", true),
        ("L-4001", nil, "4001", "LU", true),
        ("5000", "BE", "5000", "BE", true),
        ("59000", nil, "59000", "FR", true),
        ("1000", "FR", "01000", "FR", true),
        ("1234 ab", "NL", "1234 AB", "NL", true),
        ("500", "BE", "500", "BE", false),
        ("0500", "BE", "0500", "BE", false),
        ("ABC", "FR", "ABC", "FR", false),
    ])
    func normalizesPostcodes(
        _ raw: String, _ country: String?, _ value: String, _ inferred: String?, _ valid: Bool
    ) {
        let result = Postcode.normalize(raw, country: country)
        #expect(result.value == value)
        #expect(result.country == inferred)
        #expect(result.isValid == valid)
    }

    @Test(arguments: [
        ("Belgique", "BE"), ("België", "BE"), ("Belgie", "BE"), ("BE", "BE"),
        ("Frankrijk", "FR"), ("France", "FR"), ("Suisse", "CH"), ("Schweiz", "CH"),
        ("Luxemburg", "LU"), ("Lëtzebuerg", "LU"), ("Nederland", "NL"),
    ])
    func readsCountryNames(_ text: String, _ code: String) {
        #expect(Country.code(for: text) == code)
    }

    @Test func singleLettersOnlyWhenAllowed() {
        #expect(Country.code(for: "B") == nil)
        #expect(Country.code(for: "B", allowSingleLetter: true) == "BE")
    }

    @Test func infersFromTheStrongestClue() {
        #expect(
            Country.infer(postcode: "59000", phoneCallingCodes: [32], locality: nil)?.code
                == "FR")
        #expect(
            Country.infer(postcode: "5000", phoneCallingCodes: [32], locality: nil)?.clue
                == "phone")
        #expect(
            Country.infer(postcode: "5000", phoneCallingCodes: [32, 33], locality: nil)
                == nil)
        let lookup: @Sendable (String, String?) -> String? = { name, _ in
            name == "Morges" ? "CH" : nil
        }
        #expect(
            Country.infer(
                postcode: "1110", phoneCallingCodes: [], locality: "Morges", localityLookup: lookup
            )?.code == "CH")
    }

    static let localities: [(locality: String, postcode: String?, country: String?)] = [
        ("Namur", nil, "BE"), ("NAMUR", "5000", "BE"), ("Gent", nil, "BE"),
        ("Lausanne", nil, "CH"), ("Lausanne", "1003", "CH"), ("Genève", nil, "CH"),
        ("Lille", nil, "FR"), ("Paris", nil, "FR"), ("Luxembourg", nil, "LU"),
        // A name of several countries, none dominant: nothing.
        ("Beaumont", nil, nil), ("Rochefort", nil, nil), ("Saint-Léger", nil, nil),
        // The postcode's shape rules the country out: nothing.
        ("Lille", "5000", nil), ("Namur", "59000", nil),
        // Unknown names.
        ("Nulle-Part-sur-Mer", nil, nil), ("", nil, nil),
    ]

    @Test(arguments: localities)
    func localitiesTellTheirCountry(
        _ locality: String, _ postcode: String?, _ country: String?
    ) {
        #expect(LocalityCountries.country(of: locality, postcode: postcode) == country)
    }

    @Test func theLocalityIsTheLastClue() {
        #expect(
            Country.infer(postcode: "1003", phoneCallingCodes: [], locality: "Lausanne")?.clue
                == "locality")
        #expect(
            Country.infer(postcode: "5000", phoneCallingCodes: [33], locality: "Namur")?.code
                == "FR")
    }

    @Test(arguments: [("5000", "fr"), ("9000", "nl"), ("4700", "de"), ("1000", nil as String?)])
    func belgianPostcodesTellTheLanguage(_ postcode: String, _ language: String?) {
        #expect(Postcode.belgianLanguage(postcode) == language)
    }
}
