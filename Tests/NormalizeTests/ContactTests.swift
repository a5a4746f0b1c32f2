import Testing

@testable import Normalize

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        // Belgium, in both languages' habits.
        ("081/23.45.67", "BE" as String?, "+3281234567", PhoneKind.fixedLine),
        ("+32 (0)81 23 45 67", "BE", "+3281234567", .fixedLine),
        ("0032 81 23 45 67", nil, "+3281234567", .fixedLine),
        ("02 731 52 35", "BE", "+3227315235", .fixedLine),
        ("0475 12 34 56", "BE", "+32475123456", .mobile),
        ("0475.12.34.56", "BE", "+32475123456", .mobile),
        // France.
        ("03.20.12.34.56", "FR", "+33320123456", .fixedLine),
        ("+33 6 12 34 56 78", nil, "+33612345678", .mobile),
        ("06-12-34-56-78", "FR", "+33612345678", .mobile),
        // Switzerland and Luxembourg.
        ("021 123 45 67", "CH", "+41211234567", .fixedLine),
        ("079 063 69 94", "CH", "+41790636994", .mobile),
        ("26 00 67 10", "LU", "+35226006710", .fixedLineOrMobile),
        ("621 941 442", "LU", "+352621941442", .mobile),
        ("+352 621 941 442", nil, "+352621941442", .mobile),
    ])
    func formatsE164(_ written: String, _ region: String?, _ e164: String, _ kind: PhoneKind) {
        let number = PhoneNumbers.parse(written, region: region)
        #expect(number.e164 == e164)
        #expect(number.isValid)
        // Luxembourg's fixed lines: libphonenumber cannot tell them from mobiles.
        if kind != .fixedLineOrMobile { #expect(number.kind == kind) }
    }

    @Test(arguments: [
        ("081/23.45.6", "BE" as String?), ("0800", "BE"), ("12345678901234", "FR"), ("n/a", "BE"),
        ("+32 9 792 76 40", nil),
    ])
    func keepsInvalidNumbersAsWritten(_ written: String, _ region: String?) {
        let number = PhoneNumbers.parse(written, region: region)
        #expect(!number.isValid)
        #expect(number.e164 == nil)
        #expect(number.written == written)
    }

    @Test(arguments: [
        ("081 23 45 67 / 0475 12 34 56", ["081 23 45 67", "0475 12 34 56"]),
        ("26 00 67 10; 621 941 442", ["26 00 67 10", "621 941 442"]),
        ("03 20 12 34 56 ou 06 12 34 56 78", ["03 20 12 34 56", "06 12 34 56 78"]),
        ("051 58 83 37 of 0497 09 71 66", ["051 58 83 37", "0497 09 71 66"]),
        ("+32 81 23 45 67 - +32 475 12 34 56", ["+32 81 23 45 67", "+32 475 12 34 56"]),
        ("081/23.45.67", ["081/23.45.67"]),
        ("621-941-442", ["621-941-442"]),
    ])
    func splitsCells(_ cell: String, _ numbers: [String]) {
        #expect(PhoneNumbers.split(cell: cell) == numbers)
    }

    /// The fast path must give libphonenumber's own answers: compare it with the library's
    /// text parser (and its IsValidNumber) over many spellings of many numbers.
    @Test func fastPathAgreesWithTheLibraryParser() {
        // A fixed seed: a failure names a spelling that fails again on the next run.
        var generator = SplitMix64(seed: 2026)
        var compared = 0
        let regions = ["BE", "FR", "CH", "LU"]
        for _ in 0..<2000 {
            let region = regions.randomElement(using: &generator) ?? "BE"
            let digits = (0..<9).map { _ in String(Int.random(in: 0...9, using: &generator)) }
            let leads = ["4", "8", "2", "6", "7", "3", "9", "1"]
            let national =
                leads[Int.random(in: 0..<leads.count, using: &generator)]
                + digits.joined()
            let length =
                region == "FR" || region == "CH" ? 9 : Int.random(in: 8...9, using: &generator)
            let body = String(national.prefix(length))
            let code = ["BE": "32", "FR": "33", "CH": "41", "LU": "352"][region] ?? "32"
            let spellings =
                region == "LU"
                ? [body, "+352 " + body, "00352 " + body]
                : [
                    "0" + body, "+\(code) " + body, "00\(code) " + body, "+\(code) (0)" + body,
                    "0" + body.prefix(2) + "/" + body.dropFirst(2),
                ]
            for spelling in spellings {
                let fast = PhoneNumbers.parse(spelling, region: region)
                let reference = PhoneNumbers.parseWithLibraryParser(spelling, region: region)
                #expect(fast.e164 == reference.e164, "\(spelling) in \(region)")
                #expect(fast.isValid == reference.isValid, "\(spelling) in \(region)")
                #expect(fast.kind == reference.kind, "\(spelling) in \(region)")
                compared += 1
            }
        }
        #expect(compared > 1000)
    }
}

