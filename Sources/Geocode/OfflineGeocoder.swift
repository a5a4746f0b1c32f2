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
        self.init(
            index: PlaceIndex(places: try store.places()),
            streets: try StreetMatcher(store: store))
    }

    // MARK: - Geocoding

    /// Places one address.
    ///
    /// - parameter explain: keep the best candidates in the answer, for `--explain`.
    public func geocode(_ query: AddressQuery, explain: Bool = false) -> GeocodeResult {
        let query = query.effective
        guard !query.isEmpty else {
            return .unplaced(reason: "the row has no address fields", steps: [])
        }
        let prepared = PreparedQuery(query)
        var steps = [query.freeText != nil && query.locality == nil ? "free-text" : "structured"]
        steps.append(contentsOf: prepared.steps.filter { $0 != "free-text" })

        var ranked = rank(prepared, country: prepared.country.map(CountryCode.init))
        let certain = ranked.first.map { $0.evidence == .exact && $0.agreement != 0 } ?? false
        if prepared.country != nil, !certain {
            // The country column may be wrong ("France" for a Belgian town): try without
            // it, and with the postcode as written, and keep what fits clearly better.
            var unconstrainedQuery = prepared
            unconstrainedQuery.postcode = prepared.postcodeAsWritten
            let unconstrained = rank(unconstrainedQuery, country: nil)
            if let best = unconstrained.first, best.similarity >= Self.nameThreshold,
                best.score > (ranked.first?.score ?? 0) + 0.05
            {
                ranked = unconstrained
                steps.append("country-ignored")
            }
        }

        var result = decide(ranked, prepared: prepared, steps: steps)
        if result.precision == .locality, let streets, prepared.street != nil {
            result = streets.refine(result, prepared: prepared, index: index)
        }
        if result.precision == .locality, let lieuDit = prepared.lieuDitText {
            result.steps.append("locality-centre")
            result.reason =
                "lieu-dit \"\(lieuDit)\" is not in the reference data; "
                + "placed at the centre of \(result.label)"
        }
        if explain {
            result.candidates = ranked.prefix(10).map { candidate(for: $0, prepared: prepared) }
        }
        return result
    }

    /// A place considered for a query, scored; internal and cheap to copy.
    struct Scored {
        var place: Int32
        var score: Double
        var similarity: Double
        /// Postcode agreement, or -1 when the query has no postcode.
        var agreement: Double
        var evidence: Evidence
        /// Which of the query's locality texts found it, or -1 for the postcode alone.
        var text: Int
    }

    enum Evidence: String {
        case exact, fuzzy, phonetic, postcode
    }

    /// Scores every place that the locality texts or the postcode point to, best first.
    func rank(_ prepared: PreparedQuery, country: CountryCode?) -> [Scored] {
        var scored: [Scored] = []
        scored.reserveCapacity(16)
        let postcode = prepared.postcode.flatMap(PostcodeCode.make)
        let requireFrance = postcode.map { PostcodeCode.length($0) == 5 }

        func consider(_ place: Int32, similarity: Double, evidence: Evidence, text: Int) {
            let number = Int(place)
            if let country {
                guard index.placeCountry[number] == country else { return }
            } else if let requireFrance {
                // Five digits are French; four are Belgian, Swiss or Luxembourgish.
                guard (index.placeCountry[number] == .france) == requireFrance else { return }
            }
            let agreement = postcode.map {
                PostcodeCode.agreement($0, with: index.placePostcodes[number])
            }
            var score = index.placePrior[number] - 0.015 * Double(max(0, text))
            if text < 0 {
                score += 0.5 * (agreement ?? 0)
            } else if let agreement {
                score += 0.7 * similarity + 0.26 * agreement
            } else {
                score += 0.94 * similarity
            }
            score = min(1, score)
            if let existing = scored.firstIndex(where: { $0.place == place }) {
                if scored[existing].score >= score { return }
                scored.remove(at: existing)
            }
            scored.append(
                Scored(
                    place: place, score: score, similarity: similarity,
                    agreement: agreement ?? -1, evidence: evidence, text: text))
        }

        let postcodePlaces = postcode.map(index.places(withPostcode:)) ?? []
        for (rank, text) in prepared.localityTexts.prefix(6).enumerated() {
            let key = NameKey(text)
            // An official name with a consistent postcode (or no postcode) ends the
            // lookup: fuzzy neighbours can only score lower.
            let hits = index.lookup(
                key,
                exactOnly: { hits in
                    hits.contains { hit in
                        hit.similarity >= 0.99
                            && (postcode == nil
                                || postcodePlaces.contains(hit.place))
                    }
                })
            for hit in hits {
                let evidence: Evidence =
                    switch hit.match {
                    case .exact: .exact
                    case .fuzzy: .fuzzy
                    case .phonetic: .phonetic
                    }
                consider(hit.place, similarity: hit.similarity, evidence: evidence, text: rank)
            }
            // Places of the postcode are compared with the name even when the lookup
            // missed them: a heavier typo is acceptable where the postcode agrees.
            for place in postcodePlaces where !hits.contains(where: { $0.place == place }) {
                let (similarity, match) = index.similarity(key, toPlace: place)
                consider(
                    place, similarity: similarity,
                    evidence: match == .exact
                        ? .exact
                        : match == .phonetic ? .phonetic : .fuzzy, text: rank)
            }
            // The first text that names a place well is the locality: later guesses are
            // shorter pieces of the same words.
            if scored.contains(where: { $0.similarity >= 0.99 }) { break }
        }
        if prepared.localityTexts.isEmpty {
            for place in postcodePlaces {
                consider(place, similarity: 0, evidence: .postcode, text: -1)
            }
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.place < $1.place }
        return scored
    }

    /// Picks the answer from the ranked candidates, with the steps that justify it.
    private func decide(_ ranked: [Scored], prepared: PreparedQuery, steps: [String])
        -> GeocodeResult
    {
        var steps = steps
        if let best = ranked.first, best.similarity >= Self.nameThreshold {
            steps.append("name-" + best.evidence.rawValue)
            switch best.agreement {
            case 1: steps.append("postcode-consistent")
            case 0.6: steps.append("postcode-off-by-one-fixed")
            case 0..<0.6: steps.append("postcode-ignored")
            default: break
            }
            return answer(best, precision: .locality, ranked: ranked, steps: steps)
        }

        // No name identifies the place: trust the postcode, at postcode precision.
        if let postcode = prepared.postcode {
            let postcodePlaces = ranked.filter { $0.agreement == 1 }
            if let best = postcodePlaces.max(by: { postcodeRank($0) < postcodeRank($1) }) {
                steps.append(prepared.localityTexts.isEmpty ? "postcode-only" : "trust-postcode")
                var result = answer(best, precision: .postcode, ranked: ranked, steps: steps)
                result.label = "\(postcode) \(result.label)"
                result.score = min(result.score, 0.5)
                if let text = prepared.localityTexts.first {
                    result.reason =
                        "locality \"\(text)\" not found in postcode \(postcode); "
                        + "placed at the postcode's main place"
                }
                return result
            }
        }

        let reason: String
        if let text = prepared.localityTexts.first {
            reason =
                "locality \"\(text)\" not found"
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
    private func postcodeRank(_ scored: Scored) -> Double {
        let place = index.places[Int(scored.place)]
        return (index.placeIsPostal[Int(scored.place)] ? 0 : 1e9) + Double(place.population)
            + scored.similarity
    }

    private func answer(
        _ best: Scored, precision: Precision, ranked: [Scored], steps: [String]
    ) -> GeocodeResult {
        let place = index.places[Int(best.place)]
        let parent = index.placeParent[Int(best.place)]
        // The runner-up that counts is another place: a section and its municipality are
        // one answer at municipality level.
        let second = ranked.dropFirst().first { other in
            other.place != parent && index.placeParent[Int(other.place)] != best.place
        }
        let score = max(0, min(1, best.score))
        return GeocodeResult(
            latitude: place.latitude, longitude: place.longitude, precision: precision,
            score: (score * 1000).rounded() / 1000,
            gap: ((score - max(0, second?.score ?? 0)) * 1000).rounded() / 1000,
            label: place.label, referenceID: place.id,
            localityID: place.parentID ?? place.id,
            provider: Self.providerName, steps: steps, reason: nil, candidates: [])
    }

    private func candidate(for scored: Scored, prepared: PreparedQuery) -> Candidate {
        let place = index.places[Int(scored.place)]
        return Candidate(
            referenceID: place.id, label: place.label, country: place.country,
            postcodes: place.postcodes, score: (scored.score * 1000).rounded() / 1000,
            nameSimilarity: (scored.similarity * 1000).rounded() / 1000,
            postcodeAgreement: scored.agreement < 0 ? nil : scored.agreement,
            evidence: scored.evidence.rawValue,
            localityText: scored.text >= 0 ? prepared.localityTexts[scored.text] : nil)
    }
}
