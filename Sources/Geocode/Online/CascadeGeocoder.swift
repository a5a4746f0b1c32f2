import Dispatch
import Foundation

/// The offline gazetteer first, then online providers only for the rows it could not
/// place as precisely as the row allows; an online answer replaces the offline one only
/// when it is more precise and passes the sanity checks.
public final class CascadeGeocoder: Sendable {
    public let offline: OfflineGeocoder
    public let online: [OnlineGeocoder]
    /// Rows placed offline at least this precisely never go online.
    public let sufficientPrecision: Precision
    /// How far an online answer may lie from the locality found offline.
    static let maximumDistanceKilometres = 30.0
    /// From this many rows to ask, the BAN batch endpoint is used.
    static let batchThreshold = 20

    public init(
        offline: OfflineGeocoder, online: [OnlineGeocoder],
        sufficientPrecision: Precision = .housenumber
    ) {
        self.offline = offline
        self.online = online
        self.sufficientPrecision = sufficientPrecision
    }

    /// Places many addresses: offline on every core, then online for the rows that need
    /// it, `connections` requests at a time within each provider's rate limit.
    public func geocode(_ queries: [AddressQuery], threads: Int, connections: Int = 2)
        -> [GeocodeResult]
    {
        var results = offline.geocode(queries, threads: threads)
        let pending = queries.indices.filter { needsOnline(queries[$0], results[$0]) }
        guard !pending.isEmpty, !online.isEmpty else { return results }

        // Long lists go to the BAN batch endpoint first, which fills the cache; the rows
        // below then read their answers from it. A failed batch leaves them to ask one by
        // one.
        if pending.count >= Self.batchThreshold, let first = online.first,
            first.provider is BANProvider
        {
            let requests = pending.map { onlineQuery(queries[$0], offline: results[$0]) }
            _ = try? first.answers(requests)
        }
        results.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes only the rows of its own share of `pending`.
            nonisolated(unsafe) let output = buffer
            let workers = max(1, min(connections, pending.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for position in stride(from: worker, to: pending.count, by: workers) {
                    let index = pending[position]
                    output[index] = improve(output[index], query: queries[index])
                }
            }
        }
        return results
    }

    /// Places one address.
    public func geocode(_ query: AddressQuery) -> GeocodeResult {
        let result = offline.geocode(query)
        return needsOnline(query, result) ? improve(result, query: query) : result
    }

    /// Whether the row could be placed more precisely than the gazetteer did.
    func needsOnline(_ query: AddressQuery, _ result: GeocodeResult) -> Bool {
        guard !query.isEmpty else { return false }
        let prepared = PreparedQuery(query.effective)
        let possible: Precision =
            prepared.houseNumber != nil && prepared.street != nil
            ? .housenumber : prepared.street != nil ? .street : .locality
        return result.precision < min(possible, sufficientPrecision)
    }

    private func improve(_ result: GeocodeResult, query: AddressQuery) -> GeocodeResult {
        let request = onlineQuery(query, offline: result)
        var result = result
        for geocoder in online {
            let name = geocoder.provider.name
            let reply: (answer: OnlineAnswer?, cached: Bool)
            do {
                reply = try geocoder.answer(request)
            } catch {
                result.steps.append("\(name)-unreachable")
                result.reason = [result.reason, "\(name): \(error)"].compactMap { $0 }
                    .joined(separator: "; ")
                continue
            }
            let step = "\(name)\(reply.cached ? "-cached" : "")"
            guard let answer = reply.answer else {
                result.steps.append("\(step)-no-answer")
                continue
            }
            if let problem = sanityProblem(answer, offline: result, query: request) {
                result.steps.append("\(step)-rejected")
                result.reason = [result.reason, "\(name) answer rejected: \(problem)"]
                    .compactMap { $0 }.joined(separator: "; ")
                continue
            }
            guard answer.precision > result.precision else {
                result.steps.append("\(step)-not-better")
                continue
            }
            return GeocodeResult(
                latitude: answer.latitude, longitude: answer.longitude,
                precision: answer.precision, score: (min(1, answer.score) * 1000).rounded() / 1000,
                gap: 0, label: answer.label, referenceID: answer.referenceID,
                localityID: result.localityID, provider: name,
                steps: result.steps + [step], reason: nil, candidates: [])
        }
        return result
    }

    /// Why an online answer cannot be right, or nil when it passes.
    private func sanityProblem(
        _ answer: OnlineAnswer, offline: GeocodeResult,
        query: OnlineQuery
    ) -> String? {
        if let country = query.country,
            !Geo.isInside(
                country: country, latitude: answer.latitude,
                longitude: answer.longitude)
        {
            return "the point lies outside \(country)"
        }
        if offline.precision >= .locality, let lat = offline.latitude,
            let lon = offline.longitude
        {
            let distance = Geo.kilometres(lat, lon, answer.latitude, answer.longitude)
            if distance > Self.maximumDistanceKilometres {
                return "the point lies \(Int(distance)) km from \(offline.label)"
            }
        }
        return nil
    }

    /// The request for a row: what the partner wrote, with the postcode, the country and
    /// (for France) the commune code the gazetteer found.
    private func onlineQuery(_ query: AddressQuery, offline result: GeocodeResult)
        -> OnlineQuery
    {
        let query = query.effective
        let prepared = PreparedQuery(query)
        let place =
            result.precision >= .locality
            ? offline.index.place(id: result.localityID ?? "") : nil
        let locality = place?.label ?? prepared.localityTexts.first
        let street = prepared.street.map { street in
            [prepared.houseNumber, street].compactMap { $0 }.joined(separator: " ")
        }
        // The parsed form, number first: the BAN engine reads a number as a house number
        // only before the street ("45 Grande Rue", not "Grande Rue 45").
        let text =
            street != nil || query.freeText == nil
            ? [street, prepared.postcode, locality].compactMap { $0 }.joined(separator: " ")
            : query.freeText ?? ""
        return OnlineQuery(
            text: text, street: prepared.street, houseNumber: prepared.houseNumber,
            // A postcode the gazetteer had to correct would filter the right answer out.
            postcode: result.steps.contains("postcode-consistent") ? prepared.postcode : nil,
            locality: locality,
            cityCode: place?.country == "FR" ? place?.adminCode : nil,
            country: place?.country ?? prepared.country)
    }
}
