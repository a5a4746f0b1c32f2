/// A company or VAT number, checked and written canonically.
public struct CompanyNumber: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// French SIREN (9 digits, Luhn).
        case siren
        /// French SIRET (14 digits: SIREN + establishment, Luhn).
        case siret
        /// Belgian enterprise number, BCE/KBO (10 digits, mod 97).
        case belgianEnterprise = "bce-kbo"
        /// Swiss UID, CHE-123.456.789 (mod 11).
        case swissUID = "che-uid"
        /// Luxembourg VAT (LU + 8 digits, mod 89).
        case luxembourgVAT = "vat-lu"
        case frenchVAT = "vat-fr"
        case belgianVAT = "vat-be"
        case swissVAT = "vat-ch"
    }

    public var written: String
    public var kind: Kind?
    /// "123 456 789", "0123.456.789", "CHE-123.456.789", "FR40303265045", "BE0123456789".
    public var canonical: String?
    public var isValid: Bool
    public var country: String?
    /// The SIREN or enterprise number the VAT number is built on, canonical.
    public var companyNumber: String?
}

/// Validates and canonicalises French SIREN/SIRET, Belgian BCE/KBO, Swiss UID and the VAT
/// numbers built on them.
public enum CompanyNumbers {
    ///
    /// Nine digits are a SIREN in France and an old enterprise number in Belgium; with no
    /// country, the check digits decide.
    public static func parse(_ written: String, country: String? = nil) -> CompanyNumber {
        let upper = written.uppercased()
        let letters = String(upper.prefix { $0.isLetter })
        let digits = upper.filter(\.isNumber).compactMap(\.wholeNumberValue)
        var number = CompanyNumber(
            written: written, kind: nil, canonical: nil, isValid: false,
            country: nil, companyNumber: nil)

        switch (letters, digits.count) {
        case ("CHE", 9):
            let vat = upper.contains("MWST") || upper.contains("TVA") || upper.contains("IVA")
            number.kind = vat ? .swissVAT : .swissUID
            number.country = "CH"
            number.isValid = swissCheck(digits)
            let uid = "CHE-" + group(digits, [3, 3, 3], separator: ".")
            number.canonical = vat ? uid + " " + (upper.contains("MWST") ? "MWST" : "TVA") : uid
            number.companyNumber = uid
        case ("FR", 11):
            let siren = Array(digits.dropFirst(2))
            number.kind = .frenchVAT
            number.country = "FR"
            let key = digits[0] * 10 + digits[1]
            number.isValid = luhn(siren) && key == frenchVATKey(siren)
            number.canonical = "FR" + digits.map(String.init).joined()
            number.companyNumber = group(siren, [3, 3, 3], separator: " ")
        case ("BE", 9), ("BE", 10):
            let enterprise = digits.count == 9 ? [0] + digits : digits
            number.kind = .belgianVAT
            number.country = "BE"
            number.isValid = belgianCheck(enterprise)
            number.canonical = "BE" + enterprise.map(String.init).joined()
            number.companyNumber = group(enterprise, [4, 3, 3], separator: ".")
        case ("LU", 8):
            number.kind = .luxembourgVAT
            number.country = "LU"
            number.isValid = value(digits.prefix(6)) % 89 == value(digits.suffix(2))
            number.canonical = "LU" + digits.map(String.init).joined()
        case ("", 9) where country == "FR" || (country != "BE" && !belgianCheck([0] + digits)):
            number.kind = .siren
            number.country = "FR"
            number.isValid = luhn(digits) || laPoste(digits)
            number.canonical = group(digits, [3, 3, 3], separator: " ")
        case ("", 14):
            number.kind = .siret
            number.country = "FR"
            number.isValid = luhn(digits) || laPoste(digits)
            number.canonical = group(digits, [3, 3, 3, 5], separator: " ")
            number.companyNumber = group(Array(digits.prefix(9)), [3, 3, 3], separator: " ")
        case ("", 10), ("", 9):
            // Belgian numbers from before 2003 had 9 digits: a leading 0 was added.
            let enterprise = digits.count == 9 ? [0] + digits : digits
            number.kind = .belgianEnterprise
            number.country = "BE"
            number.isValid = (enterprise[0] == 0 || enterprise[0] == 1) && belgianCheck(enterprise)
            number.canonical = group(enterprise, [4, 3, 3], separator: ".")
        default:
            break
        }
        if !number.isValid, number.kind != nil { number.canonical = number.canonical ?? written }
        return number
    }

    static func value(_ digits: some Collection<Int>) -> Int {
        digits.reduce(0) { $0 * 10 + $1 }
    }

    static func group(_ digits: [Int], _ sizes: [Int], separator: String) -> String {
        var parts: [String] = []
        var index = 0
        for size in sizes {
            parts.append(digits[index..<min(index + size, digits.count)].map(String.init).joined())
            index += size
        }
        return parts.joined(separator: separator)
    }

    /// The Luhn check of SIREN and SIRET.
    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = digit
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// La Poste's establishments (SIREN 356 000 000) break Luhn; their digits sum to a
    /// multiple of 5.
    static func laPoste(_ digits: [Int]) -> Bool {
        digits.count >= 9 && value(digits.prefix(9)) == 356_000_000
            && digits.reduce(0, +) % 5 == 0
    }

    /// The two-digit key of a French VAT number.
    static func frenchVATKey(_ siren: [Int]) -> Int {
        (12 + 3 * (value(siren) % 97)) % 97
    }

    /// BCE/KBO: the last two digits are 97 minus the first eight modulo 97.
    static func belgianCheck(_ digits: [Int]) -> Bool {
        guard digits.count == 10 else { return false }
        return 97 - value(digits.prefix(8)) % 97 == value(digits.suffix(2))
    }

    /// Swiss UID: weights 5 4 3 2 7 6 5 4 on the first eight digits, check 11 - sum mod 11.
    static func swissCheck(_ digits: [Int]) -> Bool {
        guard digits.count == 9 else { return false }
        let weights = [5, 4, 3, 2, 7, 6, 5, 4]
        let sum = zip(digits.prefix(8), weights).reduce(0) { $0 + $1.0 * $1.1 }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == digits[8]
    }
}
