import GlaneurCore

/// Turns raw records into normalised ones.
///
/// A `Normalizer` is an immutable value: share one between threads freely.
///
/// ```swift
/// let normalizer = Normalizer()
/// let normalized = normalizer.normalize(record)
/// normalized.phones.first?.e164   // "+3281234567"
/// normalized.rules                // ["whitespace-collapsed", "phone-e164", …]
/// ```
public struct Normalizer: Sendable {
    public struct Options: Sendable {
        /// The country assumed when a row does not say and nothing else tells.
        public var defaultCountry: String?
        /// Finds the country of a locality (name, postcode) in a gazetteer, for rows that
        /// name no country and give no other clue; nil uses `LocalityCountries`.
        public var localityCountry: (@Sendable (String, String?) -> String?)?
        public var purpose: Purpose

        public init(
            defaultCountry: String? = nil,
            localityCountry: (@Sendable (String, String?) -> String?)? = nil,
            purpose: Purpose = .map
        ) {
            self.defaultCountry = defaultCountry
            self.localityCountry = localityCountry
            self.purpose = purpose
        }
    }

    /// What the normalised records are for.
    public enum Purpose: Sendable {
        /// The map: every field.
        case map
        /// Matching alone: the name, contact, phones, e-mails, company numbers and
        /// address, which the comparisons read. Products, labels, website, free text and
        /// language are left empty: reading them took over a third of the time.
        case matching
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Normalises one record.
    ///
    /// - parameter cache: remembers the answers of the slower steps for values that come
    ///   back; give each thread its own. Without one, every value is computed afresh.
    public func normalize(_ record: ProducerRecord, cache: NormalizationCache? = nil)
        -> NormalizedRecord
    {
        var output = NormalizedRecord(
            provenance: record.provenance, sourceFields: record.sourceFields)
        for warning in record.warnings {
            output.warnings.append(
                NormalizationWarning(
                    code: warning.code, column: warning.column, message: warning.message))
        }
        var context = Context(record: record, cache: cache)

        // The country first: postcodes, street types and phones are read in its light.
        readCountry(&context, into: &output)
        readAddress(&context, into: &output)
        readPhones(&context, into: &output)
        inferCountry(&context, into: &output)
        readName(&context, into: &output)
        readContacts(&context, into: &output)
        guard options.purpose == .map else { return output }
        readProducts(&context, into: &output)
        readOtherFields(&context, into: &output)
        return output
    }

    /// The cleaned values of a record, and what earlier steps learnt.
    struct Context {
        var record: ProducerRecord
        var country: String?
        var postcodeCountry: String?
        var phoneRegion: String?
        /// The reading of the record's locality, once read.
        var locality: LocalityReading?
        let cache: NormalizationCache?

        init(record: ProducerRecord, cache: NormalizationCache?) {
            self.record = record
            self.cache = cache
        }
    }

    /// The cleaned single value of a field, the rules of cleaning recorded.
    func cleaned(_ field: Field, _ context: Context, into output: inout NormalizedRecord)
        -> (value: String, source: String)?
    {
        guard let raw = context.record[field] else { return nil }
        let result = TextCleaner.clean(raw)
        for rule in result.rules { output.apply(rule) }
        return result.text.isEmpty ? nil : (result.text, raw)
    }

    func cleanedValues(_ field: Field, _ context: Context, into output: inout NormalizedRecord)
        -> [(value: String, source: String)]
    {
        context.record.values(field).compactMap { raw in
            let result = TextCleaner.clean(raw)
            for rule in result.rules { output.apply(rule) }
            return result.text.isEmpty ? nil : (result.text, raw)
        }
    }

    // MARK: - Country

