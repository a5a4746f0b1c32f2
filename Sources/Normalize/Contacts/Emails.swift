import GlaneurCore

/// E-mail addresses: several in a cell split, obfuscations undone ("jean[at]ferme.be",
/// "jean arobase ferme point be"), trimmed, the domain lower-cased, invalid ones flagged.
public enum Emails {
    /// One address after normalisation.
    public struct Address: Hashable, Sendable {
        public var written: String
        /// The address with its domain in lower case; the text as written when invalid.
        public var value: String
        public var isValid: Bool
        /// `email-deobfuscated`, `email-domain-lowercased`, `email-trimmed`.
        public var rules: [String]
    }

    /// Normalises a cell that holds one or more addresses.
    public static func parse(cell: String) -> [Address] {
        if isPlainSingle(cell) { return [normalize(cell, rules: [])] }
        var text = cell
        var rules: [String] = []
        if let plain = deobfuscate(text) {
            text = plain
            rules.append("email-deobfuscated")
        }
        let pieces = text.split(whereSeparator: { ",; /|\t\n".contains($0) })
            .map { String($0) }
            .filter { !$0.isEmpty && !["et", "en", "or", "ou", "of"].contains($0.lowercased()) }
        return pieces.map { piece in normalize(piece, rules: rules) }
    }

    /// One "@", no space, no list separator, no bracket: one plain address.
    static func isPlainSingle(_ cell: String) -> Bool {
        var ats = 0
        for byte in cell.utf8 {
            switch byte {
            case UInt8(ascii: "@"): ats += 1
            case UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "/"),
                UInt8(ascii: "|"), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"),
                UInt8(ascii: "\t"), UInt8(ascii: "\n"):
                return false
            default: break
            }
        }
        return ats == 1
    }

    static func normalize(_ piece: String, rules inherited: [String]) -> Address {
        var rules = inherited
        var text = piece.trimmingCharacters("<>\"'()[]:.")
        if text.lowercased().hasPrefix("mailto:") { text = String(text.dropFirst(7)) }
        if text != piece { rules.append("email-trimmed") }
        guard let at = text.lastIndex(of: "@") else {
            return Address(written: piece, value: text, isValid: false, rules: rules)
        }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        let lowerDomain = domain.lowercased()
        if lowerDomain != domain { rules.append("email-domain-lowercased") }
        let value = local + "@" + lowerDomain
        return Address(
            written: piece, value: value,
            isValid: isValidLocal(local) && isValidDomain(lowerDomain), rules: rules)
    }

    /// Undoes "[at]", "(at)", " at ", " arobase ", "[dot]", " point "; nil if none.
    static func deobfuscate(_ text: String) -> String? {
        guard !text.contains("@") || text.contains("[dot]") || text.contains("(dot)") else {
            return nil
        }
        var result = text
        for (pattern, replacement) in [
            ("[at]", "@"), ("(at)", "@"), ("{at}", "@"), (" at ", "@"), (" arobase ", "@"),
            ("[arobase]", "@"), ("(arobase)", "@"), (" apenstaartje ", "@"), ("[dot]", "."),
            ("(dot)", "."), (" dot ", "."), (" point ", "."), ("[point]", "."), (" punt ", "."),
        ] {
            result = result.replacingOccurrences(
                of: pattern, with: replacement,
                options: .caseInsensitive)
        }
        result = result.replacingOccurrences(of: " @ ", with: "@")
            .replacingOccurrences(of: " . ", with: ".")
        return result == text || !result.contains("@") ? nil : result
    }

    static func isValidLocal(_ local: Substring) -> Bool {
        guard !local.isEmpty, local.count <= 64, local.first != ".", local.last != ".",
            !local.contains("..")
        else { return false }
        return local.unicodeScalars.allSatisfy { scalar in
            isLetterOrDigit(scalar) || "!#$%&'*+/=?^_`{|}~.-".unicodeScalars.contains(scalar)
        }
    }

    /// ASCII letters and digits checked directly; other scalars by their properties.
    @inline(__always)
    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0..<0x80: return false
        default: return scalar.properties.isAlphabetic
        }
    }

    static func isValidDomain(_ domain: String) -> Bool {
        if let valid = domain.utf8.withContiguousStorageIfAvailable(isValidASCIIDomain),
            let valid
        {
            return valid
        }
        return isValidDomainByCharacter(domain)
    }

    /// `isValidDomain` on the bytes of an ASCII domain, where a byte is a character
    /// (a CR LF pair, one character of two bytes, is invalid either way); nil when the
    /// domain is not ASCII. Splitting and testing characters cost some twenty thousand
    /// instructions a domain; `isValidDomainByCharacter` is the reference the tests hold
    /// this to.
    static func isValidASCIIDomain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A }
        func isLabelByte(_ byte: UInt8) -> Bool {
            isLetter(byte) || byte >= 0x30 && byte <= 0x39 || byte == UInt8(ascii: "-")
        }
        var labels = 0
        var start = 0
        var valid = true
        var tldIsLetters = false
        for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ".") {
            let label = UnsafeBufferPointer(rebasing: bytes[start..<end])
            labels += 1
            if label.isEmpty || label.count > 63 || label.first == UInt8(ascii: "-")
                || label.last == UInt8(ascii: "-") || !label.allSatisfy(isLabelByte)
            {
                valid = false
            }
            tldIsLetters = label.count >= 2 && label.allSatisfy(isLetter)
            start = end + 1
        }
        return valid && labels >= 2 && tldIsLetters
    }

    static func isValidDomainByCharacter(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2,
            tld.allSatisfy(\.isLetter)
        else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { isLetterOrDigit($0) || $0 == "-" }
        }
    }
}

/// Websites normalised to a URL: scheme added when missing (`https://`), host lower-cased,
/// a bare trailing slash dropped; invalid ones flagged.
public enum Websites {
    public struct Site: Hashable, Sendable {
        public var written: String
        /// The URL, or the text as written when invalid.
        public var url: String
        /// The host without "www.", for comparisons ("ferme-dupont.be").
        public var host: String?
        public var isValid: Bool
        /// `website-scheme-added`, `website-host-lowercased`, `website-slash-removed`.
        public var rules: [String]
    }

    public static func parse(_ written: String) -> Site {
        var rules: [String] = []
        var text = written.trimmingSpaces
        guard !text.isEmpty, !text.contains(" "), !text.contains("@") || text.contains("/")
        else {
            return Site(written: written, url: text, host: nil, isValid: false, rules: rules)
        }
        var scheme = "https://"
        let lower = text.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            scheme = lower.hasPrefix("https://") ? "https://" : "http://"
            text = String(text.dropFirst(scheme.count))
        } else {
            rules.append("website-scheme-added")
        }
        let slash = text.firstIndex(of: "/") ?? text.endIndex
        let host = String(text[..<slash])
        var path = String(text[slash...])
        let lowerHost = host.lowercased()
        if lowerHost != host { rules.append("website-host-lowercased") }
        if path == "/" {
            path = ""
            rules.append("website-slash-removed")
        }
        let valid = Emails.isValidDomain(
            lowerHost.split(separator: ":").first.map(String.init)
                ?? lowerHost)
        let bareHost = lowerHost.hasPrefix("www.") ? String(lowerHost.dropFirst(4)) : lowerHost
        return Site(
            written: written, url: valid ? scheme + lowerHost + path : written,
            host: valid ? bareHost : nil, isValid: valid, rules: rules)
    }
}
