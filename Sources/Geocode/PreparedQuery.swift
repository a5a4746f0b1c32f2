import GlaneurCore
import Normalize

/// What locality-level matching needs from an address: the country, the postcode and the
/// texts that may name the locality, cleaned of what names no place.
///
/// Street lines and one-cell addresses are taken apart by the normalisation stage's
/// address parser; this adds the fallbacks that locality matching needs (several guesses
/// at where the locality starts, noise words, a country written after the locality).
struct PreparedQuery: Sendable {
    var country: String?
    var postcode: String?
    /// The postcode before any repair that relied on the country column.
    var postcodeAsWritten: String?
    /// Texts that may be the locality, the likeliest first.
    var localityTexts: [String]
    var street: String?
    var houseNumber: String?
    /// A named place given where the street should be ("lieu-dit Les Granges").
    var lieuDitText: String?
    var steps: [String]

    init(_ query: AddressQuery) {
        steps = []
        localityTexts = []
        houseNumber = query.houseNumber
        country = query.country.flatMap(Countries.code(for:))

        if let raw = query.postcode {
            let parsed = Postcodes.read(raw)
            if let code = parsed.code {
                postcode = code
                if country == nil { country = parsed.country }
            } else {
                steps.append("postcode-unreadable")
            }
        }

        if let locality = query.locality {
            let cleaned = cleanLocality(locality)
            if !cleaned.isEmpty { localityTexts.append(cleaned) }
        }

        if let line = query.street {
            readStreetLine(line)
        }
        // A one-cell address adds what the columns lack; guesses from it come after
        // the locality column's.
        if let text = query.freeText {
            readFreeText(text)
        }

        // French postcodes lose their leading zero in spreadsheets: "1000" for Bourg-en-Bresse.
        postcodeAsWritten = postcode
        if let code = postcode, code.count == 4, country == "FR" {
            postcode = "0" + code
            steps.append("postcode-zero-restored")
        }
        if country == nil, let code = postcode, code.count == 5 { country = "FR" }
    }

