import Foundation
import Testing

extension Tag {
    /// Tests that drive a real browser.
    @Tag static var browser: Self
    @Tag static var slow: Self
}

@Suite("Auditing the map, end to end")
struct AuditCommandTests {
    /// A partner list with an entity named like a script, a Flemish one with its
    /// locality in French and a broken phone.
    static let producers = """
        id;Nom;Adresse;CP;Localité;Téléphone;E-mail
        1;<script>alert(1)</script>;Rue de Fer 12;5000;Namur;081 22 33 44;info@ferme-namur.be
        2;Hof ter Walle;Kerkstraat 3;2000;Anvers;03 123 45 67;
        3;Ferme du Chêne;Rue du Bois 1;6900;Marche-en-Famenne;+32 84 00;
        4;Hoeve De Linde;Dorpstraat 8;3000;Leuven;016 12 34 56;hoeve@delinde.be

        """

    /// A map database imported from `producers`, in the scratch folder.
    static func importMap(in folder: ScratchFolder) throws -> String {
        _ = try folder.write("producers.csv", Array(producers.utf8))
        let pipeline = try folder.write(
            "producers.json5",
            Array(
                """
                { name: "producers", sources: [{ path: "producers.csv", delivery: "full" }],
                  normalize: { default_country: "BE" }, target: { database: "map.sqlite" } }
                """.utf8))
        let database = folder.path("map.sqlite")
        let result = try GlaneurProcess.run(
            ["import", pipeline, "--db", database, "--report", folder.path("reports")])
        #expect(result.status == 0, "\(result.standardError)")
        return database
    }

    @Test func writesThePageAndTheJSON() throws {
        let folder = try ScratchFolder()
        let database = try Self.importMap(in: folder)
        let result = try GlaneurProcess.run([
            "audit", "--db", database, "-o", folder.path("audit.html"), "--json",
            folder.path("audit.json"),
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("Audited 4 entities and 4 records"))
        #expect(result.standardError.contains("invalid-phone"))

        let page = try folder.read("audit.html")
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("<script"))
        let json = try JSONSerialization.jsonObject(with: Data(folder.read("audit.json").utf8))
        let findings = try #require((json as? [String: Any])?["findings"] as? [String: Any])
        let flemish = try #require(findings["flemish-without-dutch"] as? [String: Any])
        let items = try #require(flemish["items"] as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["Hof ter Walle"])
        #expect(items.first?["dutch"] as? String == "Antwerpen")
    }

    @Test func jsonGoesToStandardOutputAndTheLanguageChangesThePage() throws {
        let folder = try ScratchFolder()
        let database = try Self.importMap(in: folder)
        let json = try GlaneurProcess.run(["audit", "--db", database, "--json", "--quiet"])
        #expect(json.status == 0)
        #expect(json.standardError.isEmpty)
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8))
        #expect((object as? [String: Any])?["entities"] as? Int == 4)

        let dutch = try GlaneurProcess.run([
            "audit", "--db", database, "-o", folder.path("nl.html"), "--lang", "nl", "-q",
        ])
        #expect(dutch.status == 0)
        let page = try folder.read("nl.html")
        #expect(page.contains("Audit van de kaart"))
        #expect(!page.contains("Audit de la carte"))
    }

    @Test(arguments: [
        (["audit"], "nothing to write"),
        (["audit", "-o", "a.html", "--lang", "de"], "unknown language 'de'"),
        (["audit", "-o", "a.html", "--stale-days", "soon"], "--stale-days takes a whole number"),
        (["audit", "-o", "a.html", "--far-km", "-3"], "--far-km takes a distance"),
        (["audit", "-o", "a.html", "extra"], "unexpected argument 'extra'"),
        (["audit", "-o", "a.html", "--stale"], "Did you mean '--stale-days'?"),
    ])
    func usageErrorsExitWith64(arguments: [String], message: String) throws {
        let result = try GlaneurProcess.run(arguments)
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.contains("See 'glaneur audit --help'."))
    }

    @Test func aMissingDatabaseExitsWith1() throws {
        let folder = try ScratchFolder()
        let result = try GlaneurProcess.run([
            "audit", "--db", folder.path("none.sqlite"), "-o", folder.path("a.html"),
        ])
        #expect(result.status == 1)
        #expect(result.standardError.contains("no map database at"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("a.html")))
    }

    // MARK: - In a browser

    /// The browser's path, when one is installed (Debian's `chromium`).
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for folder in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(folder)/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    @Test(
        .tags(.slow, .browser),
        .enabled(
            if: chromium != nil,
            "chromium is not installed here (CI installs it: apt-get install chromium)"))
    func thePageRendersInABrowser() throws {
        let folder = try ScratchFolder()
        let database = try Self.importMap(in: folder)
        let page = folder.path("audit.html")
        let audit = try GlaneurProcess.run(["audit", "--db", database, "-o", page, "-q"])
        #expect(audit.status == 0)

        // The DOM as the browser built it: the marker at the end of the page proves it
        // loaded to its end, and the escaped name is text, not an element.
        let dom = try Self.runBrowser(
            [
                "--dump-dom", URL(fileURLWithPath: page).absoluteString,
            ], folder: folder)
        #expect(dom.status == 0)
        #expect(dom.output.contains("id=\"audit-complete\""))
        #expect(dom.output.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!dom.output.contains("<script>alert(1)"))
        #expect(dom.output.contains("<circle"))

        let screenshot = folder.path("audit.png")
        let shot = try Self.runBrowser(
            [
                "--screenshot=\(screenshot)", "--window-size=1280,2000",
                URL(fileURLWithPath: page).absoluteString,
            ], folder: folder)
        #expect(shot.status == 0)
        let image = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(image.count > 20_000)
    }

    /// Runs headless chromium with a profile of its own, stopped after two minutes.
    static func runBrowser(_ arguments: [String], folder: ScratchFolder) throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=\(folder.path("profile"))",
            ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
