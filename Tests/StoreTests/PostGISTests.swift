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

    @Test(arguments: [1, Int.max])
    func theStatusIndexServesTheRareStatusesAfterAnyLoad(threshold: Int) throws {
        let database = try TestDatabase(.postgres)
        let store = try PostgresStore(url: database.location)
        store.bulkThreshold = threshold
        try store.load(RunBuilder(count: 40).build())
        try store.connection.execute("SET enable_seqscan = off")
        // PostgreSQL proves that 'merged' is not 'active': the partial index answers.
        let plan = try store.connection.query(
            "EXPLAIN SELECT fid FROM entities WHERE status = 'merged'")
        let lines = (0..<plan.count).compactMap { plan.text($0, 0) }.joined(separator: "\n")
        #expect(lines.contains("entities_status"), "\(lines)")
    }
}

/// Reading a PostgreSQL map streams it: a cursor hands the entities over in batches, so
/// that an export holds one batch in memory, not the whole map.
@Suite(.tags(.postgres), .enabled(if: Backend.tested.contains(.postgres)))
struct PostgresStreamingTests {
    @Test func everyEntityComesOnceInOrderAcrossBatches() throws {
        let database = try TestDatabase(.postgres)
        let store = try PostgresStore(url: database.location)
        // 7 does not divide 30: the last batch is a short one; 30 is a multiple of 6 and
        // 10, so a batch that ends exactly with the rows is read too.
        var builder = RunBuilder(count: 30)
        try store.load(builder.build())
        builder.rows.removeLast()
        try store.load(builder.build())

        for size in [7, 6, 10, 1000] {
            store.fetchSize = size
            var uids: [String] = []
            var fids: [Int64] = []
            try store.forEachEntity(includeInactive: true) {
                uids.append($0.uid)
                fids.append($0.fid)
            }
            #expect(uids == (0..<30).map { "partner:e-\($0)" }, "batches of \(size)")
            #expect(fids == fids.sorted())
            var active = 0
            try store.forEachEntity(includeInactive: false) { _ in active += 1 }
            #expect(active == 29, "batches of \(size)")
        }
    }

    @Test func theCursorReadsOneSnapshotAndLeavesTheConnectionReady() throws {
        let database = try TestDatabase(.postgres)
        let store = try PostgresStore(url: database.location)
        store.fetchSize = 4
        try store.load(RunBuilder(count: 12).build())

        // Another connection commits new entities while the first batches are read: the
        // cursor does not see them.
        let writer = try PostgresStore(url: database.location)
        var seen = 0
        try store.forEachEntity(includeInactive: true) { _ in
            seen += 1
            if seen == 2 { try writer.load(RunBuilder(count: 5, source: "late").build()) }
        }
        #expect(seen == 12)

        // A body that throws ends the read; the connection goes on working.
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.forEachEntity(includeInactive: true) { _ in throw Stop() }
        }
        #expect(try entities(of: store).count == 17)
        #expect(try store.load(RunBuilder(count: 12).build()).counts.unchanged == 12)
    }

    @Test func recordsStreamTooAndReadsNestInsideEachOther() throws {
        let database = try TestDatabase(.postgres)
        let store = try PostgresStore(url: database.location)
        store.fetchSize = 4
        try store.load(RunBuilder(count: 9).build())
        try store.load(RunBuilder(count: 5, source: "other").build())

        var keys: [String] = []
        try store.forEachRecord(includeInactive: true) { keys.append($0.sourceKey) }
        #expect(keys.count == 14)
        #expect(Set(keys) == Set((0..<9).map(String.init)))

        // Reading the records while the entities are read: each read has its cursor.
        var pairs = 0
        var entityCount = 0
        try store.forEachEntity(includeInactive: true) { _ in
            entityCount += 1
            if entityCount == 2 {
                try store.forEachRecord(includeInactive: true) { _ in pairs += 1 }
            }
        }
        #expect(entityCount == 14)
        #expect(pairs == 14)
        #expect(try store.load(RunBuilder(count: 9).build()).counts.unchanged == 9)
    }
}
