import Foundation
import Geocode
import GlaneurCore
import Resolve
import Testing

@testable import Pipeline
@testable import Store

/// The audit of a small map built here, one entity for each problem it must find.
@Suite("Auditing a map")
struct AuditTests {
    /// The map: a clean entity, then one problem each.
    static let entities: [(uid: String, fields: EntityFields, location: Location?)] = [
        (
            "clean",
            EntityFields(
                name: "Ferme du Bois Joli", street: "Rue de la Gare", houseNumber: "12",
                postcode: "5000", locality: "Namur", country: "BE", phones: ["+3281223344"],
                emails: ["info@boisjoli.be"]),
            point(50.4669, 4.8675, "housenumber")
        ),
        (
            "bad-phone",
            EntityFields(
                name: "Chèvrerie des Collines", postcode: "5100", locality: "Jambes",
                country: "BE", phones: ["+32812"], emails: ["chevrerie@gmail.com"]),
            point(50.4590, 4.8810, "locality")
        ),
        (
            "at-sea",
            EntityFields(
                name: "Pêcherie du Large", postcode: "8400", locality: "Oostende",
                country: "BE"),
            // In the North Sea, some 20 km off Oostende.
            point(51.35, 2.75, "locality")
        ),
        (
            "twin-a",
            EntityFields(
                name: "Hoeve De Kriek", street: "Kerkstraat", houseNumber: "7",
                postcode: "9000", locality: "Gent", country: "BE", phones: ["+3292234567"],
                emails: ["info@hoevedekriek.be"]),
            point(51.0543, 3.7174, "housenumber")
        ),
        (
            "twin-b",
            EntityFields(
                name: "Hoeve de Kriek", street: "Kerkstraat", houseNumber: "7",
                postcode: "9000", locality: "Gent", country: "BE", phones: ["+3292234567"],
                emails: ["info@hoevedekriek.be"]),
            point(51.0544, 3.7175, "housenumber")
        ),
        (
            "stale",
            EntityFields(
                name: "Miellerie Ancienne", postcode: "5000", locality: "Namur", country: "BE"),
            point(50.4669, 4.8675, "locality")
        ),
        (
            "french-name",
            EntityFields(
                name: "Ferme des Saules", street: "Rue de la Gare", houseNumber: "3",
                postcode: "9000", locality: "Gand", country: "BE"),
            point(51.05, 3.7167, "locality")
        ),
        (
            "no-dutch",
            EntityFields(
                name: "Ferme du Moulin", street: "Rue du Moulin", houseNumber: "4",
                postcode: "3000", locality: "Heverlee", country: "BE"),
            point(50.8798, 4.7005, "locality")
        ),
        (
            "xss",
            EntityFields(
                name: "<script>alert(1)</script>", postcode: "5000", locality: "Namur",
                country: "BE", emails: ["pas-une-adresse"]),
            point(50.4669, 4.8675, "locality")
        ),
        (
            "far",
            EntityFields(
                name: "Fromagerie Loin", postcode: "5000", locality: "Namur", country: "BE"),
            // Liège, some 50 km from Namur.
            point(50.6326, 5.5797, "housenumber")
        ),
    ]

    static func point(_ latitude: Double, _ longitude: Double, _ precision: String) -> Location {
        Location(
            latitude: latitude, longitude: longitude, precision: precision, score: 0.9,
            provider: "test")
    }

    /// One run of the entities of `uids`, each with one record from `source`.
    static func run(source: String, uids: [String]) -> RunInput {
        var run = RunInput(pipeline: source)
        run.inputs = [
            InputFile(
                path: source + ".csv", source: source, checksum: "0", rows: uids.count,
                isFullList: false)
        ]
        for (index, entity) in entities.enumerated() where uids.contains(entity.uid) {
            run.entities.append(
                EntityInput(uid: entity.uid, fields: entity.fields, location: entity.location))
            run.records.append(
                RecordInput(
                    provenance: Provenance(
                        source: source, file: source + ".csv", row: index + 1, line: index + 2),
                    sourceKey: entity.uid, rawFields: rawFields(of: entity.uid),
                    fields: entity.fields,
                    location: entity.location, entityUID: entity.uid))
        }
        return run
    }

