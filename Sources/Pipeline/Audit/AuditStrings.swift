import Foundation

/// Every text of the audit page, one table per language: the page reads its labels here
/// and nowhere else.
struct AuditStrings: Sendable {
    var language: String
    var title: String
    var subtitle: @Sendable (_ database: String, _ date: String) -> String
    var contents: String

    var summary: String
    var entities: String
    var records: String
    var sources: String
    var placed: String
    var findings: String

    var overviewCaption: String
    var checkColumn: String
    var countColumn: String
    var aboutColumn: String

    var mapTitle: String
    var mapCaption: String
    var mapFlagged: String
    var mapWithheld: @Sendable (_ drawn: Int, _ withheld: Int) -> String
    var mapOutside: @Sendable (_ count: Int) -> String
    var mapAttribution: String

    var completenessTitle: String
    var completenessNote: String
    var sourceColumn: String
    var recordsColumn: String
    var goldenRecords: String
    var fields: [AuditField: String]

    var precisionTitle: String
    var precisionCaption: String
    var precisions: [String: String]
    var precisionColumn: String
    var entitiesColumn: String
    var meanScoreColumn: String

    var findingsTitle: String
    var checks: [AuditCheck: String]
    var descriptions: [AuditCheck: String]
    var uidColumn: String
    var nameColumn: String
    var localityColumn: String
    var valueColumn: String
    var reasonColumn: String
    var shown: @Sendable (_ shown: Int, _ total: Int) -> String
    var none: String
    /// The deduplicator's comparisons by key, and the meaning of each level, strongest
    /// agreement first (as `Comparison.levels`); its rules by name.
    var comparisons: [String: (name: String, levels: [String])]
    var rules: [String: String]
    /// Why a finding was made, given this table for the evidence of duplicates.
    var reasonText: @Sendable (AuditReason, AuditStrings) -> String

    func reason(_ reason: AuditReason) -> String {
        reasonText(reason, self)
    }

    /// A pair's evidence in a few words: "nom : mêmes mots (+3,2) ; …".
    func describe(_ evidence: [MatchEvidence]) -> String {
        evidence.map { item in
            guard let level = item.level else { return rules[item.comparison] ?? item.comparison }
            let comparison = comparisons[item.comparison]
            let name = comparison?.name ?? item.comparison
            let meaning =
                comparison.flatMap { $0.levels.indices.contains(level) ? $0.levels[level] : nil }
                ?? String(level)
            let sign = item.weight >= 0 ? "+" : "−"
            return "\(name)\(language == "fr" ? " :" : ":") \(meaning) "
                + "(\(sign)\(Self.decimal(abs(item.weight))))"
        }.joined(separator: language == "fr" ? " ; " : "; ")
    }

    static func forLanguage(_ code: String) -> AuditStrings? {
        switch code.lowercased() {
        case "fr": french
        case "nl": dutch
        default: nil
        }
    }

