import GlaneurCore

/// One term of a product list, mapped onto the shared vocabulary.
public struct ProductTerm: Hashable, Sendable {
    /// The term as written ("oeufs bio").
    public var written: String
    /// The vocabulary key (`eggs`, `goat-cheese`), nil when the term is unknown.
    public var key: String?
    /// The broader category (`eggs`, `cheese`, `fruit`, `meat`), nil when unknown.
    public var category: String?
    /// How the term was matched: `exact`, `singular`, `phrase`, `typo`, or nil.
    public var match: String?
}

/// Free-text product lists in French, Dutch, German or English ("légumes de saison, œufs,
/// fromage de chèvre", "groenten, eieren, geitenkaas", "Gemüse, Eier") mapped to one
/// shared vocabulary, tolerant of plurals, accents, qualifiers ("bio", "frais", "verse")
/// and typing errors. Unknown terms are kept.
public enum ProductVocabulary {
    /// Each key with its category and its folded spellings in the four languages.
    static let concepts: [(key: String, category: String, spellings: [String])] = [
        (
            "vegetables", "vegetables",
            [
                "legumes", "legume", "legumes de saison", "primeurs", "groenten", "groente",
                "seizoensgroenten", "groenten van het seizoen", "gemuse", "vegetables", "veggies",
                "maraichage", "legumes bio",
            ]
        ),
        (
            "potatoes", "vegetables",
            [
                "pommes de terre", "pomme de terre", "pdt", "patates", "patate", "aardappelen",
                "aardappel", "aardappels", "patatten", "kartoffeln", "kartoffel", "potatoes",
            ]
        ),
        ("asparagus", "vegetables", ["asperges", "asperge", "spargel", "asparagus"]),
        (
            "chicory", "vegetables",
            [
                "chicons", "chicon", "endives", "endive", "witloof", "chicoree", "chicory",
            ]
        ),
        (
            "mushrooms", "vegetables",
            [
                "champignons", "champignon", "paddenstoelen", "pilze", "mushrooms",
            ]
        ),
        (
            "herbs", "vegetables",
            [
                "plantes aromatiques", "aromates", "herbes aromatiques", "fines herbes", "kruiden",
                "krauter", "herbs",
            ]
        ),
        ("fruit", "fruit", ["fruits", "fruit", "fruit de saison", "obst", "fruits de saison"]),
        ("apples", "fruit", ["pommes", "pomme", "appelen", "appels", "appel", "apfel", "apples"]),
        ("pears", "fruit", ["poires", "poire", "peren", "peer", "birnen", "pears"]),
        (
            "strawberries", "fruit",
            [
                "fraises", "fraise", "aardbeien", "aardbei", "erdbeeren", "strawberries",
            ]
        ),
        (
            "berries", "fruit",
            [
                "petits fruits", "fruits rouges", "kleinfruit", "zachtfruit", "beeren", "berries",
            ]
        ),
        (
            "eggs", "eggs",
            [
                "oeufs", "oeuf", "eieren", "ei", "scharreleieren", "eier", "eggs", "egg",
            ]
        ),
        ("milk", "dairy", ["lait", "lait cru", "melk", "rauwe melk", "milch", "milk"]),
        (
            "yogurt", "dairy",
            [
                "yaourt", "yaourts", "yogourt", "yoghourt", "yoghurt", "yogurt", "joghurt",
            ]
        ),
        ("butter", "dairy", ["beurre", "boter", "butter"]),
        (
            "ice-cream", "dairy",
            [
                "glaces", "glace", "creme glacee", "hoeve ijs", "hoeveijs", "ijs", "roomijs", "eis",
                "ice cream",
            ]
        ),
        (
            "dairy", "dairy",
            [
                "produits laitiers", "zuivel", "zuivelproducten", "milchprodukte", "dairy",
            ]
        ),
        (
            "cheese", "cheese",
            [
                "fromage", "fromages", "kaas", "hoevekaas", "kase", "cheese", "fromage fermier",
            ]
        ),
        (
            "goat-cheese", "cheese",
            [
                "fromage de chevre", "fromages de chevre", "chevre", "geitenkaas", "ziegenkase",
                "goat cheese",
            ]
        ),
        (
            "beef", "meat",
            [
                "viande bovine", "boeuf", "viande de boeuf", "rundvlees", "rundsvlees",
                "rindfleisch", "beef",
            ]
        ),
        (
            "pork", "meat",
            [
                "porc", "viande de porc", "varkensvlees", "schweinefleisch", "pork", "charcuterie",
            ]
        ),
        ("lamb", "meat", ["agneau", "lamsvlees", "lam", "lammfleisch", "lamm", "lamb", "mouton"]),
        (
            "meat-box", "meat",
            [
                "colis de viande", "colis", "vleespakketten", "vleespakket", "fleischpakete",
                "meat box",
            ]
        ),
        ("meat", "meat", ["viande", "viandes", "vlees", "fleisch", "meat"]),
        (
            "poultry", "poultry",
            [
                "volaille", "volailles", "poulet", "poulets", "gevogelte", "kip", "kippen",
                "geflugel", "poultry", "chicken",
            ]
        ),
        ("trout", "fish", ["truites", "truite", "forel", "forellen", "forelle", "trout"]),
        ("fish", "fish", ["poisson", "poissons", "vis", "fisch", "fish"]),
        (
            "honey", "honey",
            [
                "miel", "miel de fleurs", "miel toutes fleurs", "honing", "honig", "honey",
            ]
        ),
        ("bread", "bread", ["pain", "pains", "brood", "broden", "brot", "bread"]),
        ("flour", "flour-and-cereals", ["farine", "farines", "bloem", "meel", "mehl", "flour"]),
        (
            "cereals", "flour-and-cereals",
            [
                "cereales", "cereale", "granen", "graan", "getreide", "cereals",
            ]
        ),
        ("beer", "beer", ["biere", "bieres", "bier", "bieren", "beer"]),
        ("wine", "wine", ["vin", "vins", "wijn", "wijnen", "wein", "wine"]),
        (
            "apple-juice", "juices",
            [
                "jus de pomme", "jus de pommes", "appelsap", "apfelsaft", "apple juice",
            ]
        ),
        ("juices", "juices", ["jus", "jus de fruits", "sap", "sappen", "saft", "juice"]),
        ("cider", "cider", ["cidre", "cider", "apfelwein"]),
        (
            "jam", "preserves",
            [
                "confitures", "confiture", "confituur", "konfiture", "marmelade", "jam",
            ]
        ),
        ("preserves", "preserves", ["conserves", "bocaux", "conserven", "preserves"]),
        ("flowers", "plants", ["fleurs", "fleur", "bloemen", "blumen", "flowers"]),
        ("plants", "plants", ["plants", "plantes", "planten", "pflanzen", "plantjes"]),
    ]