    /// The partner's columns: the clean entity's phone cell held a second number, too
    /// short, that the import left out of the map.
    static func rawFields(of uid: String) -> [SourceField] {
        guard uid == "clean" else { return [] }
        return [
            SourceField(name: "Nom", value: .text("Ferme du Bois Joli")),
            SourceField(name: "Téléphone", value: .text("081 22 33 44 / 0499 12")),
        ]
    }

    /// A map database holding the entities, the stale one from a run two years old;
    /// `backdate` runs SQL on the database.
    static func fill(_ store: any MapStore, backdate: (String) throws -> Void) throws {
        try store.load(run(source: "ancienne-liste", uids: ["stale"]))
        try backdate("UPDATE runs SET started = '2024-01-15T08:00:00Z'")
        try store.load(
            run(source: "partenaire", uids: entities.map(\.uid).filter { $0 != "stale" }))
    }

    static func makeMap(in folder: URL) throws -> SQLiteStore {
        let store = try SQLiteStore(path: folder.appendingPathComponent("map.gpkg").path)
        try fill(store) { try store.database.execute($0) }
        return store
    }

    static func options() -> Audit.Options {
        var options = Audit.Options()
        options.gazetteerPath = gazetteerPath
        options.threads = 2
        return options
    }

    /// The gazetteer store, built once for the whole test run.
    static let gazetteerPath: String = {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("glaneur-audit-tests")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("gazetteer.sqlite").path
    }()

    /// The audit of the map, run once for all the tests, which only read it: loading
    /// the gazetteer's places takes a few seconds.
    static let shared = Result { try runAudit() }

    static func audit() throws -> AuditReport {
        try shared.get()
    }

    static func runAudit() throws -> AuditReport {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("glaneur-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try makeMap(in: folder)
        return try Audit(options: options()).run(on: store, database: "test.gpkg")
    }

    /// The uids of the entities a check found.
    static func uids(_ report: AuditReport, _ check: AuditCheck) -> Set<String> {
        Set(report.findings(check).map(\.entity.uid))
    }

    // MARK: - Findings

    @Test func eachProblemIsFoundOnItsEntityOnly() throws {
        let report = try Self.audit()
        #expect(report.entities == Self.entities.count)
        #expect(report.records == Self.entities.count)

        #expect(Self.uids(report, .invalidPhone) == ["bad-phone", "clean"])
        #expect(report.findings(.invalidPhone).first?.value == "+32812")
        #expect(report.findings(.invalidPhone).first?.reason == .invalid)
        #expect(report.findings(.invalidPhone).last?.value == "0499 12")
        #expect(
            report.findings(.invalidPhone).last?.reason
                == .invalidAtSource(source: "partenaire", column: "Téléphone"))
        #expect(Self.uids(report, .invalidEmail) == ["xss"])
        #expect(Self.uids(report, .outsideCountry) == ["at-sea"])
        #expect(Self.uids(report, .farFromLocality) == ["far"])
        #expect(Self.uids(report, .staleRecord) == ["stale"])
        let stale = try #require(report.findings(.staleRecord).first)
        #expect(stale.value == "2024-01-15")
        #expect(
            stale.reason
                == .notConfirmed(
                    source: "ancienne-liste", key: "stale",
                    days: Int(
                        Date().timeIntervalSince(Date(timeIntervalSince1970: 1_705_305_600))
                            / 86_400)))

        // Gand is Gent's French name; Heverlee is no name of postcode 3000 (Leuven), and
        // neither "Rue du Moulin" nor "Ferme du Moulin" is Dutch.
        let flemish = report.findings(.flemishWithoutDutch)
        #expect(flemish.map(\.entity.uid) == ["french-name", "no-dutch"])
        #expect(flemish.first?.value == "Gand")
        #expect(flemish.first?.reason == .frenchLocality(dutch: "Gent"))
        #expect(flemish.last?.reason == .noDutch)

