import GlaneurCore

/// A record as the map database holds it: the entity it is attached to, where it comes
/// from, its own normalised fields, and when a source last confirmed it.
public struct StoredRecord: Sendable, Hashable {
    /// The `uid` of the entity the record is attached to.
    public var entityUID: String
    public var source: String
    public var sourceKey: String
    public var file: String
    /// The 1-based data row in `file` when the record was last read.
    public var row: Int
    /// The partner's fields as read, untouched, in the partner's order.
    public var rawFields: [SourceField]
    public var fields: EntityFields
    /// Where geocoding placed the record itself (its entity may be placed by another).
    public var latitude: Double?
    public var longitude: Double?
    public var precision: String?
    /// `active`, or `inactive` once a full list of its source no longer sends it.
    public var status: String
    /// When a run last confirmed the record, ISO 8601 UTC: the start of the latest run
    /// that read a full list of its source while the record stayed active, or else of the
    /// run that last wrote it.
    ///
    /// A partial list that sends a record again unchanged writes nothing, and a partial
    /// list says nothing of the records it leaves out, so for sources sent as partial
    /// updates this is the last change: a lower bound of when the record was last sent.
    public var lastSeen: String

    public init(
        entityUID: String, source: String, sourceKey: String, file: String, row: Int,
        rawFields: [SourceField] = [], fields: EntityFields, latitude: Double? = nil,
        longitude: Double? = nil,
        precision: String? = nil, status: String, lastSeen: String
    ) {
        self.entityUID = entityUID
        self.source = source
        self.sourceKey = sourceKey
        self.file = file
        self.row = row
        self.rawFields = rawFields
        self.fields = fields
        self.latitude = latitude
        self.longitude = longitude
        self.precision = precision
        self.status = status
        self.lastSeen = lastSeen
    }
}

/// The query both stores run for `forEachRecord`, with the placeholder of the
/// `includeInactive` parameter given (`?1` in SQLite, `$1` in PostgreSQL).
enum StoredRecordQuery {
    static func sql(includeInactive parameter: String) -> String {
        """
        WITH confirmed AS (
            SELECT i.source, max(u.started) AS started
            FROM run_inputs i JOIN runs u ON u.id = i.run_id
            WHERE i.full_list AND u.status = 'committed'
            GROUP BY i.source)
        SELECT e.uid, r.source, r.source_key, r.file, r.row, r.fields, r.latitude,
            r.longitude, r.geocode_precision, r.status,
            CASE WHEN r.status = 'active' AND c.started > l.started THEN c.started
                ELSE l.started END,
            r.raw_fields
        FROM records r
            JOIN entities e ON e.fid = r.entity_fid
            JOIN runs l ON l.id = r.last_run
            LEFT JOIN confirmed c ON c.source = r.source
        WHERE (e.status = 'active' AND r.status = 'active')
            OR (\(parameter) AND e.status IN ('active', 'inactive'))
        ORDER BY e.fid, r.id
        """
    }
}

extension FieldsColumn {
    /// The fields that `encode` wrote; unknown members are ignored, a column that is not
    /// a JSON object gives an empty record.
    static func decode(_ text: String) -> EntityFields {
        var fields = EntityFields(name: "")
        guard case .object(let members)? = try? JSONParser.parse(text) else { return fields }
        for (key, value) in members {
            switch value {
            case .array(let items):
                let strings = items.compactMap(\.scalarText)
                switch key {
                case "phones": fields.phones = strings
                case "emails": fields.emails = strings
                case "products": fields.products = strings
                case "labels": fields.labels = strings
                default: break
                }
            default:
                guard let text = value.scalarText else { continue }
                switch key {
                case "name": fields.name = text
                case "legal_form": fields.legalForm = text
                case "kind": fields.kind = text
                case "street": fields.street = text
                case "house_number": fields.houseNumber = text
                case "box": fields.box = text
                case "postcode": fields.postcode = text
                case "locality": fields.locality = text
                case "country": fields.country = text
                case "website": fields.website = text
                case "company_number": fields.companyNumber = text
                case "vat_number": fields.vatNumber = text
                default: break
                }
            }
        }
        return fields
    }
}

extension RawFieldsColumn {
    /// The fields that `encode` wrote; a pair that is not `[name, value]` is skipped.
    static func decode(_ text: String) -> [SourceField] {
        guard case .array(let pairs)? = try? JSONParser.parse(text) else { return [] }
        return pairs.compactMap { pair in
            guard case .array(let parts) = pair, parts.count == 2,
                case .string(let name) = parts[0]
            else { return nil }
            switch parts[1] {
            case .array(let items):
                return SourceField(name: name, value: .list(items.compactMap(\.scalarText)))
            case .null:
                return SourceField(name: name, value: .null)
            default:
                return SourceField(
                    name: name, value: parts[1].scalarText.map { .text($0) } ?? .null)
            }
        }
    }
}

extension SQLiteStore {
    public func forEachRecord(
        includeInactive: Bool, _ body: (StoredRecord) throws -> Void
    ) throws {
        let statement = try database.makeStatement(
            StoredRecordQuery.sql(includeInactive: "?1"))
        try statement.forEachRow([includeInactive]) { row in
            try body(
                StoredRecord(
                    entityUID: row.text(0), source: row.text(1), sourceKey: row.text(2),
                    file: row.text(3), row: row.int(4),
                    rawFields: RawFieldsColumn.decode(row.text(11)),
                    fields: FieldsColumn.decode(row.text(5)),
                    latitude: row.optionalDouble(6), longitude: row.optionalDouble(7),
                    precision: row.optionalText(8), status: row.text(9), lastSeen: row.text(10)))
        }
    }
}

extension PostgresStore {
    /// Reads the records through a cursor, `fetchSize` rows at a time, as `forEachEntity`
    /// does.
    public func forEachRecord(
        includeInactive: Bool, _ body: (StoredRecord) throws -> Void
    ) throws {
        try connection.forEachRow(
            StoredRecordQuery.sql(includeInactive: "$1::boolean"),
            [includeInactive ? "true" : "false"], batchSize: fetchSize
        ) { result, row in
            let text = { result.text(row, $0) ?? "" }
            try body(
                StoredRecord(
                    entityUID: text(0), source: text(1), sourceKey: text(2), file: text(3),
                    row: Int(result.int64(row, 4)), rawFields: RawFieldsColumn.decode(text(11)),
                    fields: FieldsColumn.decode(text(5)),
                    latitude: result.double(row, 6), longitude: result.double(row, 7),
                    precision: result.text(row, 8), status: text(9), lastSeen: text(10)))
        }
    }
}
