import GlaneurCore

/// Takes street lines and one-cell addresses apart, for the address orders of France
/// (number first: "12 bis rue du Moulin"), Belgium in French and Dutch and Switzerland
/// (number after the street: "Rue de la Gare 12 bte 3", "Kerkstraat 12 bus 3") and
/// Luxembourg ("27, rue du Centre").
///
/// ```swift
/// let line = AddressParser.parse(line: "r. de la Gare 12bis bte 3", country: "BE")
/// // line.street == "Rue de la Gare", line.houseNumber == "12",
/// // line.houseNumberSuffix == "bis", line.box == "3"
/// let address = AddressParser.split(oneCell: "12, r. du Moulin 59000 LILLE CEDEX")
/// // address.postcode == "59000", address.locality == "LILLE", address.cedex == "CEDEX"
/// ```
///
/// The parser is a pure function of its input: safe from any thread.
public enum AddressParser {
    /// Parses one street line.
    ///
    /// - parameter line: the street, house number and box, in any of the orders above.
    /// - parameter country: the ISO code of the country when known (`FR`, `BE`, `CH`,
    ///   `LU`): "12/14" is a range in France and a house number with box 14 elsewhere.
    /// - parameter language: `fr`, `nl` or `de` when known; decides whether "str." means
    ///   Dutch `straat` or German `straße`, and "St-" `Saint-` or `Sint-`.
    public static func parse(
        line: String, country: String? = nil, language: String? = nil
    ) -> ParsedStreetLine {
        var result = ParsedStreetLine()
        var tokens = tokenize(line)
        guard !tokens.isEmpty else { return result }

        // Postal-service mentions go to their own fields before anything reads numbers.
        extractPostalMentions(&tokens, into: &result)
        extractWithoutNumber(&tokens, into: &result)
        trimSeparators(&tokens)

        // A lieu-dit line ("lieu-dit Les Granges", "Le Bourg") names a place, not a street.
        let lieuDitStart = lieuDitPrefixLength(tokens)

        // French order first (a number opening the line), then the Belgian and Swiss
        // order (a number closing it, before any box).
        if !extractLeadingNumber(&tokens, country: country, into: &result) {
            extractTrailingNumber(&tokens, country: country, into: &result)
        }
        tokens.removeAll { $0.isNumberMark }
        trimSeparators(&tokens)
        guard !tokens.isEmpty else { return result }

        if let prefix = lieuDitStart ?? lieuDitPrefixLength(tokens) {
            let name = tokens.dropFirst(prefix).map(\.text).joined(separator: " ")
            result.lieuDit = DisplayCase.nameIfShouting(name.isEmpty ? joined(tokens) : name)
            result.rules.append("lieu-dit")
            return result
        }
        if isLeBourg(tokens) {
            result.lieuDit = DisplayCase.nameIfShouting(joined(tokens))
            result.rules.append("lieu-dit")
            return result
        }

        // TODO: building and flat complements ("bât. A", "appt 3", "résidence …") stay in
        // the street; they need a field of their own before the geocoder can drop them.
        readStreet(tokens, country: country, language: language, into: &result)
        return result
    }

    // MARK: - Tokens

    struct Token {
        var text: String
        /// Lower-case ASCII, punctuation folded to spaces (`MatchKey.fold`).
        var folded: String

        init(_ text: String) {
            self.text = text
            self.folded = MatchKey.fold(text)
        }

        var startsWithDigit: Bool { text.utf8.first.map { $0 >= 48 && $0 <= 57 } ?? false }

        /// "n°", "nr", "no": words that announce a house number and say nothing else.
        var isNumberMark: Bool {
            switch folded {
            case "nr", "numero": return true
            case "n", "no", "num": return text.contains("°") || text.hasSuffix(".")
            default: return false
            }
        }
    }

