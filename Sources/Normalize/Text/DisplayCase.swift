import GlaneurCore

/// Display casing for names and streets that partners wrote in capitals:
/// "FERME DU BOIS JOLI" gives "Ferme du Bois Joli", "HOEVE 'T HOF" gives "Hoeve 't Hof",
/// "ARGENTON-LES-VALLÉES" gives "Argenton-les-Vallées".
///
/// French and Dutch particles stay lower-case inside a name (du, de la, des, l', d', lès,
/// sur; van, der, ten, ter, 't), elisions keep their apostrophe, acronyms of legal forms
/// (GAEC, SPRL, BV) and Roman numerals stay in capitals. Text that already mixes cases is
/// left alone by `nameIfShouting`, which is what normalisation calls.
public enum DisplayCase {
    /// Particles kept lower-case when they are not the first word.
    static let particles: Set<String> = [
        // French
        "de", "du", "des", "la", "le", "les", "et", "a", "à", "au", "aux", "en", "sur", "sous",
        "lès", "lez", "ès", "par", "pour", "chez",
        // Dutch
        "van", "der", "den", "ten", "ter", "het", "op", "aan", "bij", "in", "onder", "over",
        "voor", "'t", "’t", "en",
        // German
        "von", "am", "im", "zum", "zur", "und", "an", "bei", "auf",
    ]

    /// Dutch articles that start the proper part of a name and are capitalised there:
    /// "Hoeve De Linde", "Boerderij Het Hof".
    static let dutchArticles: Set<String> = ["de", "het"]

    /// Words kept in capitals: legal forms and other acronyms a name may carry.
    static let acronyms: Set<String> = [
        "gaec", "earl", "scea", "sarl", "sas", "sa", "eurl", "ei", "sca", "sci", "sprl", "srl",
        "asbl", "bv", "bvba", "nv", "vzw", "cv", "cvba", "scrl", "snc", "vof", "gmbh", "ag",
        "ab", "aop", "aoc", "igp", "bio", "cbd", "ii", "iii", "iv", "vi", "vii", "viii", "ix",
        "xi", "xii",
    ]

    /// Recases text whose letters are all capitals; returns anything else unchanged.
    public static func nameIfShouting(_ text: String, language: String? = nil) -> String {
        isShouting(text) ? name(text, language: language) : text
    }

    /// Whether the text has at least two letters and none in lower case.
    public static func isShouting(_ text: String) -> Bool {
        // ASCII first, byte by byte; any other letter sends the text to the slow check.
        var letters = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return false
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): letters += 1
            case 0x80...0xFF: return isShoutingUnicode(text)
            default: continue
            }
        }
        return letters >= 2
    }

    static func isShoutingUnicode(_ text: String) -> Bool {
        var letters = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isLowercase { return false }
            if scalar.properties.isUppercase { letters += 1 }
        }
        return letters >= 2
    }

    /// Recases a name whatever its current case.
    ///
    /// - parameter language: `nl` capitalises the articles De and Het after the first word
    ///   ("Hoeve De Linde"); otherwise they stay lower-case as French particles.
    public static func name(_ text: String, language: String? = nil) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        for (position, word) in words.enumerated() {
            if position > 0 { output.append(" ") }
            output += recase(word: word, isFirst: position == 0, language: language)
        }
        return output
    }

    /// "ii", "xiv", "xviii": Roman numerals of I, V and X, two letters or more, in the order
    /// Roman numerals are written ("vix" is not one).
    static func isRomanNumeral(_ word: String) -> Bool {
        guard word.count >= 2, word.allSatisfy({ "ivx".contains($0) }) else { return false }
        let valid: Set<String> = [
            "ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "xiii", "xiv", "xv",
            "xvi", "xvii", "xviii", "xix", "xx", "xxi",
        ]
        return valid.contains(word)
    }

    /// Recases one space-delimited word, part by part across hyphens and apostrophes.
    static func recase(word: Substring, isFirst: Bool, language: String?) -> String {
        let lower = word.lowercased()
        if acronyms.contains(MatchKey.fold(lower)), !lower.contains("'") {
            return word.uppercased()
        }
        if isRomanNumeral(lower) { return word.uppercased() }
        if lower.first == "(" || lower.first == "\"" {
            return String(lower.prefix(1))
                + recase(
                    word: Substring(word.dropFirst()), isFirst: isFirst, language: language)
        }

        // Elisions: "l'", "d'", "qu'" stay lower-case and the word after is capitalised;
        // "'t" (Dutch "het") stays as it is.
        if lower == "'t" || lower == "’t" { return lower }
        var output = ""
        var part = ""
        var partIndex = 0
        func flush() {
            guard !part.isEmpty else { return }
            let keepLower =
                (partIndex > 0 || !isFirst) && particles.contains(part)
                && !(language == "nl" && dutchArticles.contains(part) && partIndex == 0)
            output += keepLower ? part : part.capitalizedFirst
            part = ""
            partIndex += 1
        }
        for character in lower {
            if character == "'" || character == "’" {
                // "l'", "d'", "s'", "qu'", "j'": an elision, lower-case unless first.
                if ["l", "d", "s", "qu", "j", "n", "m", "c", "jusqu", "lorsqu"].contains(part) {
                    output += (partIndex == 0 && isFirst) ? part.capitalizedFirst : part
                    part = ""
                    partIndex += 1
                } else {
                    flush()
                }
                output.append(character)
                continue
            }
            if character == "-" || character == "/" || character == "." {
                flush()
                output.append(character)
                continue
            }
            part.append(character)
        }
        flush()
        return output
    }
}
