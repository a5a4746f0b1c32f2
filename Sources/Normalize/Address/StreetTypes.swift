import GlaneurCore

/// The kind of a street ("rue", "straat", "strasse") and the expansion of its
/// abbreviations, in French, Dutch and German.
///
/// French and Swiss street lines put the type first ("av. de la Gare"); Dutch ones glue it
/// to the end of the name ("Kerkstr."), or write it as a word of its own ("Grote Markt");
/// German ones do both ("Hauptstr.", "Rue de la Gare" next to "Bahnhof Strasse").
public enum StreetTypes {
    /// A street type found in a street line.
    public struct Match: Hashable, Sendable {
        /// The canonical type, lower-case, in its own language: `rue`, `chaussée`,
        /// `straat`, `steenweg`, `strasse`.
        public var type: String
        /// Whether the line spelt the type shorter than its canonical form ("av.", "str.").
        public var wasAbbreviated: Bool
    }

    /// French (and Belgian, Swiss, Luxembourg French) street types that open a street
    /// line, keyed by their folded spelling with any final dot removed.
    static let leadingTypes: [String: String] = {
        var table: [String: String] = [:]
        let entries: [(String, [String])] = [
            ("rue", ["rue", "r", "ru"]),
            ("avenue", ["avenue", "av", "ave", "aven", "avn"]),
            ("boulevard", ["boulevard", "bd", "bld", "blvd", "boul", "bvd"]),
            ("chaussée", ["chaussee", "chee", "chau", "chaus", "chss", "chs"]),
            ("route", ["route", "rte", "rt"]),
            ("impasse", ["impasse", "imp"]),
            ("place", ["place", "pl", "pla"]),
            // "ch." is read by country: see `leading(firstWord:secondWord:country:)`.
            ("chemin", ["chemin", "ch", "chem", "chm", "che"]),
            ("allée", ["allee", "all", "al"]),
            ("square", ["square", "sq"]),
            ("sentier", ["sentier", "sent", "sen"]),
            ("drève", ["dreve", "drv"]),
            ("thier", ["thier"]),
            ("quai", ["quai", "qu", "qai"]),
            ("faubourg", ["faubourg", "fg", "fbg", "faub"]),
            ("ruelle", ["ruelle", "rle"]),
            ("passage", ["passage", "pass", "psge"]),
            ("cours", ["cours", "crs"]),
            ("cité", ["cite", "cit"]),
            ("clos", ["clos"]),
            ("esplanade", ["esplanade", "esp", "espl"]),
            ("promenade", ["promenade", "prom"]),
            ("rond-point", ["rond point", "rond-point", "rpt"]),
            ("lotissement", ["lotissement", "lot", "lotiss"]),
            ("résidence", ["residence", "res", "resid"]),
            ("hameau", ["hameau", "ham", "hmeau"]),
            ("voie", ["voie"]),
            ("venelle", ["venelle"]),
            ("montée", ["montee", "mte"]),
            ("côte", ["cote"]),
            ("chaussée", ["chaussee"]),
            ("rang", ["rang"]),
            ("carrefour", ["carrefour", "carr"]),
            ("parvis", ["parvis"]),
            ("galerie", ["galerie", "gal"]),
            ("levée", ["levee"]),
            ("tienne", ["tienne"]),
            ("ruelle", ["ruelle"]),
            ("val", ["val"]),
        ]
        for (canonical, spellings) in entries {
            for spelling in spellings { table[spelling] = canonical }
        }
        return table
    }()

    /// Dutch and German types glued to the end of a street name, longest first so that
    /// "steenweg" wins over "weg". Each entry: the canonical type and its spellings.
    static let trailingTypes: [(type: String, spellings: [String])] = [
        ("steenweg", ["steenweg", "steenwg", "stwg", "stw", "stnwg"]),
        ("straat", ["straat", "str", "strt", "straa"]),
        ("strasse", ["strasse", "straße"]),
        ("laan", ["laan", "ln"]),
        ("plein", ["plein", "pln", "pl"]),
        ("dreef", ["dreef", "drf"]),
        ("kaai", ["kaai", "kaaien"]),
        ("kouter", ["kouter"]),
        ("baan", ["baan", "bn"]),
        ("weg", ["weg", "wg"]),
        ("lei", ["lei"]),
        ("vest", ["vest"]),
        ("pad", ["pad"]),
        ("markt", ["markt", "mkt"]),
        ("dijk", ["dijk"]),
        ("singel", ["singel"]),
        ("wegel", ["wegel"]),
        ("plaats", ["plaats"]),
        ("gracht", ["gracht"]),
        ("dries", ["dries"]),
        ("hof", ["hof"]),
        ("gasse", ["gasse"]),
        ("platz", ["platz"]),
    ]

