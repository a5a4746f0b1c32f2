import Foundation
import Testing

@testable import Store

/// The two kinds of map database every load test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL unless `GLANEUR_SKIP_POSTGRES=1` says there is no server.
    /// Without that variable a missing server fails the tests: CI starts one.
    static var tested: [Backend] {
        ProcessInfo.processInfo.environment["GLANEUR_SKIP_POSTGRES"] == "1"
            ? [.sqlite] : [.sqlite, .postgres]
    }
}

/// A fresh, empty map database for one test: a temporary file, or a schema of its own in
/// the test PostgreSQL database (dropped afterwards).
final class TestDatabase {
    /// The server the PostgreSQL tests use; `.ci/postgis start` starts it.
    static let postgresURL =
        ProcessInfo.processInfo.environment["GLANEUR_TEST_POSTGRES_URL"]
        ?? "postgresql://postgres@127.0.0.1:5439/glaneur_test"

    let backend: Backend
    let folder: TemporaryFolder
    private var schema: String?

    init(_ backend: Backend) throws {
        self.backend = backend
        folder = try TemporaryFolder()
        if backend == .postgres {
            let name = "test_" + UUID().uuidString.prefix(8).lowercased()
            let admin: PostgresConnection
            do {
                admin = try PostgresConnection(url: Self.postgresURL)
            } catch {
                throw StoreError(
                    "\(error) — start the test server with '.ci/postgis start', or set "
                        + "GLANEUR_SKIP_POSTGRES=1 to test SQLite only")
            }
            try admin.execute("CREATE SCHEMA \(name)")
            schema = name
        }
    }

    /// The `--db` value of this database.
    var location: String {
        switch backend {
        case .sqlite:
            return folder.path("map.gpkg")
        case .postgres:
            // The schema first, then public where PostGIS's types live.
            let separator = Self.postgresURL.contains("?") ? "&" : "?"
            return Self.postgresURL + separator
                + "options=-c%20search_path%3D\(schema ?? "public")%2Cpublic"
        }
    }

    /// A new connection to the database.
    func open() throws -> any MapStore {
        try openMapStore(location, create: true)
    }

    deinit {
        if let schema, let admin = try? PostgresConnection(url: Self.postgresURL) {
            try? admin.execute("DROP SCHEMA \(schema) CASCADE")
        }
    }
}
