import Foundation
import GlaneurCore

/// A geocoding web service: the BAN/addok API, Nominatim or Photon.
public protocol OnlineProvider: Sendable {
    /// The provider's name in answers and in the cache (`ban`, `nominatim`, `photon`).
    var name: String { get }
    /// The request for one address.
    func url(for query: OnlineQuery) -> String
    /// Reads the best answer out of a response body; nil when there is none.
    func parse(_ body: [UInt8]) -> OnlineAnswer?
    /// The least time between two requests, in seconds (the provider's rate limit).
    var minimumInterval: Double { get }
}

/// What online providers are asked: the address cleaned by the offline stage, with the
/// postcode and locality it found.
public struct OnlineQuery: Sendable, Hashable {
    public var text: String
    public var street: String?
    public var houseNumber: String?
    public var postcode: String?
    public var locality: String?
    /// The INSEE code of the commune, for the BAN API's `citycode` filter.
    public var cityCode: String?
    public var country: String?

    /// The cache key: the query's fields folded, so that case and accents do not make
    /// two requests.
    public var cacheKey: String {
        [
            text, street ?? "", houseNumber ?? "", postcode ?? "", locality ?? "",
            cityCode ?? "", country ?? "",
        ].map(MatchKey.fold).joined(separator: "|")
    }
}

/// One provider's answer, before it is judged.
public struct OnlineAnswer: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double
    public var precision: Precision
    public var score: Double
    public var label: String
    public var referenceID: String
}

// MARK: - BAN / addok

/// The French national address API and any addok server (`/search`).
public struct BANProvider: OnlineProvider {
    public let name = "ban"
    public var baseURL: String
    public var minimumInterval: Double

    /// - parameter requestsPerSecond: the BAN API allows 50 per second per IP.
    public init(
        baseURL: String = "https://api-adresse.data.gouv.fr",
        requestsPerSecond: Double = 50
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.minimumInterval = 1 / requestsPerSecond
    }

    public func url(for query: OnlineQuery) -> String {
        var url = "\(baseURL)/search/?q=\(HTTPClient.encode(query.text))&limit=5&autocomplete=0"
        if let postcode = query.postcode { url += "&postcode=\(HTTPClient.encode(postcode))" }
        if let cityCode = query.cityCode { url += "&citycode=\(HTTPClient.encode(cityCode))" }
        return url
    }

    public func parse(_ body: [UInt8]) -> OnlineAnswer? {
        guard let json = try? JSONParser.parse(body),
            case .array(let features)? = json["features"], let first = features.first
        else { return nil }
        return GeoJSONFeature.answer(
            first,
            precision: { properties in
                switch properties["type"]?.scalarText {
                case "housenumber": .housenumber
                case "street": .street
                case "locality", "municipality": .locality
                default: .none
                }
            }, score: { $0["score"]?.scalarText.flatMap(Double.init) ?? 0 })
    }
}

// MARK: - Nominatim

/// OpenStreetMap's Nominatim, with structured search.
public struct NominatimProvider: OnlineProvider {
    public let name = "nominatim"
    public var baseURL: String
    /// The public instance allows one request a second.
    public var minimumInterval: Double

    public init(
        baseURL: String = "https://nominatim.openstreetmap.org",
        requestsPerSecond: Double = 1
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.minimumInterval = 1 / requestsPerSecond
    }

    public func url(for query: OnlineQuery) -> String {
        var parts = ["format=jsonv2", "limit=3", "addressdetails=0"]
        if let street = query.street {
            let line = [query.houseNumber, street].compactMap { $0 }.joined(separator: " ")
            parts.append("street=" + HTTPClient.encode(line))
        }
        if let locality = query.locality { parts.append("city=" + HTTPClient.encode(locality)) }
        if let postcode = query.postcode {
            parts.append("postalcode=" + HTTPClient.encode(postcode))
        }
        if let country = query.country {
            parts.append("countrycodes=" + country.lowercased())
        }
        // Structured search needs at least one field; the free text is the fallback.
        if query.street == nil, query.locality == nil, query.postcode == nil {
            parts.append("q=" + HTTPClient.encode(query.text))
        }
        return "\(baseURL)/search?" + parts.joined(separator: "&")
    }

    public func parse(_ body: [UInt8]) -> OnlineAnswer? {
        guard case .array(let places)? = try? JSONParser.parse(body), let first = places.first,
            let lat = first["lat"]?.scalarText.flatMap(Double.init),
            let lon = first["lon"]?.scalarText.flatMap(Double.init)
        else { return nil }
        let precision: Precision =
            switch first["addresstype"]?.scalarText
                ?? first["type"]?.scalarText
            {
            case "house", "building", "house_number": .housenumber
            case "road", "street", "residential", "pedestrian": .street
            case "city", "town", "village", "hamlet", "municipality", "suburb": .locality
            case "postcode": .postcode
            default: .locality
            }
        let id =
            (first["osm_type"]?.scalarText ?? "") + ":"
            + (first["osm_id"]?.scalarText ?? "")
        return OnlineAnswer(
            latitude: lat, longitude: lon, precision: precision,
            score: first["importance"]?.scalarText.flatMap(Double.init) ?? 0.5,
            label: first["display_name"]?.scalarText ?? "", referenceID: id)
    }
}

// MARK: - Photon

/// Komoot's Photon search (`/api`).
public struct PhotonProvider: OnlineProvider {
    public let name = "photon"
    public var baseURL: String
    public var minimumInterval: Double

    public init(baseURL: String = "https://photon.komoot.io", requestsPerSecond: Double = 5) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.minimumInterval = 1 / requestsPerSecond
    }

    public func url(for query: OnlineQuery) -> String {
        "\(baseURL)/api?q=\(HTTPClient.encode(query.text))&limit=3"
    }

    public func parse(_ body: [UInt8]) -> OnlineAnswer? {
        guard let json = try? JSONParser.parse(body),
            case .array(let features)? = json["features"], let first = features.first
        else { return nil }
        return GeoJSONFeature.answer(
            first,
            precision: { properties in
                switch properties["type"]?.scalarText {
                case "house": .housenumber
                case "street": .street
                case "city", "district", "locality": .locality
                default: .none
                }
            }, score: { _ in 0.7 })
    }
}

/// Reading one GeoJSON point feature.
enum GeoJSONFeature {
    static func answer(
        _ feature: JSONValue, precision: (JSONValue) -> Precision, score: (JSONValue) -> Double
    ) -> OnlineAnswer? {
        guard case .array(let coordinates)? = feature.value(atPath: "geometry.coordinates"),
            coordinates.count >= 2,
            let lon = coordinates[0].scalarText.flatMap(Double.init),
            let lat = coordinates[1].scalarText.flatMap(Double.init),
            let properties = feature["properties"]
        else { return nil }
        let id = properties["id"]?.scalarText ?? properties["osm_id"]?.scalarText ?? ""
        let label = properties["label"]?.scalarText ?? properties["name"]?.scalarText ?? ""
        return OnlineAnswer(
            latitude: lat, longitude: lon, precision: precision(properties),
            score: score(properties), label: label, referenceID: id)
    }
}
