import Testing

@testable import Resolve

@Suite struct EntityIndexTests {
    @Test func newRecordsAttachToTheEntitiesTheyDuplicate() {
        let list = SyntheticList(entities: 300, duplicates: 100, seed: 4)
        var options = Resolver.Options()
        options.randomPairs = 5000
        var index = EntityIndex()
        let firstBatch = Array(list.records[..<350])
        let secondBatch = Array(list.records[350...])

        let firstEvents = index.attach(firstBatch, options: options)
        let before = index.entityOfRecord
        #expect(firstEvents.count == firstBatch.count)
        #expect(Set(before).count < firstBatch.count)

        let events = index.attach(secondBatch, options: options)
        #expect(events.count >= secondBatch.count)
        // Entities already in the map keep their identifiers unless a merge says so.
        let merged = Set(
            events.compactMap { event -> String? in
                if case .merged(_, let absorbed, _, _) = event { return absorbed }
                return nil
            })
        for (record, entity) in before.enumerated() where !merged.contains(entity) {
            #expect(index.entityOfRecord[record] == entity)
        }
        // Most new records joined the entity of their true producer's first record.
        var entityOfTruth: [String: String] = [:]
        for (record, item) in index.records[..<350].enumerated() {
            entityOfTruth[list.entityOfRecord[item.label] ?? ""] = index.entityOfRecord[record]
        }
        let joined = (350..<index.records.count).filter { record in
            let truth = list.entityOfRecord[index.records[record].label] ?? ""
            return entityOfTruth[truth] == index.entityOfRecord[record]
        }
        #expect(Double(joined.count) / Double(secondBatch.count) > 0.9)
    }

    @Test func aNoMatchAnswerSplitsAnEntity() {
        var index = EntityIndex()
        index.records = [record(1, name: "ferme bosquet"), record(2, name: "ferme bosquet")]
        index.entityOfRecord = ["E000001", "E000001"]
        index.nextEntity = 2
        index.model = FellegiSunterModel()
        var options = Resolver.Options()
        options.answers = [
            PairAnswer(first: "list.csv:1", second: "list.csv:2", isMatch: false)
        ]
        let events = index.attach([], options: options)
        #expect(
            events == [
                .split(
                    entity: "E000001", newEntity: "E000002", records: [1],
                    reason: "answered no match with list.csv:1")
            ])
        #expect(index.entityOfRecord == ["E000001", "E000002"])
    }
}