    /// Removes what partners add to a locality and what names no place: a postcode
    /// (taken when none was given), CEDEX and its number, a country, a département in
    /// brackets.
    private mutating func cleanLocality(_ text: String) -> String {
        var words: [Substring] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
            let bare = word.trimmingCharacters(in: "().")
            if bare.isEmpty { continue }
            if let code = Postcodes.read(String(bare)).code, bare.contains(where: \.isNumber) {
                if postcode == nil {
                    postcode = code
                    steps.append("postcode-from-locality")
                }
                continue
            }
            if bare.allSatisfy(\.isNumber) { continue }
            let folded = MatchKey.fold(String(bare))
            if folded == "cedex" || folded == "cdx" {
                steps.append("cedex-removed")
                continue
            }
            words.append(word)
        }
        // A country written after the locality ("Namur Belgique").
        if words.count > 1, let last = words.last,
            let named = Countries.code(for: String(last)), named.count == 2,
            last.count > 2
        {
            if country == nil { country = named }
            words.removeLast()
            steps.append("country-removed")
        }
        return words.joined(separator: " ")
    }

    /// Takes the street and house number apart ("r. de la Gare 12 bte 3" gives "Rue de la
    /// Gare" and 12); a house number given in its own column wins.
    private mutating func readStreetLine(_ line: String) {
        let parsed = AddressParser.parse(line: line, country: country)
        if let name = parsed.street {
            street = name
        } else if let lieuDit = parsed.lieuDit {
            lieuDitText = lieuDit
            street = nil
        }
        if houseNumber == nil { houseNumber = parsed.fullHouseNumber }
    }

    /// Finds the postcode, the country and the locality in a one-cell address:
    /// "12 r. du Moulin 59000 Lille", "Kerkstraat 5, B-8000 Brugge, België".
    private mutating func readFreeText(_ text: String) {
        // The address parser's reading first; the guesses below are fallbacks for cells
        // it cannot split (no postcode, a locality before the postcode).
        let parsed = AddressParser.split(oneCell: text, country: country)
        if let code = parsed.postcode.flatMap({ Postcodes.read($0).code }), postcode == nil {
            postcode = code
        }
        if country == nil { country = parsed.country }
        if let raw = parsed.locality {
            let locality = cleanLocality(raw)
            if !locality.isEmpty, !localityTexts.contains(locality) {
                localityTexts.append(locality)
            }
        }
        if street == nil {
            street = parsed.streetLine.street
            lieuDitText = parsed.streetLine.lieuDit
        }
        if houseNumber == nil { houseNumber = parsed.streetLine.fullHouseNumber }
        if parsed.cedex != nil { steps.append("cedex-removed") }

        var segments = text.split(separator: ",").map {
            $0.split(separator: " ").map(String.init)
        }.filter { !$0.isEmpty }

        // A country in a segment of its own or as the last word.
        if let last = segments.last, let named = Countries.code(for: last.joined(separator: " ")),
            segments.count > 1
        {
            if country == nil { country = named }
            segments.removeLast()
            steps.append("country-removed")
        }
        var words = segments.flatMap { $0 + [","] }
        if words.last == "," { words.removeLast() }
        // The last word names a country unless it follows the postcode ("L-1009 Luxembourg").
        if let last = words.last, last.count > 2, let named = Countries.code(for: last),
            words.count < 2 || Postcodes.read(words[words.count - 2]).code == nil
        {
            if country == nil { country = named }
            words.removeLast()
        }
        words.removeAll { ["cedex", "cdx"].contains(MatchKey.fold($0)) }

        // The postcode is the last number shaped like one.
        var postcodeIndex: Int?
        for index in stride(from: words.count - 1, through: 0, by: -1) {
            let parsed = Postcodes.read(words[index])
            guard let code = parsed.code, words[index].contains(where: \.isNumber) else { continue }
            // A four-digit number right at the start is a house number, not a postcode.
            if index == 0, words.count > 1, parsed.country == nil, code.count == 4 { continue }
            if postcode == nil { postcode = code }
            if country == nil { country = parsed.country }
            postcodeIndex = index
            break
        }

        var texts: [String] = []
        let isWord = { (word: String) in word != "," && !word.allSatisfy(\.isNumber) }
        if let postcodeIndex {
            let after = words[(postcodeIndex + 1)...].filter(isWord)
            if !after.isEmpty { texts.append(after.joined(separator: " ")) }
            let before = Array(words[..<postcodeIndex])
            street = street ?? before.filter { $0 != "," }.joined(separator: " ").nonEmpty
            texts.append(contentsOf: trailingNames(before))
        } else {
            // Without a postcode: the last comma segment, then the last words.
            if let comma = words.lastIndex(of: ",") {
                let last = words[(comma + 1)...].filter(isWord)
                if !last.isEmpty, last.count == words.count - comma - 1 {
                    texts.append(last.joined(separator: " "))
                }
                street =
                    street
                    ?? words[..<comma].filter { $0 != "," }
                    .joined(separator: " ").nonEmpty
            }
            texts.append(contentsOf: trailingNames(words))
        }
        for text in texts where !localityTexts.contains(text) {
            localityTexts.append(text)
        }
        steps.append("free-text")
    }

    /// The last one, two and three words before the end or the last digit, the longest
    /// first: "… rue du Moulin Saint Remy" gives "Moulin Saint Remy", "Saint Remy", "Remy".
    private func trailingNames(_ words: [String]) -> [String] {
        var tail: [String] = []
        for word in words.reversed() {
            if word == "," || word.contains(where: \.isNumber) { break }
            tail.insert(word, at: 0)
            if tail.count == 4 { break }
        }
        guard !tail.isEmpty else { return [] }
        return (1...tail.count).reversed().map { tail.suffix($0).joined(separator: " ") }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Substring {
    func trimmingCharacters(in characters: String) -> Substring {
        var result = self
        while let first = result.first, characters.contains(first) { result.removeFirst() }
        while let last = result.last, characters.contains(last) { result.removeLast() }
        return result
    }
}

/// Postcodes as partners write them.
enum Postcodes {
    /// Reads "5000", "B-5000", "F-59000", "CH 1200", "L-4001", "59 000".
    ///
    /// - returns: the digits when they have a postcode's shape (4 or 5 digits), and the
    ///   country a prefix names.
    static func read(_ raw: String) -> (code: String?, country: String?) {
        var text = Substring(raw.uppercased()).trimmingCharacters(in: " .,;()")
        var country: String?
        for (prefix, code) in prefixes where text.hasPrefix(prefix) {
            let rest = text.dropFirst(prefix.count)
            guard let next = rest.first, next == "-" || next == " " || next.isNumber else {
                continue
            }
            country = code
            text = rest.trimmingCharacters(in: "- ")
            break
        }
        let digits = text.filter { $0 != " " }
        guard digits.count == 4 || digits.count == 5, digits.allSatisfy(\.isASCII),
            digits.allSatisfy(\.isNumber)
        else { return (nil, nil) }
        if country == "FR", digits.count != 5 { return (nil, nil) }
        return (String(digits), country)
    }

    private static let prefixes: [(String, String)] = [
        ("CH", "CH"), ("BE", "BE"), ("FR", "FR"), ("LU", "LU"), ("B", "BE"), ("F", "FR"),
        ("L", "LU"),
    ]

    /// How well a postcode agrees with a place's: 1 for one of them, 0.6 for a code one
    /// digit away (a typo), 0.35 for the same area (first two digits), else 0.
    static func agreement(_ postcode: String, with codes: [String]) -> Double {
        var best = 0.0
        for code in codes {
            if code == postcode { return 1 }
            guard code.count == postcode.count else { continue }
            var differences = 0
            for (a, b) in zip(code.utf8, postcode.utf8) where a != b { differences += 1 }
            if differences == 1 { best = max(best, 0.6) }
            if code.utf8.prefix(2).elementsEqual(postcode.utf8.prefix(2)) {
                best = max(best, 0.35)
            }
        }
        return best
    }
}

/// Country names and codes as partners write them, in the four countries' languages and
/// English.
enum Countries {
    static func code(for text: String) -> String? {
        table[MatchKey.fold(text)]
    }

    private static let table: [String: String] = {
        let entries: [(String, [String])] = [
            ("BE", ["be", "bel", "belgique", "belgie", "belgium", "belgien", "b"]),
            ("FR", ["fr", "fra", "france", "frankrijk", "frankreich", "f"]),
            ("CH", ["ch", "che", "suisse", "switzerland", "schweiz", "zwitserland", "svizzera"]),
            (
                "LU",
                [
                    "lu", "lux", "luxembourg", "luxemburg", "letzebuerg", "l",
                    "grand duche de luxembourg",
                ]
            ),
        ]
        var table: [String: String] = [:]
        for (code, names) in entries { for name in names { table[name] = code } }
        return table
    }()
}
