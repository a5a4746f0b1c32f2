import Foundation
import GlaneurCore
import Store
import Testing

/// Loads are transactional and idempotent, state their mode, and never delete silently:
/// the same tests run against SQLite and PostgreSQL.
@Suite(.tags(.postgres))
struct LoadTests {
    @Test(arguments: Backend.tested)
    func loadingTheSameRunTwiceChangesNothing(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        let run = RunBuilder(count: 30).build()

        let first = try store.load(run)
        #expect(first.counts.new == 30)
        #expect(first.counts.entitiesCreated == 30)
        let before = try entities(of: store)

        let second = try store.load(run)
        #expect(second.counts.unchanged == 30)
        #expect(second.counts.new + second.counts.updated + second.counts.merged == 0)
        #expect(second.counts.entitiesUpdated == 0)
        #expect(try entities(of: store) == before)
        #expect(try store.runs().map(\.status) == ["committed", "committed"])
    }

    @Test(arguments: Backend.tested)
    func everyRowReadIsCountedOnce(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 10)
        builder.rejects = 3
        try store.load(builder.build())
        builder.rows[2].name = "Ferme renommée"
        builder.rows.append((key: "new", name: "Nouvelle ferme"))
        let report = try store.load(builder.build())
        let counts = report.counts
        #expect(counts.rowsRead == 14)
        #expect(
            counts.rowsRead
                == counts.new + counts.merged + counts.updated + counts.unchanged
                + counts.rejected)
        #expect(counts.updated == 1)
        #expect(counts.new == 1)
        #expect(counts.rejected == 3)
        #expect(report.samples["updated"] == ["partner/2: Ferme renommée"])
    }

    @Test(arguments: Backend.tested)
    func aChangedRowUpdatesItsEntity(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 5)
        try store.load(builder.build())

        builder.rows[3].name = "La Ferme du Bois"
        let report = try store.load(builder.build())
        #expect(report.counts.updated == 1)
        #expect(report.counts.unchanged == 4)
        #expect(report.counts.entitiesUpdated == 1)
        let names = try entities(of: store).map(\.fields.name)
        #expect(names.contains("La Ferme du Bois"))
        #expect(!names.contains("Ferme 3"))
    }

    @Test(arguments: Backend.tested)
    func aRowMissingFromAFullListMarksItsLinkInactive(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 4)
        try store.load(builder.build())

        // A partial update leaves the missing row alone…
        builder.rows.removeLast()
        builder.isFullList = false
        #expect(try store.load(builder.build()).counts.inactivated == 0)
        #expect(try entities(of: store).filter { $0.status == "active" }.count == 4)

        // …a full list marks it inactive, without deleting anything.
        builder.isFullList = true
        let report = try store.load(builder.build())
        #expect(report.counts.inactivated == 1)
        #expect(report.samples["inactivated"] == ["partner/3"])
        let all = try entities(of: store)
        #expect(all.count == 4)
        #expect(all.filter { $0.status == "inactive" }.map(\.uid) == ["partner:e-3"])
        var active: [String] = []
        try store.forEachEntity(includeInactive: false) { active.append($0.uid) }
        #expect(active.count == 3)

        // The row coming back brings its entity back.
        builder = RunBuilder(count: 4)
        let back = try store.load(builder.build())
        #expect(back.counts.updated == 1)
        #expect(try entities(of: store).allSatisfy { $0.status == "active" })
    }

    @Test(arguments: Backend.tested)
    func appendKeepsKnownRecordsAndReplaceTakesEverySourceAsFull(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 3)
        builder.isFullList = false
        try store.load(builder.build())

        builder.mode = .append
        builder.rows[0].name = "Changed"
        builder.rows.removeLast()
        let appended = try store.load(builder.build())
        #expect(appended.counts.updated == 0)
        #expect(appended.counts.unchanged == 2)
        #expect(appended.counts.inactivated == 0)
        #expect(!(try entities(of: store).map(\.fields.name).contains("Changed")))

        builder.mode = .replace
        let replaced = try store.load(builder.build())
        #expect(replaced.counts.updated == 1)
        #expect(replaced.counts.inactivated == 1)
    }

    @Test(arguments: Backend.tested)
    func aDryRunReportsWhatWouldChangeAndWritesNothing(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 6)
        try store.load(builder.build())
        let before = try entities(of: store)

        builder.rows[0].name = "Renamed"
        builder.rows.removeLast()
        builder.rows.append((key: "x", name: "Brand new"))
        builder.rejects = 1
        let dry = try store.load(builder.build(), dryRun: true)
        #expect(dry.isDryRun)
        #expect(dry.runID == nil)
        #expect(dry.counts.new == 1)
        #expect(dry.counts.updated == 1)
        #expect(dry.counts.unchanged == 4)
        #expect(dry.counts.rejected == 1)
        #expect(dry.counts.inactivated == 1)
        #expect(dry.samples["new"] == ["partner/x: Brand new"])
        #expect(try entities(of: store) == before)
        #expect(try store.runs().count == 1)

        // The real run does what the dry run said.
        let real = try store.load(builder.build())
        #expect(real.counts == dry.counts)
    }

    @Test(arguments: Backend.tested)
    func revertRestoresTheStateBeforeTheRun(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 5)
        let first = try store.load(builder.build())
        let afterFirst = try entities(of: store)

        builder.rows[1].name = "Renamed"
        builder.rows.removeLast()
        builder.rows.append((key: "n", name: "Newcomer"))
        let second = try store.load(builder.build())
        #expect(try entities(of: store) != afterFirst)

        // The first run cannot go while the second builds on it.
        #expect {
            try store.revert(runID: first.runID ?? 0)
        } throws: { error in
            "\(error)".contains("later run(s) \(second.runID ?? 0)")
        }

        let undone = try store.revert(runID: second.runID ?? 0)
        #expect(undone.entitiesRemoved == 1)
        #expect(undone.recordsRemoved == 1)
        #expect(undone.entitiesRestored == 2)
        #expect(try entities(of: store) == afterFirst)
        #expect(try store.runs().map(\.status) == ["committed", "reverted"])
        #expect(throws: StoreError.self) { try store.revert(runID: second.runID ?? 0) }

        // Running the import again completes it.
        let again = try store.load(builder.build())
        #expect(again.counts.updated == 1)
        #expect(again.counts.new == 1)
        #expect(again.counts.inactivated == 1)

        try store.revert(runID: again.runID ?? 0)
        try store.revert(runID: first.runID ?? 0)
        #expect(try entities(of: store).isEmpty)
    }

    @Test(arguments: Backend.tested)
    func aLaterRunOfTheSameSourceBlocksARevertAndOthersDoNot(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        let first = try store.load(RunBuilder(count: 3).build())
        // Another partner's list touches nothing of the first run.
        try store.load(RunBuilder(count: 2, source: "other").build())
        // The same list again changes nothing, yet relies on the first run's rows.
        let again = try store.load(RunBuilder(count: 3).build())
        #expect(again.counts.unchanged == 3)
        #expect {
            try store.revert(runID: first.runID ?? 0)
        } throws: { error in
            "\(error)".contains("later run(s) \(again.runID ?? 0)")
        }
        try store.revert(runID: again.runID ?? 0)
        try store.revert(runID: first.runID ?? 0)
        #expect(try entities(of: store).map(\.uid) == ["other:e-0", "other:e-1"])
    }

    @Test(arguments: Backend.tested)
    func namesShapedLikeSQLInjectionAreStoredVerbatim(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        let names = [
            "Robert'); DROP TABLE entities;--",
            "\" OR 1=1 --",
            "'; DELETE FROM runs WHERE '1'='1",
            "tab\there, newline\nthere, backslash \\N and \\.",
            "=HYPERLINK(\"http://evil\")",
            "Ferme $1 $$ %s ?1 :name",
        ]
        var builder = RunBuilder()
        builder.rows = names.enumerated().map { (key: "k\($0.offset)'--", name: $0.element) }
        try store.load(builder.build())
        let stored = try entities(of: store)
        #expect(stored.map(\.fields.name) == names)
        #expect(stored.map(\.uid) == names.indices.map { "partner:e-k\($0)'--" })
        // And a second load finds every row unchanged, keys included.
        #expect(try store.load(builder.build()).counts.unchanged == names.count)
    }

    @Test(arguments: Backend.tested)
    func aMergeMovesTheAbsorbedEntitysRecords(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        let builder = RunBuilder(count: 2)
        try store.load(builder.build())

        var run = builder.build()
        run.records[1].entityUID = run.entities[0].uid
        run.entities.removeLast()
        run.events = [
            MatchEvent(
                kind: .merge, entityUID: run.entities[0].uid, otherUIDs: ["partner:e-1"],
                score: 0.93, reasons: ["same-phone", "name-similarity 0.91"])
        ]
        let report = try store.load(run)
        #expect(report.counts.updated == 1)
        let all = try entities(of: store)
        #expect(all.map(\.uid) == ["partner:e-0"])
        let detail = try store.run(id: report.runID ?? 0)
        #expect(detail?.events.first?.reasons == ["same-phone", "name-similarity 0.91"])
        #expect(detail?.events.first?.otherUIDs == ["partner:e-1"])

        // Reverting the merge brings the absorbed entity back.
        try store.revert(runID: report.runID ?? 0)
        #expect(try entities(of: store).map(\.uid) == ["partner:e-0", "partner:e-1"])
    }

    @Test(arguments: Backend.tested)
    func runsKeepTheirInputsCountsAndRejects(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var builder = RunBuilder(count: 3)
        builder.pipeline = "biowallonie"
        builder.rejects = 2
        let report = try store.load(builder.build())
        let detail = try #require(try store.run(id: report.runID ?? 0))
        #expect(detail.summary.pipeline == "biowallonie")
        #expect(detail.summary.mode == "upsert")
        #expect(detail.summary.counts == report.counts)
        #expect(detail.inputs.map(\.checksum) == ["sha256-of-partner.csv"])
        #expect(detail.inputs.first?.isFullList == true)
        #expect(detail.rejectsByCode.map(\.code) == ["missing-name"])
        #expect(detail.rejectsByCode.map(\.count) == [2])
        #expect(detail.events.count == 3)
        #expect(try store.run(id: 999) == nil)
    }

    @Test(arguments: Backend.tested)
    func aRecordPointingAtAnUndefinedEntityFailsTheWholeRun(_ backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        var run = RunBuilder(count: 3).build()
        run.records[2].entityUID = "nobody"
        #expect(throws: StoreError.self) { try store.load(run) }
        #expect(try store.runs().isEmpty)
        #expect(try entities(of: store).isEmpty)
    }
}
