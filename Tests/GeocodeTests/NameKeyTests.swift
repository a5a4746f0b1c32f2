import Testing

@testable import Geocode

@Suite struct NameKeyTests {
    @Test(arguments: [
        ("Saint-Rémy-de-Provence", "ST REMY DE PROVENCE"),
        ("Sainte-Marie", "Ste Marie"),
        ("Sint-Truiden", "St-Truiden"),
        ("Braine-l'Alleud", "Braine l Alleud"),
        ("Villeneuve-d'Ascq", "villeneuvedascq"),
        ("Liège", "LIEGE"),
    ])
    func spellingVariantsShareTheCompactKey(reference: String, written: String) {
        #expect(NameKey(reference).compact == NameKey(written).compact)
    }

    @Test(arguments: [("Namur", "Namen"), ("Lille", "Lillers"), ("Gand", "Gent")])
    func differentNamesKeepDifferentKeys(first: String, second: String) {
        #expect(NameKey(first).compact != NameKey(second).compact)
    }

    @Test(arguments: [("Bruxelles", "Bruxelle"), ("Lieges", "Liege")])
    func soundAlikeSpellingsSharePhoneticKey(first: String, second: String) {
        #expect(NameKey(first).phonetic == NameKey(second).phonetic)
    }

    @Test(arguments: [
        ("kitten", "sitting", 3), ("ca", "ac", 1), ("namur", "namur", 0), ("", "abc", 3),
        ("charleroi", "charelroi", 1),
    ])
    func editDistanceCountsTranspositionsOnce(a: String, b: String, expected: Int) {
        #expect(NameDistance.distance(Array(a.utf8), Array(b.utf8)) == expected)
    }

    @Test func distanceStopsPastTheLimit() {
        let far = NameDistance.distance(Array("abcdefgh".utf8), Array("zyxwvuts".utf8), limit: 2)
        #expect(far == 3)
    }

    @Test(arguments: [
        ("B-5000", "5000", "BE"), ("F-59000", "59000", "FR"), ("CH-1200", "1200", "CH"),
        ("L-4001", "4001", "LU"), ("59 000", "59000", nil), ("5000", "5000", nil),
    ])
    func postcodesWithPrefixes(raw: String, code: String, country: String?) {
        let read = Postcodes.read(raw)
        #expect(read.code == code)
        #expect(read.country == country)
    }

    @Test(arguments: [
        ("59000", ["59000"], 1.0), ("59001", ["59000"], 0.6),
        ("59830", ["59000"], 0.35), ("62000", ["59000"], 0.0),
    ])
    func postcodeAgreement(query: String, codes: [String], expected: Double) throws {
        let code = try #require(PostcodeCode.make(query))
        #expect(
            PostcodeCode.agreement(code, with: codes.compactMap(PostcodeCode.make))
                == expected)
    }
}
