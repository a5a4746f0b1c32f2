import Foundation
import Testing

@Suite("Reading the samples, end to end")
struct ReadSamplesTests {
    /// The rows of each sample, from its ground truth.
    static let expectedRows: [String: Int] = [
        "federation-wallonne.csv": 63, "vlaamse-proefregio.csv": 29, "reseau-bio.json": 49,
        "cooperative-flux.ndjson": 39, "partner-export.csv": 60,
    ]

    @Test(arguments: expectedRows.keys.sorted())
    func everyRowBecomesARecord(_ name: String) throws {
        let result = try GlaneurProcess.run(["read", GlaneurProcess.sample(name)])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == Self.expectedRows[name])

        // Rows are numbered as the ground truth numbers them.
        let rows = try lines.map { line -> Int in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["row"] as? Int ?? 0
        }
        #expect(rows == Array(1...(Self.expectedRows[name] ?? 0)))
        #expect(
            result.standardError.contains("= \(Self.expectedRows[name] ?? 0) records + 0 rejects"))
    }

    @Test func countsAddUpOverSeveralFilesWithRejects() throws {
        let folder = try ScratchFolder()
        let files = ["federation-wallonne.csv", "marche-fermier.csv", "reseau-bio.json"]
        let result = try GlaneurProcess.run(
            ["read"] + files.map(GlaneurProcess.sample)
                + ["-o", folder.path("records.ndjson"), "--rejects", folder.path("rejects.csv")])
        #expect(result.status == 0)
        #expect(
            result.standardError.contains(
                "Total: 119 rows read = 115 records + 4 rejects, in 3 files"))

        let records = try folder.read("records.ndjson").split(separator: "\n")
        #expect(records.count == 115)
        let rejects = try folder.read("rejects.csv").split(separator: "\n")
        #expect(rejects.first == "source,file,row,line,code,column,message,raw")
        let codes = rejects.dropFirst().compactMap { $0.split(separator: ",").dropFirst(4).first }
        #expect(
            codes.sorted() == ["missing-name", "ragged-row", "short-row", "unterminated-quote"])
    }

    @Test func windows1252IsDecoded() throws {
        let result = try GlaneurProcess.run(
            ["read", GlaneurProcess.sample("marche-fermier.csv")])
        #expect(result.standardOutput.contains("\"products\":[\"légumes, œufs\"]"))
        #expect(result.standardOutput.contains("\"Localité\":\"Hannut\""))
        #expect(result.standardError.contains("rejected row"))
    }

    @Test func rawRowsIncludeTitleAndHeader() throws {
        let result = try GlaneurProcess.run(
            ["read", "--raw", GlaneurProcess.sample("marche-fermier.csv")])
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "[\"Marché fermier de la Hesbaye - liste des exposants\",\"\",\"\",\"\",\"\",\"\"]"
        )
        #expect(lines.contains("[\"Nom\",\"Adresse\",\"CP\",\"Localité\",\"Tél.\",\"Produits\"]"))
    }

    @Test func inspectReportsWhatANewUserNeeds() throws {
        let text = try GlaneurProcess.run([
            "inspect", GlaneurProcess.sample("federation-wallonne.csv"),
        ])
        #expect(text.status == 0)
        #expect(text.standardOutput.contains("Encoding:   windows-1252"))
        #expect(text.standardOutput.contains("Delimiter:  ';'"))
        #expect(text.standardOutput.contains("→ postcode"))

        let json = try GlaneurProcess.run(
            ["inspect", "--json", GlaneurProcess.sample("marche-fermier.csv")])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        )
        #expect(report["encoding"] as? String == "windows-1252")
        #expect(report["delimiter"] as? String == ";")
        #expect(report["title_rows"] as? Int == 2)
        #expect(report["header_line"] as? Int == 4)
        #expect(report["rows"] as? Int == 7)
        #expect(report["rejects"] as? Int == 4)
        let columns = try #require(report["columns"] as? [[String: Any]])
        #expect(
            columns.map { $0["field"] as? String } == [
                "name", "street", "postcode", "locality", "phones", "products",
            ])
    }

    @Test(arguments: ["libreoffice-producers.xlsx", "libreoffice-producers.ods"])
    func spreadsheetsAreReadLikeAnyFile(_ name: String) throws {
        let path = GlaneurProcess.packageRoot
            .appendingPathComponent("Tests/SpreadsheetTests/Fixtures/\(name)").path
        let result = try GlaneurProcess.run(["read", path])
        #expect(result.status == 0)
        #expect(
            result.standardError.contains("3 rows = 3 records + 0 rejects (skipped 1 title rows)"))
        // A postcode stored as a number formatted 00000 keeps its leading zero.
        #expect(result.standardOutput.contains("\"postcode\":\"01000\""))
        #expect(result.standardOutput.contains("\"line\":3"))
        #expect(result.standardOutput.contains("written-form-unknown"))
    }

    @Test func passwordProtectedWorkbookIsAClearFailure() throws {
        let path = GlaneurProcess.packageRoot
            .appendingPathComponent(
                "Tests/SpreadsheetTests/Fixtures/libreoffice-password-secret.ods"
            )
            .path
        let result = try GlaneurProcess.run(["read", path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("password-protected"))
    }

    @Test func mappingOverrideFromTheCommandLine() throws {
        let folder = try ScratchFolder()
        let path = try folder.write(
            "bare.csv", Array("Intitulé;Ville\nFerme A;Namur\n".utf8))
        let unmapped = try GlaneurProcess.run(["read", path, "--quiet"])
        #expect(unmapped.standardOutput.isEmpty)
        let mapped = try GlaneurProcess.run(["read", path, "--map", "name=Intitulé"])
        #expect(mapped.standardOutput.contains("\"name\":\"Ferme A\""))
        #expect(mapped.standardOutput.contains("\"locality\":\"Namur\""))
    }
}
