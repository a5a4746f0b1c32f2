import GlaneurCore

/// Finds the pairs worth comparing: records that share at least one blocking key.
///
/// Every record gives several keys at once (its phones, e-mails and company number; its
/// postcode, locality and map cell each with a phonetic key of its rarest name tokens; its
/// whole name; its street address), so that a pair missed by one key is found by another.
/// A block larger than `maximumBlockSize` is not compared all against all: its records
/// are sorted by name and each is compared with its `window` neighbours, so that the cost
/// grows with the data and not with its square.
public struct Blocking: Sendable {
    public var maximumBlockSize = 16
    public var window = 8
    /// How many of a record's rarest name tokens give keys.
    public var tokensPerRecord = 2
    /// The size of a map cell, in degrees (about 15 km by 10 km in Belgium).
    public var cellSize = 0.15

    public init() {}

    /// The blocking keys of one record, hashed.
    public func keys(of record: Int, in corpus: Corpus) -> [UInt64] {
        // Fields are read in place: the record taken whole would be copied.
        let records = corpus.records
        var keys: [UInt64] = []
        func add(_ parts: String...) {
            var hasher = FNV()
            for part in parts { hasher.add(part) }
            keys.append(hasher.value)
        }
        for phone in records[record].phones { add("p", phone) }
        for email in records[record].emails { add("e", email) }
        if let number = records[record].companyNumber { add("c", number) }
        if !records[record].nameTokens.isEmpty {
            add("n", records[record].nameTokens.joined(separator: " "))
        }
        if let street = records[record].street, let postcode = records[record].postcode {
            add("a", postcode, street, records[record].houseNumber ?? "")
        }

        let postcode = records[record].postcode
        let locality = records[record].localityID
        let point = records[record].point
        let rarest = corpus.rarestTokens(of: record, limit: tokensPerRecord)
        for (rank, token) in rarest.enumerated() {
            // Numbers are hashed as the digits of their text, without making the text.
            let phonetic = Int(corpus.tokenPhonetic[Int(token)])
            func add(_ parts: String..., then numbers: Int...) {
                var hasher = FNV()
                for part in parts { hasher.add(part) }
                for number in numbers { hasher.add(number) }
                keys.append(hasher.value)
            }
            if let postcode { add("pc", postcode, then: phonetic) }
            if let locality { add("l", locality, then: phonetic) }
            // The map cells catch neighbouring localities: the rarest token is enough.
            if rank == 0, let point {
                // Two grids offset by half a cell: neighbours across a cell's edge still
                // share a cell in one of them.
                for (offset, text) in Self.gridOffsets {
                    let row = Int((point.latitude / cellSize + offset).rounded(.down))
                    let column = Int((point.longitude / cellSize + offset).rounded(.down))
                    add("g", text, then: row, column, phonetic)
                }
            }
        }
        return keys
    }

    /// The offsets of the two grids of map cells, and their text in the cells' keys.
    private static let gridOffsets = [0.0, 0.5].map { ($0, String($0)) }

    /// The candidate pairs, each once, as `(lower index) << 32 | higher index`, sorted.
    ///
    /// - parameter newFrom: when given, only pairs with at least one record from this
    ///   index on (the records being added to a map) are wanted.
    public func candidatePairs(in corpus: Corpus, threads: Int, newFrom: Int? = nil)
        -> [UInt64]
    {
        // Every record under each of its keys, on all cores, then the blocks in one pass.
        // Nothing is kept per record or per block: at a million records, making and
        // freeing millions of small arrays cost more than what was done with them.
        var entries = parallelChunks(corpus.count, threads: threads) { records in
            var entries: [BlockEntry] = []
            entries.reserveCapacity(records.count * 8)
            for record in records {
                for key in keys(of: record, in: corpus) {
                    entries.append(BlockEntry(key: key, record: Int32(record)))
                }
            }
            return entries
        }
        let allBlocks = Self.blocks(&entries, threads: threads)
        entries = []
        let blocks =
            newFrom.map { newFrom in
                PackedLists(allBlocks.count) { block, list in
                    let members = allBlocks[block]
                    if members.contains(where: { Int($0) >= newFrom }) {
                        list.append(contentsOf: members)
                    }
                }
            } ?? allBlocks

        let all = parallelChunks(blocks.count, threads: threads) { range in
            var pairs: [UInt64] = []
            for block in range { appendPairs(in: blocks[block], corpus: corpus, to: &pairs) }
            return pairs
        }
        return Self.sortedUnique(consume all, threads: threads) { pair in
            newFrom.map { Int(pair & 0xFFFF_FFFF) >= $0 } ?? true
        }
    }

