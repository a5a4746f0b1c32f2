import Foundation
import GlaneurCore
import SQLiteKit

/// The official open address files that `glaneur gazetteer import` reads.
public enum AddressFileFormat: String, CaseIterable, Sendable {
    /// The French Base Adresse Nationale, one CSV per département (`adresses-59.csv`,
    /// `;`-separated, WGS84 `lon`/`lat` columns).
    case ban
    /// The Belgian BeST Address CSV per region (`openaddress-bevlg.csv`…), with street and
    /// municipality names in French, Dutch and German.
    case best
    /// The Swiss official building address directory (`;`-separated, LV95 coordinates).
    case ch

    var country: String {
        switch self {
        case .ban: "FR"
        case .best: "BE"
        case .ch: "CH"
        }
    }
}

/// What an import added to the store.
public struct ImportSummary: Sendable {
    public var rows = 0
    public var streets = 0
    public var addresses = 0
    /// Rows left out, by reason (`retired`, `no coordinates`…).
    public var skipped: [String: Int] = [:]
}

/// Reads an official address file into the gazetteer store's streets and addresses.
///
/// A street written in several languages (Belgium) is one street with several names, so
/// that an address found under its French name and under its Dutch name is one place.
/// Importing the same file again replaces its rows instead of adding them twice.
public struct AddressImporter {
    let store: GazetteerStore
    let format: AddressFileFormat

    public init(store: GazetteerStore, format: AddressFileFormat) {
        self.store = store
        self.format = format
    }

    /// One address of a file, in the form every format is reduced to.
    struct AddressRow {
        var streetKey: String
        var streetNames: [(name: String, language: String?)]
        var postcode: String
        var city: String
        var cityCode: String?
        var number: String
        var latitude: Double
        var longitude: Double
        var sourceID: String
    }

