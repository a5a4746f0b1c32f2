import GlaneurCore

/// The NDJSON form of a normalised record, one object a line:
///
/// ```json
/// {"source":"federation","file":"federation.csv","row":1,"line":2,
///  "name":{"value":"Ferme du Bois Joli","source":"FERME DU BOIS JOLI SPRL",
///          "key":"bois ferme joli","distinctive_key":"bois joli","generic":["ferme"]},
///  "legal_form":{"value":"SPRL","source":"SPRL","kind":"private-limited","current":"SRL"},
///  "address":{"street":"Rue de la Gare","street_type":"rue","street_name":"de la Gare",
///             "house_number":"12","box":"3","source":{"street":"r. de la Gare 12 bte 3"}},
///  "postcode":{"value":"5000","source":"B-5000","valid":true},
///  "locality":{"value":"Namur","source":"NAMUR","key":"namur"},
///  "country":{"value":"BE","source":"Belgique"},
///  "phones":[{"value":"+3281234567","source":"081/23.45.67","kind":"fixed-line",
///             "valid":true,"region":"BE","calling_code":32}],
///  "products":[{"value":"eggs","source":"oeufs bio","category":"eggs","match":"exact"}],
///  "organic":{"value":"yes","source":["bio"]},
///  "language":"fr","rules":["legal-form-extracted",…],"warnings":[…],"fields":{…}}
/// ```
///
/// Every normalised field is an object with its `value` and the `source` text it came
/// from; a member appears only when the record holds it.
extension NormalizedRecord {
    public func writeJSON(to writer: inout JSONWriter) {
        writeJSON(to: &writer, sourceFieldsJSON: nil)
    }

