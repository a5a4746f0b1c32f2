import GlaneurCore

/// Generic words of the food-producing trade ("ferme", "domaine", "la ferme de", "hoeve",
/// "boerderij", "hof", "bio", "GAEC des") that many producers share, so that later stages
/// can weigh them down when they compare names: two "Ferme du Moulin" in different
/// villages share only generic words and a place word.
public enum TradeWords {
    /// Folded generic words, French, Dutch, German and Luxembourgish.
    public static let generic: Set<String> = [
        // French
        "ferme", "fermes", "fme", "domaine", "dom", "dne", "exploitation", "elevage",
        "maraichage", "maraicher", "maraichers", "jardin", "jardins", "potager", "verger",
        "vergers", "rucher", "ruchers", "miellerie", "fromagerie", "chevrerie", "brasserie",
        "brass", "cave", "caves", "vignoble", "cense", "laiterie", "boulangerie", "fournil",
        "cidrerie", "cueillette", "bio", "biologique", "paysan", "paysanne", "paysans",
        "caprine", "avicole", "poules", "alpage", "famille", "freres", "fils", "earl", "gaec",
        "scea", "producteur", "producteurs", "agriculture", "agricole", "viticole",
        // Dutch
        "hoeve", "hoeveke", "boerderij", "boerd", "hof", "bioboerderij", "zuivelhoeve",
        "groentekwekerij", "groentekw", "kwekerij", "imkerij", "brouwerij", "hoevebrouwerij",
        "bakkerij", "hoevebakkerij", "fruitbedrijf", "fruithoeve", "melkveebedrijf",
        "vleesveebedrijf", "landbouwbedrijf", "landb", "pluimveebedrijf", "kippenhof",
        "geitenboerderij", "geitenhoeve", "moestuin", "zelfoogstboerderij", "wijndomein",
        "wijngaard", "hoevezuivel", "boomgaard",
        // German and Luxembourgish
        "bauernhof", "biohof", "hofladen", "weingut", "kaserei", "imkerei", "gartnerei",
        "biohaff", "haff",
    ]

    /// Generic phrases of several words, folded: "la ferme de", "gaec des".
    public static let genericPhrases: [String] = [
        "la ferme de", "la ferme du", "la ferme des", "la ferme d", "ferme de la", "ferme du",
        "ferme des", "gaec des", "gaec du", "gaec de la", "les jardins de", "les jardins du",
        "domaine de", "domaine du", "domaine des",
    ]

    /// Whether a word (in any case, with or without accents) is a generic trade word.
    public static func isGeneric(_ word: String) -> Bool {
        generic.contains(MatchKeys.fold(word))
    }

    /// The generic words a name holds, folded, in order: "La Ferme du Bois Joli" gives
    /// ["ferme"].
    public static func genericWords(in name: String) -> [String] {
        MatchKeys.fold(name).spaceSeparatedWords.filter(generic.contains)
    }

    /// The name key (`MatchKeys.name`) without generic words: what really tells two
    /// producers apart. Falls back to the full key when every word is generic.
    public static func distinctiveKey(_ name: String) -> String {
        distinctiveKey(nameKey: MatchKeys.name(name))
    }

    /// The distinctive key from a name key already computed (`MatchKeys.name`).
    public static func distinctiveKey(nameKey key: String) -> String {
        let tokens = key.spaceSeparatedWords.filter { !generic.contains($0) }
        return tokens.isEmpty ? key : tokens.joined(separator: " ")
    }
}
