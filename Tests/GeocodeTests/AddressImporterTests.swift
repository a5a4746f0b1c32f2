import Foundation
import Testing

@testable import Geocode

@Suite struct AddressImporterTests {
    /// A geocoder over a private store with one address file imported.
    private func importing(_ fixture: String, as format: AddressFileFormat) throws
        -> (OfflineGeocoder, ImportSummary, GazetteerStore, URL)
    {
        let (store, folder) = try SharedGazetteer.copyOfStore()
        let summary = try AddressImporter(store: store, format: format)
            .importFile(path: SharedGazetteer.fixture(fixture))
        let geocoder = OfflineGeocoder(
            index: SharedGazetteer.geocoder.index, streets: try StreetMatcher(store: store))
        return (geocoder, summary, store, folder)
    }

    @Test func banFileGivesHouseNumbersAndStreets() throws {
        let (geocoder, summary, _, folder) = try importing("adresses-59.csv", as: .ban)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(summary.rows == 6)
        #expect(summary.addresses == 5)
        #expect(summary.skipped["no coordinates"] == 1)
        #expect(summary.streets == 3)

        let bis = geocoder.geocode(AddressQuery(freeText: "12 bis r. du Moulin 59000 LILLE"))
        #expect(bis.precision == .housenumber, "\(bis.steps)")
        #expect(bis.latitude == 50.633780)
        #expect(bis.steps.contains("housenumber-exact"))

        let missingNumber = geocoder.geocode(
            AddressQuery(street: "99 rue du Moulin", postcode: "59000", locality: "Lille"))
        #expect(missingNumber.precision == .street)
        #expect(missingNumber.steps.contains("housenumber-dropped"))
        // The street lies at the mean of its addresses.
        let latitude = try #require(missingNumber.latitude)
        #expect(abs(latitude - (50.633731 + 50.633780 + 50.633871) / 3) < 1e-6)

        let unknownStreet = geocoder.geocode(
            AddressQuery(street: "Rue Inconnue 3", postcode: "59000", locality: "Lille"))
        #expect(unknownStreet.precision == .locality)
        #expect(unknownStreet.steps.contains("street-not-found"))
    }

    @Test func bilingualBelgianStreetIsOneStreet() throws {
        let (geocoder, summary, _, folder) = try importing("openaddress-bebru.csv", as: .best)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(summary.skipped["box"] == 1)
        #expect(summary.skipped["retired"] == 1)

        let french = geocoder.geocode(
            AddressQuery(
                street: "Chée de Mons 475", postcode: "1070", locality: "Anderlecht"))
        let dutch = geocoder.geocode(
            AddressQuery(
                street: "Bergense Steenweg", houseNumber: "475", postcode: "1070",
                locality: "Anderlecht"))
        #expect(french.precision == .housenumber, "\(french.steps)")
        #expect(dutch.precision == .housenumber, "\(dutch.steps)")
        #expect(french.referenceID == dutch.referenceID)

        let gent = geocoder.geocode(AddressQuery(freeText: "Veldstraat 5, 9000 Gand"))
        #expect(gent.precision == .housenumber, "\(gent.steps)")
    }

    @Test func swissDirectoryIsConvertedFromLV95() throws {
        let (geocoder, summary, _, folder) = try importing("gebaeudeadressen.csv", as: .ch)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(summary.addresses == 3)
        let result = geocoder.geocode(
            AddressQuery(freeText: "Christoph Merian-Platz 8, 4052 Basel"))
        #expect(result.precision == .housenumber, "\(result.steps)")
        let latitude = try #require(result.latitude)
        let longitude = try #require(result.longitude)
        // In Basel, and near its centre (the sanity check of the answer).
        #expect(Geo.kilometres(latitude, longitude, 47.5596, 7.5886) < 3)
    }

    @Test func importingTheSameFileTwiceAddsNothing() throws {
        let (_, _, store, folder) = try importing("adresses-59.csv", as: .ban)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try AddressImporter(store: store, format: .ban)
            .importFile(path: SharedGazetteer.fixture("adresses-59.csv"))
        let summary = try store.summary()
        #expect(summary.streetsBySource.first { $0.source == "ban" }?.addresses == 5)
        #expect(summary.imports.count == 2)
    }

    @Test func wrongFormatIsAnActionableError() throws {
        let (store, folder) = try SharedGazetteer.copyOfStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: (any Error).self) {
            _ = try AddressImporter(store: store, format: .ban)
                .importFile(path: SharedGazetteer.fixture("openaddress-bebru.csv"))
        }
        #expect("\(error)".contains("--format"))
    }

    /// The LV95 origin in Bern, and the worked example of swisstopo's note on the
    /// approximate formulas (46° 2' 38.87", 8° 43' 49.79").
    @Test(arguments: [
        (2_600_000.0, 1_200_000.0, 46.95108, 7.43864),
        (2_700_000.0, 1_100_000.0, 46.04413, 8.73050),
    ])
    func swissGridConversion(east: Double, north: Double, latitude: Double, longitude: Double) {
        let (lat, lon) = SwissGrid.wgs84(easting: east, northing: north)
        #expect(abs(lat - latitude) < 0.0005)
        #expect(abs(lon - longitude) < 0.0005)
    }
}
