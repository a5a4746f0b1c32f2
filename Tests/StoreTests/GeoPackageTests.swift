import Foundation
import SQLiteKit
import Testing

@testable import Store

/// The map database opens in GDAL as a GeoPackage, checked with `ogrinfo`, a real client.
@Suite(.tags(.gdal))
struct GeoPackageTests {
    static let ogrinfo = "/usr/bin/ogrinfo"

    @Test func gdalReadsTheEntitiesAsPointsInWGS84() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        let store = try SQLiteStore(path: path)
        try store.load(RunBuilder(count: 25).build())

        let (status, output, error) = try runProgram(Self.ogrinfo, ["-so", path, "entities"])
        #expect(status == 0, "ogrinfo failed: \(error)")
        #expect(!error.contains("ERROR"), "ogrinfo complained: \(error)")
        #expect(output.contains("using driver `GPKG'"))
        #expect(output.contains("Geometry: Point"))
        #expect(output.contains("Feature Count: 25"))
        #expect(output.contains("FID Column = fid"))
        #expect(output.contains("Geometry Column = geom"))
        #expect(
            output.contains("ID[\"EPSG\",4326]") || output.contains("AUTHORITY[\"EPSG\",\"4326\"]"))
        // The extent comes from gpkg_contents, which every load keeps up to date.
        #expect(output.contains("Extent: (4.000000, 49.500000) - (4.000000, 49.524000)"))
    }

    @Test func gdalUsesTheSpatialIndexForABoxQuery() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        let store = try SQLiteStore(path: path)
        try store.load(RunBuilder(count: 40).build())

        // Latitudes run 49.500…49.539 by 0.001: the box holds 49.5095…49.5195, ten points.
        let (status, output, error) = try runProgram(
            Self.ogrinfo,
            ["-so", "-spat", "3.9", "49.5095", "4.1", "49.5195", path, "entities"])
        #expect(status == 0, "ogrinfo failed: \(error)")
        #expect(output.contains("Feature Count: 10"))
        #expect(
            try store.database.firstRow("SELECT count(*) FROM rtree_entities_geom") {
                $0.int(0)
            } == 40)
    }

    @Test(arguments: [1, Int.max])
    func bulkAndRowByRowIndexingAgree(threshold: Int) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        let store = try SQLiteStore(path: path)
        store.bulkThreshold = threshold
        try store.load(RunBuilder(count: 40, source: "first").build())
        try store.load(RunBuilder(count: 40).build())

        let (status, output, error) = try runProgram(
            Self.ogrinfo,
            ["-so", "-spat", "3.9", "49.5095", "4.1", "49.5195", path, "entities"])
        #expect(status == 0, "ogrinfo failed: \(error)")
        #expect(output.contains("Feature Count: 20"))
        #expect(try store.search("ferme 12").map(\.uid) == ["first:e-12", "partner:e-12"])
        let check = try store.database.firstRow(
            "INSERT INTO entities_fts(entities_fts, rank) VALUES ('integrity-check', 1)"
        ) { _ in 0 }
        #expect(check == nil)
    }

    @Test func aPackedSpatialIndexAnswersAsTheEntitiesDoAndTakesLaterPoints() throws {
        // 6,000 points need three levels of nodes; packing happens when a load more
        // than doubles the map, so the first load packs and the second inserts.
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        let store = try SQLiteStore(path: path)
        store.bulkThreshold = 1
        try store.load(RunBuilder(count: 6000).build())
        #expect(try rtreeCheck(store) == "ok")
        try expectIndexAgreesWithEntities(store)
        try store.load(RunBuilder(count: 700, source: "second").build())
        #expect(try rtreeCheck(store) == "ok")
        try expectIndexAgreesWithEntities(store)

        // Ten latitudes in the box on each of the first source's six meridians, and on
        // the second source's one: 70 points.
        let (status, output, error) = try runProgram(
            Self.ogrinfo,
            ["-so", "-spat", "3.9", "49.5095", "4.1", "49.5195", path, "entities"])
        #expect(status == 0, "ogrinfo failed: \(error)")
        #expect(output.contains("Feature Count: 70"))
    }

    private func rtreeCheck(_ store: SQLiteStore) throws -> String? {
        try store.database.firstRow("SELECT rtreecheck('rtree_entities_geom')") { $0.text(0) }
    }

    private func expectIndexAgreesWithEntities(_ store: SQLiteStore) throws {
        // Edges between the grid's points: the index rounds a point outwards to floats.
        let boxes = [
            (3.9, 49.4995, 4.025, 49.9005), (4.005, 49.7005, 4.1, 50.5), (0, 0, 10, 60),
        ]
        for (minX, minY, maxX, maxY) in boxes {
            let indexed = try store.database.firstRow(
                """
                SELECT count(*) FROM rtree_entities_geom
                WHERE minx >= ? AND maxx <= ? AND miny >= ? AND maxy <= ?
                """, minX, maxX, minY, maxY
            ) { $0.int(0) }
            let scanned = try store.database.firstRow(
                """
                SELECT count(*) FROM entities WHERE geom IS NOT NULL
                AND longitude >= ? AND longitude <= ? AND latitude >= ? AND latitude <= ?
                """, minX, maxX, minY, maxY
            ) { $0.int(0) }
            #expect(indexed == scanned, "box \(minX) \(minY) \(maxX) \(maxY)")
            #expect((indexed ?? 0) > 0)
        }
    }

    @Test func theFileIsMarkedAsAGeoPackage() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteStore(path: folder.path("map.gpkg"))
        let applicationID = try store.database.firstRow("PRAGMA application_id") { $0.int(0) }
        #expect(applicationID == 0x4750_4B47)
        let tables = try store.database.rows(
            "SELECT table_name, data_type FROM gpkg_contents ORDER BY table_name"
        ) { "\($0.text(0)):\($0.text(1))" }
        #expect(tables.contains("entities:features"))
        let rtree = try store.database.rows(
            "SELECT extension_name FROM gpkg_extensions WHERE table_name = 'entities'"
        ) { $0.text(0) }
        #expect(rtree == ["gpkg_rtree_index"])
    }

    /// From either map database: the export reads entities through `forEachEntity`.
    @Test(.tags(.postgres), arguments: Backend.tested)
    func theStandaloneExportOpensInGDAL(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let folder = database.folder
        let store = try database.open()
        try store.load(RunBuilder(count: 12).build())
        let exported = folder.path("export.gpkg")
        #expect(try Exporter.writeGeoPackage(from: store, path: exported) == 12)

        let (status, output, error) = try runProgram(Self.ogrinfo, ["-so", exported, "entities"])
        #expect(status == 0, "ogrinfo failed: \(error)")
        #expect(output.contains("Feature Count: 12"))
        #expect(output.contains("Geometry: Point"))
        // No history travels with it.
        let tables = try Database(path: exported).rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'records'"
        ) { $0.text(0) }
        #expect(tables.isEmpty)
        // And it never overwrites.
        #expect(throws: StoreError.self) {
            try Exporter.writeGeoPackage(from: store, path: exported)
        }
    }

    @Test func editsMadeOutsideGlaneurKeepTheSpatialIndexRight() throws {
        // The RTree triggers call ST_MinX and friends, which every writer must provide:
        // here a GDAL-style update of a point through ogrinfo's SQL.
        let folder = try TemporaryFolder()
        let path = folder.path("map.gpkg")
        let store = try SQLiteStore(path: path)
        try store.load(RunBuilder(count: 3).build())
        let (status, _, error) = try runProgram(
            Self.ogrinfo,
            [path, "-sql", "UPDATE entities SET geom = MakePoint(10.5, 45.25, 4326) WHERE fid = 1"])
        #expect(status == 0, "ogrinfo failed: \(error)")
        let box = try store.database.firstRow(
            "SELECT minx, miny FROM rtree_entities_geom WHERE id = 1"
        ) { ($0.double(0), $0.double(1)) }
        #expect(box?.0 == 10.5)
        #expect(box?.1 == 45.25)
    }
}