    /// Every trailing spelling with its type, longest first: "pln" must win over "ln".
    static let trailingSpellings: [(type: String, spelling: String)] =
        trailingTypes
        .flatMap { entry in entry.spellings.map { (type: entry.type, spelling: $0) } }
        .sorted { $0.spelling.count > $1.spelling.count }

    /// Words that are a Dutch or German street type when written on their own, after the
    /// name ("Grote Markt", "Bahnhof Strasse") or as the whole street ("Markt", "Dorp").
    static let standaloneTrailing: Set<String> = [
        "straat", "steenweg", "laan", "plein", "dreef", "kaai", "kouter", "baan", "weg", "lei",
        "vest", "pad", "markt", "dijk", "singel", "strasse", "gasse", "platz",
    ]

    /// Short Dutch/German spellings that only count as a type when they end the word with
    /// a dot or stand after a name of three letters or more: "Kerkstr." is a street,
    /// "Pl" alone is not.
    static let riskyTrailing: Set<String> = ["pl", "bn", "wg", "stw", "ln", "hof", "lei", "pad"]

    /// The type opening a French street line, from its first word (folded, final dot
    /// removed) and, for two-word types, the second.
    ///
    /// - parameter country: "ch." is a chaussée in Belgium ("Ch. de Louvain"), where
    ///   chaussées are the main roads out of towns, and a chemin elsewhere, or when the
    ///   country is not known.
    public static func leading(
        firstWord: String, secondWord: String? = nil, country: String? = nil
    ) -> Match? {
        let word = folded(firstWord)
        if word == "rond", let second = secondWord, folded(second) == "point" {
            return Match(type: "rond-point", wasAbbreviated: false)
        }
        if word == "ch", country == "BE" { return Match(type: "chaussée", wasAbbreviated: true) }
        guard let type = leadingTypes[word] else { return nil }
        let full = MatchKey.fold(type)
        return Match(type: type, wasAbbreviated: word != full)
    }

    /// The type glued to the end of a Dutch or German street word ("Kerkstr." gives
    /// `straat`), with the word rewritten in full ("Kerkstraat"); nil if the word does not
    /// end with a known type.
    ///
    /// - parameter german: spell `str.` as German (`strasse`/`straße`) rather than Dutch.
    public static func trailing(word: String, german: Bool = false)
        -> (match: Match, expanded: String)?
    {
        let hadDot = word.hasSuffix(".")
        let bare = hadDot ? String(word.dropLast()) : word
        let lower = bare.lowercased()
        for entry in trailingSpellings {
            for spelling in [entry.spelling] where lower.hasSuffix(spelling) {
                let rootLength = lower.count - spelling.count
                // A type spelt short needs a real name before it, or a dot after it.
                if riskyTrailing.contains(spelling), rootLength < 3, !hadDot { continue }
                if spelling != entry.type, rootLength == 0, !hadDot,
                    !standaloneTrailing.contains(spelling)
                {
                    continue
                }
                var type = entry.type
                var full = entry.type
                if entry.type == "straat", german, spelling != "straat" {
                    type = "strasse"
                    full = "straße"
                }
                if entry.type == "strasse" { full = spelling == "straße" ? "straße" : "strasse" }
                let root = bare.prefix(rootLength)
                let expanded =
                    spelling == full && !hadDot
                    ? bare
                    : String(root) + (root.isEmpty ? full.capitalizedFirst : full)
                return (Match(type: type, wasAbbreviated: spelling != full), expanded)
            }
        }
        return nil
    }

    static func folded(_ word: String) -> String {
        var word = word
        while word.hasSuffix(".") { word.removeLast() }
        return MatchKey.fold(word)
    }
}

extension String {
    /// The text with its first letter in upper case ("rue" gives "Rue").
    var capitalizedFirst: String {
        guard let first = first else { return self }
        return first.uppercased() + dropFirst()
    }
}