    func readCountry(_ context: inout Context, into output: inout NormalizedRecord) {
        guard let (text, source) = cleaned(.country, context, into: &output) else { return }
        let read = { Country.code(for: text, allowSingleLetter: true) }
        let code = if let cache = context.cache { cache.country(text, read) } else { read() }
        if let code {
            context.country = code
            output.country = SourcedText(value: code, source: source)
            if code != text { output.apply("country-coded") }
        } else {
            output.warn(
                "unknown-country", .country,
                "country \"\(text)\" is not a known name or ISO code; it was ignored")
        }
    }

    func inferCountry(_ context: inout Context, into output: inout NormalizedRecord) {
        guard output.country == nil else { return }
        // Only a number written with its calling code names a country; a national one
        // read in a guessed region would only echo the guess.
        let international = output.phones.filter { Self.isWrittenInternationally($0.written) }
        var found = context.postcodeCountry.map { (code: $0, clue: "postcode") }
        if found == nil {
            found = Country.infer(
                postcode: output.postcode?.value,
                phoneCallingCodes: international.compactMap(\.callingCode),
                locality: output.locality?.value, localityLookup: localityLookup(context))
        }
        // The weakest clue: a national number valid in one country only. A number that
        // is valid in one country may still be a typo for another's.
        if found == nil, let region = context.phoneRegion { found = (region, "phone") }
        // A Dutch street type with a 4-digit postcode can only be Belgian here.
        if found == nil, output.postcode?.value.count == 4, output.postcodeIsValid,
            let type = output.address.streetType, Self.dutchStreetTypes.contains(type)
        {
            found = ("BE", "address")
        }
        if found == nil, let fallback = options.defaultCountry { found = (fallback, "default") }
        guard let (code, clue) = found else { return }
        output.country = SourcedText(value: code, source: "")
        output.countryInferredFrom = clue
        output.apply("country-inferred")
    }

    /// The country of a locality: the gazetteer hook's answer when one is set, else
    /// `LocalityCountries`' for the key of the record's locality, folded when it was read
    /// rather than again each time phones or the country ask.
    func localityLookup(_ context: Context) -> @Sendable (String, String?) -> String? {
        if let lookup = options.localityCountry { return lookup }
        guard let key = context.locality?.key else {
            return { LocalityCountries.country(of: $0, postcode: $1) }
        }
        return { _, postcode in LocalityCountries.country(ofKey: key, postcode: postcode) }
    }

    static func isWrittenInternationally(_ written: String) -> Bool {
        let trimmed = written.drop { $0.isWhitespace }
        return trimmed.hasPrefix("+") || trimmed.hasPrefix("00")
    }

    static let dutchStreetTypes: Set<String> = [
        "straat", "steenweg", "laan", "plein", "dreef", "kaai", "kouter", "baan", "weg", "lei",
        "vest", "markt", "dijk", "wegel",
    ]

    // MARK: - Address