    /// Splits on white space and commas; commas carry no meaning once the order is known.
    static func tokenize(_ line: String) -> [Token] {
        var tokens: [Token] = []
        var line = line
        line.withUTF8 { bytes in
            var start = 0
            for index in 0...bytes.count {
                let separator =
                    index == bytes.count || bytes[index] == UInt8(ascii: " ")
                    || bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: ";")
                    || bytes[index] == UInt8(ascii: "\t")
                guard separator else { continue }
                if index > start {
                    let piece = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    tokens.append(Token(String(decoding: piece, as: UTF8.self)))
                }
                start = index + 1
            }
        }
        return tokens
    }

    /// Drops dashes and slashes left at either end once numbers and mentions are gone.
    static func trimSeparators(_ tokens: inout [Token]) {
        while let first = tokens.first, first.folded.isEmpty { tokens.removeFirst() }
        while let last = tokens.last, last.folded.isEmpty { tokens.removeLast() }
    }

    static func joined(_ tokens: some Collection<Token>) -> String {
        tokens.map(\.text).joined(separator: " ")
    }

    // MARK: - Post-office boxes, CEDEX, "sans numéro"

    static func extractPostalMentions(_ tokens: inout [Token], into result: inout ParsedStreetLine)
    {
        var index = 0
        while index < tokens.count {
            let word = tokens[index].folded
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            if word == "bp" || word == "b p", let value = next, value.startsWithDigit {
                result.postOfficeBox = value.text
                result.rules.append("post-office-box-extracted")
                tokens.removeSubrange(index...index + 1)
            } else if word == "cs", let value = next, value.startsWithDigit {
                result.sortingCentre = value.text
                result.rules.append("sorting-centre-extracted")
                tokens.removeSubrange(index...index + 1)
            } else if word.hasPrefix("bp"), word.count > 2,
                word.dropFirst(2).allSatisfy(\.isNumber)
            {
                result.postOfficeBox = String(word.dropFirst(2))
                result.rules.append("post-office-box-extracted")
                tokens.remove(at: index)
            } else if word == "cedex" {
                // A CEDEX belongs after the postcode; in a street line it is noise.
                let end =
                    next.map { $0.startsWithDigit && $0.text.count <= 2 } == true
                    ? index + 1 : index
                tokens.removeSubrange(index...end)
                result.rules.append("cedex-extracted")
            } else {
                index += 1
            }
        }
    }

    static func extractWithoutNumber(_ tokens: inout [Token], into result: inout ParsedStreetLine) {
        var index = 0
        while index < tokens.count {
            let word = tokens[index].folded
            let next = index + 1 < tokens.count ? tokens[index + 1].folded : nil
            var length = 0
            if ["sn", "s n", "zn", "z n", "snc"].contains(word) {
                // "SN" alone; a lower-case "sn" in the middle of a name is too rare to fear.
                length = 1
            } else if word == "sans", let next, ["numero", "n", "no", "num"].contains(next) {
                length = 2
            } else if word == "zonder", next == "nummer" {
                length = 2
            }
            if length > 0 {
                tokens.removeSubrange(index..<index + length)
                result.withoutNumber = true
                result.rules.append("without-number")
            } else {
                index += 1
            }
        }
    }

    // MARK: - Lieux-dits

    /// How many tokens announce a lieu-dit or hamlet, or nil.
    static func lieuDitPrefixLength(_ tokens: [Token]) -> Int? {
        guard let first = tokens.first?.folded else { return nil }
        switch first {
        case "lieu dit", "lieudit", "ld", "l d", "lieux dits": return 1
        case "lieu" where tokens.count > 1 && tokens[1].folded == "dit": return 2
        case "hameau", "ham", "gehucht", "weiler":
            if tokens.count > 2, ["de", "du", "des"].contains(tokens[1].folded) { return 1 }
            return 1
        default: return nil
        }
    }

    static func isLeBourg(_ tokens: [Token]) -> Bool {
        let key = tokens.map(\.folded).joined(separator: " ")
        return ["le bourg", "bourg", "au bourg", "le village", "le hameau"].contains(key)
    }

    // MARK: - House numbers

    /// The parts of a house-number token such as "12", "12bis", "12B", "10-12", "12/3".
    struct NumberParts {
        var number: String
        var suffix: String?
        var box: String?
        var isRange = false
    }

    static let suffixWords: Set<String> = ["bis", "ter", "quater", "quinquies"]
    static let boxWords: Set<String> = ["bte", "bt", "boite", "bus", "box", "b", "bo", "btes"]

    static func isSuffix(_ folded: String) -> Bool {
        if suffixWords.contains(folded) { return true }
        guard folded.count == 1, let letter = folded.unicodeScalars.first else { return false }
        return letter >= "a" && letter <= "h"
    }

    static func numberParts(_ text: String, country: String?) -> NumberParts? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func digits() -> String {
            var value = ""
            while index < scalars.count, scalars[index].properties.numericType == .decimal,
                scalars[index].isASCII
            {
                value.unicodeScalars.append(scalars[index])
                index += 1
            }
            return value
        }
        func letters() -> String {
            var value = ""
            while index < scalars.count, scalars[index].properties.isAlphabetic {
                value.unicodeScalars.append(scalars[index])
                index += 1
            }
            return MatchKey.fold(value)
        }

        let first = digits()
        guard !first.isEmpty, first.count <= 5 else { return nil }
        var parts = NumberParts(number: String(first.drop { $0 == "0" }.isEmpty ? "0" : first))
        let letter = letters()
        if !letter.isEmpty {
            if isSuffix(letter) {
                parts.suffix = letter
            } else if boxWords.contains(letter), index < scalars.count {
                // "12b3": the letters announce a box.
                let box = digits()
                guard !box.isEmpty, index == scalars.count else { return nil }
                parts.box = box
                return parts
            } else {
                return nil
            }
        }
        guard index < scalars.count else { return parts }

        let separator = scalars[index]
        index += 1
        let second = digits()
        let secondLetter = letters()
        guard index == scalars.count, !second.isEmpty || separator == "/" else { return nil }
        switch separator {
        case "-":
            guard !second.isEmpty else { return nil }
            parts.number += "-" + second
            parts.isRange = true
        case "/":
            let value = second + secondLetter
            guard !value.isEmpty else { return nil }
            // In France "10/12" spans two numbers; in Belgium "/3" is the box.
            if country == "FR", let low = Int(first), let high = Int(second), high > low {
                parts.number += "-" + second
                parts.isRange = true
            } else {
                parts.box = second.isEmpty ? secondLetter.uppercased() : value.uppercased()
            }
        default:
            return nil
        }
        return parts
    }

    static let months: Set<String> = [
        "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
        "octobre", "novembre", "decembre", "januari", "februari", "maart", "april", "mei",
        "juni", "juli", "augustus", "oktober", "december",
    ]

    static func apply(_ parts: NumberParts, to result: inout ParsedStreetLine) {
        result.houseNumber = parts.number
        if let suffix = parts.suffix { result.houseNumberSuffix = suffix }
        if parts.isRange { result.rules.append("house-number-range") }
        if let box = parts.box {
            result.box = box
            result.rules.append("box-extracted")
        }
    }

    /// "12 bis rue…", "10-12 avenue…", "10 à 12 rue…", "27, rue…".
    static func extractLeadingNumber(
        _ tokens: inout [Token], country: String?, into result: inout ParsedStreetLine
    ) -> Bool {
        var start = 0
        if tokens.first?.isNumberMark == true { start = 1 }
        guard start < tokens.count, tokens[start].startsWithDigit,
            var parts = numberParts(tokens[start].text, country: country)
        else { return false }
        // "1945" alone is a number; "8 Mai 1945" opening a line is a street name.
        if start + 1 < tokens.count, months.contains(tokens[start + 1].folded) { return false }
        var end = start + 1

        // A range written with words or spaced dashes: "10 à 12", "10 - 12".
        if end + 1 < tokens.count,
            ["a", "au", "-", "tot"].contains(tokens[end].folded)
                || tokens[end].text == "-",
            let high = numberParts(tokens[end + 1].text, country: country), high.box == nil,
            tokens[end + 1].startsWithDigit
        {
            parts.number += "-" + high.number
            parts.isRange = true
            end += 2
        }
        if parts.suffix == nil, end < tokens.count, isSuffix(tokens[end].folded),
            end + 1 < tokens.count || suffixWords.contains(tokens[end].folded)
        {
            parts.suffix = tokens[end].folded
            end += 1
        }
        end = extractBox(tokens, from: end, into: &parts)
        // A line that is only a number ("12") has no street: leave it to the caller.
        apply(parts, to: &result)
        tokens.removeSubrange(0..<end)
        return true
    }

    /// Reads a box announced at `index` ("bte 3", "bus 3", "b3", "/3"); returns the index
    /// after it.
    static func extractBox(_ tokens: [Token], from index: Int, into parts: inout NumberParts)
        -> Int
    {
        guard index < tokens.count, parts.box == nil else { return index }
        let token = tokens[index]
        if boxWords.contains(token.folded), index + 1 < tokens.count {
            let value = tokens[index + 1].text
            if value.count <= 5, value.contains(where: \.isNumber) || value.count == 1 {
                parts.box = value.uppercased()
                return index + 2
            }
        }
        if let glued = gluedBox(token.text) {
            parts.box = glued
            return index + 1
        }
        return index
    }

    /// "bte3", "b3", "bus3", "/3" written as one token.
    static func gluedBox(_ text: String) -> String? {
        if text.hasPrefix("/"), text.count > 1, text.count <= 5 {
            return String(text.dropFirst()).uppercased()
        }
        let folded = MatchKey.fold(text)
        for word in ["boite", "bte", "bus", "box", "bt", "b"] where folded.hasPrefix(word) {
            let rest = folded.dropFirst(word.count).drop { $0 == " " }
            if !rest.isEmpty, rest.count <= 4, rest.allSatisfy(\.isNumber) { return String(rest) }
        }
        return nil
    }

    /// "Rue de la Gare 12", "Kerkstraat 12 bus 3", "Rue X 12 B", "Rue X 12/3".
    static func extractTrailingNumber(
        _ tokens: inout [Token], country: String?, into result: inout ParsedStreetLine
    ) {
        var end = tokens.count
        var box: String?

        // A box closes the line: "bte 3", "bus 3", "b3", "/3".
        if end >= 2, boxWords.contains(tokens[end - 2].folded),
            tokens[end - 1].text.count <= 5, tokens[end - 1].text.contains(where: \.isNumber),
            end >= 3
        {
            box = tokens[end - 1].text.uppercased()
            end -= 2
        } else if end >= 2, let glued = gluedBox(tokens[end - 1].text),
            tokens[end - 2].startsWithDigit || isSuffix(tokens[end - 2].folded)
        {
            box = glued
            end -= 1
        }

        // Then an optional suffix written apart ("12 bis", "12 B"), then the number.
        var suffix: String?
        if end >= 2, isSuffix(tokens[end - 1].folded), tokens[end - 2].startsWithDigit {
            suffix = tokens[end - 1].folded
            end -= 1
        }
        guard end >= 1, tokens[end - 1].startsWithDigit,
            var parts = numberParts(tokens[end - 1].text, country: country)
        else { return }
        // "Rue du 8 Mai 1945": the year belongs to the name.
        if end >= 2, months.contains(tokens[end - 2].folded) { return }
        // A lone number with nothing before it is handled by the leading-number branch.
        if end == 1, suffix == nil, box == nil { return }

        if let suffix, parts.suffix == nil { parts.suffix = suffix }
        if let box, parts.box == nil { parts.box = box }
        var start = end - 1

        // A spaced range: "Rue X 10 - 12".
        if start >= 2, tokens[start - 1].text == "-" || tokens[start - 1].folded == "a",
            tokens[start - 2].startsWithDigit,
            let low = numberParts(tokens[start - 2].text, country: country), low.box == nil
        {
            parts.number = low.number + "-" + parts.number
            parts.isRange = true
            start -= 2
        }
        apply(parts, to: &result)
        tokens.removeSubrange(start..<tokens.count)
    }

    // MARK: - Street

    static func readStreet(
        _ tokens: [Token], country: String?, language: String?,
        into result: inout ParsedStreetLine
    ) {
        var words = tokens.map(\.text)
        // "str." is German in Switzerland, Luxembourg and East Belgium, Dutch elsewhere.
        let german =
            language == "de"
            || (language == nil && ["CH", "DE", "AT", "LU"].contains(country ?? ""))
        let dutch = language == "nl"

        // "St-Martin" is "Saint-Martin" in French, "Sint-" in Dutch.
        if expandSaints(&words, dutch: dutch) { result.rules.append("saint-expanded") }

        var type: String?
        var name: String?
        if let match = StreetTypes.leading(
            firstWord: words[0], secondWord: words.count > 1 ? words[1] : nil, country: country)
        {
            // French order: the type opens the line.
            type = match.type
            let typeWords = match.type == "rond-point" && !words[0].contains("-") ? 2 : 1
            if match.wasAbbreviated {
                words.replaceSubrange(0..<typeWords, with: [match.type.capitalizedFirst])
                result.rules.append("street-type-expanded")
            }
            name = words.dropFirst(typeWords == 2 && !match.wasAbbreviated ? 2 : 1)
                .joined(separator: " ")
        } else if let grand = grandRue(words) {
            type = grand
            name = words.joined(separator: " ")
        } else if let found = StreetTypes.trailing(word: words[words.count - 1], german: german) {
            // Dutch and German order: the type ends the last word, or is the last word.
            type = found.match.type
            if found.expanded != words[words.count - 1] {
                words[words.count - 1] = found.expanded
                if found.match.wasAbbreviated { result.rules.append("street-type-expanded") }
            }
            let typeCount = typeLength(found.expanded, type: found.match.type)
            let root = String(found.expanded.dropLast(typeCount))
            name = (words.dropLast() + (root.isEmpty ? [] : [root])).joined(separator: " ")
        }

        let street = DisplayCase.nameIfShouting(words.joined(separator: " "))
        result.street = street.isEmpty ? nil : street
        result.streetType = type
        let streetName = name.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        result.streetName = streetName.map { DisplayCase.nameIfShouting($0) } ?? result.street
        if street != words.joined(separator: " ") { result.rules.append("display-case") }
    }

    static func typeLength(_ word: String, type: String) -> Int {
        let lower = word.lowercased()
        for spelling in [type, "straße", "strasse", "straat"] where lower.hasSuffix(spelling) {
            return spelling.count
        }
        return 0
    }

    /// "Grand-Rue", "Grand'Rue", "Grande Rue", "Grand-Route": the type is inside the name.
    static func grandRue(_ words: [String]) -> String? {
        let key = MatchKey.fold(words.prefix(2).joined(separator: " "))
        switch key {
        case "grand rue", "grande rue", "grand rue du", "grand rue de": return "rue"
        case "grand route", "grande route": return "route"
        case "grand place", "grande place": return "place"
        default: return nil
        }
    }

    static func expandSaints(_ words: inout [String], dutch: Bool) -> Bool {
        var changed = false
        for index in words.indices {
            let word = words[index]
            for (short, french, flemish) in [
                ("St-", "Saint-", "Sint-"), ("Ste-", "Sainte-", "Sint-"),
                ("St.-", "Saint-", "Sint-"), ("Ste.-", "Sainte-", "Sint-"),
                ("ST-", "SAINT-", "SINT-"), ("STE-", "SAINTE-", "SINT-"),
            ] where word.hasPrefix(short) && word.count > short.count {
                words[index] = (dutch ? flemish : french) + word.dropFirst(short.count)
                changed = true
                break
            }
            // "St Martin" written with a space: only before a capitalised word.
            if ["St", "St.", "Ste", "Ste."].contains(word), index + 1 < words.count,
                words[index + 1].first?.isUppercase == true, index > 0
            {
                let feminine = word.hasPrefix("Ste")
                words[index] = dutch ? "Sint" : (feminine ? "Sainte" : "Saint")
                if !dutch {
                    words[index] += "-" + words[index + 1]
                    words[index + 1] = ""
                }
                changed = true
            }
        }
        words.removeAll { $0.isEmpty }
        return changed
    }
}

