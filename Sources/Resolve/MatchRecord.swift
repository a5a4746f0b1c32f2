import Foundation
import Geocode
import GlaneurCore
import Normalize

/// A point on the map with the radius within which the record really lies: a house
/// number is placed to a few metres, a locality centre only to its extent.
public struct MatchPoint: Hashable, Sendable {
    public var latitude: Double
    public var longitude: Double
    /// How far, in kilometres, the true place may lie from the point.
    public var radius: Double

    public init(latitude: Double, longitude: Double, radius: Double) {
        self.latitude = latitude
        self.longitude = longitude
        self.radius = radius
    }

    /// The radius that a geocoding precision stands for.
    public static func radius(for precision: Precision) -> Double {
        switch precision {
        case .housenumber: 0.05
        case .street: 0.5
        case .locality: 3
        case .postcode: 8
        case .none: 50
        }
    }

    /// Great-circle distance in kilometres.
    public func distance(to other: MatchPoint) -> Double {
        let radians = Double.pi / 180
        let deltaLatitude = (other.latitude - latitude) * radians
        let deltaLongitude = (other.longitude - longitude) * radians
        let meanLatitude = (other.latitude + latitude) / 2 * radians
        // An equirectangular projection is exact enough under a few hundred kilometres.
        let x = deltaLongitude * cos(meanLatitude)
        return 6371 * (x * x + deltaLatitude * deltaLatitude).squareRoot()
    }
}

/// What the matcher reads of a record: its identity in the input, and the normalised
/// values that comparisons and blocking use.
public struct MatchRecord: Sendable {
    /// The file's name (the last component of its path), as clusters and truths name it.
    public var file: String
    /// The 1-based data row in the file.
    public var row: Int
    public var source: String

    /// The name as displayed, for review files and explanations.
    public var name: String?
    /// The folded tokens of the name, without legal form and small words, abbreviations
    /// expanded ("fme" gives "ferme", "st" gives "saint"), sorted, each once.
    public var nameTokens: [String] = []
    /// The kind of legal form (`private-limited`), so that SPRL and SRL agree.
    public var legalForm: String?
    /// Folded tokens of the contact person's name.
    public var contactTokens: [String] = []

    /// Valid phone numbers in E.164.
    public var phones: [String] = []
    /// Valid e-mail addresses, lower-cased.
    public var emails: [String] = []
    /// The valid company number (a SIREN, a BCE/KBO number…), from the company or the
    /// VAT number.
    public var companyNumber: String?

    /// The folded street (type and name) and the house number with its suffix.
    public var street: String?
    public var houseNumber: String?
    public var postcode: String?
    public var locality: String?
    /// The id of the locality in the gazetteer, so that "Luik" and "Liège" agree.
    public var localityID: String?
    public var country: String?
    public var point: MatchPoint?

    public init(file: String, row: Int, source: String) {
        self.file = file
        self.row = row
        self.source = source
    }

    /// How review files and answers name the record when "file:row" will not do: a map
    /// database names its records `source/key`, which stay the same from run to run.
    public var identity: String?

    /// The record's identity, or "file:row", the way `--explain` and review files name
    /// a record.
    public var label: String { identity ?? "\(file):\(row)" }
}

extension MatchRecord {
    /// The matcher's view of a normalised record, with the geocoder's answer for it.
    ///
    /// Borrowed: an initialiser takes its arguments owned by default, and the caller
    /// copied every record passed to it, each of its texts retained and then released.
    public init(_ record: borrowing NormalizedRecord, geocode: GeocodeResult?) {
        let file = record.provenance.file.split(separator: "/").last.map(String.init) ?? ""
        self.init(file: file, row: record.provenance.row, source: record.provenance.source)
        name = record.name?.value
        nameTokens = Self.nameTokens(record.nameKey ?? "")
        legalForm = record.legalForm?.kind
        contactTokens = Self.contactTokens(record.contact?.value)

        phones = Self.unique(record.phones.compactMap { $0.isValid ? $0.e164 : nil })
        emails = Self.unique(record.emails.compactMap { $0.isValid ? $0.value.lowercased() : nil })
        for number in [record.companyNumber, record.vatNumber] {
            guard companyNumber == nil, let number, number.isValid else { continue }
            companyNumber = number.companyNumber ?? number.canonical
        }

        (street, houseNumber) = Self.streetAndNumber(
            street: record.address.street, number: record.address.houseNumber)
        postcode = record.postcode?.value
        locality = record.locality?.value
        country = record.country?.value
        if let geocode, let latitude = geocode.latitude, let longitude = geocode.longitude,
            geocode.precision != .none
        {
            localityID = geocode.localityID
            point = MatchPoint(
                latitude: latitude, longitude: longitude,
                radius: MatchPoint.radius(for: geocode.precision))
        }
    }

    /// Common abbreviations of name words, so that "Fme St Joseph" meets "Ferme Saint
    /// Joseph" token by token.
    static let abbreviations: [String: String] = [
        "fme": "ferme", "st": "saint", "ste": "sainte", "sts": "saints", "dom": "domaine",
        "dne": "domaine", "gd": "grand", "gde": "grande", "pt": "petit", "pte": "petite",
        "mt": "mont", "boerd": "boerderij", "landb": "landbouwbedrijf", "brass": "brasserie",
        "1": "un", "2": "deux", "3": "trois", "4": "quatre", "5": "cinq", "7": "sept",
        "groentekw": "groentekwekerij", "het": "t",
    ]

    /// The tokens of a name key, abbreviations expanded, sorted, each once.
    public static func nameTokens(_ key: String) -> [String] {
        var tokens = key.split(separator: " ").map { token in
            let text = String(token)
            return abbreviations[text] ?? text
        }
        tokens.removeAll { MatchKeys.nameStopWords.contains($0) }
        return unique(tokens.sorted())
    }

    /// The street without any number left in it ("grand route 12 ter" gives "grand
    /// route"), and the house number's digits ("12ter", "12 bte 4" give "12"), so that
    /// the ways partners write numbers do not separate two addresses.
    public static func streetAndNumber(street: String?, number: String?) -> (String?, String?) {
        var tokens = street.map { MatchKeys.fold($0).split(separator: " ").map(String.init) } ?? []
        var digits = number.map { String($0.prefix(while: \.isNumber)) }
        // TODO: a number that belongs to the street's name ("Rue du 8 Mai") is taken for
        // the house number when the number column is empty; the normaliser's parse would
        // need to say which digits are the house number.
        if let index = tokens.firstIndex(where: { $0.first?.isNumber == true }), index > 0 {
            if digits == nil || digits?.isEmpty == true {
                digits = String(tokens[index].prefix(while: \.isNumber))
            }
            tokens.removeSubrange(index...)
        }
        let key = tokens.joined(separator: " ")
        return (key.isEmpty ? nil : key, digits?.isEmpty == false ? digits : nil)
    }

    /// Civilities and small words say nothing about who the contact is.
    static let contactStopWords: Set<String> = [
        "m", "mme", "mr", "mrs", "mlle", "madame", "monsieur", "dhr", "mevr", "mevrouw",
        "de", "heer", "et", "en", "and", "van", "der", "den", "le", "la", "du",
    ]

    static func contactTokens(_ contact: String?) -> [String] {
        guard let contact else { return [] }
        let tokens = MatchKeys.fold(contact).split(separator: " ").map(String.init)
        return unique(tokens.filter { $0.count > 1 && !contactStopWords.contains($0) }.sorted())
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