    func readAddress(_ context: inout Context, into output: inout NormalizedRecord) {
        let street = cleaned(.street, context, into: &output)
        let number = cleaned(.houseNumber, context, into: &output)
        let box = cleaned(.box, context, into: &output)
        let cell = cleaned(.address, context, into: &output)
        var postcodeText = cleaned(.postcode, context, into: &output)
        var localityText = cleaned(.locality, context, into: &output)
        for (field, value) in [
            (Field.address, cell), (.street, street), (.houseNumber, number),
            (.box, box),
        ] {
            if let value { output.address.source.append((field, value.source)) }
        }

        // A postcode prefix ("B-5000") may name the country before the address is read.
        var postcode: Postcode.Result?
        if let (text, _) = postcodeText {
            postcode = Postcode.normalize(text, country: context.country)
            if let prefixed = postcode?.rules.contains("postcode-prefix-removed") == true
                ? postcode?.country : nil
            {
                context.postcodeCountry = prefixed
                if let declared = context.country, declared != prefixed {
                    output.warn(
                        "country-mismatch", .postcode,
                        "postcode \(text) names \(prefixed) but the country is \(declared)")
                }
            }
        }

        // The street line: the street column with number and box, or the address cell.
        var line: ParsedStreetLine?
        let country = context.country ?? context.postcodeCountry
        let language = postcode.flatMap {
            (country ?? "BE") == "BE" && $0.value.count == 4
                ? Postcode.belgianLanguage($0.value) : nil
        }
        if let (streetText, _) = street {
            var text = streetText
            if let (numberText, _) = number { text += " " + numberText }
            if let (boxText, _) = box {
                // The box column may hold "4", "bte 4" or "bus 4": announce it only once.
                let announced =
                    AddressParser.gluedBox(boxText) != nil
                    || AddressParser.boxWords.contains(
                        MatchKey.fold(String(boxText.split(separator: " ").first ?? "")))
                text += (announced ? " " : " bte ") + boxText
            }
            let parse = { AddressParser.parse(line: text, country: country, language: language) }
            line =
                context.cache.map {
                    $0.streetLine(CacheKey(text, country, language), parse)
                } ?? parse()
        } else if let (cellText, source) = cell {
            let split = AddressParser.split(oneCell: cellText, country: country)
            line = split.streetLine
            if postcodeText == nil, let value = split.postcode {
                postcodeText = (value, source)
                postcode = Postcode.normalize(value, country: country ?? split.country)
                output.apply("postcode-from-address")
            }
            if localityText == nil, let value = split.locality {
                localityText = (value, source)
                output.apply("locality-from-address")
            }
            if let cedex = split.cedex { output.address.cedex = cedex }
            if context.country == nil, let named = split.country {
                context.postcodeCountry = named
            }
        } else if let (numberText, _) = number {
            line = AddressParser.parse(line: numberText, country: country, language: language)
        }
        if let line {
            output.address.street = line.street
            output.address.streetType = line.streetType
            output.address.streetName = line.streetName
            output.address.houseNumber = line.houseNumber
            output.address.houseNumberSuffix = line.houseNumberSuffix
            output.address.box = line.box
            output.address.lieuDit = line.lieuDit
            output.address.postOfficeBox = line.postOfficeBox
            output.address.sortingCentre = line.sortingCentre
            output.address.withoutNumber = line.withoutNumber
            for rule in line.rules { output.apply(rule) }
            if line.street == nil, line.lieuDit == nil, street != nil || cell != nil {
                output.warn("no-street", .street, "no street could be read from the address")
            }
        }

        // Postcode, then locality (CEDEX moves from the locality to the address).
        if let postcode, let (_, source) = postcodeText {
            output.postcode = SourcedText(value: postcode.value, source: source)
            output.postcodeIsValid = postcode.isValid
            for rule in postcode.rules { output.apply(rule) }
            if !postcode.isValid {
                output.warn(
                    "invalid-postcode", .postcode,
                    "postcode \"\(source)\" does not have the shape of a postcode of "
                        + "\(postcode.country ?? "any country served")")
            }
            if context.country == nil, context.postcodeCountry == nil, postcode.country == "FR",
                postcode.isValid
            {
                context.postcodeCountry = "FR"
            }
        }
        if let (text, source) = localityText {
            let read = { LocalityReading(text) }
            let reading = context.cache.map { $0.locality(text, read) } ?? read()
            context.locality = reading
            if let cedex = reading.cedex {
                output.address.cedex = cedex
                output.apply("cedex-extracted")
            }
            if reading.display != reading.written { output.apply("display-case") }
            output.locality = SourcedText(value: reading.display, source: source)
            output.localityKey = reading.key
        }
    }

    // MARK: - Phones

    /// Regions a national number may belong to when the row names no country: the
    /// postcode's shape narrows them (5 digits: France; 4 digits: Belgium, Switzerland,
    /// Luxembourg), and only Luxembourg writes national numbers without a leading 0.
    static func candidateRegions(for written: String, postcode: String?) -> [String] {
        var regions = ["BE", "FR", "CH", "LU"]
        if let postcode {
            if postcode.count == 5 { regions = ["FR"] }
            if postcode.count == 4 { regions = ["BE", "CH", "LU"] }
        }
        let first = written.first { !$0.isWhitespace }
        if let first, first.isNumber, first != "0" { regions = regions.filter { $0 == "LU" } }
        return regions
    }

