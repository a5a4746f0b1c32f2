import Foundation
import GlaneurCore
import Testing

@testable import Store

/// One run, one transaction: a run that fails after it has written part of its rows
/// leaves nothing of them behind, whichever way it writes them.
@Suite(.tags(.postgres))
struct TransactionTests {
    /// A trigger that fails the statement inserting a record named `Tripwire`, long after
    /// the run, its inputs and its entities are written.
    static func setTripwire(in store: any MapStore) throws {
        if let sqlite = store as? SQLiteStore {
            try sqlite.database.execute(
                """
                CREATE TRIGGER tripwire BEFORE INSERT ON records
                WHEN NEW.fields LIKE '%Tripwire%' BEGIN
                    SELECT RAISE(ABORT, 'tripwire');
                END
                """)
        } else if let postgres = store as? PostgresStore {
            try postgres.connection.execute(
                """
                CREATE FUNCTION tripwire() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.fields LIKE '%Tripwire%' THEN RAISE EXCEPTION 'tripwire'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER tripwire BEFORE INSERT ON records
                    FOR EACH ROW EXECUTE FUNCTION tripwire();
                """)
        }
    }

    @Test(arguments: Backend.tested, [1, Int.max])
    func aRunFailingHalfwayWritesNothing(_ backend: Backend, threshold: Int) throws {
        let database = try TestDatabase(backend)
        let store = try SearchTests.open(database, bulkThreshold: threshold)
        var builder = RunBuilder(count: 5, source: "earlier")
        try store.load(builder.build())
        let before = try entities(of: store)
        try Self.setTripwire(in: store)

        builder = RunBuilder(count: 40)
        builder.rows[39].name = "Tripwire"
        #expect {
            try store.load(builder.build())
        } throws: { error in
            "\(error)".contains("tripwire")
        }
        #expect(try store.runs().count == 1)
        #expect(try entities(of: store) == before)
        #expect(try store.search("ferme", limit: 100).count == 5)

        // The indexes a bulk load drops are back, and the next run goes through.
        builder.rows[39].name = "Ferme 39"
        let report = try store.load(builder.build())
        #expect(report.counts.new == 40)
        #expect(try store.search("ferme", limit: 100).count == 45)
    }
}
