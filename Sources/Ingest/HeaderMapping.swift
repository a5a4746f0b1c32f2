import GlaneurCore

/// Which source column feeds which canonical field.
///
/// Column names are compared folded (accents, case, spaces and punctuation ignored), so
/// "Localité", "LOCALITE" and "localite" are one name. A name is looked up whole first
/// ("Code postal", "contact.name"), then, for dotted JSON keys, by its last part
/// ("address.postalCode" → "postalCode"), then word by word from the end ("Nom du
/// contact" → "contact", "Tél. portable" → "portable").
public struct HeaderMapping: Sendable, Equatable {
    /// The field of each column, by position; nil for an unmapped column.
    public private(set) var fields: [Field?]
    public let columns: [String]
    /// How each mapped column was recognised, for `glaneur inspect`.
    public private(set) var reasons: [String?]

    /// Maps columns by name, with the user's overrides taking precedence.
    ///
    /// - parameter overrides: column name → field; a column named here is mapped to that
    ///   field whatever its name says. Names are compared folded.
    /// - throws: `GlaneurError.invalidRequest` when an override names a column the file
    ///   does not have.
    public init(columns: [String], overrides: [String: Field] = [:]) throws(GlaneurError) {
        self.columns = columns
        fields = Array(repeating: nil, count: columns.count)
        reasons = Array(repeating: nil, count: columns.count)

        let foldedColumns = columns.map(MatchKey.compact)
        for (name, field) in overrides {
            let key = MatchKey.compact(name)
            guard let index = foldedColumns.firstIndex(of: key) else {
                let known = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                throw .invalidRequest(
                    "cannot map \(field.key) to column \"\(name)\": no such column "
                        + "(the columns are \(known))")
            }
            fields[index] = field
            reasons[index] = "set by the user"
        }

        for index in columns.indices where fields[index] == nil {
            if let (field, reason) = Self.recognise(columns[index]) {
                fields[index] = field
                reasons[index] = reason
            }
        }
        resolveAddressColumn()
    }

    /// The columns that feed no field, kept in the record's source fields all the same.
    public var unmappedColumns: [String] {
        columns.indices.filter { fields[$0] == nil }.map { columns[$0] }
    }

    public func columns(for field: Field) -> [Int] {
        fields.indices.filter { fields[$0] == field }
    }

    /// How many columns the mapping recognised by name (not counting overrides).
    public var recognisedCount: Int {
        reasons.filter { $0 != nil && $0 != "set by the user" }.count
    }

    // MARK: - Recognition

    static func recognise(_ column: String) -> (Field, String)? {
        let whole = MatchKey.compact(column)
        if let field = synonyms[whole] { return (field, "name") }

        if column.contains(".") {
            let last = column.split(separator: ".").last.map(String.init) ?? column
            if let field = synonyms[MatchKey.compact(last)] {
                return (field, "last part of the key")
            }
        }

        let words = MatchKey.fold(column).split(separator: " ").map(String.init)
        for word in words.reversed() {
            if let field = synonyms[word], !ambiguousWords.contains(word) {
                return (field, "word \"\(word)\"")
            }
        }
        return nil
    }

    /// "Adresse" holds a street line when the file has separate postcode or locality
    /// columns, and a whole address otherwise.
    private mutating func resolveAddressColumn() {
        let addressColumns = columns(for: .address)
        guard !addressColumns.isEmpty else { return }
        let hasPlaceColumns =
            !columns(for: .postcode).isEmpty
            || !columns(for: .locality).isEmpty
        guard hasPlaceColumns, columns(for: .street).isEmpty else { return }
        for index in addressColumns {
            fields[index] = .street
            reasons[index] =
                (reasons[index] ?? "name")
                + "; a street line, since postcode or locality have their own columns"
        }
    }

    /// Words too vague to map a column on their own when they appear inside a longer
    /// name ("Code client", "Numéro SIRET").
    private static let ambiguousWords: Set<String> = ["code", "numero", "n", "no", "nr", "type"]