    func readPhones(_ context: inout Context, into output: inout NormalizedRecord) {
        let cells = cleanedValues(.phones, context, into: &output)
        guard !cells.isEmpty else { return }
        var region = context.country ?? context.postcodeCountry
        if region == nil, let postcode = output.postcode?.value, postcode.count == 5,
            output.postcodeIsValid
        {
            region = "FR"
        }
        // The locality outranks a national number's shape: "081 …" in Namur is Belgian.
        if region == nil, let locality = output.locality?.value {
            let postcode = output.postcodeIsValid ? output.postcode?.value : nil
            region = localityLookup(context)(locality, postcode)
        }
        let cache = context.cache
        func parse(_ written: String, region: String?) -> PhoneNumber {
            let parse = { PhoneNumbers.parse(written, region: region) }
            return cache.map { $0.phone(CacheKey(written, region), parse) } ?? parse()
        }
        for (cell, _) in cells {
            let numbers = PhoneNumbers.split(cell: cell)
            if numbers.count > 1 { output.apply("phones-split") }
            for written in numbers {
                var number = parse(written, region: region)
                if !number.isValid, region == nil {
                    // No country known: the regions where the number is valid; a country is
                    // inferred only when exactly one fits.
                    let candidates = Self.candidateRegions(
                        for: written,
                        postcode: output.postcodeIsValid ? output.postcode?.value : nil)
                    let valid = candidates.map { parse(written, region: $0) }.filter(\.isValid)
                    if let first = valid.first {
                        number = first
                        if valid.count == 1, context.phoneRegion == nil {
                            context.phoneRegion = first.region
                        }
                    }
                }
                if number.isValid {
                    output.apply("phone-e164")
                } else {
                    output.warn(
                        "invalid-phone", .phones,
                        "\"\(written)\" is not a valid phone number"
                            + (region.map { " for \($0)" } ?? "") + "; kept as written")
                }
                output.phones.append(number)
            }
        }
    }

    // MARK: - Name

    func readName(_ context: inout Context, into output: inout NormalizedRecord) {
        let country = output.country?.value
        if let (text, source) = cleaned(.legalForm, context, into: &output) {
            if let form = LegalForms.form(text, country: country) {
                output.legalForm = form
                output.legalFormSource = source
            } else {
                output.warn(
                    "unknown-legal-form", .legalForm,
                    "legal form \"\(text)\" is not one Glaneur knows; kept as written")
                output.legalFormSource = source
            }
        }
        guard let (text, source) = cleaned(.name, context, into: &output) else { return }
        let postcodeLanguage =
            country == "BE" ? output.postcode.flatMap { Postcode.belgianLanguage($0.value) } : nil
        let read = { NameReading(text, country: country, postcodeLanguage: postcodeLanguage) }
        let reading =
            context.cache.map {
                $0.name(CacheKey(text, country, postcodeLanguage), read)
            } ?? read()
        if let form = reading.extraction.form {
            output.apply("legal-form-extracted")
            if output.legalForm == nil {
                output.legalForm = form
                output.legalFormSource = reading.extraction.written
            }
        }
        if reading.display != reading.bareName { output.apply("display-case") }
        output.name = SourcedText(value: reading.display, source: source)
        output.nameKey = reading.key
        output.genericWords = reading.genericWords
        output.distinctiveNameKey = reading.distinctiveKey
    }

    // MARK: - Contacts and identifiers

