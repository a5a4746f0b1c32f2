import GlaneurCore

/// A legal form of business, canonicalised.
public struct LegalForm: Hashable, Sendable {
    /// The canonical spelling: `SPRL`, `SRL`, `BV`, `GAEC`, `Sàrl`, `GmbH`, `S.à r.l.`.
    public var code: String
    /// The kind shared by equivalent forms across languages and reforms, so that
    /// comparisons treat them as one: `private-limited` (SRL, BV, SPRL, BVBA, SARL, Sàrl,
    /// GmbH), `public-limited` (SA, NV, AG), `cooperative` (SC, CV, SCRL, CVBA),
    /// `non-profit` (ASBL, VZW), `general-partnership`, `limited-partnership`,
    /// `simplified` (SAS, SASU), `sole-trader`, and the French farm forms (`gaec`, `earl`,
    /// `scea`, `agricultural-cooperative`).
    public var kind: String
    /// The form as it is called today, for a Belgian form abolished by the 2019 code
    /// (SPRL gives SRL, BVBA gives BV, SCRL gives SC, CVBA gives CV); otherwise the code.
    public var current: String
    /// The countries that use the form.
    public var countries: [String]

    /// Whether the form was abolished and replaced by `current`.
    public var isFormer: Bool { current != code }

    /// Whether two forms are the same legal form, old and new Belgian names included.
    public func isEquivalent(to other: LegalForm) -> Bool { kind == other.kind }
}

/// Finds the legal form in a producer's name wherever it stands ("SPRL Ferme du Bois
/// Joli", "Bois Joli sprl", "Ferme Bruchez, SA", "Hoeve De Linde (BV)", "S.P.R.L.") and
/// takes it out into a field of its own.
public enum LegalForms {
    struct Entry {
        var code: String
        var kind: String
        var current: String?
        var countries: [String]
        /// Lower-case spellings are accepted only when the form cannot be an ordinary word
        /// ("sprl" yes, "sa" — French "his/her" — no, "ei" — Dutch "egg" — no).
        var lowerCaseAllowed: Bool
        /// Extra compact spellings (lower-case ASCII, no dots or spaces).
        var aliases: [String] = []
    }

