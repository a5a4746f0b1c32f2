import Testing

@testable import Geocode

@Suite struct OfflineGeocoderTests {
    let geocoder = SharedGazetteer.geocoder

    /// Each row: postcode, locality as a partner wrote it, the true GeoNames/NIS id.
    @Test(arguments: [
        ("59000", "Lille", "2998324"),
        ("59000", "LILLE CEDEX", "2998324"),
        ("8600", "Dixmude", "2799369"),  // French exonym of Diksmuide
        ("4000", "Luik", "2792413"),  // Dutch exonym of Liège
        ("1050", "Elsene", "BE-NIS-21009"),  // Ixelles, a Brussels postcode shared
        ("1050", "Ixelles", "BE-NIS-21009"),
        ("13210", "St Remy de Provence", "2977214"),
        ("2870", "Puurs-Sint-Amandss", "BE-NIS-12041"),  // typo
        ("1000", "Bruxels", "2800866"),  // typo
        ("59001", "Lille", "2998324"),  // postcode one digit off
        ("", "Bourg en Bresse", "3031009"),
    ])
    func structuredLocalities(postcode: String, locality: String, id: String) {
        let result = geocoder.geocode(AddressQuery(postcode: postcode, locality: locality))
        #expect(result.localityID == id, "\(result.steps)")
        #expect(result.precision == .locality)
        #expect((0...1).contains(result.score))
        #expect(result.provider == "gazetteer")
    }

    @Test func sectionAnswersCarryTheirMunicipality() {
        let result = geocoder.geocode(AddressQuery(postcode: "5100", locality: "Jambes"))
        #expect(result.label == "Jambes")
        #expect(result.localityID == "2790471")  // Namur
        // Namur is the section's own municipality, not a competitor: the gap stays large.
        #expect(result.gap > 0.3)
    }

    @Test(arguments: [
        ("12 r. du Moulin 59000 Lille", "2998324"),
        ("Kerkstraat 5, B-8000 Brugge, België", "2800931"),
        ("Rue de la Gare 5, Namur, Belgique", "2790471"),
        ("12, rue du Centre, L-1009 Luxembourg", "2960316"),
    ])
    func freeTextAddresses(text: String, id: String) {
        let result = geocoder.geocode(AddressQuery(freeText: text))
        #expect(result.localityID == id, "\(result.steps)")
        #expect(result.steps.first == "free-text")
    }

    @Test func anUnknownLocalityFallsBackToThePostcode() {
        let result = geocoder.geocode(AddressQuery(postcode: "59000", locality: "Xqzwv"))
        #expect(result.precision == .postcode)
        #expect(result.steps.contains("trust-postcode"))
        #expect(result.score <= 0.5)
        #expect(result.reason?.contains("Xqzwv") == true)
    }

    @Test func nothingToGoOnIsUnplacedWithAReason() {
        let result = geocoder.geocode(AddressQuery(locality: "Xqzwvtplk"))
        #expect(result.precision == .none)
        #expect(result.latitude == nil)
        #expect(result.reason?.isEmpty == false)
    }

    @Test func aWrongCountryColumnIsOverruled() {
        let result = geocoder.geocode(
            AddressQuery(postcode: "5000", locality: "Namur", country: "France"))
        #expect(result.localityID == "2790471")
        #expect(result.steps.contains("country-ignored"))
    }

    @Test func aStreetWithoutStreetDataStaysAtTheLocalityCentreAndSaysSo() {
        let result = geocoder.geocode(
            AddressQuery(street: "Rue de Fer 12", postcode: "5000", locality: "Namur"))
        #expect(result.precision == .locality)
        #expect(result.steps.contains("locality-centre"))
        #expect(result.reason != nil)
    }

    @Test func explainListsTheCandidatesBestFirst() {
        let result = geocoder.geocode(AddressQuery(locality: "Saint-Martin"), explain: true)
        #expect(result.candidates.count > 1)
        let scores = result.candidates.map(\.score)
        #expect(scores == scores.sorted(by: >))
        // Many French communes share the name: the answer must say it is ambiguous.
        #expect(result.gap < 0.05)
    }

    @Test func batchAnswersInQueryOrder() {
        let queries = [
            AddressQuery(postcode: "59000", locality: "Lille"),
            AddressQuery(postcode: "5000", locality: "Namur"),
        ]
        let results = geocoder.geocode(
            Array(repeating: queries, count: 300).flatMap { $0 },
            threads: 2)
        #expect(results.count == 600)
        #expect(results[0].localityID == "2998324")
        #expect(results[599].localityID == "2790471")
    }
}

@Suite struct StreetColumnTests {
    @Test func aWholeAddressInTheStreetColumnIsReadAsFreeText() {
        let result = SharedGazetteer.geocoder.geocode(
            AddressQuery(street: "Rue de l'Église 4, 2070 Zwijndrecht"))
        #expect(result.localityID == "2783081")
        #expect(result.steps.first == "free-text")
    }
}
