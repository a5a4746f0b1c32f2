import GlaneurCore

/// The keys that the geocoder and the deduplicator compare: transliterated to Latin
/// ASCII, case-folded, punctuation folded to spaces, and for names and localities the
/// tokens sorted, so that "Ferme du Bois-Joli", "BOIS JOLI (Ferme du)" and "ferme du bois
/// joli" give one key.
public enum MatchKeys {
    /// Latin ASCII, lower case, one space between words: "Œufs & Co." gives "oeufs co",
    /// "Ζαγορά" gives "zagora".
    public static func fold(_ text: String) -> String {
        // Latin text folds without ICU; other scripts are transliterated first.
        if needsTransliteration(text) { return MatchKey.fold(ICU.latinASCII(text)) }
        return MatchKey.fold(text)
    }

    /// Whether the text holds letters outside the Latin blocks that MatchKey covers.
    static func needsTransliteration(_ text: String) -> Bool {
        for byte in text.utf8 where byte >= 0xC9 {
            // U+0250 and above start at lead byte 0xC9; typographic punctuation (0xE2) is
            // folded by MatchKey itself, so check scalars only when such a byte appears.
            return text.unicodeScalars.contains {
                $0.value >= 0x250 && $0.properties.isAlphabetic
            }
        }
        return false
    }

    /// Small words that carry no identity in a name: articles, prepositions, elided forms.
    public static let nameStopWords: Set<String> = [
        "de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "sur",
        "van", "het", "t", "der", "den", "ten", "ter", "op", "en", "the", "of", "and", "von",
        "und", "s",
    ]

    /// The sorted-token key of a producer's name, without its legal form and stop words:
    /// "SPRL Ferme du Bois-Joli" and "Bois Joli (Ferme du), sprl" both give
    /// "bois ferme joli".
    public static func name(_ text: String) -> String {
        name(withoutLegalForm: LegalForms.extract(from: text).name)
    }

    /// The name key of a name whose legal form was already taken out.
    public static func name(withoutLegalForm text: String) -> String {
        sortedKey(fold(text), dropping: nameStopWords)
    }

    /// The sorted-token key of a locality: "St-Martin-de-Ré" and "Saint Martin de Re" both
    /// give "de martin re saint". Abbreviated saints are expanded, CEDEX is dropped.
    public static func locality(_ text: String) -> String {
        var tokens = fold(text).spaceSeparatedWords
        tokens = tokens.compactMap { token in
            switch token {
            case "st": "saint"
            case "ste": "sainte"
            case "cedex": nil
            default: token
            }
        }
        return tokens.sorted().joined(separator: " ")
    }

    /// The folded tokens of a text, without the given words, sorted and deduplicated.
    public static func sortedKey(_ folded: String, dropping stopWords: Set<String> = []) -> String {
        var tokens = folded.spaceSeparatedWords.filter {
            !stopWords.contains($0)
        }
        tokens.sort()
        var unique: [String] = []
        for token in tokens where unique.last != token { unique.append(token) }
        return unique.joined(separator: " ")
    }
}

extension String {
    /// The words between ASCII spaces, split on bytes: much faster than splitting on
    /// Characters, and the same for text whose separators are plain spaces.
    var spaceSeparatedWords: [String] {
        var words: [String] = []
        var text = self
        text.withUTF8 { bytes in
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x20 {
                if index > start {
                    words.append(
                        String(
                            decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]),
                            as: UTF8.self))
                }
                start = index + 1
            }
        }
        return words
    }
}
