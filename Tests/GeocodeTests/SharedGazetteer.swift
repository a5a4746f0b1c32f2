import Foundation
import Geocode

/// One gazetteer store and geocoder for the whole test run: building the store from the
/// shipped data takes a few seconds, so tests share it (they only read), and later runs
/// reuse it until the shipped data changes version.
enum SharedGazetteer {
    static let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("glaneur-geocode-tests")

    static let storePath = directory.appendingPathComponent("g.sqlite").path

    static let geocoder: OfflineGeocoder = {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true)
            return try OfflineGeocoder(store: try GazetteerStore(path: storePath))
        } catch {
            // Without the shipped data no geocoding test can mean anything.
            fatalError("cannot build the test gazetteer: \(error)")
        }
    }()

    /// A private copy of the shared store, for a test that writes (imports).
    static func copyOfStore() throws -> (store: GazetteerStore, folder: URL) {
        _ = geocoder
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("glaneur-geocode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("g.sqlite").path
        try FileManager.default.copyItem(atPath: storePath, toPath: path)
        return (try GazetteerStore(path: path), folder)
    }

    /// A fixture file of this test target.
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}
