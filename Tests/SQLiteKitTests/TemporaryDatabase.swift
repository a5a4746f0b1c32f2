import Foundation
import SQLiteKit

/// A database file of its own for one test, deleted with its directory afterwards.
final class TemporaryDatabase {
    let directory: URL
    var path: String { directory.appendingPathComponent("test.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sqlitekit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func open(busyTimeout: Double = 5) throws -> Database {
        try Database(path: path, busyTimeout: busyTimeout)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
