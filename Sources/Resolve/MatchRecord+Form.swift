import GlaneurCore

extension MatchRecord {
    /// The record as one JSON array, the way the entity index stores it: every field the
    /// matcher reads, in a fixed order.
    public var form: String {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func list(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        var items: [JSONValue] = [
            .string(file), .number(String(row)), .string(source), text(name),
            list(nameTokens), text(legalForm), list(contactTokens), list(phones),
            list(emails), text(companyNumber), text(street), text(houseNumber),
            text(postcode), text(locality), text(localityID), text(country),
        ]
        if let point {
            items += [
                .number(String(point.latitude)), .number(String(point.longitude)),
                .number(String(point.radius)),
            ]
        }
        var writer = JSONWriter()
        writer.value(.array(items))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The record that `form` wrote; nil for text that is not one.
    public init?(form: String) {
        guard case .array(let items)? = try? JSONParser.parse(form), items.count >= 16,
            case .string(let file) = items[0], let row = items[1].scalarText.flatMap({ Int($0) }),
            case .string(let source) = items[2]
        else { return nil }
        func text(_ index: Int) -> String? { items[index].scalarText }
        func list(_ index: Int) -> [String] {
            guard case .array(let values) = items[index] else { return [] }
            return values.compactMap(\.scalarText)
        }
        self.init(file: file, row: row, source: source)
        name = text(3)
        nameTokens = list(4)
        legalForm = text(5)
        contactTokens = list(6)
        phones = list(7)
        emails = list(8)
        companyNumber = text(9)
        street = text(10)
        houseNumber = text(11)
        postcode = text(12)
        locality = text(13)
        localityID = text(14)
        country = text(15)
        if items.count >= 19, let latitude = text(16).flatMap(Double.init),
            let longitude = text(17).flatMap(Double.init),
            let radius = text(18).flatMap(Double.init)
        {
            point = MatchPoint(latitude: latitude, longitude: longitude, radius: radius)
        }
    }

    /// Where the record sorts in a block: by its name tokens, as large blocks are
    /// windowed.
    public var nameOrder: String { nameTokens.joined(separator: " ") }
}
