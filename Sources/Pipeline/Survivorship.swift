import Store

/// How an entity's golden record is built from all of its records: the rules in one
/// place.
///
/// 1. **Validity.** Only valid values compete: a record's phones, e-mails, website,
///    company and VAT numbers are kept only when normalisation found them valid.
/// 2. **Order.** The records are ranked by the priority of their source (higher first),
///    then by recency (the run that last wrote the record; this run's records are the
///    newest), then by completeness (more fields filled first), then by origin, so that
///    the same records always give the same golden record.
/// 3. **Single values** (name, legal form, kind, country, website, company and VAT
///    numbers) come from the first record in that order that has one.
/// 4. **The address** travels as one: street, house number, box, postcode and locality
///    all come from the first record that has a street or a postcode, so that a street
///    from one record is never paired with another record's postcode.
/// 5. **Lists** (phones, e-mails, products, labels) are the union of every record's, in
///    that order, each value once.
/// 6. **The point** is the most precise one, the first in that order among equals.
///
/// Each field remembers the record it came from (`source/key`).
enum Survivorship {
    struct Candidate {
        var fields: EntityFields
        var location: Location?
        var priority: Int
        /// The run that last wrote the record; `Int64.max` for the current run's.
        var run: Int64
        /// `source/key`, the record's identity in the map.
        var origin: String

        var filled: Int {
            let optionals: [String?] = [
                fields.legalForm, fields.street, fields.houseNumber, fields.postcode,
                fields.locality, fields.country, fields.website, fields.companyNumber,
            ]
            return optionals.compactMap { $0 }.count + (fields.phones.isEmpty ? 0 : 1)
                + (fields.emails.isEmpty ? 0 : 1) + (fields.products.isEmpty ? 0 : 1)
        }
    }

    struct Golden {
        var fields: EntityFields
        var location: Location?
        /// The record each field came from, by field name.
        var sources: [String: String]
    }

    static func ordered(_ candidates: [Candidate]) -> [Candidate] {
        candidates.sorted { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            if a.run != b.run { return a.run > b.run }
            if a.filled != b.filled { return a.filled > b.filled }
            return a.origin < b.origin
        }
    }

    static func golden(_ candidates: [Candidate]) -> Golden {
        let ordered = ordered(candidates)
        guard let first = ordered.first else {
            return Golden(fields: EntityFields(name: ""), location: nil, sources: [:])
        }
        var golden = EntityFields(name: first.fields.name)
        var sources = ["name": first.origin]

        func pick(_ name: String, _ value: (EntityFields) -> String?) -> String? {
            for candidate in ordered {
                if let found = value(candidate.fields), !found.isEmpty {
                    sources[name] = candidate.origin
                    return found
                }
            }
            return nil
        }
        golden.legalForm = pick("legal_form", \.legalForm)
        golden.kind = pick("kind", \.kind)
        golden.country = pick("country", \.country)
        golden.website = pick("website", \.website)
        golden.companyNumber = pick("company_number", \.companyNumber)
        golden.vatNumber = pick("vat_number", \.vatNumber)
        if let place = ordered.first(where: {
            $0.fields.street != nil || $0.fields.postcode != nil
        }) {
            golden.street = place.fields.street
            golden.houseNumber = place.fields.houseNumber
            golden.box = place.fields.box
            golden.postcode = place.fields.postcode
            golden.locality = place.fields.locality
            sources["address"] = place.origin
        } else {
            golden.locality = pick("address", \.locality)
        }

        func union(_ name: String, _ values: (EntityFields) -> [String]) -> [String] {
            var seen = Set<String>()
            var result: [String] = []
            for candidate in ordered {
                for value in values(candidate.fields) where seen.insert(value).inserted {
                    result.append(value)
                    if sources[name] == nil { sources[name] = candidate.origin }
                }
            }
            return result
        }
        golden.phones = union("phones", \.phones)
        golden.emails = union("emails", \.emails)
        golden.products = union("products", \.products)
        golden.labels = union("labels", \.labels)

        let precisions = ["housenumber", "street", "locality", "postcode"]
        func rank(_ location: Location) -> Int {
            precisions.firstIndex(of: location.precision) ?? precisions.count
        }
        var best: (location: Location, origin: String)?
        for candidate in ordered {
            guard let location = candidate.location else { continue }
            if let current = best, rank(current.location) <= rank(location) { continue }
            best = (location, candidate.origin)
        }
        if let best { sources["location"] = best.origin }
        return Golden(fields: golden, location: best?.location, sources: sources)
    }
}
