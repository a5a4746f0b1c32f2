import Testing

@testable import Resolve

@Suite struct PhoneticTests {
    @Test(arguments: [
        ("dubois", "duboys"), ("verhaeghe", "verhaege"), ("moulin", "moulins"),
        ("philippe", "filipe"), ("meulemeester", "meulemeestre"), ("dewitte", "dewite"),
        ("caillou", "kaillou"),
    ])
    func soundsAlike(_ pair: (String, String)) {
        #expect(Phonetic.key(pair.0) == Phonetic.key(pair.1))
    }

    @Test(arguments: [("dubois", "dupont"), ("moulin", "marais"), ("bosquet", "bouquet")])
    func soundsDifferent(_ pair: (String, String)) {
        #expect(Phonetic.key(pair.0) != Phonetic.key(pair.1))
    }
}

@Suite struct TokenSimilarityTests {
    /// Reference values of the Jaro–Winkler similarity from its literature.
    @Test(arguments: [
        ("martha", "marhta", 0.961), ("dwayne", "duane", 0.840), ("dixon", "dicksonx", 0.813),
        ("abc", "abc", 1.0), ("abc", "xyz", 0.0),
    ])
    func jaroWinkler(_ case: (String, String, Double)) {
        let value = TokenSimilarity.jaroWinkler(Array(`case`.0.utf8), Array(`case`.1.utf8))
        #expect(abs(value - `case`.2) < 0.001)
    }

    @Test func aLetterAddedToALongTextStaysClose() {
        let value = TokenSimilarity.editSimilarity(
            Array("ruue du bosquet".utf8), Array("rue du bosquet".utf8))
        #expect(value > 0.9)
    }

    /// The bounded test answers as the whole table does, on texts near and far apart.
    @Test(arguments: [0.5, 0.8, 0.85, 0.9, 1.0])
    func boundedEditTestAgreesWithTheDistance(_ threshold: Double) {
        var random = SplitMix(seed: UInt64(threshold * 1000))
        let letters = Array("abcde ".utf8)
        func text() -> [UInt8] {
            (0..<Int(random.next() % 14)).map { _ in letters[Int(random.next() % 6)] }
        }
        for _ in 0..<20_000 {
            let a = text()
            var b = random.next() % 2 == 0 ? text() : a
            // A few edits of the first text, so that many pairs lie near the threshold.
            for _ in 0..<Int(random.next() % 4) where !b.isEmpty {
                let position = Int(random.next() % UInt64(b.count))
                switch random.next() % 3 {
                case 0: b.remove(at: position)
                case 1: b.insert(letters[Int(random.next() % 6)], at: position)
                default: b.swapAt(position, (position + 1) % b.count)
                }
            }
            let expected = TokenSimilarity.editSimilarity(a, b) >= threshold
            let bounded = a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    TokenSimilarity.isEditSimilar(a, b, atLeast: threshold)
                }
            }
            #expect(bounded == expected, "\(a) \(b)")
        }
    }

    @Test func swappedLettersCountAsOneEdit() {
        let value = TokenSimilarity.editSimilarity(Array("hofstraat".utf8), Array("hosftraat".utf8))
        #expect(value >= 0.85)
    }
}

@Suite struct AddressKeyTests {
    @Test(
        arguments: [
            ("Grand Route 12 ter", nil, "grand route", "12"),
            ("Grand Route", "12ter", "grand route", "12"),
            ("Rue de la Gare", "12 bte 4", "rue de la gare", "12"),
            ("Kerkstraat", nil, "kerkstraat", nil),
        ] as [(String, String?, String, String?)])
    func numbersLeaveTheStreet(_ case: (String, String?, String, String?)) {
        let (street, number) = MatchRecord.streetAndNumber(street: `case`.0, number: `case`.1)
        #expect(street == `case`.2)
        #expect(number == `case`.3)
    }
}

@Suite struct TokenPrefilterTests {
    /// The letters test only skips comparisons that could not reach the threshold: over
    /// every pair of tokens of names with typos, swaps and shared letters, the similarity
    /// is the one the full comparison gives.
    @Test func skipsOnlyPairsThatCouldNotReachTheThreshold() {
        var random = SplitMix(seed: 11)
        let letters = Array("aeioubcdfghlmnrstvwy".utf8)
        var words: [String] = []
        for _ in 0..<150 {
            let length = 2 + Int(random.next() % 9)
            let word = (0..<length).map { _ in letters[Int(random.next() % 20)] }
            words.append(String(decoding: word, as: UTF8.self))
            // A typo, a swap and a dropped letter of the same word.
            var typo = word
            typo[Int(random.next() % UInt64(length))] = letters[Int(random.next() % 20)]
            var swap = word
            swap.swapAt(0, length - 1)
            for variant in [typo, swap, Array(word.dropLast())] where !variant.isEmpty {
                words.append(String(decoding: variant, as: UTF8.self))
            }
        }
        let corpus = Corpus(
            records: words.indices.map { record($0, name: words[$0]) }, threads: 1)
        let count = Int32(corpus.tokenBytes.count)
        var skipped = 0
        for a in 0..<count {
            for b in 0..<count where a != b {
                let left = Array(corpus.tokenBytes[Int(a)])
                let right = Array(corpus.tokenBytes[Int(b)])
                let full = TokenSimilarity.jaroWinkler(left, right)
                let expected = max(
                    full >= 0.88 ? full : 0,
                    corpus.tokenPhonetic[Int(a)] == corpus.tokenPhonetic[Int(b)]
                        && min(left.count, right.count) >= 3 ? 0.9 : 0)
                guard !corpus.tokenIsNumber[Int(a)], !corpus.tokenIsNumber[Int(b)] else {
                    continue
                }
                #expect(corpus.tokenSimilarity(a, b) == expected, "\(left) \(right)")
                let mayBe = left.withUnsafeBufferPointer { left in
                    right.withUnsafeBufferPointer { right in
                        corpus.mayBeSimilar(a, b, left, right, atLeast: 0.88)
                    }
                }
                if !mayBe { skipped += 1 }
            }
        }
        // The test means something only if most pairs were skipped.
        #expect(skipped > Int(count) * Int(count) / 2)
    }
}