    /// - parameter sourceFieldsJSON: the `fields` object as `writeJSON` would write the
    ///   source fields, copied as it is in their place (see
    ///   `RecordReader.readKeepingSourceFields`).
    func writeJSON(to writer: inout JSONWriter, sourceFieldsJSON: UnsafeBufferPointer<UInt8>?) {
        writer.openRecord(provenance)

        if let name {
            writer.raw(",\"name\":")
            writer.openSourced(name)
            writer.member("key", nameKey)
            writer.member("distinctive_key", distinctiveNameKey)
            if !genericWords.isEmpty {
                writer.raw(",\"generic\":")
                writer.strings(genericWords)
            }
            writer.byte(UInt8(ascii: "}"))
        }
        if legalForm != nil || legalFormSource != nil {
            writer.raw(",\"legal_form\":{\"value\":")
            writer.optionalString(legalForm?.code)
            writer.member("source", legalFormSource)
            writer.member("kind", legalForm?.kind)
            writer.member("current", legalForm?.current)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.sourced("kind", kind)
        writer.sourced("contact", contact)
        if !address.isEmpty || !address.source.isEmpty { writeAddress(to: &writer) }
        if let postcode {
            writer.raw(",\"postcode\":")
            writer.openSourced(postcode)
            writer.raw(",\"valid\":")
            postcodeIsValid ? writer.raw("true") : writer.raw("false")
            writer.byte(UInt8(ascii: "}"))
        }
        if let locality {
            writer.raw(",\"locality\":")
            writer.openSourced(locality)
            writer.member("key", localityKey)
            writer.byte(UInt8(ascii: "}"))
        }
        if let country {
            writer.raw(",\"country\":{\"value\":")
            writer.string(country.value)
            if !country.source.isEmpty { writer.member("source", country.source) }
            writer.member("inferred_from", countryInferredFrom)
            writer.byte(UInt8(ascii: "}"))
        }
        if !phones.isEmpty { writePhones(to: &writer) }
        if !emails.isEmpty {
            writer.raw(",\"emails\":[")
            for (index, email) in emails.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.raw("{\"value\":")
                writer.string(email.value)
                writer.member("source", email.written)
                writer.flag("valid", email.isValid)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.byte(UInt8(ascii: "]"))
        }
        if let website {
            writer.raw(",\"website\":{\"value\":")
            writer.string(website.url)
            writer.member("source", website.written)
            writer.member("host", website.host)
            writer.flag("valid", website.isValid)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.companyNumber("company_number", companyNumber)
        writer.companyNumber("vat_number", vatNumber)
        if !products.isEmpty {
            writer.raw(",\"products\":[")
            for (index, term) in products.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.raw("{\"value\":")
                writer.optionalString(term.key)
                writer.member("source", term.written)
                writer.member("category", term.category)
                writer.member("match", term.match)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.byte(UInt8(ascii: "]"))
        }
        if organic != nil || !labelsSource.isEmpty {
            writer.raw(",\"organic\":{\"value\":")
            writer.optionalString(organic?.rawValue)
            writer.member("certifier", organicCertifier)
            writer.raw(",\"source\":")
            writer.strings(labelsSource)
            writer.byte(UInt8(ascii: "}"))
        }
        if !otherLabels.isEmpty {
            writer.raw(",\"labels\":")
            writer.strings(otherLabels)
        }
        writer.sourced("latitude", latitude)
        writer.sourced("longitude", longitude)
        writer.sourced("description", description)
        writer.sourced("opening_hours", openingHours)
        writer.member("language", language)

        writer.raw(",\"rules\":")
        writer.strings(rules)
        if !warnings.isEmpty { writeWarnings(to: &writer) }

        if let sourceFieldsJSON, let base = sourceFieldsJSON.baseAddress {
            writer.raw(",\"fields\":")
            writer.append(base, count: sourceFieldsJSON.count)
            writer.byte(UInt8(ascii: "}"))
            return
        }
        writer.raw(",\"fields\":{")
        for (index, sourceField) in sourceFields.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(sourceField.name)
            switch sourceField.value {
            case .null: writer.raw("null")
            case .text(let text): writer.string(text)
            case .list(let items): writer.strings(items)
            }
        }
        writer.raw("}}")
    }

    private func writeAddress(to writer: inout JSONWriter) {
        writer.raw(",\"address\":{")
        var first = true
        func member(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            writer.raw(first ? "\"" : ",\"")
            first = false
            writer.raw(key)
            writer.raw("\":")
            writer.string(value)
        }
        member("street", address.street)
        member("street_type", address.streetType)
        member("street_name", address.streetName)
        member("house_number", address.houseNumber)
        member("house_number_suffix", address.houseNumberSuffix)
        member("box", address.box)
        member("lieu_dit", address.lieuDit)
        member("post_office_box", address.postOfficeBox)
        member("sorting_centre", address.sortingCentre)
        member("cedex", address.cedex)
        if address.withoutNumber {
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            writer.raw("\"without_number\":true")
        }
        if !first { writer.byte(UInt8(ascii: ",")) }
        writer.raw("\"source\":{")
        for (index, part) in address.source.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(part.field.key)
            writer.string(part.text)
        }
        writer.raw("}}")
    }

    private func writePhones(to writer: inout JSONWriter) {
        writer.raw(",\"phones\":[")
        for (index, phone) in phones.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"value\":")
            writer.optionalString(phone.e164)
            writer.member("source", phone.written)
            writer.member("kind", phone.kind.rawValue)
            writer.flag("valid", phone.isValid)
            writer.member("region", phone.region)
            if let code = phone.callingCode {
                writer.raw(",\"calling_code\":")
                writer.integer(code)
            }
            writer.byte(UInt8(ascii: "}"))
        }
        writer.byte(UInt8(ascii: "]"))
    }

    private func writeWarnings(to writer: inout JSONWriter) {
        writer.raw(",\"warnings\":[")
        for (index, warning) in warnings.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"code\":")
            writer.string(warning.code)
            writer.member("field", warning.field?.key)
            writer.member("column", warning.column)
            writer.member("message", warning.message)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.byte(UInt8(ascii: "]"))
    }
}

