import Foundation
import Testing

@Suite("Keeping review answers in the map")
struct ReviewCommandTests {
    static let header =
        "decision,probability,weight,reasons,a_record,a_name,a_address,a_postcode,"
        + "a_locality,a_phones,a_emails,b_record,b_name,b_address,b_postcode,b_locality,"
        + "b_phones,b_emails\n"

    @Test func answersAreKeptOnceAndAWrongDecisionIsRefused() throws {
        let folder = try ScratchFolder()
        let database = folder.path("map.sqlite")
        let imported = try GlaneurProcess.run(
            ["import", ImportTests.pipeline("federation-wallonne.json5"), "--db", database],
            in: GlaneurProcess.packageRoot)
        #expect(imported.status == 0)

        let answers = try folder.write(
            "answers.csv",
            Array(
                (Self.header
                    + "no match,0.7,1.2,,fed/1,Ferme A,,,,,,fed/2,Ferme B,,,,,\n"
                    + ",0.6,0.5,,fed/3,Ferme C,,,,,,fed/4,Ferme D,,,,,\n"
                    + "match,0.8,2.0,,fed/5,Ferme E,,,,,,fed/6,Ferme E,,,,,\n").utf8))
        let first = try GlaneurProcess.run(
            ["review", "import", answers, "--db", database, "--reviewer", "anne"])
        #expect(first.status == 0)
        #expect(first.standardError.contains("2 answers (1 match, 1 no match); 2 new"))
        let again = try GlaneurProcess.run(["review", "import", answers, "--db", database])
        #expect(again.standardError.contains("0 new or changed"))

        let wrong = try folder.write(
            "wrong.csv",
            Array((Self.header + "perhaps,0.5,0,,fed/1,A,,,,,,fed/2,B,,,,,\n").utf8))
        let refused = try GlaneurProcess.run(["review", "import", wrong, "--db", database])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("should be 'match' or 'no match'"))
    }
}
