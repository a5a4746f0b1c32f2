import Foundation
import GlaneurCore
import SQLiteKit

/// The gazetteer on disk: the shipped localities, built into SQLite at first use, and the
/// streets and addresses imported from official address files.
///
/// Imported data survives a rebuild of the shipped part, which happens when a new version
/// of Glaneur ships new reference data.
public final class GazetteerStore {
    public let path: String
    let database: Database

    /// The store used when none is named: `$GLANEUR_GAZETTEER`, else
    /// `$XDG_CACHE_HOME/glaneur/gazetteer.sqlite`, else `~/.cache/glaneur/gazetteer.sqlite`.
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["GLANEUR_GAZETTEER"], !path.isEmpty { return path }
        let cache =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.cache")
        return cache + "/glaneur/gazetteer.sqlite"
    }

    /// Opens the store, creating it and loading the shipped localities when needed.
    ///
    /// - throws: `GlaneurError` when the folder cannot be created, `DatabaseError` when
    ///   the file is not a usable SQLite database.
    public init(path: String = GazetteerStore.defaultPath) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, path != ":memory:" {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw GlaneurError.invalidRequest(
                    "cannot create the gazetteer folder \(folder): \(error.localizedDescription)"
                        + "; name another file with --gazetteer")
            }
        }
        // Two processes may build the store at once: the second waits for the first.
        database = try Database(path: path, busyTimeout: 60)
        if path != ":memory:" { try database.setJournalMode(.wal) }
        try createSchema()
        try loadShippedDataIfNeeded()
    }

    private func createSchema() throws {
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS place(
                id TEXT PRIMARY KEY, country TEXT NOT NULL, label TEXT NOT NULL,
                postcodes TEXT NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL,
                population INTEGER NOT NULL, parent_id TEXT, admin_code TEXT);
            CREATE TABLE IF NOT EXISTS place_name(
                place_id TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
                kind INTEGER NOT NULL, PRIMARY KEY(place_id, position)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS street(
                id INTEGER PRIMARY KEY, country TEXT NOT NULL, postcode TEXT NOT NULL,
                city TEXT NOT NULL, city_code TEXT, latitude REAL, longitude REAL,
                source TEXT NOT NULL, source_id TEXT NOT NULL,
                UNIQUE(source, source_id));
            CREATE INDEX IF NOT EXISTS street_by_postcode ON street(country, postcode);
            CREATE TABLE IF NOT EXISTS street_name(
                street_id INTEGER NOT NULL REFERENCES street(id), name TEXT NOT NULL,
                language TEXT, PRIMARY KEY(street_id, name)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS address(
                id INTEGER PRIMARY KEY, street_id INTEGER NOT NULL REFERENCES street(id),
                number TEXT NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL,
                source_id TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS address_by_street ON address(street_id, number);
            CREATE UNIQUE INDEX IF NOT EXISTS address_by_source ON address(source_id);
            CREATE TABLE IF NOT EXISTS import(
                id INTEGER PRIMARY KEY, format TEXT NOT NULL, file TEXT NOT NULL,
                imported_at TEXT NOT NULL, streets INTEGER NOT NULL,
                addresses INTEGER NOT NULL);
            """)
    }

    /// The version of the shipped data the store holds, if any.
    var shippedVersion: String? {
        (try? database.firstRow("SELECT value FROM meta WHERE key = 'shipped_version'") {
            $0.text(0)
        }) ?? nil
    }

    private func loadShippedDataIfNeeded() throws {
        if shippedVersion == ShippedGazetteer.version { return }
        let places = try ShippedGazetteer.places()
        try database.transaction {
            // Checked again under the write lock: another process may have just built it.
            if shippedVersion == ShippedGazetteer.version { return }
            try replacePlaces(places)
            try database.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('shipped_version', ?)",
                ShippedGazetteer.version)
        }
        // Fold the write-ahead log into the file, so that a copy of the file alone is a
        // complete store.
        if path != ":memory:" { try database.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    private func replacePlaces(_ places: [Place]) throws {
        try database.execute("DELETE FROM place; DELETE FROM place_name;")
        let insertPlace = try database.cachedStatement(
            """
            INSERT INTO place(id, country, label, postcodes, latitude, longitude, population,
                              parent_id, admin_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertName = try database.cachedStatement(
            "INSERT INTO place_name(place_id, position, name, kind) VALUES (?, ?, ?, ?)")
        for place in places {
            try insertPlace.execute(
                place.id, place.country, place.label, place.postcodes.joined(separator: "|"),
                place.latitude, place.longitude, place.population, place.parentID,
                place.adminCode)
            for (position, name) in place.names.enumerated() {
                try insertName.execute(place.id, position, name.name, name.kind.rawValue)
            }
        }
    }

    /// Every place with its names, in a stable order.
    public func places() throws -> [Place] {
        var namesByPlace: [String: [PlaceName]] = [:]
        let names = try database.makeStatement(
            "SELECT place_id, name, kind FROM place_name ORDER BY place_id, position")
        try names.forEachRow { row in
            let kind = PlaceName.Kind(rawValue: row.int(2)) ?? .alternate
            namesByPlace[row.text(0), default: []].append(PlaceName(row.text(1), kind: kind))
        }
        let statement = try database.makeStatement(
            """
            SELECT id, country, label, postcodes, latitude, longitude, population, parent_id,
                   admin_code
            FROM place ORDER BY rowid
            """)
        var places: [Place] = []
        try statement.forEachRow { row in
            let id = row.text(0)
            places.append(
                Place(
                    id: id, country: row.text(1), label: row.text(2),
                    names: namesByPlace[id] ?? [],
                    postcodes: row.text(3).split(separator: "|").map(String.init),
                    latitude: row.double(4), longitude: row.double(5), population: row.int(6),
                    parentID: row.optionalText(7), adminCode: row.optionalText(8)))
        }
        return places
    }

    // MARK: - Summary

    /// What the store holds, for `glaneur gazetteer info`.
    public struct Summary: Sendable {
        public var path: String
        public var shippedVersion: String?
        public var placesByCountry: [(country: String, count: Int)]
        public var streetsBySource: [(source: String, streets: Int, addresses: Int)]
        public var imports:
            [(
                format: String, file: String, date: String, streets: Int,
                addresses: Int
            )]
    }

    public func summary() throws -> Summary {
        let places = try database.rows(
            "SELECT country, count(*) FROM place GROUP BY country ORDER BY country"
        ) { (country: $0.text(0), count: $0.int(1)) }
        let streets = try database.rows(
            """
            SELECT s.source, count(DISTINCT s.id), count(a.id)
            FROM street s LEFT JOIN address a ON a.street_id = s.id
            GROUP BY s.source ORDER BY s.source
            """
        ) { (source: $0.text(0), streets: $0.int(1), addresses: $0.int(2)) }
        let imports = try database.rows(
            """
            SELECT format, file, imported_at, streets, addresses FROM import ORDER BY id
            """
        ) {
            (
                format: $0.text(0), file: $0.text(1), date: $0.text(2), streets: $0.int(3),
                addresses: $0.int(4)
            )
        }
        return Summary(
            path: path, shippedVersion: shippedVersion,
            placesByCountry: places, streetsBySource: streets, imports: imports)
    }
}