extension JSONWriter {
    /// Writes `{"value":…,"source":…` and leaves the object open.
    mutating func openSourced(_ text: SourcedText) {
        raw("{\"value\":")
        string(text.value)
        raw(",\"source\":")
        string(text.source)
    }

    /// Writes `,"key":{"value":…,"source":…}` when the value is present.
    /// Writes `,"key":`, for the member names of the normalised form, which need no
    /// escaping.
    mutating func memberName(_ key: StaticString) {
        write(upTo: key.utf8CodeUnitCount + 4) { cursor in
            cursor.raw(",\"")
            cursor.raw(key)
            cursor.raw("\":")
        }
    }

    mutating func sourced(_ key: StaticString, _ text: SourcedText?) {
        guard let text else { return }
        memberName(key)
        openSourced(text)
        byte(UInt8(ascii: "}"))
    }

    /// Writes `,"key":"value"` when the value is present.
    mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        memberName(key)
        string(value)
    }

    mutating func flag(_ key: StaticString, _ value: Bool) {
        memberName(key)
        value ? raw("true") : raw("false")
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func companyNumber(_ key: StaticString, _ number: CompanyNumber?) {
        guard let number else { return }
        memberName(key)
        raw("{\"value\":")
        optionalString(number.canonical)
        member("source", number.written)
        member("kind", number.kind?.rawValue)
        flag("valid", number.isValid)
        member("country", number.country)
        member("company_number", number.companyNumber)
        byte(UInt8(ascii: "}"))
    }
}

// MARK: - Reading back

extension NormalizedRecord {
    /// Reads a normalised record back from its NDJSON form.
    ///
    /// - throws: `NormalizedRecordDecodingError` naming the member that is missing or malformed.
    public init(json: JSONValue) throws(NormalizedRecordDecodingError) {
        guard case .object = json else {
            throw NormalizedRecordDecodingError(
                message: "a normalised record must be a JSON object")
        }
        let provenance: Provenance
        do throws(RecordDecodingError) {
            provenance = try Provenance(json: json)
        } catch {
            throw NormalizedRecordDecodingError(message: error.message)
        }
        self.init(provenance: provenance)

        name = json["name"].flatMap(Self.sourced)
        nameKey = json["name"]?["key"]?.scalarText
        distinctiveNameKey = json["name"]?["distinctive_key"]?.scalarText
        genericWords = Self.strings(json["name"]?["generic"])
        if let form = json["legal_form"] {
            legalFormSource = form["source"]?.scalarText
            if let code = form["value"]?.scalarText {
                legalForm =
                    LegalForms.form(code).map { known in
                        var known = known
                        known.code = code
                        known.kind = form["kind"]?.scalarText ?? known.kind
                        known.current = form["current"]?.scalarText ?? known.current
                        return known
                    }
                    ?? LegalForm(
                        code: code, kind: form["kind"]?.scalarText ?? "",
                        current: form["current"]?.scalarText ?? code, countries: [])
            }
        }
        kind = json["kind"].flatMap(Self.sourced)
        contact = json["contact"].flatMap(Self.sourced)
        if let value = json["address"] { address = Self.address(value) }
        postcode = json["postcode"].flatMap(Self.sourced)
        postcodeIsValid = json["postcode"]?["valid"] == .bool(true)
        locality = json["locality"].flatMap(Self.sourced)
        localityKey = json["locality"]?["key"]?.scalarText
        if let value = json["country"], let code = value["value"]?.scalarText {
            country = SourcedText(value: code, source: value["source"]?.scalarText ?? "")
            countryInferredFrom = value["inferred_from"]?.scalarText
        }
        phones = Self.objects(json["phones"]).map { item in
            PhoneNumber(
                written: item["source"]?.scalarText ?? "", e164: item["value"]?.scalarText,
                kind: PhoneKind(rawValue: item["kind"]?.scalarText ?? "") ?? .unknown,
                isValid: item["valid"] == .bool(true), region: item["region"]?.scalarText,
                callingCode: item["calling_code"]?.scalarText.flatMap { Int($0) })
        }
        emails = Self.objects(json["emails"]).map { item in
            Emails.Address(
                written: item["source"]?.scalarText ?? "", value: item["value"]?.scalarText ?? "",
                isValid: item["valid"] == .bool(true), rules: [])
        }
        if let item = json["website"] {
            website = Websites.Site(
                written: item["source"]?.scalarText ?? "", url: item["value"]?.scalarText ?? "",
                host: item["host"]?.scalarText, isValid: item["valid"] == .bool(true), rules: [])
        }
        companyNumber = json["company_number"].map(Self.companyNumber)
        vatNumber = json["vat_number"].map(Self.companyNumber)
        products = Self.objects(json["products"]).map { item in
            ProductTerm(
                written: item["source"]?.scalarText ?? "", key: item["value"]?.scalarText,
                category: item["category"]?.scalarText, match: item["match"]?.scalarText)
        }
        if let item = json["organic"] {
            organic = item["value"]?.scalarText.flatMap(OrganicLabels.Status.init(rawValue:))
            organicCertifier = item["certifier"]?.scalarText
            labelsSource = Self.strings(item["source"])
        }
        otherLabels = Self.strings(json["labels"])
        latitude = json["latitude"].flatMap(Self.sourced)
        longitude = json["longitude"].flatMap(Self.sourced)
        description = json["description"].flatMap(Self.sourced)
        openingHours = json["opening_hours"].flatMap(Self.sourced)
        language = json["language"]?.scalarText
        rules = Self.strings(json["rules"])
        warnings = Self.objects(json["warnings"]).map { item in
            NormalizationWarning(
                code: item["code"]?.scalarText ?? "",
                field: item["field"]?.scalarText.flatMap(Field.init(rawValue:)),
                column: item["column"]?.scalarText, message: item["message"]?.scalarText ?? "")
        }
        sourceFields = SourceField.list(json["fields"])
    }

