/// A named place of the reference data: a locality, a municipality, or a postal place
/// (the name a postcode is delivered under, such as a Belgian section).
public struct Place: Sendable, Hashable {
    /// The reference id: the GeoNames id, `BE-NIS-<nis>` for a Belgian municipality without
    /// a GeoNames place, or `postal-<country>-<postcode>-<name>` for a postal place.
    public var id: String
    /// ISO 3166-1 alpha-2: FR, BE, CH, LU.
    public var country: String
    /// The name shown in answers.
    public var label: String
    /// Every name the place is known by, preferred names first.
    public var names: [PlaceName]
    public var postcodes: [String]
    public var latitude: Double
    public var longitude: Double
    public var population: Int
    /// The locality this place belongs to (a Belgian section's municipality), when the
    /// place is not one of the localities itself.
    public var parentID: String?
    /// INSEE, NIS or BFS code of the commune, when known.
    public var adminCode: String?

    public init(
        id: String, country: String, label: String, names: [PlaceName], postcodes: [String],
        latitude: Double, longitude: Double, population: Int = 0, parentID: String? = nil,
        adminCode: String? = nil
    ) {
        self.id = id
        self.country = country
        self.label = label
        self.names = names
        self.postcodes = postcodes
        self.latitude = latitude
        self.longitude = longitude
        self.population = population
        self.parentID = parentID
        self.adminCode = adminCode
    }
}

/// One name of a place, with how much the matcher trusts it.
public struct PlaceName: Sendable, Hashable {
    public enum Kind: Int, Sendable {
        /// An official or usual name in one of the country's languages.
        case official = 0
        /// A name in another language kept by the reference data (Gand, Rijsel, Genf).
        case exonym = 1
        /// A name a postcode is delivered under.
        case postal = 2
        /// Another spelling from GeoNames' alternate names, trusted less.
        case alternate = 3
    }

    public var name: String
    public var kind: Kind

    public init(_ name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// How much a match on this name is worth relative to an official one.
    var weight: Double {
        switch kind {
        case .official, .postal: 1
        case .exonym: 0.99
        case .alternate: 0.93
        }
    }
}
