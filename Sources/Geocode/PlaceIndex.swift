import Foundation
import GlaneurCore

/// The in-memory index of the gazetteer's places, built once and then read from any
/// number of threads.
///
/// Names are looked up by hashes of their keys in sorted tables: the compact key (exact
/// up to accents, case, hyphens, spacing and Saint/St), its one-letter deletions (typos
/// within one or two edits, after the symmetric-deletion method) and a sound key.
public final class PlaceIndex: Sendable {
    public let places: [Place]
    let indexByID: [String: Int32]

    /// One name of one place, with its compact key.
    struct NameEntry: Sendable {
        var place: Int32
        var weight: Double
        var compact: [UInt8]
        var phonetic: [UInt8]
    }

    let names: [NameEntry]
    /// The entries of each place's names, which are stored together.
    private let nameRanges: [Range<Int>]
    private let exactTable: HashTable
    private let deletionTable: HashTable
    private let phoneticTable: HashTable
    /// Places by postcode code, over all countries (four-digit codes are shared by BE,
    /// CH, LU).
    private let placesByPostcode: [Int32: [Int32]]

    // Per place, what scoring reads for every candidate, kept apart from `Place` so that
    // the hot path copies no strings.
    let placeCountry: [CountryCode]
    let placePostcodes: [[Int32]]
    /// The prior of each place among same-named ones, from its size.
    let placePrior: [Double]
    let placeIsPostal: [Bool]
    /// The place number of each place's parent, or -1.
    let placeParent: [Int32]

    /// Keys shorter than this get no deletion entries: one edit on a three-letter name
    /// makes it another name.
    static let minimumFuzzyLength = 5

    public init(places: [Place]) {
        self.places = places
        var indexByID: [String: Int32] = [:]
        var names: [NameEntry] = []
        var exact: [(UInt64, Int32)] = []
        var deletions: [(UInt64, Int32)] = []
        var phonetic: [(UInt64, Int32)] = []
        var byPostcode: [Int32: [Int32]] = [:]
        var nameRanges: [Range<Int>] = []
        nameRanges.reserveCapacity(places.count)

        for (placeIndex, place) in places.enumerated() {
            let placeNumber = Int32(placeIndex)
            indexByID[place.id] = placeNumber
            for code in place.postcodes.compactMap(PostcodeCode.make) {
                byPostcode[code, default: []].append(placeNumber)
            }
            let firstName = names.count
            defer { nameRanges.append(firstName..<names.count) }
            var seen: Set<[UInt8]> = []
            for name in place.names {
                let key = NameKey(name.name)
                guard !key.compact.isEmpty, seen.insert(key.compact).inserted else { continue }
                let entry = Int32(names.count)
                names.append(
                    NameEntry(
                        place: placeNumber, weight: name.weight,
                        compact: key.compact, phonetic: key.phonetic))
                exact.append((stableHash(key.compact), entry))
                if key.phonetic.count >= 3 {
                    phonetic.append((stableHash(key.phonetic), entry))
                }
                // Alternate spellings are many and foreign: fuzzy matching them would
                // mostly find wrong places.
                if name.kind != .alternate, key.compact.count >= Self.minimumFuzzyLength {
                    for skipped in 0..<key.compact.count {
                        deletions.append((stableHash(key.compact, skipping: skipped), entry))
                    }
                }
            }
        }
        self.indexByID = indexByID
        self.names = names
        self.nameRanges = nameRanges
        self.exactTable = HashTable(exact)
        self.deletionTable = HashTable(deletions)
        self.phoneticTable = HashTable(phonetic)
        self.placesByPostcode = byPostcode
        placeCountry = places.map { CountryCode($0.country) }
        placePostcodes = places.map { $0.postcodes.compactMap(PostcodeCode.make) }
        placeIsPostal = places.map { $0.id.hasPrefix("postal-") }
        placePrior = places.map { place in
            // Larger places are likelier among same-named ones; Belgian municipalities
            // without a GeoNames place have no population but are municipalities.
            let size =
                place.population > 0
                ? min(1, log10(Double(place.population)) / 6)
                : (place.id.hasPrefix("BE-NIS-") ? 0.6 : 0)
            return 0.03 * size + (place.id.hasPrefix("postal-") ? 0 : 0.01)
        }
        placeParent = places.map { place in place.parentID.flatMap { indexByID[$0] } ?? -1 }
    }

