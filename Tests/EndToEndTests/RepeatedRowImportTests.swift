import Foundation
import Testing

@Suite("Rows a partner sent twice")
struct RepeatedRowImportTests {
    @Test func aRepeatedKeyIsRejectedNamingTheFirstRowAndCopiesWithoutKeyAreKept() throws {
        let folder = try ScratchFolder()
        _ = try folder.write(
            "keyed.csv",
            Array(
                """
                id;Nom;CP;Localité
                F1;Ferme du Bois Joli;5000;Namur
                F2;Hoeve De Linde;3000;Leuven
                F1;Ferme du Bois Joli bis;5000;Namur

                """.utf8))
        _ = try folder.write(
            "plain.csv",
            Array(
                """
                Nom;CP;Localité
                Ferme des Quatre Vents;4000;Liège
                Ferme des Quatre Vents;4000;Liège

                """.utf8))
        let pipeline = try folder.write(
            "twice.json5",
            Array(
                """
                { name: "twice", sources: [
                    { path: "keyed.csv", partner: "Keyed" },
                    { path: "plain.csv", partner: "Plain" } ] }
                """.utf8))

        let first = try GlaneurProcess.run(["import", pipeline, "--db", folder.path("map.sqlite")])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.contains("3        2        1 "))
        #expect(first.standardError.contains("5        4        1 total"))
        // Two producers in the keyed list, and the Liège farm twice in the other.
        #expect(first.standardError.contains("rows_read 5, new 3, merged 1"))
        #expect(first.standardError.contains("rejected 1"))
        let report = try folder.read("reports/twice-run1.json")
        #expect(report.contains("duplicate-key"))
        #expect(report.contains("source key 'F1' is already used by"))
        #expect(report.contains("keyed.csv row 1 of 'Keyed'"))

        let second = try GlaneurProcess.run(["import", pipeline, "--db", folder.path("map.sqlite")])
        #expect(second.status == 0)
        #expect(second.standardError.contains("new 0, merged 0, updated 0, unchanged 4"))
    }
}
