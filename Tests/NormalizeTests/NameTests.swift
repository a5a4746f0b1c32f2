import Testing

@testable import Normalize

@Suite struct LegalFormTests {
    @Test(arguments: [
        ("SPRL Ferme du Bois Joli", "Ferme du Bois Joli", "SPRL", "private-limited"),
        ("Bois Joli sprl", "Bois Joli", "SPRL", "private-limited"),
        ("Hoeve De Linde BV", "Hoeve De Linde", "BV", "private-limited"),
        ("Ferme Bruchez, SA", "Ferme Bruchez", "SA", "public-limited"),
        ("Hoeve De Linde (BVBA)", "Hoeve De Linde", "BVBA", "private-limited"),
        ("Ferme du Moulin S.P.R.L.", "Ferme du Moulin", "SPRL", "private-limited"),
        ("Biohaff Becker S.à r.l.", "Biohaff Becker", "S.à r.l.", "private-limited"),
        ("Cave Favre Sàrl", "Cave Favre", "Sàrl", "private-limited"),
        ("Käserei Huber GmbH", "Käserei Huber", "GmbH", "private-limited"),
        ("Le Potager des Sources, asbl", "Le Potager des Sources", "ASBL", "non-profit"),
        ("Geitenboerderij De Molen VZW", "Geitenboerderij De Molen", "VZW", "non-profit"),
        ("Zuivelhoeve Vanhove CommV", "Zuivelhoeve Vanhove", "CommV", "limited-partnership"),
        ("EARL de la Source", "de la Source", "EARL", "earl"),
        ("Les Vergers Martin E.A.R.L.", "Les Vergers Martin", "EARL", "earl"),
        ("Brouwerij De Eik CVBA", "Brouwerij De Eik", "CVBA", "cooperative"),
        ("Dupont SCRL - Ferme du Moulin", "Dupont - Ferme du Moulin", "SCRL", "cooperative"),
        ("Brasserie Denis, ei", "Brasserie Denis", "EI", "sole-trader"),
        ("Ferme du Try (sc)", "Ferme du Try", "SC", "cooperative"),
    ])
    func extracts(_ name: String, _ rest: String, _ code: String, _ kind: String) {
        let extraction = LegalForms.extract(from: name)
        #expect(extraction.name == rest)
        #expect(extraction.form?.code == code)
        #expect(extraction.form?.kind == kind)
    }

    @Test(arguments: [
        "Ferme du Bois Joli", "Ferme de sa grand-mère", "Hoeve Ei en Kip", "Bv", "SA",
        "Le Sart", "Ferme Sas",
    ])
    func leavesNamesWithoutFormAlone(_ name: String) {
        let extraction = LegalForms.extract(from: name)
        #expect(extraction.form == nil)
        #expect(extraction.name == name)
    }

    @Test(arguments: [("SPRL", "SRL"), ("BVBA", "BV"), ("SCRL", "SC"), ("CVBA", "CV")])
    func oldBelgianFormsEqualTheNewOnes(_ old: String, _ new: String) throws {
        let former = try #require(LegalForms.form(old))
        let current = try #require(LegalForms.form(new))
        #expect(former.isFormer)
        #expect(former.current == new)
        #expect(former.isEquivalent(to: current))
        #expect(!current.isFormer)
    }

    @Test func frenchAndDutchNamesOfOneFormAreEquivalent() throws {
        let pairs = [("SA", "NV"), ("ASBL", "VZW"), ("SRL", "BV"), ("SNC", "VOF")]
        for (french, dutch) in pairs {
            let a = try #require(LegalForms.form(french))
            let b = try #require(LegalForms.form(dutch))
            #expect(a.isEquivalent(to: b), "\(french) and \(dutch)")
        }
        let gaec = try #require(LegalForms.form("GAEC"))
        let sa = try #require(LegalForms.form("SA"))
        #expect(!gaec.isEquivalent(to: sa))
    }

    @Test func countryPicksSwissAndLuxembourgSpellings() {
        #expect(LegalForms.extract(from: "Cave Favre SARL", country: "CH").form?.code == "Sàrl")
        #expect(LegalForms.extract(from: "Cave Favre SARL", country: "FR").form?.code == "SARL")
    }
}

@Suite struct TradeWordTests {
    @Test(arguments: [
        ("La Ferme du Bois Joli", ["ferme"], "bois joli"),
        ("Hoeve De Linde", ["hoeve"], "linde"),
        ("Bio-Boerderij 't Hof", ["bio", "boerderij", "hof"], "bio boerderij hof"),
        ("Domaine des Trois Chênes", ["domaine"], "chenes trois"),
        ("Dupont", [], "dupont"),
    ])
    func marksGenericWords(_ name: String, _ generic: [String], _ distinctive: String) {
        #expect(TradeWords.genericWords(in: name) == generic)
        #expect(TradeWords.distinctiveKey(name) == distinctive)
    }
}