extension String {
    /// The text without leading and trailing spaces.
    var trimmingSpaces: String {
        // Text that starts and ends with a printable ASCII byte has nothing to trim (no
        // grapheme that ends with one starts with white space): returned without a copy.
        let utf8 = self.utf8
        if let first = utf8.first, let last = utf8.last, Self.isASCIIVisible(first),
            Self.isASCIIVisible(last)
        {
            return self
        }
        return trimmingSpacesByCharacter
    }

    static func isASCIIVisible(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x80 }

    /// `trimmingSpaces` character by character: the reference of its fast path.
    var trimmingSpacesByCharacter: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}

// MARK: - One-cell addresses

extension AddressParser {
    /// Splits a whole address written in one cell into street line, postcode, locality,
    /// CEDEX and country: "Rue de la Gare 12 bte 3 - 5000 Namur", "12, r. du Moulin 59000
    /// LILLE CEDEX", "Kerkstraat 5, B-8000 Brugge, België".
    ///
    /// The postcode is the last 4- or 5-digit number followed by a locality (or by a
    /// country prefix before it); without a postcode, the text after the last comma is
    /// taken as the locality when it holds no digit.
    public static func split(oneCell: String, country: String? = nil) -> ParsedAddress {
        var address = ParsedAddress()
        var words = oneCell.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return address }