    /// Imports the file in one transaction: a failure leaves the store as it was.
    ///
    /// - throws: `GlaneurError` when the file cannot be read or lacks the format's columns.
    public func importFile(path: String) throws -> ImportSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GlaneurError.io(
                path: path, action: "cannot read the address file",
                errno: errno == 0 ? ENOENT : errno)
        }
        var reader = DelimitedReader(bytes: [UInt8](data), delimiter: delimiter(of: data))
        guard let names = reader.nextRow() else {
            throw GlaneurError.unreadable(path: path, location: nil, reason: "the file is empty")
        }
        let header = DelimitedHeader(names.map { $0.trimmingCharacters(in: .whitespaces) })
        let read = try rowReader(header: header, path: path)

        var summary = ImportSummary()
        let database = store.database
        try database.transaction {
            var streetIDs: [String: Int64] = [:]
            var touched: [Int64] = []
            let upsertStreet = try database.cachedStatement(
                """
                INSERT INTO street(country, postcode, city, city_code, source, source_id)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(source, source_id) DO UPDATE SET
                    postcode = excluded.postcode, city = excluded.city,
                    city_code = excluded.city_code
                RETURNING id
                """)
            let insertName = try database.cachedStatement(
                """
                INSERT OR IGNORE INTO street_name(street_id, name, language) VALUES (?, ?, ?)
                """)
            let upsertAddress = try database.cachedStatement(
                """
                INSERT INTO address(street_id, number, latitude, longitude, source_id)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(source_id) DO UPDATE SET
                    street_id = excluded.street_id, number = excluded.number,
                    latitude = excluded.latitude, longitude = excluded.longitude
                """)

            while let cells = reader.nextRow() {
                guard cells.count > 1 else { continue }
                summary.rows += 1
                let row: AddressRow
                switch read(cells) {
                case .success(let value): row = value
                case .failure(let skip):
                    summary.skipped[skip.reason, default: 0] += 1
                    continue
                }
                let streetID: Int64
                if let known = streetIDs[row.streetKey] {
                    streetID = known
                } else {
                    streetID =
                        try upsertStreet.first(
                            format.country, row.postcode, row.city, row.cityCode, format.rawValue,
                            row.streetKey
                        ) { $0.int64(0) } ?? 0
                    for name in row.streetNames where !name.name.isEmpty {
                        try insertName.execute(streetID, name.name, name.language)
                    }
                    streetIDs[row.streetKey] = streetID
                    touched.append(streetID)
                }
                try upsertAddress.execute(
                    streetID, row.number, row.latitude, row.longitude, row.sourceID)
                summary.addresses += 1
            }

            // A street lies where its addresses are: their mean point.
            let centre = try database.cachedStatement(
                """
                UPDATE street SET
                    latitude = (SELECT avg(latitude) FROM address WHERE street_id = street.id),
                    longitude = (SELECT avg(longitude) FROM address WHERE street_id = street.id)
                WHERE id = ?
                """)
            for id in touched { try centre.execute(id) }
            summary.streets = touched.count

            let now = ISO8601DateFormatter().string(from: Date())
            try database.execute(
                """
                INSERT INTO import(format, file, imported_at, streets, addresses)
                VALUES (?, ?, ?, ?, ?)
                """, format.rawValue, (path as NSString).lastPathComponent, now,
                summary.streets, summary.addresses)
        }
        return summary
    }

    // MARK: - Formats

    struct Skip: Error {
        var reason: String
    }

    /// BAN files use `;`; BeST files `,`; the Swiss directory `;`. The header says.
    private func delimiter(of data: Data) -> UInt8 {
        let firstLine = data.prefix { $0 != 0x0A }
        let semicolons = firstLine.filter { $0 == UInt8(ascii: ";") }.count
        let commas = firstLine.filter { $0 == UInt8(ascii: ",") }.count
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    private func rowReader(header: DelimitedHeader, path: String) throws
        -> ([String]) -> Result<AddressRow, Skip>
    {
        func require(_ names: String...) throws -> Int {
            guard let index = header.index(anyOf: names) else {
                throw GlaneurError.unreadable(
                    path: path, location: GlaneurError.Location(line: 1),
                    reason: "no column \(names[0]) in the header: is this a "
                        + "\(format.rawValue.uppercased()) file? (check --format)")
            }
            return index
        }
        switch format {
        case .ban:
            let id = try require("id")
            let fantoir = header.index("id_fantoir")
            let (number, suffix) = (try require("numero"), header.index("rep"))
            let street = try require("nom_voie")
            let (postcode, insee) = (try require("code_postal"), try require("code_insee"))
            let city = try require("nom_commune")
            let (longitude, latitude) = (try require("lon"), try require("lat"))
            return { cells in
                guard let lat = Double(cells.field(latitude)),
                    let lon = Double(cells.field(longitude))
                else { return .failure(Skip(reason: "no coordinates")) }
                let streetName = cells.field(street)
                let streetKey =
                    cells.field(fantoir).isEmpty
                    ? cells.field(insee) + "|" + MatchKey.fold(streetName)
                    : cells.field(fantoir)
                return .success(
                    AddressRow(
                        streetKey: streetKey, streetNames: [(streetName, "fr")],
                        postcode: cells.field(postcode), city: cells.field(city),
                        cityCode: cells.field(insee),
                        number: cells.field(number) + cells.field(suffix).lowercased(),
                        latitude: lat, longitude: lon, sourceID: "ban:" + cells.field(id)))
            }
        case .best:
            let (latitude, longitude) = (
                try require("EPSG:4326_lat"),
                try require("EPSG:4326_lon")
            )
            let id = try require("address_id")
            let (number, box) = (try require("house_number"), header.index("box_number"))
            let municipality = try require("municipality_id")
            let cityNames = [
                header.index("municipality_name_fr"),
                header.index("municipality_name_nl"),
                header.index("municipality_name_de"),
            ]
            let postcode = try require("postcode")
            let street = try require("street_id")
            let streetNames = [
                ("fr", header.index("streetname_fr")),
                ("nl", header.index("streetname_nl")),
                ("de", header.index("streetname_de")),
            ]
            let status = header.index("status")
            let region = header.index("region_code")
            return { cells in
                if status != nil, !["current", ""].contains(cells.field(status)) {
                    return .failure(Skip(reason: cells.field(status)))
                }
                // Boxes share their building's point; one address per house number.
                if !cells.field(box).isEmpty { return .failure(Skip(reason: "box")) }
                guard let lat = Double(cells.field(latitude)),
                    let lon = Double(cells.field(longitude))
                else { return .failure(Skip(reason: "no coordinates")) }
                // The city in the region's language first.
                let flemish = cells.field(region).hasSuffix("VLG")
                let cities = (flemish ? [cityNames[1], cityNames[0]] : cityNames)
                    .map { cells.field($0) }.filter { !$0.isEmpty }
                return .success(
                    AddressRow(
                        streetKey: cells.field(municipality) + "|" + cells.field(street),
                        streetNames: streetNames.map { ($0.1.map { cells.field($0) } ?? "", $0.0) },
                        postcode: cells.field(postcode), city: cities.first ?? "",
                        cityCode: cells.field(municipality), number: cells.field(number),
                        latitude: lat, longitude: lon, sourceID: "best:" + cells.field(id)))
            }
        case .ch:
            let id = try require("ADR_EGAID")
            let street = try require("STN_LABEL")
            let streetID = try require("STR_ESID")
            let number = try require("ADR_NUMBER")
            let zip = try require("ZIP_LABEL")
            let commune = header.index("COM_FOSNR")
            let (easting, northing) = (try require("ADR_EASTING"), try require("ADR_NORTHING"))
            return { cells in
                guard let east = Double(cells.field(easting)),
                    let north = Double(cells.field(northing))
                else { return .failure(Skip(reason: "no coordinates")) }
                let (lat, lon) = SwissGrid.wgs84(easting: east, northing: north)
                // "1003 Lausanne": the postcode, then the postal locality.
                let label = cells.field(zip)
                let postcode = String(label.prefix { $0.isNumber })
                let city = label.dropFirst(postcode.count).trimmingCharacters(in: .whitespaces)
                return .success(
                    AddressRow(
                        streetKey: cells.field(streetID), streetNames: [(cells.field(street), nil)],
                        postcode: postcode, city: city, cityCode: cells.field(commune),
                        number: cells.field(number).lowercased(), latitude: lat, longitude: lon,
                        sourceID: "ch:" + cells.field(id)))
            }
        }
    }
}

/// The Swiss LV95 grid (EPSG:2056) to WGS84, by swisstopo's approximate formulas
/// (about a metre off, which is well within a house number's precision).
public enum SwissGrid {
    public static func wgs84(easting: Double, northing: Double) -> (Double, Double) {
        // Auxiliary values in units of 1000 km from the Bern origin.
        let y = (easting - 2_600_000) / 1_000_000
        let x = (northing - 1_200_000) / 1_000_000
        let longitude =
            2.6779094 + 4.728982 * y + 0.791484 * y * x + 0.1306 * y * x * x
            - 0.0436 * y * y * y
        let latitude =
            16.9023892 + 3.238272 * x - 0.270978 * y * y - 0.002528 * x * x
            - 0.0447 * y * y * x - 0.0140 * x * x * x
        // The results are in units of 10000 seconds of arc.
        return (latitude * 100 / 36, longitude * 100 / 36)
    }
}
