import Foundation
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

    mutating func add(list items: [String]) {
        mark(0xFC)
        for item in items { add(item) }
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
        // Field by field, in `scalarColumns` order then the lists, without gathering
        // them in arrays first: this runs once per entity of a run.
        var hash = ContentHash()
        hash.add(fields.name)
        hash.add(optional: fields.legalForm)
        hash.add(optional: fields.kind)
        hash.add(optional: fields.street)
        hash.add(optional: fields.houseNumber)
        hash.add(optional: fields.box)
        hash.add(optional: fields.postcode)
        hash.add(optional: fields.locality)
        hash.add(optional: fields.country)
        hash.add(optional: fields.website)
        hash.add(optional: fields.companyNumber)
        hash.add(optional: fields.vatNumber)
        hash.add(list: fields.phones)
        hash.add(list: fields.emails)
        hash.add(list: fields.products)
        hash.add(list: fields.labels)
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

extension ContentHash {
    /// The digests of a run's entities and of its records, in their order, computed on
    /// every core: hashing is most of the planning of a large run, and each row's
    /// digest depends on that row alone.
    static func digests(of run: RunInput) -> (entities: [String], records: [String]) {
        let entities = run.entities
        let records = run.records
        let threads = ProcessInfo.processInfo.activeProcessorCount
        return (
            parallelMap(count: entities.count, threads: threads) {
                of(fields: entities[$0].fields, location: entities[$0].location)
            },
            parallelMap(count: records.count, threads: threads) {
                of(rawFields: records[$0].rawFields)
            }
        )
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
