import Foundation
import GlaneurCore
import Testing

@testable import Store

/// Reading the records attached to entities back, with when a source last confirmed
/// each, in both kinds of map database.
@Suite struct RecordReadingTests {
    @Test(arguments: Backend.tested)
    func recordsComeBackWithTheirFieldsSourceAndEntity(backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        try store.load(RunBuilder(count: 3).build())

        var records: [StoredRecord] = []
        try store.forEachRecord(includeInactive: false) { records.append($0) }
        #expect(records.map(\.sourceKey) == ["0", "1", "2"])
        let first = try #require(records.first)
        #expect(first.entityUID == "partner:e-0")
        #expect(first.source == "partner")
        #expect(first.file == "partner.csv")
        #expect(first.row == 1)
        #expect(first.status == "active")
        #expect(first.fields.name == "Ferme 0")
        #expect(first.fields.postcode == "5000")
        #expect(first.fields.phones == ["+3281100000"])
        #expect(first.fields.products == ["légumes", "œufs"])
        #expect(first.latitude == 49.5)
        #expect(first.precision == "locality")
        #expect(try Date(first.lastSeen, strategy: .iso8601) <= Date())
    }

    @Test(arguments: Backend.tested)
    func aFullListConfirmsTheRecordsItSendsAgainUnchanged(backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        try store.load(RunBuilder(count: 2).build())
        var before: [StoredRecord] = []
        try store.forEachRecord(includeInactive: false) { before.append($0) }

        // The same full list again, a little later: nothing changes, but each record was
        // seen by the second run.
        Thread.sleep(forTimeInterval: 1.1)
        try store.load(RunBuilder(count: 2).build())
        var after: [StoredRecord] = []
        try store.forEachRecord(includeInactive: false) { after.append($0) }
        #expect(after.count == 2)
        for (old, new) in zip(before, after) {
            #expect(new.lastSeen > old.lastSeen)
        }
    }

    @Test(arguments: Backend.tested)
    func recordsAFullListDroppedAreReadOnlyWhenAskedFor(backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        try store.load(RunBuilder(count: 3).build())
        try store.load(RunBuilder(count: 2).build())

        var active: [String] = []
        try store.forEachRecord(includeInactive: false) { active.append($0.sourceKey) }
        #expect(active == ["0", "1"])
        var all: [StoredRecord] = []
        try store.forEachRecord(includeInactive: true) { all.append($0) }
        #expect(all.map(\.sourceKey) == ["0", "1", "2"])
        #expect(all.last?.status == "inactive")
    }
}
