import Foundation
import Geocode

/// One gazetteer store and geocoder for the whole test run: building the store from the
/// shipped data takes a few seconds, so tests share it (they only read), and later runs
/// reuse it until the shipped data changes version.
enum SharedGazetteer {
    static let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("glaneur-geocode-tests")

    static let geocoder: OfflineGeocoder = {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true)
            let store = try GazetteerStore(path: directory.appendingPathComponent("g.sqlite").path)
            return try OfflineGeocoder(store: store)
        } catch {
            // Without the shipped data no geocoding test can mean anything.
            fatalError("cannot build the test gazetteer: \(error)")
        }
    }()
}