    /// Folded column names (see `MatchKey.compact`) in French, Dutch, German and English.
    static let synonyms: [String: Field] = {
        var table: [String: Field] = [:]
        func add(_ field: Field, _ names: [String]) {
            for name in names { table[MatchKey.compact(name)] = field }
        }
        add(
            .sourceKey,
            [
                "id", "ref", "référence", "reference", "identifiant", "code", "key", "source id",
                "external id", "id producteur", "producer id", "code producteur", "kenmerk",
                "referentie", "uid interne", "record id", "idproducteur",
            ])
        add(
            .name,
            [
                "nom", "name", "naam", "raison sociale", "dénomination", "denomination",
                "nom commercial", "nom de l'entreprise", "nom entreprise", "nom de la ferme",
                "nom du producteur", "producer name", "producer", "producteur", "entreprise",
                "exploitation", "enseigne", "structure", "organisation", "organization",
                "company", "company name", "business name", "bedrijf", "bedrijfsnaam",
                "handelsnaam", "firma", "firmenname", "name des betriebs", "betrieb",
                "producent", "naam bedrijf", "titre", "title",
            ])
        add(
            .legalForm,
            [
                "forme juridique", "statut juridique", "statut", "legal form", "rechtsvorm",
                "rechtsform", "vennootschapsvorm",
            ])
        add(
            .kind,
            [
                "type", "catégorie", "category", "kind", "type d'acteur", "type acteur",
                "activité", "activity", "secteur", "sector", "soort", "categorie", "actortype",
                "type of actor", "kategorie", "branche",
            ])
        add(
            .contact,
            [
                "contact", "contact name", "nom du contact", "contact person", "contactpersoon",
                "contact persoon", "personne de contact", "personne contact", "responsable",
                "gérant", "gerant", "interlocuteur", "ansprechpartner", "kontakt",
                "verantwoordelijke",
            ])
        add(
            .address,
            [
                "adresse", "address", "adres", "adresse complète", "adresse complete",
                "full address", "anschrift", "adresse postale", "postal address",
            ])
        add(
            .street,
            [
                "rue", "street", "straat", "strasse", "straße", "voie", "adresse 1", "adresse1",
                "address line 1", "address1", "ligne 1", "street address", "straatnaam",
                "street name", "nom de rue", "rue et numéro", "straat en nummer", "strasse und nr",
            ])
        add(
            .houseNumber,
            [
                "numéro", "numero", "n°", "no", "nr", "num", "huisnummer", "huisnr", "house number",
                "housenumber", "number", "hausnummer", "nummer", "numéro de rue", "nr.",
                "street number",
            ])
        add(
            .box,
            [
                "boîte", "boite", "bte", "bus", "box", "busnummer", "boîte postale interne",
                "appartement", "apt",
            ])
        add(
            .postcode,
            [
                "cp", "code postal", "codepostal", "postcode", "postal code", "zip", "zip code",
                "zipcode", "plz", "postleitzahl", "npa", "postnummer", "c.p.", "postcode nl",
            ])
        add(
            .locality,
            [
                "localité", "localite", "ville", "commune", "city", "town", "gemeente", "plaats",
                "woonplaats", "stad", "ort", "ortschaft", "gemeinde", "locality", "municipality",
                "village", "deelgemeente", "lieu", "place", "ville/commune",
            ])
        add(
            .country,
            [
                "pays", "country", "land", "country code", "code pays", "landcode", "countrycode",
                "iso pays",
            ])
        add(
            .phones,
            [
                "tél", "tel", "tél.", "téléphone", "telephone", "phone", "phone number",
                "telefoon", "telefoonnummer", "telefon", "telefonnummer", "gsm", "mobile",
                "portable", "mobiel", "handy", "natel", "fixe", "mobile phone", "cell phone",
                "tel 1", "tel 2", "téléphone 1", "téléphone 2", "phone 1", "phone 2",
                "numéro de téléphone", "tel fixe", "tel portable",
            ])
        add(
            .emails,
            [
                "email", "e-mail", "mail", "courriel", "adresse email", "adresse e-mail",
                "adresse mail", "emailadres", "e-mailadres", "mailadres", "email address",
                "e-mail-adresse",
            ])
        add(
            .website,
            [
                "site", "site web", "site internet", "website", "web", "url", "internet",
                "homepage", "webadres", "webseite", "site url", "www",
            ])
        add(
            .companyNumber,
            [
                "siren", "siret", "bce", "kbo", "numéro d'entreprise", "numero d'entreprise",
                "numéro bce", "ondernemingsnummer", "kbo nummer", "company number",
                "enterprise number", "registration number", "uid", "ide", "numéro ide",
                "n° siret", "n° siren", "n° bce", "rcs", "handelsregister",
            ])
        add(
            .vatNumber,
            [
                "tva", "numéro de tva", "numero tva", "n° tva", "tva intracommunautaire", "vat",
                "vat number", "btw", "btw nummer", "btw-nummer", "mwst", "mwst nr", "ust id",
                "ust-idnr",
            ])
        add(
            .products,
            [
                "produits", "products", "producten", "produkte", "tags", "productions",
                "production", "gamme", "assortiment", "aanbod", "offre", "products offered",
                "productie", "erzeugnisse", "produits proposés",
            ])
        add(
            .labels,
            [
                "bio", "organic", "label", "labels", "certification", "biologisch", "biologique",
                "agriculture biologique", "ab", "keurmerk", "label bio", "organic label",
                "certificering", "zertifizierung",
            ])
        add(.latitude, ["lat", "latitude", "breedtegraad", "breitengrad", "y", "geo lat"])
        add(
            .longitude,
            [
                "lon", "lng", "long", "longitude", "lengtegraad", "längengrad", "x", "geo lon",
            ])
        add(
            .description,
            [
                "description", "omschrijving", "beschrijving", "beschreibung", "présentation",
                "presentation", "remarque", "remarques", "commentaire", "commentaires", "notes",
                "note", "opmerkingen", "opmerking", "bemerkungen", "info", "informations",
            ])
        add(
            .openingHours,
            [
                "horaires", "horaire", "heures d'ouverture", "opening hours", "openinghours",
                "openingsuren", "openingstijden", "hours", "öffnungszeiten", "heures",
            ])
        return table
    }()
}