        // A country named at the end ("…, Belgique").
        if let last = words.last, let named = Country.code(for: last.trimmingCharacters(",.")),
            words.count > 2
        {
            address.country = named
            words.removeLast()
            address.rules.append("country-extracted")
        }

        // The postcode: the last number shaped like one, with a locality after it.
        var postcodeIndex: Int?
        for index in stride(from: words.count - 1, through: 0, by: -1) {
            let word = words[index].trimmingCharacters(",")
            let bare = word.drop { $0.isLetter || $0 == "-" }
            guard bare.count == 4 || bare.count == 5, bare.allSatisfy(\.isNumber),
                word.count - bare.count <= 3
            else { continue }
            // The house number of "Rue X 1234" ends a line with nothing after it.
            if index == words.count - 1, index > 0 {
                continue
            }
            postcodeIndex = index
            break
        }

        var streetWords: ArraySlice<String>
        if let index = postcodeIndex {
            let effectiveCountry = address.country ?? country
            var postcodeText = words[index].trimmingCharacters(",")
            // Dutch postcodes carry two letters after the digits: "1234 AB".
            var localityStart = index + 1
            if localityStart < words.count, words[localityStart].count == 2,
                words[localityStart].allSatisfy(\.isUppercase), effectiveCountry == "NL"
            {
                postcodeText += " " + words[localityStart]
                localityStart += 1
            }
            let postcode = Postcode.normalize(postcodeText, country: effectiveCountry)
            address.postcode = postcode.value
            address.country =
                address.country
                ?? postcode.country.flatMap {
                    postcodeText.first?.isLetter == true ? $0 : nil
                }
            address.rules += postcode.rules
            readLocality(words[localityStart...], into: &address)
            streetWords = words[..<index]
        } else if let comma = oneCell.lastIndex(of: ","),
            !oneCell[comma...].contains(where: \.isNumber)
        {
            // No postcode: "Rue X 12, Namur".
            let locality = String(oneCell[oneCell.index(after: comma)...])
            readLocality(
                locality.split(whereSeparator: \.isWhitespace).map(String.init)[...],
                into: &address)
            streetWords =
                String(oneCell[..<comma]).split(whereSeparator: \.isWhitespace)
                .map(String.init)[...]
        } else {
            streetWords = words[...]
        }

