/// Detects the language of free text (product lists, descriptions, names): French, Dutch,
/// German or English, from the function words and trade words each language uses.
///
/// Short texts say little: the answer is nil unless one language clearly leads.
public enum LanguageDetector {
    static let lexicon: [String: [String]] = [
        "fr": [
            "le", "la", "les", "de", "du", "des", "et", "au", "aux", "un", "une", "sur", "pour",
            "avec", "nous", "vous", "est", "sont", "ferme", "legumes", "oeufs", "fromage",
            "chevre", "lait", "viande", "volaille", "miel", "pain", "farine", "biere", "vin",
            "jus", "pomme", "pommes", "confitures", "fraises", "poires", "terre", "saison",
            "porc", "agneau", "boeuf", "beurre", "yaourt", "glaces", "fleurs", "cereales",
            "colis", "patates", "chicons", "endives", "asperges", "truites", "cidre", "plantes",
            "aromatiques", "petits", "fruits", "rue", "chemin", "domaine", "elevage", "jardins",
            "tous", "jours", "rendez", "vous", "sur", "mardi", "samedi", "bovine", "frais",
        ],
        "nl": [
            "de", "het", "een", "en", "van", "op", "met", "voor", "zijn", "wij", "hoeve",
            "boerderij", "groenten", "eieren", "kaas", "geitenkaas", "melk", "vlees", "rundvlees",
            "varkensvlees", "gevogelte", "honing", "brood", "bloem", "bier", "wijn", "appelsap",
            "aardbeien", "aardappelen", "appelen", "peren", "boter", "yoghurt", "hoevekaas",
            "bloemen", "granen", "vleespakketten", "patatten", "witloof", "asperges", "forel",
            "kruiden", "kleinfruit", "seizoen", "verse", "straat", "ijs", "hoeveijs", "lamsvlees",
            "confituur", "paddenstoelen", "afspraak", "dagelijks", "tot", "uur", "seizoensgroenten",
            "scharreleieren", "rundsvlees",
        ],
        "de": [
            "der", "die", "das", "und", "mit", "von", "fur", "ein", "eine", "wir", "hof",
            "gemuse", "eier", "kase", "milch", "fleisch", "honig", "brot", "mehl", "wein",
            "apfelsaft", "erdbeeren", "kartoffeln", "apfel", "birnen", "butter", "joghurt",
            "blumen", "getreide", "spargel", "forelle", "krauter", "pilze", "rindfleisch",
            "schweinefleisch", "geflugel", "strasse", "bauernhof", "frische", "saft",
        ],
        "en": [
            "the", "and", "of", "with", "for", "our", "we", "farm", "vegetables", "eggs",
            "cheese", "goat", "milk", "meat", "beef", "pork", "poultry", "chicken", "honey",
            "bread", "flour", "beer", "wine", "juice", "apple", "apples", "strawberries",
            "potatoes", "pears", "butter", "yogurt", "flowers", "cereals", "fresh", "organic",
            "herbs", "mushrooms", "berries", "jam", "lamb", "fish",
        ],
    ]

    /// The languages scores are kept for, in the order of `LanguageScores.values`.
    static let languages = ["fr", "nl", "de", "en"]

    /// Folded word to what it adds to each language's score, one vector per language the
    /// word is listed under (twice for a word listed twice): a word shared by several
    /// languages ("de", "asperges") counts for each, less.
    static let weightsByWord: [String: [SIMD4<Double>]] = {
        var table: [String: [Int]] = [:]
        for (index, language) in languages.enumerated() {
            for word in lexicon[language] ?? [] {
                table[word, default: []].append(index)
            }
        }
        return table.mapValues { members in
            members.map { index in
                var weights = SIMD4<Double>()
                weights[index] = 1 / Double(members.count)
                return weights
            }
        }
    }()

    /// The language of the text (`fr`, `nl`, `de`, `en`), or nil when no language leads.
    public static func detect(_ text: String) -> String? {
        best(scores(text))
    }

    /// How much the text's words speak for each language; scores of several texts add up
    /// (`+`) before `best` picks the language.
    public static func scores(_ text: String) -> LanguageScores {
        var scores = LanguageScores()
        for word in MatchKeys.fold(text).spaceSeparatedWords {
            guard let weights = weightsByWord[word] else { continue }
            for weight in weights { scores.values += weight }
        }
        return scores
    }

    /// The language that clearly leads, or nil.
    public static func best(_ scores: LanguageScores) -> String? {
        var best: (language: String, score: Double)?
        var second = 0.0
        for (index, language) in languages.enumerated() {
            let score = scores.values[index]
            if let current = best,
                score < current.score
                    || (score == current.score
                        && language > current.language)
            {
                second = max(second, score)
            } else {
                if let current = best { second = max(second, current.score) }
                best = (language, score)
            }
        }
        guard let best, best.score >= 1, second < best.score else { return nil }
        return best.language
    }
}

/// How much a text speaks for each language of `LanguageDetector.languages`: a fixed
/// vector rather than a dictionary, since a record adds up the scores of every product
/// term. A language no word spoke for scores 0, which `best` treats as silence.
public struct LanguageScores: Sendable, Equatable {
    var values = SIMD4<Double>()

    public init() {}

    public static func + (lhs: LanguageScores, rhs: LanguageScores) -> LanguageScores {
        var sum = lhs
        sum.values += rhs.values
        return sum
    }
}