    /// Folded spelling to concept index.
    static let phrases: [String: Int] = {
        var table: [String: Int] = [:]
        for (index, concept) in concepts.enumerated() {
            for spelling in concept.spellings where table[spelling] == nil {
                table[spelling] = index
            }
        }
        return table
    }()

    /// Single-word spellings grouped by length, for the typo search.
    static let wordsByLength: [Int: [(String, Int)]] = {
        var table: [Int: [(String, Int)]] = [:]
        for (spelling, index) in phrases {
            table[spelling.count, default: []].append((spelling, index))
        }
        return table
    }()

    /// Words that qualify a product without changing what it is.
    static let qualifiers: Set<String> = [
        "bio", "biologique", "biologiques", "biologisch", "biologische", "frais", "fraiche",
        "fraiches", "verse", "vers", "maison", "artisanal", "artisanale", "artisanaux",
        "fermier", "fermiers", "fermiere", "fermieres", "local", "locale", "locaux", "de",
        "saison", "du", "jardin", "pakketten", "van", "het", "seizoen", "eigen", "kweek",
        "hoeve", "la", "ferme", "nos", "notre", "organic", "fresh", "frische", "frisch",
        "en", "direct", "producteur", "toutes", "fleurs", "fleur",
    ]

    /// Splits a product list and maps each term.
    public static func map(list: String) -> [ProductTerm] {
        terms(in: list).map(map(term:))
    }

    /// Maps each value of a list that the partner already split (a JSON array).
    public static func map(values: [String]) -> [ProductTerm] {
        values.flatMap { terms(in: $0) }.map(map(term:))
    }