    public func place(id: String) -> Place? {
        indexByID[id].map { places[Int($0)] }
    }

    /// The place numbers that have this postcode.
    func places(withPostcode code: Int32) -> [Int32] {
        placesByPostcode[code] ?? []
    }

    // MARK: - Name lookup

    /// How a name was found.
    enum NameMatch: Int, Comparable, Sendable {
        case exact = 0
        case fuzzy, phonetic

        static func < (lhs: NameMatch, rhs: NameMatch) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A place found by name, with the similarity of the best of its names.
    struct NameHit: Sendable {
        var place: Int32
        var similarity: Double
        var match: NameMatch
    }

    /// The places whose names match `key`, exactly, within two edits, or by sound.
    ///
    /// - parameter exactOnly: stop after the exact lookup when it found an official
    ///   name: a fuzzy neighbour can only score lower.
    func lookup(_ key: NameKey, exactOnly: (([NameHit]) -> Bool)? = nil) -> [NameHit] {
        var hits: [Int32: NameHit] = [:]
        func record(_ entry: Int32, similarity: Double, match: NameMatch) {
            let name = names[Int(entry)]
            let score = similarity * name.weight
            if let existing = hits[name.place], existing.similarity >= score { return }
            hits[name.place] = NameHit(place: name.place, similarity: score, match: match)
        }

        let compact = key.compact
        guard !compact.isEmpty else { return [] }
        for entry in exactTable.values(for: stableHash(compact))
        where names[Int(entry)].compact == compact {
            record(entry, similarity: 1, match: .exact)
        }
        if let exactOnly, !hits.isEmpty, exactOnly(Array(hits.values)) {
            return Array(hits.values)
        }

        if compact.count >= Self.minimumFuzzyLength - 1 {
            // The query has one letter too many: one of its deletions is a name.
            // The query lacks a letter: it is one of a name's deletions.
            // A letter differs or two are swapped: deletions meet.
            var candidates: [Int32] = []
            candidates.append(contentsOf: deletionTable.values(for: stableHash(compact)))
            for skipped in 0..<compact.count {
                let hash = stableHash(compact, skipping: skipped)
                candidates.append(contentsOf: exactTable.values(for: hash))
                candidates.append(contentsOf: deletionTable.values(for: hash))
            }
            for entry in candidates where hits[names[Int(entry)].place]?.match != .exact {
                let similarity = NameDistance.similarity(
                    compact, names[Int(entry)].compact, limit: 2)
                if similarity > 0 { record(entry, similarity: similarity, match: .fuzzy) }
            }
        }

        if key.phonetic.count >= 3 {
            for entry in phoneticTable.values(for: stableHash(key.phonetic))
            where hits[names[Int(entry)].place] == nil {
                // Same sound: trusted as much as a close spelling, never as an exact one.
                let spelled = NameDistance.similarity(compact, names[Int(entry)].compact)
                record(entry, similarity: max(0.8, min(spelled, 0.95)), match: .phonetic)
            }
        }
        return Array(hits.values)
    }

