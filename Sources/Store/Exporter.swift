import GlaneurCore
import Glibc
import SQLiteKit

/// Writes the entities of a map database for other tools: GeoJSON for web maps, CSV for
/// spreadsheets, a standalone GeoPackage for GIS.
public enum Exporter {
    /// The export formats.
    public enum Format: String, Sendable, CaseIterable {
        case geojson, csv, gpkg
    }

    /// The columns of the CSV export, in order.
    public static let csvHeader = [
        "uid", "name", "legal_form", "kind", "street", "house_number", "box", "postcode",
        "locality", "country", "phones", "emails", "website", "company_number", "vat_number",
        "products", "labels", "longitude", "latitude", "geocode_precision", "geocode_score",
        "geocode_provider", "status", "first_seen", "last_seen",
    ]

    /// Writes an RFC 7946 FeatureCollection, one feature per line; an entity without a
    /// point gets a null geometry, as the RFC allows.
    ///
    /// - returns: the number of entities written.
    @discardableResult
    public static func writeGeoJSON(
        from store: any MapStore, to output: OutputFile, includeInactive: Bool = false
    ) throws -> Int {
        var count = 0
        var writer = JSONWriter(reservingCapacity: 1 << 16)
        writer.raw("{\"type\":\"FeatureCollection\",\"features\":[\n")
        try store.forEachEntity(includeInactive: includeInactive) { entity in
            if count > 0 { writer.raw(",\n") }
            count += 1
            writer.raw("{\"type\":\"Feature\",\"id\":")
            writer.integer(Int(entity.fid))
            writer.raw(",\"geometry\":")
            if let location = entity.location {
                writer.raw("{\"type\":\"Point\",\"coordinates\":[")
                writer.raw(Array(String(location.longitude).utf8))
                writer.byte(UInt8(ascii: ","))
                writer.raw(Array(String(location.latitude).utf8))
                writer.raw("]}")
            } else {
                writer.raw("null")
            }
            writer.raw(",\"properties\":{")
            writeProperties(entity, to: &writer)
            writer.raw("}}")
            if writer.count >= 1 << 16 {
                output.write(writer)
                writer.removeAll()
            }
        }
        writer.raw("\n]}\n")
        output.write(writer)
        return count
    }

    private static func writeProperties(_ entity: StoredEntity, to writer: inout JSONWriter) {
        let fields = entity.fields
        writer.key("uid")
        writer.string(entity.uid)
        let scalars: [(String, String?)] = [
            ("name", fields.name), ("legal_form", fields.legalForm), ("kind", fields.kind),
            ("street", fields.street), ("house_number", fields.houseNumber),
            ("box", fields.box), ("postcode", fields.postcode), ("locality", fields.locality),
            ("country", fields.country), ("website", fields.website),
            ("company_number", fields.companyNumber), ("vat_number", fields.vatNumber),
            ("geocode_precision", entity.location?.precision),
            ("geocode_provider", entity.location?.provider), ("status", entity.status),
            ("first_seen", entity.firstSeen), ("last_seen", entity.lastSeen),
        ]
        for (key, value) in scalars {
            writer.byte(UInt8(ascii: ","))
            writer.key(key)
            if let value { writer.string(value) } else { writer.raw("null") }
        }
        let lists: [(String, [String])] = [
            ("phones", fields.phones), ("emails", fields.emails),
            ("products", fields.products), ("labels", fields.labels),
        ]
        for (key, items) in lists {
            writer.byte(UInt8(ascii: ","))
            writer.key(key)
            writer.strings(items)
        }
        writer.byte(UInt8(ascii: ","))
        writer.key("geocode_score")
        if let score = entity.location?.score {
            writer.raw(Array(String(score).utf8))
        } else {
            writer.raw("null")
        }
    }

