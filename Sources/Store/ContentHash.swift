import GlaneurCore

/// A 64-bit FNV-1a digest in hex, to tell whether a row or a golden record changed
/// since the last run.
///
/// It is compared only with the previous digest of the same record (or entity), so a
/// false "unchanged" needs a collision between two versions of one row: about one chance
/// in 2⁶⁴. It is not meant to resist someone crafting rows on purpose.
struct ContentHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            state = (state ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        // A separator that cannot occur in UTF-8 keeps ("ab", "c") apart from ("a", "bc").
        state = (state ^ 0xFF) &* 0x100_0000_01b3
    }

    mutating func add(optional text: String?) {
        if let text { add(text) } else { mark(0xFE) }
    }

    /// Adds a byte that no UTF-8 text holds, to mark a null or the start of a list.
    mutating func mark(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    mutating func add(_ value: Double) {
        add(String(value))
    }

    var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The digest of a source row: its field names and values, in order.
    static func of(rawFields: [SourceField]) -> String {
        var hash = ContentHash()
        for field in rawFields {
            hash.add(field.name)
            switch field.value {
            case .null: hash.mark(0xFD)
            case .text(let text): hash.add(text)
            case .list(let items):
                hash.mark(0xFC)
                for item in items { hash.add(item) }
            }
        }
        return hash.hex
    }

    /// The digest of a golden record and its point.
    static func of(fields: EntityFields, location: Location?) -> String {
        var hash = ContentHash()
        for text in fields.scalarColumns { hash.add(optional: text) }
        for list in [fields.phones, fields.emails, fields.products, fields.labels] {
            hash.mark(0xFC)
            for item in list { hash.add(item) }
        }
        if let location {
            hash.add(location.latitude)
            hash.add(location.longitude)
            hash.add(location.precision)
            hash.add(location.score)
            hash.add(location.provider)
        }
        return hash.hex
    }
}

extension EntityFields {
    /// The single-valued fields in column order: name, legal form, kind, street, house
    /// number, box, postcode, locality, country, website, company number, VAT number.
    var scalarColumns: [String?] {
        [
            name, legalForm, kind, street, houseNumber, box, postcode, locality, country,
            website, companyNumber, vatNumber,
        ]
    }
}

/// Lists are stored as JSON arrays of strings, which GIS tools show as text and any
/// client can split without guessing a delimiter.
enum ListColumn {
    static func encode(_ items: [String]) -> String {
        var writer = JSONWriter()
        writer.strings(items)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func write(_ items: [String], to writer: inout JSONWriter) {
        writer.strings(items)
    }

    static func decode(_ text: String?) -> [String] {
        guard let text, !text.isEmpty, case .array(let items)? = try? JSONParser.parse(text)
        else { return [] }
        return items.compactMap { if case .string(let item) = $0 { item } else { nil } }
    }
}

/// The source fields as a JSON array of `[name, value]` pairs, which keeps the partner's
/// order and repeated column names.
enum RawFieldsColumn {
    static func encode(_ fields: [SourceField]) -> String {
        var writer = JSONWriter()
        write(fields, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes the JSON straight into `writer`, for the bulk paths that never need a
    /// `String`.
    static func write(_ fields: [SourceField], to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "["))
        for (index, field) in fields.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.byte(UInt8(ascii: "["))
            writer.string(field.name)
            writer.byte(UInt8(ascii: ","))
            switch field.value {
            case .null: writer.raw("null")
            case .text(let text): writer.string(text)
            case .list(let items): writer.strings(items)
            }
            writer.byte(UInt8(ascii: "]"))
        }
        writer.byte(UInt8(ascii: "]"))
    }
}
