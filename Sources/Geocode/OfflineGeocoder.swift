import Foundation
import GlaneurCore

/// The default geocoder: places addresses with the gazetteer alone, without a network.
///
/// Matching goes from strict to lax: the locality name and the postcode together, then a
/// postcode one digit off fixed against the name, then the name alone (the postcode
/// ignored), then the postcode alone. Street and house-number precision come from the
/// address files imported into the store; without them the answer is the locality centre,
/// and says so.
///
/// A geocoder is immutable once built and answers from any number of threads.
public final class OfflineGeocoder: Sendable {
    public let index: PlaceIndex
    let streets: StreetMatcher?
    public static let providerName = "gazetteer"

    /// Similarity below which a name does not identify a place.
    static let nameThreshold = 0.72

    public init(index: PlaceIndex, streets: StreetMatcher? = nil) {
        self.index = index
        self.streets = streets
    }

    /// Opens the store (building it at first use) and indexes its places.
    public convenience init(store: GazetteerStore) throws {
        self.init(index: PlaceIndex(places: try store.places()),
                  streets: try StreetMatcher(store: store))
    }

    // MARK: - Geocoding

    /// Places one address.
    ///
    /// - parameter explain: keep every candidate in the answer, for `--explain`.
    public func geocode(_ query: AddressQuery, explain: Bool = false) -> GeocodeResult {
        guard !query.isEmpty else {
            return .unplaced(reason: "the row has no address fields", steps: [])
        }
        let prepared = PreparedQuery(query)
        var steps = [query.freeText != nil && query.locality == nil ? "free-text" : "structured"]
        steps.append(contentsOf: prepared.steps.filter { $0 != "free-text" })

        var candidates = rankCandidates(prepared, country: prepared.country)
        if prepared.country != nil, candidates.first.map({ $0.nameSimilarity }) ?? 0
            < Self.nameThreshold
        {
            // The country column may be wrong ("FR" for a Belgian town): try without it.
            let unconstrained = rankCandidates(prepared, country: nil)
            if let best = unconstrained.first, best.nameSimilarity >= Self.nameThreshold {
                candidates = unconstrained
                steps.append("country-ignored")
            }
        }

        var result = decide(candidates, prepared: prepared, steps: steps)
        if result.precision == .locality, let streets {
            result = streets.refine(result, prepared: prepared, index: index)
        } else if result.precision == .locality, prepared.street != nil {
            result.steps.append("locality-centre")
            result.reason = "no street data for this locality; import an address file "
                + "(glaneur gazetteer import) for street precision"
        }
        if explain { result.candidates = Array(candidates.prefix(10)) }
        return result
    }