    /// Writes CSV with a header row; lists are joined with " | ".
    ///
    /// - parameter excel: UTF-8 with a byte-order mark and `;` between cells, as Excel
    ///   set to French or Belgian conventions expects, and cells that start with `=`, `+`,
    ///   `-` or `@` prefixed with an apostrophe so that opening the file runs no formula.
    @discardableResult
    public static func writeCSV(
        from store: any MapStore, to output: OutputFile, excel: Bool = false,
        includeInactive: Bool = false
    ) throws -> Int {
        var writer = CSVWriter(
            delimiter: UInt8(ascii: excel ? ";" : ","), neutralisesFormulas: excel)
        if excel { output.write([0xEF, 0xBB, 0xBF]) }
        writer.row(csvHeader)
        var count = 0
        try store.forEachEntity(includeInactive: includeInactive) { entity in
            count += 1
            let fields = entity.fields
            let location = entity.location
            writer.row([
                entity.uid, fields.name, fields.legalForm ?? "", fields.kind ?? "",
                fields.street ?? "", fields.houseNumber ?? "", fields.box ?? "",
                fields.postcode ?? "", fields.locality ?? "", fields.country ?? "",
                fields.phones.joined(separator: " | "), fields.emails.joined(separator: " | "),
                fields.website ?? "", fields.companyNumber ?? "", fields.vatNumber ?? "",
                fields.products.joined(separator: " | "),
                fields.labels.joined(separator: " | "),
                location.map { String($0.longitude) } ?? "",
                location.map { String($0.latitude) } ?? "", location?.precision ?? "",
                location.map { String($0.score) } ?? "", location?.provider ?? "",
                entity.status, entity.firstSeen, entity.lastSeen,
            ])
            if writer.bytes.count >= 1 << 16 {
                output.write(writer.bytes)
                writer.removeAll()
            }
        }
        output.write(writer.bytes)
        return count
    }

    /// Writes a standalone GeoPackage holding only the entities: the feature table, its
    /// spatial index and the GeoPackage metadata, without history or records.
    ///
    /// - throws: `StoreError` when `path` already exists: an export never overwrites.
    @discardableResult
    public static func writeGeoPackage(
        from store: any MapStore, path: String, includeInactive: Bool = false
    ) throws -> Int {
        guard access(path, F_OK) != 0 else {
            throw StoreError("\(path) already exists: remove it or choose another name")
        }
        let database = try Database(path: path)
        try GeoPackageGeometry.registerFunctions(on: database)
        var count = 0
        try database.transaction {
            try database.execute("PRAGMA application_id = \(SQLiteSchema.applicationID)")
            try database.execute("PRAGMA user_version = \(SQLiteSchema.geoPackageVersion)")
            try database.execute(
                SQLiteSchema.core + SQLiteSchema.featureTable(withHistoryColumns: false))
            let columns = SQLiteSchema.entityColumns.prefix(27)
            let insert = try database.makeStatement(
                """
                INSERT INTO entities (\(columns.joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                """)
            try store.forEachEntity(includeInactive: includeInactive) { entity in
                count += 1
                let fields = entity.fields
                let location = entity.location
                let values: [any DatabaseBindable] = [
                    location.map {
                        GeoPackageGeometry.point(longitude: $0.longitude, latitude: $0.latitude)
                    }, entity.uid, fields.name, fields.legalForm, fields.kind, fields.street,
                    fields.houseNumber, fields.box, fields.postcode, fields.locality,
                    fields.country, ListColumn.encode(fields.phones),
                    ListColumn.encode(fields.emails), fields.website, fields.companyNumber,
                    fields.vatNumber, ListColumn.encode(fields.products),
                    ListColumn.encode(fields.labels), location?.longitude, location?.latitude,
                    location?.precision, location?.score, location?.provider, entity.status,
                    String?.none, entity.firstSeen, entity.lastSeen,
                ]
                try insert.bind(values)
                try insert.step()
                insert.reset()
            }
            try database.execute(
                """
                UPDATE gpkg_contents SET
                    min_x = (SELECT min(longitude) FROM entities),
                    max_x = (SELECT max(longitude) FROM entities),
                    min_y = (SELECT min(latitude) FROM entities),
                    max_y = (SELECT max(latitude) FROM entities)
                WHERE table_name = 'entities'
                """)
        }
        return count
    }
}
