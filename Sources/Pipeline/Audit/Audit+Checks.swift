import Foundation
import Geocode
import GlaneurCore
import Ingest
import Normalize
import Resolve
import Store

extension Audit {
    // MARK: - Contacts

    /// Phones, e-mails and company numbers re-validated with the normaliser's validators,
    /// then searched for placeholders and for values that many entities share.
    func checkContacts(_ entities: [StoredEntity]) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        // Values kept for the sharing count: valid ones only, one count per entity.
        var holders: [String: [Int]] = [:]

        for (index, entity) in entities.enumerated() {
            let fields = entity.fields
            let reference = Self.reference(entity)
            func report(_ check: AuditCheck, _ value: String, _ reason: AuditReason) {
                findings.append(
                    AuditFinding(check: check, entity: reference, value: value, reason: reason))
            }
            var seen = Set<String>()
            for phone in fields.phones {
                let number = PhoneNumbers.parse(phone, region: fields.country)
                guard number.isValid, let e164 = number.e164 else {
                    report(.invalidPhone, phone, .invalid)
                    continue
                }
                if Self.isPlaceholder(digits: e164.filter(\.isNumber)) {
                    report(.suspiciousPhone, phone, .placeholder)
                } else if seen.insert("p|" + e164).inserted {
                    holders["p|" + e164, default: []].append(index)
                }
            }
            for email in fields.emails {
                let parsed = Emails.parse(cell: email)
                guard let address = parsed.first, parsed.count == 1, address.isValid else {
                    report(.invalidEmail, email, .invalid)
                    continue
                }
                let value = address.value.lowercased()
                if Self.isPlaceholder(email: value) {
                    report(.suspiciousEmail, email, .placeholder)
                } else if seen.insert("e|" + value).inserted {
                    holders["e|" + value, default: []].append(index)
                }
            }
            for written in [fields.companyNumber, fields.vatNumber].compactMap({ $0 }) {
                let number = CompanyNumbers.parse(written, country: fields.country)
                guard number.isValid else {
                    report(.invalidCompanyNumber, written, .invalid)
                    continue
                }
                let key = number.companyNumber ?? number.canonical ?? written
                if Self.isPlaceholder(digits: key.filter(\.isNumber)) {
                    report(.suspiciousCompanyNumber, written, .placeholder)
                } else if seen.insert("c|" + key).inserted {
                    holders["c|" + key, default: []].append(index)
                }
            }
        }

