/// A street line taken apart: "Rue de la Gare 12 bis bte 3" gives the street
/// "Rue de la Gare" (type `rue`, name "de la Gare"), the house number "12", the suffix
/// "bis" and the box "3".
public struct ParsedStreetLine: Hashable, Sendable {
    /// The street as it should be displayed and compared, abbreviations expanded:
    /// "Rue de la Gare", "Kerkstraat", "Hauptstrasse". Nil when the line holds no street
    /// (only a lieu-dit, a post-office box, or nothing).
    public var street: String?
    /// The canonical street type, lower-case, in the street's language (`rue`, `chaussée`,
    /// `straat`, `steenweg`, `strasse`), when one was recognised.
    public var streetType: String?
    /// The street without its type: "de la Gare" for "Rue de la Gare", "Kerk" for
    /// "Kerkstraat". Equal to `street` when no type was recognised.
    public var streetName: String?
    /// The house number, digits only ("12"), or a range ("10-12").
    public var houseNumber: String?
    /// The suffix of the house number, lower-case: `bis`, `ter`, `quater`, `quinquies`, or a
    /// letter (`a`, `b`…).
    public var houseNumberSuffix: String?
    /// The box or flat inside the building ("bte 4", "bus 4", "/4" give "4").
    public var box: String?
    /// True when the line says there is no number ("sans numéro", "SN", "ZN").
    public var withoutNumber: Bool = false
    /// A named place that stands for the street: a lieu-dit, a hamlet, "Le Bourg".
    public var lieuDit: String?
    /// A French post-office box ("BP 12" gives "12").
    public var postOfficeBox: String?
    /// A French sorting-centre code ("CS 30001" gives "30001").
    public var sortingCentre: String?
    /// Kebab-case codes of the rewrites made: `street-type-expanded`, `saint-expanded`,
    /// `box-extracted`, `post-office-box-extracted`, `cedex-extracted`,
    /// `house-number-range`, `lieu-dit`…
    public var rules: [String] = []

    public init() {}

    /// The house number with its suffix, as one would write it: "12bis", "7A", "10-12".
    public var fullHouseNumber: String? {
        guard let number = houseNumber else { return nil }
        guard let suffix = houseNumberSuffix else { return number }
        return suffix.count == 1 ? number + suffix.uppercased() : number + suffix
    }
}

/// A whole address written in one cell, taken apart.
public struct ParsedAddress: Hashable, Sendable {
    /// The street line (everything before the postcode and locality), parsed.
    public var streetLine: ParsedStreetLine
    /// The postcode, canonical for its country ("5000", "59000", "1234 AB").
    public var postcode: String?
    /// The locality as written, without CEDEX and without a trailing country name.
    public var locality: String?
    /// The CEDEX mention, "CEDEX" or "CEDEX 9", removed from the locality.
    public var cedex: String?
    /// The ISO 3166 code of the country, when the cell names it or the postcode implies it
    /// ("B-5000", "F-59000", "Belgique").
    public var country: String?
    /// The rules applied, those of the street line included.
    public var rules: [String] = []

    public init(streetLine: ParsedStreetLine = ParsedStreetLine()) {
        self.streetLine = streetLine
    }
}