    /// `pairs` sorted, each once, those that `keep` accepts.
    static func sortedUnique(
        _ pairs: consuming [UInt64], threads: Int, keeping keep: (UInt64) -> Bool = { _ in true }
    ) -> [UInt64] {
        // Consumed, so that sorting does not copy an array someone else still holds.
        var all = consume pairs
        RadixSort.sort(&all, threads: threads)
        var unique: [UInt64] = []
        unique.reserveCapacity(all.count)
        for pair in all where unique.last != pair && keep(pair) { unique.append(pair) }
        return unique
    }

    /// The records of each block of more than one record, in input order, each once: the
    /// (key, record) entries sorted by key, then cut where the key changes.
    ///
    /// Sorting one flat array does what a dictionary of growing arrays did, without
    /// hashing every key twice and allocating an array per block. The blocks come out in
    /// key order; which pairs they give does not depend on it.
    static func blocks(_ entries: inout [BlockEntry], threads: Int = 1) -> PackedLists<Int32> {
        // Stable: each key's records stay in input order.
        RadixSort.sort(&entries, threads: threads) { $0.key }
        var blocks = PackedLists<Int32>.Builder()
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count, entries[end].key == entries[start].key { end += 1 }
            defer { start = end }
            // A block of one record (perhaps under two equal keys) gives no pair.
            guard entries[end - 1].record != entries[start].record else { continue }
            // Two keys of one record may be the same ("Hoeve ten Hove": two tokens that
            // sound alike); the record goes into the block once, or it would meet itself.
            var last: Int32 = -1
            for entry in entries[start..<end] where entry.record != last {
                blocks.append(entry.record)
                last = entry.record
            }
            blocks.endList()
        }
        return PackedLists(blocks)
    }

    /// Appends the pairs of one block to `output`: all of them in a small block, a
    /// sliding window over the names in a large one.
    func appendPairs(in block: ArraySlice<Int32>, corpus: Corpus, to output: inout [UInt64]) {
        if block.count <= maximumBlockSize {
            for i in block.indices {
                for j in (i + 1)..<block.endIndex { output.append(Self.pair(block[i], block[j])) }
            }
            return
        }
        let sorted = block.sorted {
            corpus.records[Int($0)].nameTokens.lexicographicallyPrecedes(
                corpus.records[Int($1)].nameTokens)
        }
        for i in 0..<sorted.count {
            for j in (i + 1)..<min(sorted.count, i + 1 + window) {
                output.append(Self.pair(sorted[i], sorted[j]))
            }
        }
    }

    static func pair(_ a: Int32, _ b: Int32) -> UInt64 {
        let (low, high) = a < b ? (a, b) : (b, a)
        return UInt64(UInt32(low)) << 32 | UInt64(UInt32(high))
    }
}

/// A record under one of its blocking keys.
struct BlockEntry {
    var key: UInt64
    var record: Int32
}

/// FNV-1a over the bytes of the parts, with a separator between parts.
struct FNV {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte: byte) }
        add(byte: 0x1F)
    }

    /// The same as `add(String(number))`, without making the text.
    mutating func add(_ number: Int) {
        if number < 0 { add(byte: UInt8(ascii: "-")) }
        let magnitude = number.magnitude
        var divisor: UInt = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        repeat {
            add(byte: UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        } while divisor > 0
        add(byte: 0x1F)
    }

    private mutating func add(byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x100_0000_01b3
    }
}
