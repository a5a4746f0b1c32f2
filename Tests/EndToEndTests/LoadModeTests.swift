import Foundation
import Testing

/// A pipeline's `target.mode` decides what an import does with what the map already
/// holds: `append` leaves known rows as they are, `upsert` updates them and marks the
/// rows a full list no longer sends inactive, `replace` does so for every source.
@Suite("Load modes, end to end")
struct LoadModeTests {
    static func pipeline(mode: String, delivery: String) -> String {
        """
        {
          name: "modes",
          sources: [{ path: "list.csv", partner: "Ferme test", delivery: "\(delivery)" }],
          normalize: { default_country: "BE" },
          geocode: { providers: ["offline"], minimum_precision: "locality" },
          target: { database: "map.sqlite", mode: "\(mode)" },
        }
        """
    }

    static let firstList = """
        id;Nom;CP;Localité
        1;Ferme du Bois;5000;Namur
        2;Ferme du Moulin;5000;Namur
        3;Ferme du Val;1300;Wavre

        """

    /// The same list with the second producer renamed and the third gone.
    static let secondList = """
        id;Nom;CP;Localité
        1;Ferme du Bois;5000;Namur
        2;Chèvrerie du Moulin;5000;Namur

        """

    func importList(
        _ list: String, mode: String, delivery: String = "updates", in folder: ScratchFolder
    ) throws -> GlaneurProcess.Result {
        let pipeline = try folder.write(
            "modes.json5", Array(Self.pipeline(mode: mode, delivery: delivery).utf8))
        _ = try folder.write("list.csv", Array(list.utf8))
        return try GlaneurProcess.run([
            "import", pipeline, "--db", folder.path("map.sqlite"), "--report",
            folder.path("reports"),
        ])
    }

    @Test func appendKeepsKnownRowsAndReplaceTakesTheListAsFull() throws {
        let folder = try ScratchFolder()
        let first = try importList(Self.firstList, mode: "upsert", in: folder)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(ImportTests.count("new", in: first.standardError) == 3)

        let appended = try importList(Self.secondList, mode: "append", in: folder)
        #expect(appended.status == 0, "\(appended.standardError)")
        #expect(ImportTests.count("updated", in: appended.standardError) == 0)
        #expect(ImportTests.count("unchanged", in: appended.standardError) == 2)
        #expect(ImportTests.count("inactivated", in: appended.standardError) == 0)

        // An update list changes the renamed producer and leaves the missing one alone…
        let upserted = try importList(Self.secondList, mode: "upsert", in: folder)
        #expect(ImportTests.count("updated", in: upserted.standardError) == 1)
        #expect(ImportTests.count("inactivated", in: upserted.standardError) == 0)

        // …which replace takes as gone.
        let replaced = try importList(Self.secondList, mode: "replace", in: folder)
        #expect(replaced.status == 0, "\(replaced.standardError)")
        #expect(ImportTests.count("unchanged", in: replaced.standardError) == 2)
        #expect(ImportTests.count("inactivated", in: replaced.standardError) == 1)
    }

    @Test func upsertOfAFullListMarksTheMissingRowInactive() throws {
        let folder = try ScratchFolder()
        _ = try importList(Self.firstList, mode: "upsert", delivery: "full", in: folder)
        let second = try importList(Self.secondList, mode: "upsert", delivery: "full", in: folder)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(ImportTests.count("updated", in: second.standardError) == 1)
        #expect(ImportTests.count("inactivated", in: second.standardError) == 1)
    }
}
