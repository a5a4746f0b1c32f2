import Testing

@testable import Resolve

/// A small list of producers with known duplicates, written the way partners vary them.
struct SyntheticList {
    var records: [MatchRecord] = []
    var entityOfRecord: [String: String] = [:]

    static let words = [
        "bosquet", "tilleuls", "marronniers", "hirondelles", "coquelicots", "peupliers",
        "chataigniers", "ruisseau", "colline", "bruyere", "sapiniere", "vallon", "linde",
        "leeuwerik", "zonnebloem", "kastanje", "meersen", "beukenhof", "vlasbloem", "heide",
    ]
    static let consonants = ["b", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v"]
    static let vowels = ["a", "e", "i", "o", "u", "ou", "ai"]
    static let generic = ["ferme", "domaine", "hoeve", "jardins", "verger"]
    static let streets = ["rue de la gare", "kerkstraat", "chemin des pres", "dorpsstraat"]

    init(entities: Int, duplicates: Int, seed: UInt64) {
        var random = SplitMix(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        var originals: [MatchRecord] = []
        for entity in 0..<entities {
            var record = MatchRecord(file: "a.csv", row: entity + 1, source: "a")
            // A made-up family name makes most producers' names distinct, as in life.
            let family = (0..<3).map { _ in pick(Self.consonants) + pick(Self.vowels) }
                .joined()
            let name = [pick(Self.generic), pick(Self.words), family]
            record.name = name.joined(separator: " ")
            record.nameTokens = MatchRecord.nameTokens(name.sorted().joined(separator: " "))
            record.phones = ["+32" + String(81_000_000 + Int(random.next() % 900_000))]
            record.street = pick(Self.streets)
            record.houseNumber = String(1 + random.next() % 80)
            let postcode = 1000 + Int(random.next() % 40) * 100
            record.postcode = String(postcode)
            record.localityID = "L\(postcode)"
            record.point = MatchPoint(
                latitude: 50 + Double(postcode % 1000) / 1000,
                longitude: 4 + Double(postcode / 1000) / 10, radius: 3)
            originals.append(record)
            records.append(record)
            entityOfRecord[record.label] = "E\(entity)"
        }
        for copy in 0..<duplicates {
            let entity = Int(random.next() % UInt64(entities))
            var record = originals[entity]
            record.file = "b.csv"
            record.row = copy + 1
            switch copy % 4 {
            case 0: record.phones = []
            case 1:
                // A typo in the name's rarest word.
                var tokens = record.nameTokens
                let index = tokens.indices.last ?? 0
                tokens[index] = String(tokens[index].dropLast()) + "e"
                record.nameTokens = tokens.sorted()
            case 2: record.street = (record.street ?? "") + "e"
            default: record.phones = ["+32" + String(470_000_000 + copy)]
            }
            records.append(record)
            entityOfRecord[record.label] = "E\(entity)"
        }
    }
}

@Suite struct ResolverTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func findsTheDuplicatesOfASyntheticList(seed: UInt64) {
        let list = SyntheticList(entities: 400, duplicates: 120, seed: seed)
        let corpus = Corpus(records: list.records)
        var options = Resolver.Options()
        options.randomPairs = 5000
        let resolution = Resolver(options: options).resolve(corpus)
        var clusters: [String: String] = [:]
        for (index, record) in corpus.records.enumerated() {
            clusters[record.label] = "C\(resolution.clusterOfRecord[index])"
        }
        let evaluation = Evaluation(truth: list.entityOfRecord, clusters: clusters)
        #expect(evaluation.f1 > 0.95, "F1 \(evaluation.f1), prior \(resolution.model.prior)")
    }

    @Test func anAnswerOverridesTheModel() {
        let list = SyntheticList(entities: 200, duplicates: 40, seed: 7)
        let corpus = Corpus(records: list.records)
        // The first duplicate and its original: told apart by a person.
        let duplicate = corpus.records[200]
        let original = corpus.records.first {
            list.entityOfRecord[$0.label] == list.entityOfRecord[duplicate.label]
                && $0.file == "a.csv"
        }
        let originalLabel = original?.label ?? ""
        var options = Resolver.Options()
        options.randomPairs = 5000
        options.answers = [
            PairAnswer(first: duplicate.label, second: originalLabel, isMatch: false)
        ]
        let resolution = Resolver(options: options).resolve(corpus)
        let originalIndex = corpus.records.firstIndex { $0.label == originalLabel } ?? 0
        #expect(resolution.clusterOfRecord[200] != resolution.clusterOfRecord[originalIndex])
        #expect(
            !resolution.reviewPairs.contains {
                Set([$0.first, $0.second]) == Set([Int32(200), Int32(originalIndex)])
            })
    }

    @Test func aFixedProbabilityStaysFixed() {
        let list = SyntheticList(entities: 200, duplicates: 40, seed: 9)
        var options = Resolver.Options()
        options.randomPairs = 5000
        options.overrides = [
            FellegiSunterModel.Override(parsing: "phone.m.0=0.42")
        ].compactMap { $0 }
        let resolution = Resolver(options: options).resolve(Corpus(records: list.records))
        #expect(resolution.model.m[Comparison.phone.rawValue][0] == 0.42)
    }

    @Test(arguments: ["phone.m.0=2", "nothing.m.0=0.5", "phone.x.0=0.5", "phone.m.9=0.5"])
    func badOverridesAreRefused(_ text: String) {
        #expect(FellegiSunterModel.Override(parsing: text) == nil)
    }
}
