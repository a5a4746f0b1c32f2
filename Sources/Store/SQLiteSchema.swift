import SQLiteKit

/// The SQLite schema of the map database, as a list of forward migrations.
///
/// The file is a GeoPackage: `entities` is a feature table registered in the GeoPackage
/// metadata tables, with an R*Tree spatial index, so that QGIS and GDAL open it as it is.
/// The other tables (records, runs, events, rejects, history, geocoding cache) are
/// registered as attribute tables.
///
/// GeoPackage takes SQLite's `user_version` for its own version number, so the schema
/// version lives in a table of its own, `glaneur_migrations`.
enum SQLiteSchema {
    /// "A GeoPackage SHALL contain a value of 0x47504B47 ("GPKG" in ASCII) in the
    /// application_id field of the SQLite database header" (requirement 2).
    static let applicationID: Int32 = 0x4750_4B47
    /// GeoPackage 1.2, the version every GDAL since 2.2 reads.
    static let geoPackageVersion = 10200

    struct Migration {
        var version: Int
        var name: String
        var sql: String
    }

    /// The migrations in order. Never edit one that has shipped: add the next.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "GeoPackage core and map model", sql: core + model),
        Migration(version: 2, name: "entity index", sql: EntityIndexSchema.sqlite),
        Migration(version: 3, name: "status index for the rare statuses", sql: rareStatusIndex),
    ]

    /// Nearly every entity is active, and a query for active ones reads the whole table
    /// anyway: the status index covers only the others (inactive, merged), which it finds
    /// at once, and costs nothing to a load of new, active entities. SQLite uses a partial
    /// index only for a query that repeats its condition
    /// (https://sqlite.org/partialindex.html#queries_using_partial_indexes):
    /// `WHERE status <> 'active' AND status = 'merged'`.
    static let rareStatusIndex = """
        DROP INDEX entities_status;
        CREATE INDEX entities_status ON entities(status) WHERE status <> 'active';
        """

    /// The entity columns after `fid`, in table order: history tables copy them as is.
    static let entityColumns = [
        "geom", "uid", "name", "legal_form", "kind", "street", "house_number", "box",
        "postcode", "locality", "country", "phones", "emails", "website", "company_number",
        "vat_number", "products", "labels", "longitude", "latitude", "geocode_precision",
        "geocode_score", "geocode_provider", "status", "merged_into", "first_seen",
        "last_seen", "first_run", "last_run", "content_hash",
    ]

    /// The record columns after `id`, in table order.
    static let recordColumns = [
        "entity_fid", "source", "source_key", "file", "row", "line", "raw_fields", "fields",
        "longitude", "latitude", "geocode_precision", "content_hash", "status", "first_run",
        "last_run",
    ]

    /// The GeoPackage metadata tables, as the specification defines them
    /// (http://www.geopackage.org/spec120/#_required_tables), with the three spatial
    /// reference systems every GeoPackage must hold.
    static let core = """
        CREATE TABLE gpkg_spatial_ref_sys (
            srs_name TEXT NOT NULL,
            srs_id INTEGER NOT NULL PRIMARY KEY,
            organization TEXT NOT NULL,
            organization_coordsys_id INTEGER NOT NULL,
            definition TEXT NOT NULL,
            description TEXT
        );
        INSERT INTO gpkg_spatial_ref_sys VALUES
            ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
             'undefined cartesian coordinate reference system'),
            ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
             'undefined geographic coordinate reference system'),
            ('WGS 84 geodetic', 4326, 'EPSG', 4326,
             'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,\
        AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,\
        AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],\
        AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
             'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
        CREATE TABLE gpkg_contents (
            table_name TEXT NOT NULL PRIMARY KEY,
            data_type TEXT NOT NULL,
            identifier TEXT UNIQUE,
            description TEXT DEFAULT '',
            last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
            srs_id INTEGER,
            CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id)
                REFERENCES gpkg_spatial_ref_sys(srs_id)
        );
        CREATE TABLE gpkg_geometry_columns (
            table_name TEXT NOT NULL,
            column_name TEXT NOT NULL,
            geometry_type_name TEXT NOT NULL,
            srs_id INTEGER NOT NULL,
            z TINYINT NOT NULL,
            m TINYINT NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
            CONSTRAINT uk_gc_table_name UNIQUE (table_name),
            CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
            CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
        );
        CREATE TABLE gpkg_extensions (
            table_name TEXT,
            column_name TEXT,
            extension_name TEXT NOT NULL,
            definition TEXT NOT NULL,
            scope TEXT NOT NULL,
            CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
        );

        """

    /// The feature table with its spatial index, as `SQLiteSchema.featureTable` writes
    /// it, then the rest of the model.
    static let model =
        featureTable(withHistoryColumns: true)
            + """
            CREATE INDEX entities_status ON entities(status);

            -- Full-text search over names and localities, kept in step by triggers. The
            -- index holds no copy of the text: "external content" tables read it back from
            -- entities (https://sqlite.org/fts5.html#external_content_tables).
            CREATE VIRTUAL TABLE entities_fts USING fts5(
                name, locality, content='entities', content_rowid='fid',
                tokenize='unicode61 remove_diacritics 2'
            );
            \(ftsInsertTrigger)
            CREATE TRIGGER entities_fts_delete AFTER DELETE ON entities BEGIN
                INSERT INTO entities_fts(entities_fts, rowid, name, locality)
                VALUES ('delete', OLD.fid, OLD.name, OLD.locality);
            END;
            CREATE TRIGGER entities_fts_update AFTER UPDATE OF name, locality ON entities BEGIN
                INSERT INTO entities_fts(entities_fts, rowid, name, locality)
                VALUES ('delete', OLD.fid, OLD.name, OLD.locality);
                INSERT INTO entities_fts(rowid, name, locality)
                VALUES (NEW.fid, NEW.name, NEW.locality);
            END;

            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                pipeline TEXT NOT NULL,
                mode TEXT NOT NULL,
                status TEXT NOT NULL,
                started TEXT NOT NULL,
                finished TEXT,
                reverted TEXT,
                rows_read INTEGER NOT NULL DEFAULT 0,
                new INTEGER NOT NULL DEFAULT 0,
                merged INTEGER NOT NULL DEFAULT 0,
                updated INTEGER NOT NULL DEFAULT 0,
                unchanged INTEGER NOT NULL DEFAULT 0,
                rejected INTEGER NOT NULL DEFAULT 0,
                inactivated INTEGER NOT NULL DEFAULT 0,
                entities_created INTEGER NOT NULL DEFAULT 0,
                entities_updated INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE run_inputs (
                run_id INTEGER NOT NULL REFERENCES runs(id),
                path TEXT NOT NULL,
                source TEXT NOT NULL,
                checksum TEXT NOT NULL,
                rows INTEGER NOT NULL,
                full_list INTEGER NOT NULL
            );
            CREATE INDEX run_inputs_run ON run_inputs(run_id);

            -- The records attached to each entity, keyed by source and source key.
            CREATE TABLE records (
                id INTEGER PRIMARY KEY,
                entity_fid INTEGER NOT NULL REFERENCES entities(fid),
                source TEXT NOT NULL,
                source_key TEXT NOT NULL,
                file TEXT NOT NULL,
                row INTEGER NOT NULL,
                line INTEGER NOT NULL,
                raw_fields TEXT NOT NULL,
                fields TEXT NOT NULL,
                longitude REAL,
                latitude REAL,
                geocode_precision TEXT,
                content_hash TEXT NOT NULL,
                status TEXT NOT NULL,
                first_run INTEGER NOT NULL REFERENCES runs(id),
                last_run INTEGER NOT NULL REFERENCES runs(id),
                UNIQUE (source, source_key)
            );
            CREATE INDEX records_entity ON records(entity_fid);

            -- History: the state of each row before the run that first changed it, so that a
            -- revert can put it back. Rows a run created carry its id in first_run.
            CREATE TABLE entity_history AS SELECT 0 AS run_id, fid, \(entityColumns.joined(separator: ", "))
                FROM entities WHERE 0;
            CREATE UNIQUE INDEX entity_history_key ON entity_history(run_id, fid);
            CREATE INDEX entity_history_fid ON entity_history(fid);
            CREATE TABLE record_history AS SELECT 0 AS run_id, id, \(recordColumns.joined(separator: ", "))
                FROM records WHERE 0;
            CREATE UNIQUE INDEX record_history_key ON record_history(run_id, id);
            CREATE INDEX record_history_id ON record_history(id);

            CREATE TABLE match_events (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                kind TEXT NOT NULL,
                entity_uid TEXT NOT NULL,
                other_uids TEXT NOT NULL,
                source TEXT,
                source_key TEXT,
                score REAL NOT NULL,
                reasons TEXT NOT NULL
            );
            CREATE INDEX match_events_run ON match_events(run_id);
            -- An operator's verdict on a match event.
            CREATE TABLE review_decisions (
                id INTEGER PRIMARY KEY,
                event_id INTEGER NOT NULL REFERENCES match_events(id),
                decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'defer')),
                reviewer TEXT NOT NULL,
                note TEXT,
                decided TEXT NOT NULL
            );

            CREATE TABLE rejects (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                source TEXT NOT NULL,
                file TEXT NOT NULL,
                row INTEGER NOT NULL,
                line INTEGER NOT NULL,
                code TEXT NOT NULL,
                column_name TEXT,
                message TEXT NOT NULL,
                raw TEXT NOT NULL
            );
            CREATE INDEX rejects_run ON rejects(run_id);

            -- Answers of the geocoders, keyed by the normalised query, so that an import
            -- run again asks online providers nothing twice.
            CREATE TABLE geocode_cache (
                query TEXT NOT NULL,
                provider TEXT NOT NULL,
                latitude REAL,
                longitude REAL,
                precision TEXT NOT NULL,
                score REAL NOT NULL,
                label TEXT NOT NULL,
                created TEXT NOT NULL,
                PRIMARY KEY (query, provider)
            );

            INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
                ('runs', 'attributes', 'runs', 'Import runs: inputs, counts, status'),
                ('records', 'attributes', 'records', 'Source records attached to entities'),
                ('rejects', 'attributes', 'rejects', 'Rows that could not be used');

            """

    /// The `entities` feature table, its GeoPackage registration and its R*Tree index
    /// with the triggers of the RTree extension
    /// (http://www.geopackage.org/spec120/#extension_rtree). The standalone export uses
    /// the same table.
    static func featureTable(withHistoryColumns: Bool) -> String {
        """
        CREATE TABLE entities (
            fid INTEGER PRIMARY KEY AUTOINCREMENT,
            geom POINT,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            legal_form TEXT,
            kind TEXT,
            street TEXT,
            house_number TEXT,
            box TEXT,
            postcode TEXT,
            locality TEXT,
            country TEXT,
            phones TEXT,
            emails TEXT,
            website TEXT,
            company_number TEXT,
            vat_number TEXT,
            products TEXT,
            labels TEXT,
            longitude REAL,
            latitude REAL,
            geocode_precision TEXT,
            geocode_score REAL,
            geocode_provider TEXT,
            status TEXT NOT NULL,
            merged_into TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL\(withHistoryColumns ? """
            ,
                first_run INTEGER NOT NULL,
                last_run INTEGER NOT NULL,
                content_hash TEXT NOT NULL
            """ : "")
        );
        INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
            VALUES ('entities', 'features', 'entities', 'Producers on the map', 4326);
        INSERT INTO gpkg_geometry_columns VALUES ('entities', 'geom', 'POINT', 4326, 0, 0);

        CREATE VIRTUAL TABLE rtree_entities_geom USING rtree(id, minx, maxx, miny, maxy);
        INSERT INTO gpkg_extensions VALUES ('entities', 'geom', 'gpkg_rtree_index',
            'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
        \(rtreeInsertTrigger)
        CREATE TRIGGER rtree_entities_geom_update1 AFTER UPDATE OF geom ON entities
        WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN
            INSERT OR REPLACE INTO rtree_entities_geom VALUES (NEW.fid,
                ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
        END;
        CREATE TRIGGER rtree_entities_geom_update2 AFTER UPDATE OF geom ON entities
        WHEN OLD.fid = NEW.fid AND (NEW.geom IS NULL OR ST_IsEmpty(NEW.geom)) BEGIN
            DELETE FROM rtree_entities_geom WHERE id = OLD.fid;
        END;
        CREATE TRIGGER rtree_entities_geom_update3 AFTER UPDATE ON entities
        WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN
            DELETE FROM rtree_entities_geom WHERE id = OLD.fid;
            INSERT OR REPLACE INTO rtree_entities_geom VALUES (NEW.fid,
                ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
        END;
        CREATE TRIGGER rtree_entities_geom_update4 AFTER UPDATE ON entities
        WHEN OLD.fid != NEW.fid AND (NEW.geom IS NULL OR ST_IsEmpty(NEW.geom)) BEGIN
            DELETE FROM rtree_entities_geom WHERE id IN (OLD.fid, NEW.fid);
        END;
        CREATE TRIGGER rtree_entities_geom_delete AFTER DELETE ON entities
        WHEN OLD.geom NOT NULL BEGIN
            DELETE FROM rtree_entities_geom WHERE id = OLD.fid;
        END;

        """
    }

    /// Keeps the full-text index in step with new entities. A bulk load drops it and
    /// indexes the new rows in one statement instead (see `Writer`).
    static let ftsInsertTrigger = """
        CREATE TRIGGER entities_fts_insert AFTER INSERT ON entities BEGIN
            INSERT INTO entities_fts(rowid, name, locality)
            VALUES (NEW.fid, NEW.name, NEW.locality);
        END;
        """

    /// The RTree extension's insert trigger; a bulk load drops it in the same way.
    static let rtreeInsertTrigger = """
        CREATE TRIGGER rtree_entities_geom_insert AFTER INSERT ON entities
        WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN
            INSERT OR REPLACE INTO rtree_entities_geom VALUES (NEW.fid,
                ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
        END;
        """

    /// Brings a database to the latest schema, each missing migration in its own
    /// transaction, and marks the file as a GeoPackage.
    ///
    /// - throws: `StoreError` when the file was written by a newer Glaneur, whose schema
    ///   this one does not know.
    static func migrate(_ database: Database) throws {
        // An up-to-date file needs no write lock: opening it must not wait for an import
        // that holds one.
        // Every version must be there, not only the latest: a migration that failed once
        // leaves a gap below it.
        let applied = try? database.firstRow(
            "SELECT count(*), max(version) FROM glaneur_migrations"
        ) { (count: $0.int(0), latest: $0.int(1)) }
        if let applied, applied.count == migrations.count,
            applied.latest == migrations.last?.version
        {
            return
        }

        try database.transaction {
            try database.execute(
                """
                CREATE TABLE IF NOT EXISTS glaneur_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)
                """)
        }
        for migration in migrations {
            try database.transaction {
                // Checked inside the write transaction: two processes opening a new file
                // at once must not both apply a migration.
                let applied =
                    try database.firstRow(
                        "SELECT 1 FROM glaneur_migrations WHERE version = ?", migration.version
                    ) { _ in true } ?? false
                guard !applied else { return }
                if migration.version == 1 {
                    try database.execute("PRAGMA application_id = \(applicationID)")
                    try database.execute("PRAGMA user_version = \(geoPackageVersion)")
                }
                try database.execute(migration.sql)
                try database.execute(
                    "INSERT INTO glaneur_migrations VALUES (?, ?, ?)", migration.version,
                    migration.name, Timestamp.now())
            }
        }
        let latest =
            try database.firstRow("SELECT max(version) FROM glaneur_migrations") { $0.int(0) }
            ?? 0
        if let known = migrations.last?.version, latest > known {
            throw StoreError(
                "\(database.path) has schema version \(latest), newer than this Glaneur "
                    + "knows (\(known)): use a newer glaneur to open it")
        }
    }
}