    func readContacts(_ context: inout Context, into output: inout NormalizedRecord) {
        if let (text, source) = cleaned(.contact, context, into: &output) {
            let display = DisplayCase.nameIfShouting(text)
            if display != text { output.apply("display-case") }
            output.contact = SourcedText(value: display, source: source)
        }
        for (cell, _) in cleanedValues(.emails, context, into: &output) {
            let parse = { Emails.parse(cell: cell) }
            let addresses = context.cache.map { $0.emails(cell, parse) } ?? parse()
            if addresses.count > 1 { output.apply("emails-split") }
            for address in addresses {
                for rule in address.rules { output.apply(rule) }
                if !address.isValid {
                    output.warn(
                        "invalid-email", .emails,
                        "\"\(address.written)\" is not a valid e-mail address; kept")
                }
                output.emails.append(address)
            }
        }
        if options.purpose == .map, let (text, _) = cleaned(.website, context, into: &output) {
            let parse = { Websites.parse(text) }
            let site = context.cache.map { $0.website(text, parse) } ?? parse()
            for rule in site.rules { output.apply(rule) }
            if !site.isValid {
                output.warn("invalid-website", .website, "\"\(text)\" is not a web address; kept")
            }
            output.website = site
        }
        let country = output.country?.value
        for field in [Field.companyNumber, .vatNumber] {
            guard let (text, _) = cleaned(field, context, into: &output) else { continue }
            let number = CompanyNumbers.parse(text, country: country)
            if number.kind == nil {
                output.warn(
                    "unknown-company-number", field,
                    "\"\(text)\" is no SIREN, SIRET, BCE/KBO, UID or VAT number; kept")
            } else if !number.isValid {
                output.warn(
                    "invalid-company-number", field,
                    "\"\(text)\" fails the check digits of a \(number.kind?.rawValue ?? "")"
                        + " number; kept as written")
            } else if number.canonical != text {
                output.apply("company-number-canonical")
            }
            if field == .companyNumber {
                output.companyNumber = number
            } else {
                output.vatNumber = number
            }
        }
    }

    // MARK: - Products and labels

    func readProducts(_ context: inout Context, into output: inout NormalizedRecord) {
        let values = cleanedValues(.products, context, into: &output).map(\.value)
        if !values.isEmpty {
            // Terms repeat far more than whole lists: each is mapped (and its language
            // read) once per cache.
            let cache = context.cache
            let mapList = { () -> [(term: ProductTerm, languages: LanguageScores)] in
                let texts =
                    values.count == 1
                    ? ProductVocabulary.terms(in: values[0])
                    : values.flatMap { ProductVocabulary.terms(in: $0) }
                return texts.map { text in
                    let map = { () -> (term: ProductTerm, languages: LanguageScores) in
                        (ProductVocabulary.map(term: text), LanguageDetector.scores(text))
                    }
                    return cache.map { $0.productTerm(CacheKey(text), map) } ?? map()
                }
            }
            // A list's values joined by a character that cleaned text never holds; most
            // lists are one value, taken as it is.
            let list = values.count == 1 ? values[0] : values.joined(separator: "\u{1}")
            let mapped = cache.map { $0.productList(CacheKey(list), mapList) } ?? mapList()
            var languages = LanguageScores()
            for (term, scores) in mapped {
                output.products.append(term)
                languages = languages + scores
            }
            output.language = LanguageDetector.best(languages)
            for term in output.products {
                if let how = term.match {
                    output.apply(how == "typo" ? "product-typo-corrected" : "product-mapped")
                } else {
                    output.warn(
                        "unknown-product", .products,
                        "product \"\(term.written)\" is not in the vocabulary; kept")
                }
            }
        }

        for (text, source) in cleanedValues(.labels, context, into: &output) {
            output.labelsSource.append(source)
            let read = { OrganicLabels.read(text) }
            let reading = context.cache.map { $0.label(text, read) } ?? read()
            if let status = reading.status {
                output.organic = output.organic ?? status
                output.organicCertifier = output.organicCertifier ?? reading.certifier
                output.apply("organic-read")
            } else {
                output.otherLabels.append(text)
            }
        }
        if output.labelsSource.isEmpty, context.record.values(.labels).count > 0 {
            // Only blank values: the partner said nothing, which we read as "no".
            output.labelsSource = context.record.values(.labels)
        }
    }

