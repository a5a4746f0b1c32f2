import GlaneurCore
import Store
import Testing

/// A partner file may hold the same line twice: without a key of its own, each copy is
/// a record of its own, recognised by its order from one delivery to the next.
@Suite(.tags(.postgres))
struct RepeatedRowTests {
    @Test(arguments: Backend.tested)
    func identicalRowsWithoutAKeyAreKeptAndReimportedUnchanged(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var run = RunBuilder(count: 1).build()
        var copy = run.records[0]
        copy.sourceKey = nil
        copy.provenance.row = 2
        copy.provenance.line = 3
        run.records = [copy, copy, copy]
        run.records[0].provenance.row = 1
        run.records[0].provenance.line = 2
        run.inputs[0].rows = 3

        let first = try store.load(run)
        #expect(first.counts.rowsRead == 3)
        // The first copy starts the entity, the two others join it.
        #expect(first.counts.new == 1)
        #expect(first.counts.merged == 2)
        #expect(first.counts.entitiesCreated == 1)

        let second = try store.load(run)
        #expect(second.counts.unchanged == 3)
        #expect(second.counts.new + second.counts.merged + second.counts.updated == 0)
    }

    @Test(arguments: Backend.tested)
    func aRepeatedSourceKeyStillFailsTheRun(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var run = RunBuilder(count: 2).build()
        run.records[1].sourceKey = run.records[0].sourceKey
        #expect(throws: StoreError.self) { try store.load(run) }
        #expect(try store.runs().isEmpty)
    }
}
