import Foundation
import GlaneurCore
import SQLiteKit

/// Finds streets and house numbers in the address files imported into the store, within
/// the postcodes of a locality already found.
///
/// Streets are read from SQLite one postcode at a time and kept in memory; the connection
/// and the cache are guarded by a lock, so one matcher serves every thread.
public final class StreetMatcher: @unchecked Sendable {
    private let store: GazetteerStore
    private let lock = NSLock()
    private var cache: [String: [StreetEntry]] = [:]
    /// Whether the store holds any street at all; when not, matching is skipped.
    public let hasStreets: Bool

    /// A street with all its names (a Belgian street has one per language).
    struct StreetEntry: Sendable {
        var id: Int64
        var names: [String]
        var keys: [[UInt8]]
        var latitude: Double
        var longitude: Double
        var city: String
    }

    /// Similarity from which a street name is taken as found.
    static let streetThreshold = 0.8
    /// How far from its locality's centre a street may lie before the answer is doubted.
    static let maximumDistanceKilometres = 30.0

    public init(store: GazetteerStore) throws {
        self.store = store
        hasStreets =
            try store.database.firstRow("SELECT 1 FROM street LIMIT 1") { _ in true }
            ?? false
    }

    /// Improves a locality answer to street or house-number precision when the imported
    /// data allows it; otherwise says why the answer stays at the locality centre.
    func refine(_ result: GeocodeResult, prepared: PreparedQuery, index: PlaceIndex)
        -> GeocodeResult
    {
        var result = result
        guard let streetText = prepared.street, let place = index.place(id: result.referenceID)
        else { return result }
        let line = (name: streetText, houseNumber: prepared.houseNumber)

        var postcodes = prepared.postcode.map { [$0] } ?? []
        for code in place.postcodes where !postcodes.contains(code) { postcodes.append(code) }
        let streets =
            hasStreets
            ? postcodes.prefix(12).flatMap {
                self.streets(country: place.country, postcode: $0)
            } : []
        guard !streets.isEmpty else {
            result.steps.append("locality-centre")
            result.reason =
                "no street data for \(place.label); import an address file "
                + "(glaneur gazetteer import) for street precision"
            return result
        }

        // The best street by name; the key absorbs accents, case and spacing.
        let key = NameKey(line.name).compact
        var best: (street: StreetEntry, similarity: Double)?
        for street in streets {
            for candidate in street.keys {
                let similarity = NameDistance.similarity(key, candidate)
                if similarity > (best?.similarity ?? 0) { best = (street, similarity) }
            }
        }
        guard let (street, similarity) = best, similarity >= Self.streetThreshold else {
            result.steps.append("street-not-found")
            result.steps.append("locality-centre")
            result.reason = "street \"\(line.name)\" not found in \(place.label)"
            return result
        }
        let distance = Geo.kilometres(
            place.latitude, place.longitude, street.latitude, street.longitude)
        guard distance <= Self.maximumDistanceKilometres else {
            result.steps.append("street-too-far")
            result.steps.append("locality-centre")
            result.reason =
                "street \"\(street.names[0])\" lies \(Int(distance)) km from "
                + "\(place.label)"
            return result
        }

        result.precision = .street
        result.latitude = street.latitude
        result.longitude = street.longitude
        result.label = "\(street.names[0]), \(street.city)"
        result.referenceID = "street:\(street.id)"
        result.score = ((result.score * 0.6 + similarity * 0.4) * 1000).rounded() / 1000
        result.steps.append(similarity == 1 ? "street-exact" : "street-fuzzy")

        guard let number = line.houseNumber else { return result }
        if let address = address(street: street.id, number: number) {
            result.precision = .housenumber
            result.latitude = address.latitude
            result.longitude = address.longitude
            result.label = "\(address.number) \(street.names[0]), \(street.city)"
            result.referenceID = "address:\(address.id)"
            result.steps.append(
                address.number == number
                    ? "housenumber-exact"
                    : "housenumber-suffix-dropped")
        } else {
            result.steps.append("housenumber-dropped")
            result.reason = "house number \(number) not found in \(street.names[0])"
        }
        return result
    }

    // MARK: - Store access

    private func streets(country: String, postcode: String) -> [StreetEntry] {
        lock.lock()
        defer { lock.unlock() }
        let cacheKey = country + postcode
        if let cached = cache[cacheKey] { return cached }
        var byID: [Int64: StreetEntry] = [:]
        var order: [Int64] = []
        // A failed read leaves the street unknown, which the answer then says.
        _ = try? store.database.rows(
            """
            SELECT s.id, n.name, s.latitude, s.longitude, s.city
            FROM street s JOIN street_name n ON n.street_id = s.id
            WHERE s.country = ? AND s.postcode = ?
            """, country, postcode
        ) { row in
            let id = row.int64(0)
            let name = row.text(1)
            if byID[id] == nil {
                order.append(id)
                byID[id] = StreetEntry(
                    id: id, names: [], keys: [], latitude: row.double(2),
                    longitude: row.double(3), city: row.text(4))
            }
            byID[id]?.names.append(name)
            byID[id]?.keys.append(NameKey(name).compact)
        }
        let streets = order.compactMap { byID[$0] }
        cache[cacheKey] = streets
        return streets
    }

    private func address(street: Int64, number: String)
        -> (id: Int64, number: String, latitude: Double, longitude: Double)?
    {
        lock.lock()
        defer { lock.unlock() }
        let digits = String(number.prefix { $0.isNumber })
        let rows =
            (try? store.database.rows(
                """
                SELECT id, number, latitude, longitude FROM address
                WHERE street_id = ? AND (number = ? OR number = ? OR number LIKE ? || ' %')
                """, street, number, digits, digits
            ) {
                (
                    id: $0.int64(0), number: $0.text(1), latitude: $0.double(2),
                    longitude: $0.double(3)
                )
            }) ?? []
        return rows.first { $0.number.lowercased() == number.lowercased() }
            ?? rows.first { $0.number == digits } ?? rows.first
    }
}

/// Great-circle distances.
enum Geo {
    static func kilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double)
        -> Double
    {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians
        let dLon = (lon2 - lon1) * radians
        let a =
            sin(dLat / 2) * sin(dLat / 2)
            + cos(lat1 * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371 * 2 * atan2(sqrt(a), sqrt(1 - a))
    }

    /// Rough bounding boxes of the countries the gazetteer covers (metropolitan France),
    /// for the sanity check that an answer lies in the address's country.
    static let boxes: [String: (south: Double, north: Double, west: Double, east: Double)] = [
        "FR": (41.3, 51.2, -5.3, 9.7),
        "BE": (49.45, 51.55, 2.5, 6.45),
        "CH": (45.8, 47.85, 5.9, 10.55),
        "LU": (49.4, 50.2, 5.7, 6.55),
    ]

    /// Whether a point lies in the country's box; true for a country without one.
    static func isInside(country: String, latitude: Double, longitude: Double) -> Bool {
        guard let box = boxes[country] else { return true }
        return (box.south...box.north).contains(latitude)
            && (box.west...box.east).contains(longitude)
    }
}
