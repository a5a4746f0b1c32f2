import Foundation
import Testing

@testable import Geocode

extension Tag {
    /// Needs a real addok server on 127.0.0.1, started by the test setup: set
    /// GLANEUR_ADDOK_URL to its base URL (see bench/geocode/README.md).
    @Tag static var addok: Self
}

@Suite struct OnlineProviderTests {
    @Test func banResponseGivesTypeAsPrecision() throws {
        let body = """
            {"type": "FeatureCollection", "features": [{"type": "Feature",
             "geometry": {"type": "Point", "coordinates": [3.061215, 50.633731]},
             "properties": {"label": "12 Rue du Moulin 59000 Lille", "score": 0.93,
             "type": "housenumber", "id": "59350_5520_00012"}}]}
            """
        let answer = try #require(BANProvider().parse(Array(body.utf8)))
        #expect(answer.precision == .housenumber)
        #expect(answer.latitude == 50.633731)
        #expect(answer.referenceID == "59350_5520_00012")
        #expect(BANProvider().parse(Array(#"{"features": []}"#.utf8)) == nil)
    }

    @Test func nominatimResponseAndStructuredURL() throws {
        let body = """
            [{"osm_type": "node", "osm_id": 42, "lat": "50.4669", "lon": "4.8674",
              "addresstype": "house", "importance": 0.61, "display_name": "1, Rue de Fer"}]
            """
        let provider = NominatimProvider(baseURL: "http://127.0.0.1:9/")
        let answer = try #require(provider.parse(Array(body.utf8)))
        #expect(answer.precision == .housenumber)
        #expect(answer.referenceID == "node:42")
        let url = provider.url(
            for: OnlineQuery(
                text: "", street: "Rue de Fer", houseNumber: "1", postcode: "5000",
                locality: "Namur", country: "BE"))
        #expect(url.hasPrefix("http://127.0.0.1:9/search?"))
        #expect(url.contains("street=1%20Rue%20de%20Fer"))
        #expect(url.contains("postalcode=5000"))
        #expect(url.contains("countrycodes=be"))
    }

    @Test func photonResponse() throws {
        let body = """
            {"features": [{"geometry": {"coordinates": [6.13, 49.61]},
              "properties": {"name": "Luxembourg", "type": "city", "osm_id": 7}}]}
            """
        let answer = try #require(PhotonProvider().parse(Array(body.utf8)))
        #expect(answer.precision == .locality)
        #expect(answer.label == "Luxembourg")
    }

    @Test func cacheKeepsAnswersAndKnownMisses() throws {
        let cache = try GeocodeCache(path: ":memory:")
        let answer = OnlineAnswer(
            latitude: 1, longitude: 2, precision: .street, score: 0.8,
            label: "Rue X", referenceID: "x")
        cache.store(provider: "ban", key: "a", answer: answer)
        cache.store(provider: "ban", key: "b", answer: nil)
        #expect(cache.lookup(provider: "ban", key: "a") == .some(answer))
        #expect(cache.lookup(provider: "ban", key: "b") == .some(nil))
        #expect(cache.lookup(provider: "ban", key: "c") == nil)
        #expect(cache.lookup(provider: "photon", key: "a") == nil)
    }

    @Test func cacheKeyIgnoresCaseAndAccents() {
        let first = OnlineQuery(text: "12 Rue du Moulin, Liège", postcode: "4000")
        let second = OnlineQuery(text: "12 RUE DU MOULIN LIEGE", postcode: "4000")
        #expect(first.cacheKey == second.cacheKey)
    }

    @Test func unreachableProviderKeepsTheOfflineAnswerAndSaysWhy() throws {
        // Port 9 (discard) on the loopback: nothing listens, the connection is refused.
        let online = OnlineGeocoder(
            provider: BANProvider(baseURL: "http://127.0.0.1:9"),
            cache: try GeocodeCache(path: ":memory:"), timeout: 2, maximumAttempts: 1)
        let cascade = CascadeGeocoder(offline: SharedGazetteer.geocoder, online: [online])
        let result = cascade.geocode(AddressQuery(freeText: "12 rue du Moulin 59000 Lille"))
        #expect(result.precision == .locality)
        #expect(result.provider == "gazetteer")
        #expect(result.steps.contains("ban-unreachable"))
    }

