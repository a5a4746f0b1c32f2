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

    /// Folded word to the languages it belongs to.
    static let languagesByWord: [String: [String]] = {
        var table: [String: [String]] = [:]
        for (language, words) in lexicon {
            for word in words { table[word, default: []].append(language) }
        }
        return table
    }()

    /// The language of the text (`fr`, `nl`, `de`, `en`), or nil when no language leads.
    public static func detect(_ text: String) -> String? {
        best(scores(text))
    }

    /// How much the text's words speak for each language; scores of several texts add up
    /// (`merge`) before `best` picks the language.
    public static func scores(_ text: String) -> [String: Double] {
        var scores: [String: Double] = [:]
        for word in MatchKeys.fold(text).spaceSeparatedWords {
            guard let languages = languagesByWord[String(word)] else { continue }
            // A word shared by several languages ("de", "asperges") counts for each, less.
            for language in languages {
                scores[language, default: 0] += 1 / Double(languages.count)
            }
        }
        return scores
    }

    /// The language that clearly leads, or nil.
    public static func best(_ scores: [String: Double]) -> String? {
        var best: (language: String, score: Double)?
        var second = 0.0
        for (language, score) in scores {
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