    static func sourced(_ value: JSONValue) -> SourcedText? {
        guard let text = value["value"]?.scalarText else { return nil }
        return SourcedText(value: text, source: value["source"]?.scalarText ?? "")
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items) = value else { return [] }
        return items.compactMap(\.scalarText)
    }

    static func objects(_ value: JSONValue?) -> [JSONValue] {
        guard case .array(let items) = value else { return [] }
        return items
    }

    static func address(_ value: JSONValue) -> NormalizedAddress {
        var address = NormalizedAddress()
        address.street = value["street"]?.scalarText
        address.streetType = value["street_type"]?.scalarText
        address.streetName = value["street_name"]?.scalarText
        address.houseNumber = value["house_number"]?.scalarText
        address.houseNumberSuffix = value["house_number_suffix"]?.scalarText
        address.box = value["box"]?.scalarText
        address.lieuDit = value["lieu_dit"]?.scalarText
        address.postOfficeBox = value["post_office_box"]?.scalarText
        address.sortingCentre = value["sorting_centre"]?.scalarText
        address.cedex = value["cedex"]?.scalarText
        address.withoutNumber = value["without_number"] == .bool(true)
        if case .object(let members) = value["source"] {
            address.source = members.compactMap { member in
                guard let field = Field(rawValue: member.key), let text = member.value.scalarText
                else { return nil }
                return (field, text)
            }
        }
        return address
    }

    static func companyNumber(_ item: JSONValue) -> CompanyNumber {
        CompanyNumber(
            written: item["source"]?.scalarText ?? "",
            kind: item["kind"]?.scalarText.flatMap(CompanyNumber.Kind.init(rawValue:)),
            canonical: item["value"]?.scalarText, isValid: item["valid"] == .bool(true),
            country: item["country"]?.scalarText,
            companyNumber: item["company_number"]?.scalarText)
    }
}

/// A normalised NDJSON line that cannot be read back as a record.
public struct NormalizedRecordDecodingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