        for (key, indices) in holders.sorted(by: { $0.key < $1.key })
        where indices.count >= options.sharedValueEntities {
            let check: AuditCheck =
                switch key.prefix(2) {
                case "p|": .suspiciousPhone
                case "e|": .suspiciousEmail
                default: .suspiciousCompanyNumber
                }
            for index in indices {
                findings.append(
                    AuditFinding(
                        check: check, entity: Self.reference(entities[index]),
                        value: String(key.dropFirst(2)),
                        reason: .shared(entities: indices.count)))
            }
        }
        return findings
    }

    /// Phones, e-mails and company numbers as the partners sent them, re-validated: the
    /// import leaves invalid ones out of the map, so they are found only in the records'
    /// source fields.
    ///
    /// The source columns are mapped by their names, as `glaneur read` maps them without
    /// overrides: a value in a column that a pipeline mapped by hand under an unusual name
    /// is not seen. A value already reported on the entity's golden record is not
    /// reported again.
    func checkSourceContacts(
        _ records: [StoredRecord], entities: [StoredEntity], reported: [AuditFinding]
    ) -> [AuditFinding] {
        var byUID: [String: StoredEntity] = [:]
        for entity in entities { byUID[entity.uid] = entity }
        var seen = Set(reported.map { "\($0.entity.uid)|\($0.value)" })
        var mappings: [[String]: HeaderMapping] = [:]
        var findings: [AuditFinding] = []

        for record in records {
            guard let entity = byUID[record.entityUID] else { continue }
            let columns = record.rawFields.map(\.name)
            guard
                let mapping = mappings[columns]
                    ?? (try? HeaderMapping(columns: columns))
            else { continue }
            mappings[columns] = mapping
            let country = record.fields.country ?? entity.fields.country
            func report(_ check: AuditCheck, _ value: String, column: String) {
                guard seen.insert("\(entity.uid)|\(value)").inserted else { return }
                findings.append(
                    AuditFinding(
                        check: check, entity: Self.reference(entity), value: value,
                        reason: .invalidAtSource(source: record.source, column: column)))
            }
            for (index, field) in record.rawFields.enumerated() {
                guard index < mapping.fields.count, let canonical = mapping.fields[index]
                else { continue }
                for cell in field.value.strings {
                    switch canonical {
                    case .phones:
                        for written in PhoneNumbers.split(cell: cell)
                        where !PhoneNumbers.parse(written, region: country).isValid {
                            report(.invalidPhone, written, column: field.name)
                        }
                    case .emails:
                        for address in Emails.parse(cell: cell) where !address.isValid {
                            report(.invalidEmail, address.written, column: field.name)
                        }
                    case .companyNumber, .vatNumber:
                        if !CompanyNumbers.parse(cell, country: country).isValid {
                            report(.invalidCompanyNumber, cell, column: field.name)
                        }
                    default:
                        break
                    }
                }
            }
        }
        return findings
    }

    /// Whether a number's last eight digits are one digit repeated (0000000000) or a run
    /// (12345678, 98765432): numbers typed to fill a mandatory field.
    static func isPlaceholder(digits: String) -> Bool {
        let tail = Array(digits.utf8.suffix(8))
        guard tail.count >= 6 else { return false }
        if Set(tail).count == 1 { return true }
        let steps = zip(tail, tail.dropFirst()).map { Int($1) - Int($0) }
        return steps.allSatisfy { $0 == 1 } || steps.allSatisfy { $0 == -1 }
    }

    /// Domains reserved for examples and tests (RFC 2606, RFC 6761), and no-reply boxes.
    /// A free-mail address (gmail, hotmail, skynet…) is a real address and is not one.
    static func isPlaceholder(email: String) -> Bool {
        guard let at = email.lastIndex(of: "@") else { return false }
        let local = email[..<at]
        let domain = email[email.index(after: at)...]
        let reserved = ["example.com", "example.org", "example.net", "localhost"]
        if reserved.contains(String(domain)) { return true }
        for suffix in [".example", ".test", ".invalid", ".localhost"]
        where domain.hasSuffix(suffix) {
            return true
        }
        let folded = local.replacingOccurrences(of: "-", with: "")
            .replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ".", with: "")
        return ["noreply", "donotreply", "nepasrepondre", "nietantwoorden"].contains(folded)
    }

    // MARK: - Points

    /// Entities without a point, points outside their country's outline (or in no
    /// country), and points far from the gazetteer's centre of their locality.
    func checkPoints(
        _ entities: [StoredEntity], localities: [GeocodeResult], outlines: CountryOutlines
    ) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        for (index, entity) in entities.enumerated() {
            let reference = Self.reference(entity)
            guard let location = entity.location else {
                let address = [entity.fields.postcode, entity.fields.locality]
                    .compactMap { $0 }.joined(separator: " ")
                findings.append(
                    AuditFinding(
                        check: .missingPoint, entity: reference, value: address,
                        reason: .unplaced))
                continue
            }
            let point = Self.describe(latitude: location.latitude, longitude: location.longitude)

            if let code = entity.fields.country?.uppercased(), let country = outlines.country(code)
            {
                if !outlines.contains(
                    country, longitude: location.longitude, latitude: location.latitude)
                {
                    let distance = outlines.distance(
                        from: location.longitude, location.latitude, to: country)
                    if distance > options.borderToleranceKilometres {
                        findings.append(
                            AuditFinding(
                                check: .outsideCountry, entity: reference, value: point,
                                reason: .outside(country: code, kilometres: distance)))
                    }
                }
            } else if entity.fields.country == nil,
                outlines.countries(containing: location.longitude, location.latitude).isEmpty
            {
                findings.append(
                    AuditFinding(
                        check: .outsideCountry, entity: reference, value: point,
                        reason: .inNoCountry))
            }

            let place = localities[index]
            if let latitude = place.latitude, let longitude = place.longitude,
                place.precision != .none
            {
                let here = MatchPoint(
                    latitude: location.latitude, longitude: location.longitude, radius: 0)
                let centre = MatchPoint(latitude: latitude, longitude: longitude, radius: 0)
                let distance = here.distance(to: centre)
                if distance > options.farFromLocalityKilometres {
                    findings.append(
                        AuditFinding(
                            check: .farFromLocality, entity: reference, value: point,
                            reason: .far(kilometres: distance, place: place.label)))
                }
            }
        }
        return findings
    }

    static func describe(latitude: Double, longitude: Double) -> String {
        String(format: "%.5f, %.5f", latitude, longitude)
    }

    // MARK: - Duplicates

    /// Pairs of active entities whose golden records the deduplicator would score above
    /// its review band: its blocking finds the candidates, its comparisons and a model
    /// estimated on the map's entities score them.
    func checkDuplicates(
        _ entities: [StoredEntity], normalized: [NormalizedRecord], places: [GeocodeResult]
    ) -> [AuditFinding] {
        guard entities.count > 1 else { return [] }
        let matchRecords = entities.indices.map { index in
            var record = MatchRecord(normalized[index], geocode: places[index])
            // The entity's own point, with the precision geocoding gave it, rather than
            // its locality's centre.
            if let location = entities[index].location {
                let precision = Precision(rawValue: location.precision) ?? .none
                record.point = MatchPoint(
                    latitude: location.latitude, longitude: location.longitude,
                    radius: MatchPoint.radius(for: precision))
            }
            return record
        }
        let corpus = Corpus(records: matchRecords)
        let resolver = Resolver(options: options.resolver)
        let blocking = options.resolver.blocking
        let pairs = blocking.candidatePairs(in: corpus, threads: options.threads)
        let compared = parallelChunks(pairs.count, threads: options.threads) { range in
            range.map { corpus.compare(Int(pairs[$0] >> 32), Int(pairs[$0] & 0xFFFF_FFFF)) }
        }
        let model = resolver.estimate(corpus: corpus, compared: compared)

        var findings: [AuditFinding] = []
        for (index, pair) in pairs.enumerated() {
            let first = Int32(pair >> 32)
            let second = Int32(pair & 0xFFFF_FFFF)
            // A record whose two rarest name tokens sound alike ("Hoeve ten Hove") meets
            // itself in a block: a pair of one entity is no duplicate.
            guard first != second else { continue }
            let scored = resolver.score(first, second, compared[index], model: model, answers: [:])
            guard scored.probability > options.resolver.reviewBand.upperBound else { continue }
            findings.append(
                AuditFinding(
                    check: .likelyDuplicate, entity: Self.reference(entities[Int(first)]),
                    value: entities[Int(second)].uid,
                    reason: .duplicate(
                        other: Self.reference(entities[Int(second)]),
                        probability: scored.probability,
                        evidence: Self.evidence(scored, model: model))))
        }
        return findings.sorted {
            if case .duplicate(_, let a, _) = $0.reason, case .duplicate(_, let b, _) = $1.reason {
                return a > b
            }
            return false
        }
    }

    /// The comparisons that weigh most in a pair's score, strongest first; the rule
    /// alone when one decided the pair.
    static func evidence(_ pair: ScoredPair, model: FellegiSunterModel, limit: Int = 4)
        -> [MatchEvidence]
    {
        if let rule = pair.rule { return [MatchEvidence(comparison: rule, level: nil, weight: 0)] }
        let items = Comparison.allCases.compactMap { comparison -> MatchEvidence? in
            let level = pair.compared.pattern[comparison]
            guard level != Pattern.null else { return nil }
            return MatchEvidence(
                comparison: comparison.key, level: Int(level),
                weight: model.weight(comparison, level: level))
        }
        return Array(items.sorted { abs($0.weight) > abs($1.weight) }.prefix(limit))
    }

    // MARK: - Stale records

    /// Records whose last confirmation by their source is older than the stale delay.
    func checkStaleRecords(_ records: [StoredRecord], entities: [StoredEntity])
        -> [AuditFinding]
    {
        var byUID: [String: StoredEntity] = [:]
        for entity in entities { byUID[entity.uid] = entity }
        let limit = options.now.addingTimeInterval(-Double(options.staleDays) * 86_400)
        var findings: [AuditFinding] = []
        for record in records {
            guard let seen = try? Date(record.lastSeen, strategy: .iso8601), seen < limit else {
                continue
            }
            let days = Int(options.now.timeIntervalSince(seen) / 86_400)
            let entity =
                byUID[record.entityUID].map(Self.reference)
                ?? AuditEntity(
                    uid: record.entityUID, name: record.fields.name,
                    locality: record.fields.locality)
            findings.append(
                AuditFinding(
                    check: .staleRecord, entity: entity,
                    value: String(record.lastSeen.prefix(10)),
                    reason: .notConfirmed(
                        source: record.source, key: record.sourceKey, days: days)))
        }
        return findings.sorted { $0.value < $1.value }
    }

    // MARK: - Flemish entities

    /// Belgian entities with a postcode of Flanders (1500–3999, 8000–9999) whose locality
    /// is written in French, or that hold nothing in Dutch.
    ///
    /// - The locality is *in French* when it is the French name of the municipality its
    ///   postcode belongs to (Gand for 9000, Louvain for 3000) and that name differs from
    ///   the Dutch one, and it is not also one of the postal places (sections) of the
    ///   postcode.
    /// - The entity holds *nothing in Dutch* when its locality is neither the Dutch name
    ///   of the municipality nor a section of its postcode (other than the French name),
    ///   its street has no Dutch street type (`straat`, `steenweg`, `laan`…: a type that
    ///   is neither French nor German) and its name is not recognised as Dutch by the
    ///   language detector.
    ///
    /// An entity is reported once, for the first of the two that applies.
    func checkFlemish(_ entities: [StoredEntity], normalized: [NormalizedRecord]) throws
        -> [AuditFinding]
    {
        let postcodes = try BelgianPostcodes()
        var findings: [AuditFinding] = []
        for (index, entity) in entities.enumerated() {
            let fields = entity.fields
            guard fields.country == nil || fields.country?.uppercased() == "BE",
                let postcode = fields.postcode, Postcode.belgianLanguage(postcode) == "nl"
            else { continue }
            let entries = postcodes[postcode]
            guard !entries.isEmpty else { continue }

            let french = Set(
                entries.filter {
                    MatchKey.compact($0.municipalityFrench)
                        != MatchKey.compact($0.municipalityDutch)
                }
                .map { MatchKey.compact($0.municipalityFrench) })
            var dutch = Set(entries.map { MatchKey.compact($0.municipalityDutch) })
            for entry in entries {
                for section in entry.sections where !french.contains(MatchKey.compact(section)) {
                    dutch.insert(MatchKey.compact(section))
                }
            }
            let locality = fields.locality.map(MatchKey.compact)
            let reference = Self.reference(entity)

            if let locality, french.contains(locality), !dutch.contains(locality) {
                let name =
                    entries.first { MatchKey.compact($0.municipalityFrench) == locality }?
                    .municipalityDutch ?? entries[0].municipalityDutch
                findings.append(
                    AuditFinding(
                        check: .flemishWithoutDutch, entity: reference,
                        value: fields.locality ?? "", reason: .frenchLocality(dutch: name)))
                continue
            }
            let localityIsDutch = locality.map(dutch.contains) ?? false
            let streetIsDutch = normalized[index].address.streetType.map(Self.isDutch) ?? false
            let nameIsDutch = LanguageDetector.detect(fields.name) == "nl"
            if !localityIsDutch && !streetIsDutch && !nameIsDutch {
                let value = [fields.street, fields.locality].compactMap { $0 }
                    .joined(separator: ", ")
                findings.append(
                    AuditFinding(
                        check: .flemishWithoutDutch, entity: reference, value: value,
                        reason: .noDutch))
            }
        }
        return findings
    }

    /// Whether a canonical street type is Dutch: French types open the street line,
    /// German ones are these three.
    static func isDutch(streetType type: String) -> Bool {
        StreetTypes.leading(firstWord: type) == nil
            && !["strasse", "gasse", "platz"].contains(type)
    }
}