        let duplicates = report.findings(.likelyDuplicate)
        #expect(duplicates.count == 1)
        let pair = Set(
            duplicates.flatMap { finding -> [String] in
                guard case .duplicate(let other, _, _) = finding.reason else { return [] }
                return [finding.entity.uid, other.uid]
            })
        #expect(pair == ["twin-a", "twin-b"])
        // Free mail is no problem; nothing else is wrong.
        #expect(report.findings(.suspiciousEmail).isEmpty)
        #expect(report.findings(.missingPoint).isEmpty)
    }

    @Test func completenessIsMeasuredPerSourceAndForTheMap() throws {
        let report = try Self.audit()
        let sources = report.completeness.map(\.source)
        #expect(sources == ["ancienne-liste", "partenaire", nil])
        let partner = try #require(report.completeness.first { $0.source == "partenaire" })
        #expect(partner.records == 9)
        #expect(partner.share(.name) == 1)
        #expect(partner.share(.phone) == 4.0 / 9)
        #expect(partner.share(.street) == 5.0 / 9)
        #expect(partner.share(.companyNumber) == 0)
        #expect(report.precisions == ["housenumber": 4, "locality": 6])
    }

    @Test(arguments: [
        ("0000000000", true), ("+32000000000", true), ("0123456789", true),
        ("+33198765432", true), ("+3281223344", false), ("0475 12 34 56", false),
    ])
    func placeholderNumbersAreRecognised(number: String, isPlaceholder: Bool) {
        #expect(Audit.isPlaceholder(digits: number.filter(\.isNumber)) == isPlaceholder)
    }

    @Test(arguments: [
        ("test@example.com", true), ("jean@ferme.test", true), ("no-reply@ferme.be", true),
        ("jean.dupont@gmail.com", false), ("info@ferme.be", false),
    ])
    func placeholderAddressesAreRecognised(address: String, isPlaceholder: Bool) {
        #expect(Audit.isPlaceholder(email: address) == isPlaceholder)
    }

    @Test func aPhoneOnManyEntitiesIsSuspicious() throws {
        let fields = (1...3).map { index in
            EntityFields(
                name: "Ferme \(index)", locality: "Namur", country: "BE",
                phones: ["+3281223344"])
        }
        let entities = fields.enumerated().map { index, fields in
            StoredEntity(
                fid: Int64(index), uid: "e\(index)", fields: fields, location: nil,
                status: "active", firstSeen: "", lastSeen: "")
        }
        let findings = Audit().checkContacts(entities)
        #expect(findings.count == 3)
        #expect(findings.allSatisfy { $0.check == .suspiciousPhone })
        #expect(findings.allSatisfy { $0.reason == .shared(entities: 3) })
    }

    /// The test PostgreSQL server, when one runs (`.ci/postgis start`; CI starts it).
    static let postgresURL = ProcessInfo.processInfo.environment["GLANEUR_TEST_POSTGRES_URL"]

    @Test(
        .enabled(
            if: postgresURL != nil,
            "no test PostgreSQL server: set GLANEUR_TEST_POSTGRES_URL (.ci/postgis start)"))
    func postgresGivesTheSameFindings() throws {
        let url = try #require(Self.postgresURL)
        let schema = "audit_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: url)
        try admin.execute("CREATE SCHEMA \(schema)")
        defer { try? admin.execute("DROP SCHEMA \(schema) CASCADE") }
        let separator = url.contains("?") ? "&" : "?"
        let store = try PostgresStore(
            url: url + separator + "options=-c%20search_path%3D\(schema)%2Cpublic")
        try Self.fill(store) { try store.connection.execute($0) }

        let report = try Audit(options: Self.options()).run(on: store, database: "postgres")
        let expected = try Self.audit()
        func summary(_ report: AuditReport) -> [String] {
            report.findings.map { "\($0.check.rawValue) \($0.entity.uid) \($0.value)" }.sorted()
        }
        #expect(summary(report) == summary(expected))
        #expect(report.completeness.map(\.records) == expected.completeness.map(\.records))
    }

    @Test func anEntityIsNoDuplicateOfItself() {
        // Two of the name's tokens sound alike: blocking puts the entity twice in a block.
        let entities = ["Hoeve ten Hove", "Ferme du Chêne"].enumerated().map { index, name in
            StoredEntity(
                fid: Int64(index), uid: "e\(index)",
                fields: EntityFields(
                    name: name, street: "Kerkstraat", houseNumber: "1", postcode: "3700",
                    locality: "Tongeren", country: "BE", phones: ["+3212\(234560 + index)"]),
                location: nil, status: "active", firstSeen: "", lastSeen: "")
        }
        let audit = Audit(options: Self.options())
        let findings = audit.checkDuplicates(
            entities, normalized: audit.normalize(entities),
            places: entities.map { _ in .unplaced(reason: "", steps: []) })
        #expect(findings.isEmpty)
    }

    // MARK: - Documents

    @Test func thePageEscapesEveryValue() throws {
        let html = try AuditDocument(report: try Self.audit()).html()
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>alert(1)"))
        // No script, no external resource: the page stands alone.
        #expect(!html.contains("<script"))
        for reference in ["src=", "href=\"http", "<link", "@import", "url("] {
            #expect(!html.contains(reference), "\(reference)")
        }
        #expect(html.contains("<svg"))
        #expect(html.contains("<circle"))
        #expect(html.contains("Audit de la carte"))
        #expect(html.contains("audit-complete"))
    }

    @Test func theJSONListsTheEntitiesOfEachFinding() throws {
        let json = AuditDocument(report: try Self.audit()).json()
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["entities"] as? Int == Self.entities.count)
        let findings = try #require(object["findings"] as? [String: [String: Any]])
        #expect(Set(findings.keys) == Set(AuditCheck.allCases.map(\.rawValue)))
        let phones = try #require(findings["invalid-phone"]?["items"] as? [[String: Any]])
        #expect(phones.first?["uid"] as? String == "bad-phone")
        #expect(phones.first?["name"] as? String == "Chèvrerie des Collines")
        #expect(phones.first?["locality"] as? String == "Jambes")
        #expect(phones.first?["value"] as? String == "+32812")
        let emails = try #require(findings["invalid-email"]?["items"] as? [[String: Any]])
        #expect(emails.first?["name"] as? String == "<script>alert(1)</script>")
        let duplicates = try #require(
            findings["likely-duplicate"]?["items"] as? [[String: Any]])
        let other = try #require(duplicates.first?["other"] as? [String: Any])
        #expect(
            Set([duplicates.first?["uid"] as? String, other["uid"] as? String]) == [
                "twin-a", "twin-b",
            ])
    }

    @Test func dutchChangesEveryLabel() throws {
        let document = AuditDocument(report: try Self.audit())
        let french = try document.html(language: "fr")
        let dutch = try document.html(language: "nl")
        #expect(dutch.contains("<html lang=\"nl\">"))
        #expect(dutch.contains("Audit van de kaart"))
        for check in AuditCheck.allCases {
            let frenchTitle = try #require(AuditStrings.french.checks[check])
            let dutchTitle = try #require(AuditStrings.dutch.checks[check])
            #expect(french.contains(HTMLPage.escape(frenchTitle)))
            #expect(dutch.contains(HTMLPage.escape(dutchTitle)))
            #expect(!dutch.contains(HTMLPage.escape(frenchTitle)))
        }
        for field in AuditField.allCases {
            #expect(AuditStrings.dutch.fields[field] != nil)
            #expect(AuditStrings.french.fields[field] != nil)
        }
        // The deduplicator's evidence is translated too.
        #expect(dutch.contains("waarschijnlijkheid"))
        for english in Comparison.allCases.flatMap(\.levels) {
            #expect(!dutch.contains(english), "\(english)")
            #expect(!french.contains(english), "\(english)")
        }
        #expect(dutch.contains("Gent"))
        #expect(!dutch.contains("Sommaire"))
    }

    // MARK: - Outlines

    @Test func theOutlinesPlacePointsInTheirCountry() throws {
        let outlines = try CountryOutlines.shipped()
        let places: [(String, Double, Double)] = [
            ("BE", 50.8503, 4.3517), ("FR", 48.8566, 2.3522), ("CH", 46.9480, 7.4474),
            ("LU", 49.6116, 6.1319), ("NL", 52.3676, 4.9041), ("DE", 50.9375, 6.9603),
        ]
        for (code, latitude, longitude) in places {
            let found = outlines.countries(containing: longitude, latitude).map(\.code)
            #expect(found == [code], "\(latitude), \(longitude)")
        }
        #expect(outlines.countries(containing: 2.55, 51.60).isEmpty)
        let belgium = try #require(outlines.country("BE"))
        let distance = outlines.distance(from: 2.55, 51.60, to: belgium)
        #expect(distance > 20 && distance < 60)
    }
}
