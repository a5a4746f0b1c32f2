import Foundation
import GlaneurCore

/// Simplified outlines of the countries Glaneur serves and of their neighbours, from
/// Natural Earth (public domain; see `Resources/outlines/README.md`), to draw maps on
/// and to tell whether a point lies in its country.
///
/// The outlines are simplified to about 500 m for France, Belgium, Switzerland,
/// Luxembourg, the Netherlands and Germany (2.5 km for the neighbours), and islands
/// smaller than a few square kilometres are left out: `contains` is to be read with the
/// tolerance that `distance(from:to:)` gives.
struct CountryOutlines: Sendable {
    struct Country: Sendable {
        /// ISO 3166-1 alpha-2.
        var code: String
        var nameFrench: String
        var nameDutch: String
        /// Whether Glaneur serves the country (its map is drawn darker).
        var isServed: Bool
        /// Closed rings of (longitude, latitude), the last point joining the first.
        var rings: [[(longitude: Double, latitude: Double)]]
        var bounds: Bounds
    }

    /// A box in degrees.
    struct Bounds: Sendable {
        var west: Double
        var south: Double
        var east: Double
        var north: Double

        static let empty = Bounds(
            west: .infinity, south: .infinity, east: -.infinity, north: -.infinity)

        var isEmpty: Bool { west > east }

        mutating func include(longitude: Double, latitude: Double) {
            west = min(west, longitude)
            east = max(east, longitude)
            south = min(south, latitude)
            north = max(north, latitude)
        }

        mutating func include(_ other: Bounds) {
            guard !other.isEmpty else { return }
            include(longitude: other.west, latitude: other.south)
            include(longitude: other.east, latitude: other.north)
        }

        func contains(longitude: Double, latitude: Double) -> Bool {
            longitude >= west && longitude <= east && latitude >= south && latitude <= north
        }
    }

    let countries: [Country]
    /// Where the data comes from, for the page's attribution.
    let source: String

    /// The outlines shipped as a resource of this module.
    static func shipped() throws -> CountryOutlines {
        guard
            let url = Bundle.module.url(
                forResource: "countries", withExtension: "json", subdirectory: "outlines"),
            let data = FileManager.default.contents(atPath: url.path)
        else {
            throw GlaneurError.invalidRequest(
                "the country outlines shipped with glaneur are missing (outlines/countries.json "
                    + "in the Pipeline resources): reinstall glaneur")
        }
        return try CountryOutlines(json: data)
    }

    init(json data: Data) throws {
        struct File: Decodable {
            struct Entry: Decodable {
                var code: String
                var name_fr: String
                var name_nl: String
                var served: Bool
                var rings: [[[Double]]]
            }
            var source: String
            var countries: [Entry]
        }
        let file = try JSONDecoder().decode(File.self, from: data)
        source = file.source
        countries = file.countries.map { entry in
            var bounds = Bounds.empty
            let rings = entry.rings.map { ring in
                ring.compactMap { pair -> (longitude: Double, latitude: Double)? in
                    guard pair.count == 2 else { return nil }
                    bounds.include(longitude: pair[0], latitude: pair[1])
                    return (pair[0], pair[1])
                }
            }
            return Country(
                code: entry.code, nameFrench: entry.name_fr, nameDutch: entry.name_nl,
                isServed: entry.served, rings: rings, bounds: bounds)
        }
    }

    func country(_ code: String) -> Country? {
        countries.first { $0.code == code.uppercased() }
    }

    /// Whether the point lies inside the country's outline (even–odd rule over all its
    /// rings, so that holes are holes).
    func contains(_ country: Country, longitude: Double, latitude: Double) -> Bool {
        guard country.bounds.contains(longitude: longitude, latitude: latitude) else {
            return false
        }
        var inside = false
        for ring in country.rings where ring.count >= 3 {
            var previous = ring[ring.count - 1]
            for point in ring {
                if (point.latitude > latitude) != (previous.latitude > latitude) {
                    let crossing =
                        point.longitude + (latitude - point.latitude)
                        * (previous.longitude - point.longitude)
                        / (previous.latitude - point.latitude)
                    if longitude < crossing { inside.toggle() }
                }
                previous = point
            }
        }
        return inside
    }

    /// The countries whose outline holds the point.
    func countries(containing longitude: Double, _ latitude: Double) -> [Country] {
        countries.filter { contains($0, longitude: longitude, latitude: latitude) }
    }

    /// The distance in kilometres from the point to the nearest edge of the country's
    /// outline (a local equirectangular projection, exact enough at these distances).
    func distance(from longitude: Double, _ latitude: Double, to country: Country) -> Double {
        let scale = cos(latitude * .pi / 180)
        let kilometresPerDegree = 111.195
        var best = Double.infinity
        for ring in country.rings where ring.count >= 2 {
            var previous = ring[ring.count - 1]
            for point in ring {
                let ax = (previous.longitude - longitude) * scale
                let ay = previous.latitude - latitude
                let bx = (point.longitude - longitude) * scale
                let by = point.latitude - latitude
                let dx = bx - ax
                let dy = by - ay
                let length = dx * dx + dy * dy
                let t = length == 0 ? 0 : max(0, min(1, -(ax * dx + ay * dy) / length))
                let x = ax + t * dx
                let y = ay + t * dy
                best = min(best, (x * x + y * y).squareRoot())
                previous = point
            }
        }
        return best * kilometresPerDegree
    }
}
