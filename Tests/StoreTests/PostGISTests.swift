import Foundation
import Testing

@testable import Store

/// What only the PostGIS map database does: points in `geometry(Point, 4326)` under a
/// GiST index, whichever way the load built it.
@Suite(.tags(.postgres), .enabled(if: Backend.tested.contains(.postgres)))
struct PostGISTests {
    @Test(arguments: [1, Int.max])
    func pointsAreQueryableBySpaceAfterAnyLoad(threshold: Int) throws {
        let database = try TestDatabase(.postgres)
        let store = try PostgresStore(url: database.location)
        store.bulkThreshold = threshold
        try store.load(RunBuilder(count: 40, source: "first").build())
        try store.load(RunBuilder(count: 40).build())

        // Latitudes run 49.500…49.539: the box holds 49.5095…49.5195, ten of each list.
        let inBox = try store.connection.query(
            """
            SELECT count(*) FROM entities
            WHERE geom && ST_MakeEnvelope(3.9, 49.5095, 4.1, 49.5195, 4326)
            """)
        #expect(inBox.int(0, 0) == 20)
        let index = try store.connection.query(
            """
            SELECT am.amname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
            WHERE c.relname = 'entities_geom' AND i.indrelid = 'entities'::regclass
            """)
        #expect(index.count == 1)
        #expect(index.text(0, 0) == "gist")
        let srid = try store.connection.query("SELECT DISTINCT ST_SRID(geom) FROM entities")
        #expect(srid.text(0, 0) == "4326")
        let type = try store.connection.query(
            """
            SELECT format_type(atttypid, atttypmod) FROM pg_attribute
            WHERE attrelid = 'entities'::regclass AND attname = 'geom'
            """)
        #expect(type.text(0, 0) == "geometry(Point,4326)")
    }
}