    // MARK: - Other fields

    func readOtherFields(_ context: inout Context, into output: inout NormalizedRecord) {
        if let (text, source) = cleaned(.kind, context, into: &output) {
            output.kind = SourcedText(value: text, source: source)
        }
        if let (text, source) = cleaned(.openingHours, context, into: &output) {
            output.openingHours = SourcedText(value: text, source: source)
        }
        if let (text, source) = cleaned(.description, context, into: &output) {
            output.description = SourcedText(value: text, source: source)
        }
        for (field, limit) in [(Field.latitude, 90.0), (.longitude, 180.0)] {
            guard let (text, source) = cleaned(field, context, into: &output) else { continue }
            let decimal = text.replacingOccurrences(of: ",", with: ".")
            guard let value = Double(decimal), abs(value) <= limit else {
                output.warn("bad-coordinate", field, "\"\(text)\" is not a \(field.key) in degrees")
                continue
            }
            if decimal != text { output.apply("decimal-comma") }
            let sourced = SourcedText(value: decimal, source: source)
            if field == .latitude { output.latitude = sourced } else { output.longitude = sourced }
        }

        // The language of the free text, for routing mixed lists: the products' (read with
        // them), else the description's, else the name's, else a Belgian postcode's.
        output.language =
            output.language
            ?? output.description.flatMap { LanguageDetector.detect($0.value) }
            ?? output.name.flatMap { LanguageDetector.detect($0.value) }
            ?? output.postcode.flatMap {
                output.country?.value == "BE"
                    ? Postcode.belgianLanguage($0.value) : nil
            }
    }
}

/// What the name rules make of a producer's name: a pure function of the cleaned name, the
/// country and the language of a Belgian postcode, remembered by `NormalizationCache`.
struct NameReading {
    /// The legal form taken out of the name, and the name without it.
    var extraction: LegalForms.Extraction
    /// The name without its legal form, before any recasing.
    var bareName: String
    /// The name as displayed: recased when it was written in capitals.
    var display: String
    var key: String
    var genericWords: [String]
    var distinctiveKey: String

    init(_ text: String, country: String?, postcodeLanguage: String?) {
        extraction = LegalForms.extract(from: text, country: country)
        bareName = extraction.form == nil ? text : extraction.name
        // The language only matters to recase a name written in capitals (De, Het): a
        // Belgian postcode's, else the one its trade words show.
        display =
            DisplayCase.isShouting(bareName)
            ? DisplayCase.name(
                bareName, language: postcodeLanguage ?? LanguageDetector.detect(bareName))
            : bareName
        key = MatchKeys.name(withoutLegalForm: display)
        genericWords = key.spaceSeparatedWords.filter(TradeWords.generic.contains)
        distinctiveKey = TradeWords.distinctiveKey(nameKey: key)
    }
}

/// What the locality rules make of a cleaned locality: CEDEX taken out, recased when
/// written in capitals, and its match key; remembered by `NormalizationCache`.
struct LocalityReading {
    /// "CEDEX" and what follows it, upper-cased, when the locality holds it.
    var cedex: String?
    /// The locality without CEDEX, as written.
    var written: String
    var display: String
    var key: String

    init(_ text: String) {
        var words = text.spaceSeparatedWords
        if let index = words.lastIndex(where: { MatchKey.fold($0) == "cedex" }) {
            cedex = words[index...].joined(separator: " ").uppercased()
            words.removeSubrange(index...)
        }
        written = words.joined(separator: " ")
        display = DisplayCase.nameIfShouting(written)
        key = MatchKeys.locality(display)
    }
}