    /// The terms of a free-text list: separators `,` `;` `/` `+` `|` `•`, spaced dashes,
    /// and the words "et", "en", "and", "und" between two terms.
    public static func terms(in list: String) -> [String] {
        // Cut at separators, scalar by scalar; a dash is a separator only between spaces.
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(list.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let separator: Bool
            switch scalar {
            case ",", ";", "/", "+", "|", "•", "\n": separator = true
            case "-", "–":
                separator =
                    index > 0 && scalars[index - 1] == " "
                    && index + 1 < scalars.count && scalars[index + 1] == " "
            default: separator = false
            }
            if separator {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        pieces.append(String(current))
        return pieces.flatMap { piece -> [String] in
            // "pain et farine", "brood en bloem": a conjunction between two known terms.
            guard piece.utf8.contains(0x20) else { return [piece] }
            let words = piece.spaceSeparatedWords
            if let conjunction = words.firstIndex(where: {
                ["et", "en", "and", "und"].contains($0)
            }), conjunction > 0, conjunction < words.count - 1 {
                let left = words[..<conjunction].joined(separator: " ")
                let right = words[(conjunction + 1)...].joined(separator: " ")
                if lookup(MatchKeys.fold(left)) != nil, lookup(MatchKeys.fold(right)) != nil {
                    return [left, right]
                }
            }
            return [piece]
        }
        .map(\.trimmingSpaces).filter { !$0.isEmpty }
    }

    /// Maps one term: exact spelling, then without qualifiers, then singular, then the
    /// longest known phrase inside it, then a spelling one or two typing errors away.
    public static func map(term: String) -> ProductTerm {
        let folded = MatchKeys.fold(term)
        let result = ProductTerm(written: term, key: nil, category: nil, match: nil)
        func found(_ index: Int, _ how: String) -> ProductTerm {
            var term = result
            term.key = concepts[index].key
            term.category = concepts[index].category
            term.match = how
            return term
        }
        if let index = phrases[folded] { return found(index, "exact") }

        let words = folded.spaceSeparatedWords
        let core = words.filter { !qualifiers.contains($0) }
        let coreText = core.joined(separator: " ")
        if !core.isEmpty, let index = phrases[coreText] { return found(index, "exact") }
        if let index = phrases[core.map(singular).joined(separator: " ")] {
            return found(index, "singular")
        }

        // The longest known phrase inside the term: "fromage de chèvre affiné" is cheese.
        for length in stride(from: min(words.count, 4), through: 1, by: -1)
        where length < words.count {
            for start in 0...(words.count - length) {
                let phrase = words[start..<start + length].joined(separator: " ")
                if qualifiers.contains(phrase) { continue }
                if let index = phrases[phrase] ?? phrases[singular(phrase)] {
                    return found(index, "phrase")
                }
            }
        }

        // Typing errors: one edit for words of 4 letters or more, two from 8.
        let target = core.isEmpty ? folded : coreText
        if target.count >= 4, let index = closest(to: target) { return found(index, "typo") }
        return result
    }

    static func lookup(_ folded: String) -> Int? {
        phrases[folded] ?? phrases[singular(folded)]
    }

    /// A crude singular for French, Dutch and English plurals.
    static func singular(_ word: String) -> String {
        if word.count > 4, word.hasSuffix("en") { return String(word.dropLast(2)) }
        if word.count > 3, word.hasSuffix("s") || word.hasSuffix("x") {
            return String(word.dropLast())
        }
        return word
    }

    static func closest(to target: String) -> Int? {
        let limit = target.count >= 8 ? 2 : 1
        var best: (distance: Int, index: Int)?
        let targetCharacters = Array(target.utf8)
        for length in (target.count - limit)...(target.count + limit) {
            for (spelling, index) in wordsByLength[length] ?? [] {
                let distance = editDistance(targetCharacters, Array(spelling.utf8), limit: limit)
                if distance <= limit, distance < (best?.distance ?? Int.max) {
                    best = (distance, index)
                }
            }
        }
        return best?.index
    }

    /// Optimal-string-alignment distance (insertions, deletions, substitutions,
    /// transpositions), stopping early beyond `limit`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return a.isEmpty ? b.count : (b.isEmpty ? a.count : previous[b.count])
    }
}