/// Records written the way the matcher sees them, for comparisons without files.
func record(
    _ row: Int, name: String, phones: [String] = [], emails: [String] = [],
    company: String? = nil, street: String? = nil, number: String? = nil,
    postcode: String? = nil, locality: String? = nil, legalForm: String? = nil,
    point: (Double, Double)? = nil
) -> MatchRecord {
    var record = MatchRecord(file: "list.csv", row: row, source: "list")
    record.name = name
    record.nameTokens = MatchRecord.nameTokens(
        name.lowercased().split(separator: " ").sorted().joined(separator: " "))
    record.phones = phones
    record.emails = emails
    record.companyNumber = company
    record.street = street
    record.houseNumber = number
    record.postcode = postcode
    record.locality = locality
    record.localityID = locality
    record.legalForm = legalForm
    record.point = point.map { MatchPoint(latitude: $0.0, longitude: $0.1, radius: 3) }
    return record
}

@Suite struct ComparisonTests {
    @Test func abbreviationsAndOrderDoNotChangeTheName() {
        let corpus = Corpus(records: [
            record(1, name: "Ferme Saint Joseph"), record(2, name: "Joseph Fme St"),
        ])
        #expect(corpus.compare(0, 1).pattern[.name] == 0)
    }

    @Test func sharedGenericWordsAloneAreNotTheSameName() {
        let corpus = Corpus(records: [
            record(1, name: "ferme moulin"), record(2, name: "ferme marais"),
            record(3, name: "ferme bosquet"), record(4, name: "ferme tilleuls"),
        ])
        let level = corpus.compare(0, 1).pattern[.name]
        #expect(level == 4)
    }

    @Test func aTypoInARareWordStillMatchesClosely() {
        let corpus = Corpus(records: [
            record(1, name: "ferme bosquet"), record(2, name: "ferme bosqet"),
            record(3, name: "ferme moulin"),
        ])
        let level = corpus.compare(0, 1).pattern[.name]
        #expect(level <= 2)
    }

    @Test func identifiersAgreeOrDisagree() {
        let corpus = Corpus(records: [
            record(1, name: "a", phones: ["+3281000000"], emails: ["a@x.be"], company: "1"),
            record(2, name: "a", phones: ["+3281000000"], emails: ["b@x.be"], company: "2"),
            record(3, name: "a"),
        ])
        let pattern = corpus.compare(0, 1).pattern
        #expect(pattern[.phone] == 0)
        #expect(pattern[.email] == 1)
        #expect(pattern[.companyNumber] == 1)
        #expect(corpus.compare(0, 2).pattern[.phone] == Pattern.null)
    }

    @Test(arguments: [
        // Same locality and postcode; same postcode only; 10 km apart with 3 km radii;
        // 100 km apart.
        ((50.0, 4.0), "5000", "namur", (50.0, 4.0), "5000", "namur", UInt8(0)),
        ((50.0, 4.0), "5000", "namur", (50.0, 4.0), "5000", "jambes", UInt8(1)),
        ((50.0, 4.0), "5000", "a", (50.09, 4.0), "5100", "b", UInt8(2)),
        ((50.0, 4.0), "5000", "a", (50.9, 4.0), "1000", "b", UInt8(4)),
    ])
    func locationWeighsPrecision(
        _ case: ((Double, Double), String, String, (Double, Double), String, String, UInt8)
    ) {
        let corpus = Corpus(records: [
            record(1, name: "x", postcode: `case`.1, locality: `case`.2, point: `case`.0),
            record(2, name: "x", postcode: `case`.4, locality: `case`.5, point: `case`.3),
        ])
        #expect(corpus.compare(0, 1).pattern[.location] == `case`.6)
    }

    @Test func streetTyposKeepTheAddress() {
        let corpus = Corpus(records: [
            record(1, name: "x", street: "rue du bosquet", number: "8"),
            record(2, name: "x", street: "ruue du bosquet", number: "8"),
            record(3, name: "x", street: "chaussee de namur", number: "8"),
        ])
        #expect(corpus.compare(0, 1).pattern[.address] == 0)
        #expect(corpus.compare(0, 2).pattern[.address] == 2)
    }

    @Test func commonPhonesWeighLessThanRareOnes() {
        var records = (1...20).map { record($0, name: "n\($0)", phones: ["+3281000000"]) }
        records.append(record(21, name: "x", phones: ["+3281999999"]))
        records.append(record(22, name: "y", phones: ["+3281999999"]))
        let corpus = Corpus(records: records)
        #expect(
            corpus.compare(0, 1).frequencyAdjustment < corpus.compare(20, 21).frequencyAdjustment)
    }
}