    static let entries: [Entry] = [
        // Belgium since the 2019 code, and the forms it replaced.
        Entry(code: "SRL", kind: "private-limited", countries: ["BE"], lowerCaseAllowed: true),
        Entry(
            code: "BV", kind: "private-limited", countries: ["BE", "NL"], lowerCaseAllowed: true),
        Entry(
            code: "SPRL", kind: "private-limited", current: "SRL", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(
            code: "SPRLU", kind: "private-limited", current: "SRL", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(
            code: "BVBA", kind: "private-limited", current: "BV", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(
            code: "EBVBA", kind: "private-limited", current: "BV", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(code: "NV", kind: "public-limited", countries: ["BE", "NL"], lowerCaseAllowed: true),
        Entry(code: "SC", kind: "cooperative", countries: ["BE", "LU"], lowerCaseAllowed: false),
        Entry(code: "CV", kind: "cooperative", countries: ["BE"], lowerCaseAllowed: false),
        Entry(
            code: "SCRL", kind: "cooperative", current: "SC", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(
            code: "SCRI", kind: "cooperative", current: "SC", countries: ["BE"],
            lowerCaseAllowed: true, aliases: ["scris"]),
        Entry(
            code: "CVBA", kind: "cooperative", current: "CV", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(
            code: "CVOA", kind: "cooperative", current: "CV", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(code: "ASBL", kind: "non-profit", countries: ["BE", "LU"], lowerCaseAllowed: true),
        Entry(code: "VZW", kind: "non-profit", countries: ["BE"], lowerCaseAllowed: true),
        Entry(code: "AISBL", kind: "non-profit", countries: ["BE"], lowerCaseAllowed: true),
        Entry(code: "IVZW", kind: "non-profit", countries: ["BE"], lowerCaseAllowed: true),
        Entry(
            code: "SNC", kind: "general-partnership", countries: ["BE", "FR", "LU"],
            lowerCaseAllowed: true),
        Entry(
            code: "VOF", kind: "general-partnership", countries: ["BE", "NL"],
            lowerCaseAllowed: true),
        Entry(
            code: "SComm", kind: "limited-partnership", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(
            code: "CommV", kind: "limited-partnership", countries: ["BE"],
            lowerCaseAllowed: true),
        Entry(
            code: "SCS", kind: "limited-partnership", current: "SComm", countries: ["BE", "LU"],
            lowerCaseAllowed: true),
        Entry(
            code: "GCV", kind: "limited-partnership", current: "CommV", countries: ["BE"],
            lowerCaseAllowed: true),
        // France.
        Entry(code: "SARL", kind: "private-limited", countries: ["FR"], lowerCaseAllowed: true),
        Entry(code: "EURL", kind: "private-limited", countries: ["FR"], lowerCaseAllowed: true),
        Entry(code: "SAS", kind: "simplified", countries: ["FR"], lowerCaseAllowed: false),
        Entry(code: "SASU", kind: "simplified", countries: ["FR"], lowerCaseAllowed: true),
        Entry(
            code: "SA", kind: "public-limited", countries: ["FR", "BE", "CH", "LU"],
            lowerCaseAllowed: false),
        Entry(code: "EI", kind: "sole-trader", countries: ["FR"], lowerCaseAllowed: false),
        Entry(code: "EIRL", kind: "sole-trader", countries: ["FR"], lowerCaseAllowed: true),
        Entry(code: "EARL", kind: "earl", countries: ["FR"], lowerCaseAllowed: true),
        Entry(code: "GAEC", kind: "gaec", countries: ["FR"], lowerCaseAllowed: true),
        Entry(code: "SCEA", kind: "scea", countries: ["FR"], lowerCaseAllowed: true),
        Entry(
            code: "SCA", kind: "agricultural-cooperative", countries: ["FR"],
            lowerCaseAllowed: false),
        Entry(code: "SCI", kind: "civil-property", countries: ["FR"], lowerCaseAllowed: false),
        Entry(code: "SCOP", kind: "cooperative", countries: ["FR"], lowerCaseAllowed: true),
        Entry(
            code: "SICA", kind: "agricultural-cooperative", countries: ["FR"],
            lowerCaseAllowed: true),
        Entry(
            code: "CUMA", kind: "agricultural-cooperative", countries: ["FR"],
            lowerCaseAllowed: true),
        Entry(code: "GFA", kind: "farm-land-group", countries: ["FR"], lowerCaseAllowed: true),
        // Switzerland and Luxembourg.
        Entry(
            code: "Sàrl", kind: "private-limited", countries: ["CH", "LU"],
            lowerCaseAllowed: true),
        Entry(
            code: "S.à r.l.", kind: "private-limited", countries: ["LU"],
            lowerCaseAllowed: true),
        Entry(
            code: "GmbH", kind: "private-limited", countries: ["CH", "DE", "BE"],
            lowerCaseAllowed: true),
        Entry(code: "Sagl", kind: "private-limited", countries: ["CH"], lowerCaseAllowed: true),
        Entry(
            code: "AG", kind: "public-limited", countries: ["CH", "DE"], lowerCaseAllowed: false),
        Entry(
            code: "SECS", kind: "limited-partnership", countries: ["LU"],
            lowerCaseAllowed: true),
    ]

    /// Compact spellings (lower-case ASCII, no dots, no spaces) to entries.
    static let byCompact: [String: Entry] = {
        var table: [String: Entry] = [:]
        for entry in entries {
            let compact = MatchKey.compact(entry.code)
            // "Sàrl" and "S.à r.l." share the compact "sarl" with French SARL; the French
            // entry keeps it and the country decides below.
            if table[compact] == nil { table[compact] = entry }
            for alias in entry.aliases { table[alias] = entry }
        }
        return table
    }()

    /// A name with its legal form taken out.
    public struct Extraction: Hashable, Sendable {
        /// The name without the legal form and the punctuation that framed it.
        public var name: String
        public var form: LegalForm?
        /// The form as the partner wrote it ("S.P.R.L.", "sprl").
        public var written: String?
    }

    /// Extracts the legal form from a name.
    ///
    /// - parameter country: the record's country; it picks "Sàrl" over "SARL" in
    ///   Switzerland and Luxembourg.
    public static func extract(from name: String, country: String? = nil) -> Extraction {
        var words = name.spaceSeparatedWords
        guard !words.isEmpty else { return Extraction(name: name) }
        // The compact spelling of each word ("S.P.R.L." gives "sprl"), nil for words too
        // long to be a form: most names are rejected here without allocating more.
        let compacts = words.map(quickCompact)

        // The form is usually last, often first, rarely in the middle: look in that order.
        var ends = [words.count - 1]
        if words.count > 1 { ends.append(0) }
        if words.count > 2 { ends += Array(1..<(words.count - 1)) }
        for end in ends {
            for length in (1...min(4, end + 1)).reversed() {
                let start = end - length + 1
                guard length == 1 || (start...end).allSatisfy({ words[$0].utf8.count <= 5 })
                else { continue }
                var compact = ""
                for index in start...end {
                    guard let piece = compacts[index] else {
                        compact = ""
                        break
                    }
                    compact += piece
                }
                guard !compact.isEmpty, let entry = byCompact[compact],
                    let written = accepted(
                        words[start...end], entry: entry,
                        isEdge: start == 0 || end == words.count - 1,
                        wholeName: length == words.count,
                        framed: end == words.count - 1
                            && (words[start].hasPrefix("(")
                                || (start > 0 && words[start - 1].hasSuffix(",")))
                    )
                else { continue }
                words.removeSubrange(start...end)
                let form = canonical(entry, written: written, country: country)
                return Extraction(name: tidy(words), form: form, written: written)
            }
        }
        return Extraction(name: name)
    }

    /// Lower-case ASCII letters of a short word, "à" read as "a", other punctuation
    /// dropped; nil when the word is longer than any spelling of a form.
    static func quickCompact(_ word: String) -> String? {
        guard word.utf8.count <= 12 else { return nil }
        var result = ""
        for scalar in word.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: result.unicodeScalars.append(Unicode.Scalar(UInt8(scalar.value + 32)))
            case 0x61...0x7A: result.unicodeScalars.append(scalar)
            case 0xE0, 0xC0: result.append("a")
            case 0x30...0x39: return nil
            default: continue
            }
        }
        return result.isEmpty ? nil : result
    }

    /// The canonical form of a spelling, without looking at a name ("s.p.r.l." gives
    /// SPRL), for a legal-form column of its own.
    public static func form(_ text: String, country: String? = nil) -> LegalForm? {
        let words = text.spaceSeparatedWords
        guard !words.isEmpty, words.count <= 4 else { return nil }
        var compact = ""
        for word in words {
            guard let piece = quickCompact(word) else { return nil }
            compact += piece
        }
        guard let entry = byCompact[compact],
            let written = accepted(words[...], entry: entry, isEdge: true, wholeName: false)
        else { return nil }
        return canonical(entry, written: written, country: country)
    }

    static func canonical(_ entry: Entry, written: String, country: String?) -> LegalForm {
        var entry = entry
        // One compact spelling, three forms: French SARL, Swiss Sàrl, Luxembourg S.à r.l.
        if entry.code == "SARL",
            country == "CH" || country == "LU" || written.contains("à")
                || written.contains("r.l")
        {
            let luxembourg = country == "LU" || written.contains(" ")
            entry = entries.first { $0.code == (luxembourg ? "S.à r.l." : "Sàrl") } ?? entry
        }
        return LegalForm(
            code: entry.code, kind: entry.kind, current: entry.current ?? entry.code,
            countries: entry.countries)
    }

    /// The form as written when these words, whose compact spelling is the entry's, may
    /// be read as a legal form here; nil otherwise.
    ///
    /// - parameter framed: the words close the name after a comma or in brackets ("Ferme
    ///   X, ei", "Ferme X (sc)"), where even a form that is also a word counts.
    static func accepted(
        _ words: ArraySlice<String>, entry: Entry, isEdge: Bool, wholeName: Bool,
        framed: Bool = false
    ) -> String? {
        let written = words.joined(separator: " ").trimmingCharacters(",;()[]-–")
        guard !written.isEmpty, !wholeName else { return nil }
        var capitals = true
        var dotted = false
        for scalar in written.unicodeScalars {
            if scalar == "." { dotted = true }
            if scalar.properties.isLowercase { capitals = false }
        }
        let asWritten = written.filter(\.isLetter) == entry.code.filter(\.isLetter)
        guard capitals || dotted || asWritten || entry.lowerCaseAllowed || framed else {
            return nil
        }
        // In the middle of a name only capitals count: "Ferme SA Dupont" but not "sa ferme".
        if !isEdge, !(capitals || dotted) { return nil }
        return written
    }

    /// Joins the words left, dropping the punctuation that framed the form.
    static func tidy(_ words: [String]) -> String {
        // Brackets left empty or unpaired by the removal go too: "Ferme (" from "Ferme (SA)".
        var kept = words.filter { !["(", ")", "()", "( )"].contains($0) }
        if let last = kept.last, last.hasSuffix("("), !last.contains(")") {
            kept[kept.count - 1] = String(last.dropLast())
        }
        return kept.joined(separator: " ").trimmingCharacters(",;-–/ ")
    }
}