@Suite struct EmailTests {
    @Test(arguments: [
        ("Jean.Dupont@Ferme-Dupont.BE", ["Jean.Dupont@ferme-dupont.be"]),
        (" info@hoeve.be ", ["info@hoeve.be"]),
        ("jean[at]ferme.fr", ["jean@ferme.fr"]),
        ("jean arobase ferme point fr", ["jean@ferme.fr"]),
        ("info (at) hoeve (dot) be", ["info@hoeve.be"]),
        ("a@ferme.be; b@ferme.be", ["a@ferme.be", "b@ferme.be"]),
        ("a@ferme.be / b@ferme.be", ["a@ferme.be", "b@ferme.be"]),
        ("mailto:info@ferme.ch", ["info@ferme.ch"]),
    ])
    func normalizes(_ cell: String, _ expected: [String]) {
        let addresses = Emails.parse(cell: cell)
        #expect(addresses.map(\.value) == expected)
        #expect(addresses.allSatisfy { $0.isValid })
    }

    @Test(arguments: [
        "jean.ferme.fr", "jean@ferme", "@ferme.fr", "jean@@ferme.fr", "jean@fer me.fr",
    ])
    func flagsInvalid(_ cell: String) {
        #expect(Emails.parse(cell: cell).contains { !$0.isValid })
    }
}

@Suite struct WebsiteTests {
    @Test(arguments: [
        ("www.Ferme-Dupont.be", "https://www.ferme-dupont.be", "ferme-dupont.be"),
        ("http://www.fermebruchez.ch", "http://www.fermebruchez.ch", "fermebruchez.ch"),
        ("https://www.lepotager.be/", "https://www.lepotager.be", "lepotager.be"),
        ("hoeve.be/winkel", "https://hoeve.be/winkel", "hoeve.be"),
    ])
    func normalizes(_ written: String, _ url: String, _ host: String) {
        let site = Websites.parse(written)
        #expect(site.url == url)
        #expect(site.host == host)
        #expect(site.isValid)
    }

    @Test(arguments: ["ferme dupont", "info@ferme.be", "http://", "pas de site"])
    func flagsInvalid(_ written: String) {
        #expect(!Websites.parse(written).isValid)
    }
}

@Suite struct CompanyNumberTests {
    @Test(arguments: [
        ("732 829 320", CompanyNumber.Kind.siren, "732 829 320", true),
        ("732829321", .siren, "732 829 321", false),
        ("732 829 320 00074", .siret, "732 829 320 00074", true),
        ("0403.170.701", .belgianEnterprise, "0403.170.701", true),
        ("403170701", .belgianEnterprise, "0403.170.701", true),
        ("0403.170.702", .belgianEnterprise, "0403.170.702", false),
        ("CHE-116.281.710", .swissUID, "CHE-116.281.710", true),
        ("CHE-116.281.711", .swissUID, "CHE-116.281.711", false),
        ("CHE-116.281.710 MWST", .swissVAT, "CHE-116.281.710 MWST", true),
        ("FR44 732829320", .frenchVAT, "FR44732829320", true),
        ("FR45732829320", .frenchVAT, "FR45732829320", false),
        ("BE 0403.170.701", .belgianVAT, "BE0403170701", true),
        ("LU15027442", .luxembourgVAT, "LU15027442", true),
        ("LU15027443", .luxembourgVAT, "LU15027443", false),
    ])
    func validates(
        _ written: String, _ kind: CompanyNumber.Kind, _ canonical: String, _ valid: Bool
    ) {
        let number = CompanyNumbers.parse(written)
        #expect(number.kind == kind)
        #expect(number.canonical == canonical)
        #expect(number.isValid == valid)
    }

    @Test func aBelgianRowReadsNineDigitsAsAnEnterpriseNumber() {
        #expect(CompanyNumbers.parse("403170701", country: "BE").kind == .belgianEnterprise)
        #expect(CompanyNumbers.parse("732829320", country: "FR").kind == .siren)
    }
}

/// A small seeded generator (SplitMix64) for reproducible random cases.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