    @Test func rowsPlacedPreciselyEnoughNeverGoOnline() throws {
        let online = OnlineGeocoder(
            provider: BANProvider(baseURL: "http://127.0.0.1:9"),
            cache: try GeocodeCache(path: ":memory:"), timeout: 2, maximumAttempts: 1)
        let cascade = CascadeGeocoder(offline: SharedGazetteer.geocoder, online: [online])
        // Nothing finer than the locality was asked for.
        let result = cascade.geocode(AddressQuery(postcode: "59000", locality: "Lille"))
        #expect(!result.steps.contains { $0.hasPrefix("ban") })
    }

    @Test(
        .tags(.addok),
        .enabled(
            if: ProcessInfo.processInfo.environment["GLANEUR_ADDOK_URL"]
                != nil))
    func realAddokServerImprovesAndCachesAnswers() throws {
        let url = try #require(ProcessInfo.processInfo.environment["GLANEUR_ADDOK_URL"])
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("glaneur-addok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cachePath = folder.appendingPathComponent("cache.sqlite").path
        let online = OnlineGeocoder(
            provider: BANProvider(baseURL: url),
            cache: try GeocodeCache(path: cachePath))
        let cascade = CascadeGeocoder(offline: SharedGazetteer.geocoder, online: [online])

        let query = AddressQuery(freeText: "12 r. du Moulin 59000 Lille")
        let first = cascade.geocode(query)
        #expect(first.precision == .housenumber, "\(first.steps) \(first.reason ?? "")")
        #expect(first.provider == "ban")
        #expect(first.referenceID == "59350_5520_00012")
        // The citycode filter keeps Marseille's Rue du Moulin out.
        #expect(abs((first.latitude ?? 0) - 50.633731) < 1e-5)

        // A second run (a resumed batch) asks nothing again.
        let again = CascadeGeocoder(
            offline: SharedGazetteer.geocoder,
            online: [
                OnlineGeocoder(
                    provider: BANProvider(baseURL: "http://127.0.0.1:9"),
                    cache: try GeocodeCache(path: cachePath))
            ])
        let second = again.geocode(query)
        #expect(second.steps.last == "ban-cached")
        #expect(second.latitude == first.latitude)
    }
}

@Suite struct BANBatchTests {
    @Test func batchRequestNamesItsColumnsAndQuotesCells() {
        let (body, contentType) = BANProvider(baseURL: "http://127.0.0.1:9").batchRequest([
            OnlineQuery(text: "12 rue du \"Moulin\", Lille", postcode: "59000", cityCode: "59350")
        ])
        let text = String(decoding: body, as: UTF8.self)
        #expect(contentType.hasPrefix("multipart/form-data; boundary="))
        #expect(text.contains("name=\"columns\"\r\n\r\nq\r\n"))
        #expect(text.contains("\"0\",\"12 rue du \"\"Moulin\"\", Lille\",\"59000\",\"59350\""))
    }

    @Test func batchResponseIsReadBackInQueryOrder() {
        let body = """
            row,q,postcode,citycode,latitude,longitude,result_label,result_score,result_type,\
            result_id
            1,45 Grande Rue Roubaix,,,50.69182,3.17991,45 Grande Rue 59100 Roubaix,0.9,\
            housenumber,59512_0420_00045
            0,nowhere,,,,,,,,
            """
        let answers = BANProvider().parseBatch(Array(body.utf8), count: 2)
        #expect(answers[0] == nil)
        #expect(answers[1]?.precision == .housenumber)
        #expect(answers[1]?.referenceID == "59512_0420_00045")
    }

    @Test(
        .tags(.addok),
        .enabled(
            if: ProcessInfo.processInfo.environment["GLANEUR_ADDOK_URL"]
                != nil))
    func realAddokBatchEndpoint() throws {
        let url = try #require(ProcessInfo.processInfo.environment["GLANEUR_ADDOK_URL"])
        let online = OnlineGeocoder(
            provider: BANProvider(baseURL: url),
            cache: try GeocodeCache(path: ":memory:"))
        let replies = try online.answers([
            OnlineQuery(text: "45 Grande Rue 59100 Roubaix"),
            OnlineQuery(text: "12 rue du Moulin 59000 Lille", cityCode: "59350"),
        ])
        #expect(replies.map(\.answer?.referenceID) == ["59512_0420_00045", "59350_5520_00012"])
        #expect(replies.allSatisfy { !$0.cached })
        #expect(
            try online.answers([OnlineQuery(text: "45 Grande Rue 59100 Roubaix")])
                .first?.cached == true)
    }
}