    /// The best similarity between `key` and the names of one place.
    func similarity(_ key: NameKey, toPlace place: Int32) -> (Double, NameMatch) {
        var best = 0.0
        var match = NameMatch.fuzzy
        for entry in names[nameRanges[Int(place)]] {
            var similarity: Double
            var kind: NameMatch
            if entry.compact == key.compact {
                similarity = 1
                kind = .exact
            } else {
                similarity = NameDistance.similarity(key.compact, entry.compact)
                kind = .fuzzy
                if entry.phonetic == key.phonetic, key.phonetic.count >= 3 {
                    let phonetic = max(0.8, min(similarity, 0.95))
                    if phonetic > similarity {
                        similarity = phonetic
                        kind = .phonetic
                    }
                }
            }
            similarity *= entry.weight
            if similarity > best {
                best = similarity
                match = kind
            }
        }
        return (best, match)
    }
}

/// A multimap from 64-bit hashes to 32-bit values: the values sorted by key in one array,
/// and an open-addressing table from each distinct key to its run, so that a lookup costs
/// one or two memory reads instead of a bisection.
struct HashTable: Sendable {
    private let entries: [Int32]
    /// Distinct keys, and where each one's run starts in `entries` (one more for the end).
    private let keys: [UInt64]
    private let starts: [Int32]
    /// Slots of the open-addressing table: an index into `keys`, or -1.
    private let slots: [Int32]
    private let mask: Int

    init(_ pairs: [(UInt64, Int32)]) {
        let sorted = pairs.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        entries = sorted.map(\.1)
        var keys: [UInt64] = []
        var starts: [Int32] = []
        for (offset, pair) in sorted.enumerated() where keys.last != pair.0 {
            keys.append(pair.0)
            starts.append(Int32(offset))
        }
        starts.append(Int32(sorted.count))
        var capacity = 16
        while capacity < keys.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.keys = keys
        self.starts = starts
        self.slots = slots
        self.mask = capacity - 1
    }

    func values(for key: UInt64) -> ArraySlice<Int32> {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return [] }
            if keys[index] == key {
                return entries[Int(starts[index])..<Int(starts[index + 1])]
            }
            slot = (slot + 1) & mask
        }
    }
}

/// A country as one byte, for comparisons in the hot path.
struct CountryCode: Hashable, Sendable {
    let value: UInt16

    init(_ code: String) {
        let bytes = Array(code.utf8.prefix(2))
        value = bytes.count == 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0
    }

    static let france = CountryCode("FR")
}

/// A postcode as one integer: its digits and its length, so that "01000" (France) and
/// "1000" (Belgium) differ.
enum PostcodeCode {
    static func make(_ postcode: String) -> Int32? {
        var value: Int32 = 0
        var length: Int32 = 0
        for byte in postcode.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), length < 6 else {
                return nil
            }
            value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            length += 1
        }
        return length >= 4 ? value * 8 + length : nil
    }

    static func length(_ code: Int32) -> Int32 { code % 8 }
    static func digits(_ code: Int32) -> Int32 { code / 8 }

    /// 1 for the same code, 0.6 for one digit off, 0.35 for the same first two digits,
    /// else 0.
    static func agreement(_ query: Int32, with codes: [Int32]) -> Double {
        var best = 0.0
        let length = Self.length(query)
        var digits = Self.digits(query)
        var queryDigits: (Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &queryDigits) { raw in
            let slots = raw.bindMemory(to: Int32.self)
            for index in stride(from: Int(length) - 1, through: 0, by: -1) {
                slots[index] = digits % 10
                digits /= 10
            }
        }
        let divisor: Int32 = length == 5 ? 1000 : 100
        for code in codes {
            if code == query { return 1 }
            guard Self.length(code) == length else { continue }
            if Self.digits(code) / divisor == Self.digits(query) / divisor {
                best = max(best, 0.35)
            }
            var other = Self.digits(code)
            var differences = 0
            withUnsafeBytes(of: queryDigits) { raw in
                let slots = raw.bindMemory(to: Int32.self)
                for index in stride(from: Int(length) - 1, through: 0, by: -1) {
                    if other % 10 != slots[index] { differences += 1 }
                    other /= 10
                }
            }
            if differences == 1 { best = max(best, 0.6) }
        }
        return best
    }
}