    /// A number with the language's decimal comma.
    static func decimal(_ value: Double, digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value).replacingOccurrences(of: ".", with: ",")
    }

    // MARK: - French

    static let french = AuditStrings(
        language: "fr",
        title: "Audit de la carte",
        subtitle: { "Base \($0), audit du \($1)." },
        contents: "Sommaire",
        summary: "En bref",
        entities: "producteurs actifs",
        records: "enregistrements",
        sources: "sources",
        placed: "placés sur la carte",
        findings: "constats",
        overviewCaption: "Constats par contrôle",
        checkColumn: "Contrôle",
        countColumn: "Constats",
        aboutColumn: "Ce qui est vérifié",
        mapTitle: "Carte des producteurs",
        mapCaption: "Chaque point est un producteur, coloré selon la précision du géocodage.",
        mapFlagged: "point hors de son pays ou loin de sa localité",
        mapWithheld: {
            "La carte montre les \($0) premiers points ; \($1) autres ne sont pas dessinés."
        },
        mapOutside: { "\($0) points hors du cadre de la carte ne sont pas dessinés." },
        mapAttribution: "Fond de carte : Natural Earth (domaine public).",
        completenessTitle: "Complétude par source",
        completenessNote:
            "Part des enregistrements de chaque source qui renseignent le champ ; la dernière "
            + "ligne porte sur les fiches fusionnées des producteurs de la carte.",
        sourceColumn: "Source",
        recordsColumn: "Enregistrements",
        goldenRecords: "Carte (fiches fusionnées)",
        fields: [
            .name: "Nom", .street: "Rue", .houseNumber: "Numéro", .postcode: "Code postal",
            .locality: "Localité", .country: "Pays", .phone: "Téléphone", .email: "E-mail",
            .website: "Site web", .companyNumber: "N° d’entreprise", .products: "Produits",
            .point: "Point",
        ],
        precisionTitle: "Précision du géocodage",
        precisionCaption: "Producteurs actifs par précision du point",
        precisions: [
            "housenumber": "numéro", "street": "rue", "locality": "localité",
            "postcode": "code postal", "none": "non placé",
        ],
        precisionColumn: "Précision",
        entitiesColumn: "Producteurs",
        meanScoreColumn: "Score moyen",
        findingsTitle: "Constats",
        checks: [
            .invalidPhone: "Téléphones invalides",
            .suspiciousPhone: "Téléphones suspects",
            .invalidEmail: "E-mails invalides",
            .suspiciousEmail: "E-mails suspects",
            .invalidCompanyNumber: "Numéros d’entreprise invalides",
            .suspiciousCompanyNumber: "Numéros d’entreprise suspects",
            .missingPoint: "Producteurs non placés",
            .outsideCountry: "Points hors de leur pays",
            .farFromLocality: "Points loin de leur localité",
            .likelyDuplicate: "Doublons probables",
            .staleRecord: "Enregistrements non confirmés",
            .flemishWithoutDutch: "Producteurs flamands sans néerlandais",
        ],
        descriptions: [
            .invalidPhone:
                "Numéro que libphonenumber ne reconnaît pas comme valide, sur la carte ou tel "
                + "qu’une source l’a envoyé.",
            .suspiciousPhone:
                "Numéro de remplissage (0000000000, 12345678) ou partagé par plusieurs "
                + "producteurs.",
            .invalidEmail: "Adresse dont la syntaxe est incorrecte.",
            .suspiciousEmail:
                "Domaine réservé aux exemples (example.com, .test), adresse « no-reply », ou "
                + "adresse partagée par plusieurs producteurs. Une messagerie gratuite n’est "
                + "pas suspecte.",
            .invalidCompanyNumber:
                "Chiffres de contrôle faux : SIREN/SIRET (Luhn), BCE/KBO (modulo 97), "
                + "IDE suisse (modulo 11), TVA.",
            .suspiciousCompanyNumber:
                "Numéro fait d’un seul chiffre répété, ou partagé par plusieurs producteurs.",
            .missingPoint: "Le géocodage n’a pas pu placer le producteur.",
            .outsideCountry:
                "Point hors du contour de son pays (au-delà de la tolérance), ou dans aucun "
                + "pays (en mer).",
            .farFromLocality: "Point loin du centre de sa localité selon le répertoire.",
            .likelyDuplicate:
                "Paires de producteurs actifs que le dédoublonnage fusionnerait avec "
                + "assurance (au-dessus de la bande de vérification).",
            .staleRecord: "Aucune source n’a confirmé l’enregistrement depuis longtemps.",
            .flemishWithoutDutch:
                "Code postal flamand (1500–3999, 8000–9999) et localité en français, ou "
                + "aucune donnée en néerlandais (localité, rue, nom).",
        ],
        uidColumn: "Identifiant",
        nameColumn: "Nom",
        localityColumn: "Localité",
        valueColumn: "Valeur",
        reasonColumn: "Motif",
        shown: { "Les \($0) premiers sur \($1)." },
        none: "Aucun constat.",
        comparisons: [
            "name": (
                "nom",
                [
                    "mêmes mots", "mots presque tous semblables", "mots distinctifs semblables",
                    "quelques mots semblables", "différents",
                ]
            ),
            "phone": ("téléphone", ["un numéro en commun", "numéros différents"]),
            "email": ("e-mail", ["une adresse en commun", "adresses différentes"]),
            "company_number": ("n° d’entreprise", ["le même", "différents"]),
            "location": (
                "lieu",
                [
                    "même localité et code postal", "même localité ou code postal",
                    "à moins de 5 km", "à moins de 25 km", "éloignés",
                ]
            ),
            "address": ("adresse", ["même rue et numéro", "même rue", "rues différentes"]),
            "contact": ("contact", ["un nom en commun", "différents"]),
            "legal_form": ("forme juridique", ["équivalentes", "différentes"]),
        ],
        rules: [
            "same-company-number": "même numéro d’entreprise",
            "answered-match": "déclarés identiques par un opérateur",
        ],
        reasonText: { reason, table in
            switch reason {
            case .invalid: "invalide"
            case .invalidAtSource(let source, let column):
                "invalide tel que \(source) l’a envoyé (colonne « \(column) ») ; absent de la carte"
            case .placeholder: "valeur de remplissage"
            case .shared(let count): "partagé par \(count) producteurs"
            case .unplaced: "adresse introuvable"
            case .outside(let country, let kilometres):
                "hors de \(country), à \(decimal(kilometres)) km de la frontière"
            case .inNoCountry: "dans aucun pays"
            case .far(let kilometres, let place):
                "à \(decimal(kilometres)) km du centre de \(place)"
            case .duplicate(let other, let probability, let evidence):
                "même producteur que « \(other.name) » (\(other.locality ?? "?")), "
                    + "probabilité \(decimal(probability, digits: 2)) : \(table.describe(evidence))"
            case .notConfirmed(let source, let key, let days):
                "\(source)/\(key) non confirmé depuis \(days) jours"
            case .frenchLocality(let dutch): "nom français ; en néerlandais : \(dutch)"
            case .noDutch: "ni localité, ni rue, ni nom en néerlandais"
            }
        })

    // MARK: - Dutch

    static let dutch = AuditStrings(
        language: "nl",
        title: "Audit van de kaart",
        subtitle: { "Databank \($0), audit van \($1)." },
        contents: "Inhoud",
        summary: "In het kort",
        entities: "actieve producenten",
        records: "records",
        sources: "bronnen",
        placed: "op de kaart geplaatst",
        findings: "bevindingen",
        overviewCaption: "Bevindingen per controle",
        checkColumn: "Controle",
        countColumn: "Bevindingen",
        aboutColumn: "Wat gecontroleerd wordt",
        mapTitle: "Kaart van de producenten",
        mapCaption: "Elk punt is een producent, gekleurd volgens de precisie van de geocodering.",
        mapFlagged: "punt buiten zijn land of ver van zijn plaats",
        mapWithheld: { "De kaart toont de eerste \($0) punten; \($1) andere zijn niet getekend." },
        mapOutside: { "\($0) punten buiten het kaartbeeld zijn niet getekend." },
        mapAttribution: "Achtergrondkaart: Natural Earth (publiek domein).",
        completenessTitle: "Volledigheid per bron",
        completenessNote:
            "Aandeel van de records van elke bron waarin het veld ingevuld is; de laatste rij "
            + "gaat over de samengevoegde fiches van de producenten op de kaart.",
        sourceColumn: "Bron",
        recordsColumn: "Records",
        goldenRecords: "Kaart (samengevoegde fiches)",
        fields: [
            .name: "Naam", .street: "Straat", .houseNumber: "Huisnummer", .postcode: "Postcode",
            .locality: "Plaats", .country: "Land", .phone: "Telefoon", .email: "E-mail",
            .website: "Website", .companyNumber: "Ondernemingsnr.", .products: "Producten",
            .point: "Punt",
        ],
        precisionTitle: "Precisie van de geocodering",
        precisionCaption: "Actieve producenten per precisie van het punt",
        precisions: [
            "housenumber": "huisnummer", "street": "straat", "locality": "plaats",
            "postcode": "postcode", "none": "niet geplaatst",
        ],
        precisionColumn: "Precisie",
        entitiesColumn: "Producenten",
        meanScoreColumn: "Gemiddelde score",
        findingsTitle: "Bevindingen",
        checks: [
            .invalidPhone: "Ongeldige telefoonnummers",
            .suspiciousPhone: "Verdachte telefoonnummers",
            .invalidEmail: "Ongeldige e-mailadressen",
            .suspiciousEmail: "Verdachte e-mailadressen",
            .invalidCompanyNumber: "Ongeldige ondernemingsnummers",
            .suspiciousCompanyNumber: "Verdachte ondernemingsnummers",
            .missingPoint: "Niet geplaatste producenten",
            .outsideCountry: "Punten buiten hun land",
            .farFromLocality: "Punten ver van hun plaats",
            .likelyDuplicate: "Waarschijnlijke dubbels",
            .staleRecord: "Niet bevestigde records",
            .flemishWithoutDutch: "Vlaamse producenten zonder Nederlands",
        ],
        descriptions: [
            .invalidPhone:
                "Nummer dat libphonenumber niet als geldig erkent, op de kaart of zoals een bron "
                + "het stuurde.",
            .suspiciousPhone:
                "Opvulnummer (0000000000, 12345678) of gedeeld door meerdere producenten.",
            .invalidEmail: "Adres met een foute syntaxis.",
            .suspiciousEmail:
                "Domein voor voorbeelden (example.com, .test), een no-reply-adres, of een adres "
                + "dat meerdere producenten delen. Gratis e-mail is niet verdacht.",
            .invalidCompanyNumber:
                "Foute controlecijfers: SIREN/SIRET (Luhn), KBO/BCE (modulo 97), Zwitsers UID "
                + "(modulo 11), btw.",
            .suspiciousCompanyNumber:
                "Nummer van één herhaald cijfer, of gedeeld door meerdere producenten.",
            .missingPoint: "De geocodering kon de producent niet plaatsen.",
            .outsideCountry:
                "Punt buiten de omtrek van zijn land (voorbij de tolerantie), of in geen enkel "
                + "land (op zee).",
            .farFromLocality: "Punt ver van het centrum van zijn plaats volgens het register.",
            .likelyDuplicate:
                "Paren actieve producenten die de ontdubbeling met zekerheid zou samenvoegen "
                + "(boven de controleband).",
            .staleRecord: "Geen enkele bron heeft het record sinds lang bevestigd.",
            .flemishWithoutDutch:
                "Vlaamse postcode (1500–3999, 8000–9999) en plaatsnaam in het Frans, of geen "
                + "gegevens in het Nederlands (plaats, straat, naam).",
        ],
        uidColumn: "Id",
        nameColumn: "Naam",
        localityColumn: "Plaats",
        valueColumn: "Waarde",
        reasonColumn: "Reden",
        shown: { "De eerste \($0) van \($1)." },
        none: "Geen bevindingen.",
        comparisons: [
            "name": (
                "naam",
                [
                    "dezelfde woorden", "woorden bijna allemaal gelijk",
                    "kenmerkende woorden gelijk", "enkele woorden gelijk", "verschillend",
                ]
            ),
            "phone": ("telefoon", ["een nummer gemeen", "verschillende nummers"]),
            "email": ("e-mail", ["een adres gemeen", "verschillende adressen"]),
            "company_number": ("ondernemingsnr.", ["hetzelfde", "verschillend"]),
            "location": (
                "ligging",
                [
                    "zelfde plaats en postcode", "zelfde plaats of postcode", "binnen 5 km",
                    "binnen 25 km", "ver uit elkaar",
                ]
            ),
            "address": (
                "adres", ["zelfde straat en huisnummer", "zelfde straat", "andere straten"]
            ),
            "contact": ("contactpersoon", ["een naam gemeen", "verschillend"]),
            "legal_form": ("rechtsvorm", ["gelijkwaardig", "verschillend"]),
        ],
        rules: [
            "same-company-number": "zelfde ondernemingsnummer",
            "answered-match": "door een operator als dezelfde aangeduid",
        ],
        reasonText: { reason, table in
            switch reason {
            case .invalid: "ongeldig"
            case .invalidAtSource(let source, let column):
                "ongeldig zoals \(source) het stuurde (kolom ‘\(column)’); niet op de kaart"
            case .placeholder: "opvulwaarde"
            case .shared(let count): "gedeeld door \(count) producenten"
            case .unplaced: "adres niet gevonden"
            case .outside(let country, let kilometres):
                "buiten \(country), \(decimal(kilometres)) km van de grens"
            case .inNoCountry: "in geen enkel land"
            case .far(let kilometres, let place):
                "\(decimal(kilometres)) km van het centrum van \(place)"
            case .duplicate(let other, let probability, let evidence):
                "zelfde producent als ‘\(other.name)’ (\(other.locality ?? "?")), "
                    + "waarschijnlijkheid \(decimal(probability, digits: 2)): "
                    + table.describe(evidence)
            case .notConfirmed(let source, let key, let days):
                "\(source)/\(key) sinds \(days) dagen niet bevestigd"
            case .frenchLocality(let dutch): "Franse naam; in het Nederlands: \(dutch)"
            case .noDutch: "plaats, straat noch naam in het Nederlands"
            }
        })
}