        // Separators left between the street and the postcode: "… 3 - 5000", "…, 5000".
        while let last = streetWords.last, ["-", "–", ",", "/"].contains(last) {
            streetWords.removeLast()
        }
        var streetLine = streetWords.joined(separator: " ")
        while streetLine.hasSuffix(",") || streetLine.hasSuffix("-") { streetLine.removeLast() }
        address.streetLine = parse(
            line: streetLine, country: address.country ?? country,
            language: address.postcode.flatMap {
                (address.country ?? country) == "BE" ? Postcode.belgianLanguage($0) : nil
            })
        address.rules += address.streetLine.rules
        return address
    }

    static func readLocality(_ words: ArraySlice<String>, into address: inout ParsedAddress) {
        var words = Array(words.map { $0.trimmingCharacters(",") }.filter { !$0.isEmpty })
        if let index = words.lastIndex(where: { MatchKey.fold($0) == "cedex" }) {
            var cedex = "CEDEX"
            if index + 1 < words.count, words[index + 1].allSatisfy(\.isNumber) {
                cedex += " " + words[index + 1]
                words.remove(at: index + 1)
            }
            words.remove(at: index)
            address.cedex = cedex
            address.rules.append("cedex-extracted")
        }
        if words.count > 1, let last = words.last, let named = Country.code(for: last) {
            address.country = address.country ?? named
            words.removeLast()
            address.rules.append("country-extracted")
        }
        let locality = words.joined(separator: " ")
        address.locality = locality.isEmpty ? nil : locality
    }
}

extension String {
    /// The text without the given characters (and spaces) at either end.
    func trimmingCharacters(_ characters: String) -> String {
        func trimmed(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || characters.unicodeScalars.contains(scalar)
        }
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last, trimmed(first) || trimmed(last)
        else { return self }
        var slice = scalars[...]
        while let scalar = slice.first, trimmed(scalar) { slice.removeFirst() }
        while let scalar = slice.last, trimmed(scalar) { slice.removeLast() }
        return String(slice)
    }
}