    /// Scores every place that the locality texts or the postcode point to.
    func rankCandidates(_ prepared: PreparedQuery, country: String?) -> [Candidate] {
        var best: [Int32: Candidate] = [:]
        let postcode = prepared.postcode
        let countryAllows = { (place: Place) -> Bool in
            if let country { return place.country == country }
            // Five digits are French; four are Belgian, Swiss or Luxembourgish.
            if let postcode { return (postcode.count == 5) == (place.country == "FR") }
            return true
        }

        func consider(_ placeNumber: Int32, similarity: Double, evidence: String,
                      text: String?, rank: Int)
        {
            let place = index.places[Int(placeNumber)]
            guard countryAllows(place) else { return }
            let agreement = postcode.map { Postcodes.agreement($0, with: place.postcodes) }
            let score = Self.score(similarity: similarity, agreement: agreement, place: place,
                                   hasName: text != nil) - 0.015 * Double(rank)
            if let existing = best[placeNumber], existing.score >= score { return }
            best[placeNumber] = Candidate(
                referenceID: place.id, label: place.label, country: place.country,
                postcodes: place.postcodes, score: score, nameSimilarity: similarity,
                postcodeAgreement: agreement, evidence: evidence, localityText: text)
        }

        for (rank, text) in prepared.localityTexts.prefix(6).enumerated() {
            let key = NameKey(text)
            for hit in index.lookup(key) {
                let evidence = switch hit.match {
                case .exact: "exact"
                case .fuzzy: "fuzzy"
                case .phonetic: "phonetic"
                }
                consider(hit.place, similarity: hit.similarity, evidence: evidence, text: text,
                         rank: rank)
            }
            // Places of the postcode are compared with the name even when the lookup
            // missed them: a heavier typo is acceptable where the postcode agrees.
            if let postcode {
                for placeNumber in index.places(withPostcode: postcode) {
                    let (similarity, match) = index.similarity(key, toPlace: placeNumber)
                    consider(placeNumber, similarity: similarity,
                             evidence: match == .exact ? "exact" : "postcode+fuzzy",
                             text: text, rank: rank)
                }
            }
        }
        if prepared.localityTexts.isEmpty, let postcode {
            for placeNumber in index.places(withPostcode: postcode) {
                consider(placeNumber, similarity: 0, evidence: "postcode", text: nil, rank: 0)
            }
        }
        return best.values.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.referenceID < $1.referenceID
        }
    }

    /// Combines name, postcode and size into a score in [0, 1].
    static func score(similarity: Double, agreement: Double?, place: Place, hasName: Bool)
        -> Double
    {
        // Larger places are likelier among same-named ones; the prior only breaks ties.
        let population = place.population > 0
            ? min(1, log10(Double(place.population)) / 6)
            : (place.id.hasPrefix("BE-NIS-") ? 0.6 : 0)
        let localityBonus = place.id.hasPrefix("postal-") ? 0 : 0.01
        let prior = 0.03 * population + localityBonus
        guard hasName else { return min(1, 0.5 * (agreement ?? 0) + prior) }
        guard let agreement else { return min(1, 0.94 * similarity + prior) }
        return min(1, 0.7 * similarity + 0.26 * agreement + prior)
    }

    /// Picks the answer from the ranked candidates, with the steps that justify it.
    private func decide(_ candidates: [Candidate], prepared: PreparedQuery, steps: [String])
        -> GeocodeResult
    {
        var steps = steps
        if let best = candidates.first, best.nameSimilarity >= Self.nameThreshold {
            steps.append("name-" + best.evidence.replacingOccurrences(of: "postcode+", with: ""))
            switch best.postcodeAgreement {
            case .some(1): steps.append("postcode-consistent")
            case .some(0.6): steps.append("postcode-off-by-one-fixed")
            case .some: steps.append("postcode-ignored")
            case .none: break
            }
            return answer(for: best, precision: .locality, candidates: candidates, steps: steps)
        }

        // No name identifies the place: trust the postcode, at postcode precision.
        if let postcode = prepared.postcode {
            let postcodePlaces = candidates.filter { $0.postcodeAgreement == 1 }
            if let best = postcodePlaces.max(by: { postcodeRank($0) < postcodeRank($1) }) {
                steps.append(prepared.localityTexts.isEmpty ? "postcode-only" : "trust-postcode")
                var result = answer(for: best, precision: .postcode, candidates: candidates,
                                    steps: steps)
                result.label = "\(postcode) \(best.label)"
                result.score = min(result.score, 0.5)
                if !prepared.localityTexts.isEmpty {
                    result.reason = "locality \"\(prepared.localityTexts[0])\" not found in "
                        + "postcode \(postcode); placed at the postcode's main place"
                }
                return result
            }
        }

        let reason: String
        if let text = prepared.localityTexts.first {
            reason = "locality \"\(text)\" not found"
                + (prepared.postcode.map { " and postcode \($0) unknown" } ?? "")
        } else if let postcode = prepared.postcode {
            reason = "postcode \(postcode) unknown and no locality given"
        } else {
            reason = "no locality or postcode in the address"
        }
        return .unplaced(reason: reason, steps: steps)
    }

    /// Among the places of a postcode, the one that stands for it: a locality before a
    /// postal place, the most populous first.
    private func postcodeRank(_ candidate: Candidate) -> Double {
        guard let place = index.place(id: candidate.referenceID) else { return 0 }
        return (place.id.hasPrefix("postal-") ? 0 : 1e9) + Double(place.population)
            + candidate.nameSimilarity
    }

    private func answer(
        for best: Candidate, precision: Precision, candidates: [Candidate], steps: [String]
    ) -> GeocodeResult {
        let place = index.place(id: best.referenceID)
        // The runner-up that counts is another place: a section and its municipality are
        // one answer at municipality level.
        let related: Set<String> = [best.referenceID, place?.parentID].compactMap { $0 }
            .reduce(into: []) { $0.insert($1) }
        let second = candidates.dropFirst().first { candidate in
            !related.contains(candidate.referenceID)
                && index.place(id: candidate.referenceID)?.parentID != best.referenceID
        }
        let score = max(0, min(1, best.score))
        return GeocodeResult(
            latitude: place?.latitude, longitude: place?.longitude, precision: precision,
            score: (score * 1000).rounded() / 1000,
            gap: ((score - max(0, second?.score ?? 0)) * 1000).rounded() / 1000,
            label: best.label, referenceID: best.referenceID,
            localityID: place?.parentID ?? best.referenceID,
            provider: Self.providerName, steps: steps, reason: nil, candidates: [])
    }
}
