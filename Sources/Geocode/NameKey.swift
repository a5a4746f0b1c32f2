import GlaneurCore

/// The comparable forms of a place or street name.
///
/// Partners write "ST-REMY-DE-PCE", "Saint Rémy de Provence" or "Sint-Truiden" for names
/// that the reference data spells one way. Every name is reduced to keys that absorb those
/// differences, from strict to lax:
///
/// - `folded`: lower-case ASCII words (`saint remy de provence`);
/// - `compact`: the folded words with saint-like words unified and spaces removed, so that
///   hyphens, glued or split words and Saint/St/Ste/Sint/Sankt compare equal
///   (`stremydeprovence`);
/// - `phonetic`: a rough sound key of the compact form, for spellings that sound alike.
public struct NameKey: Hashable, Sendable {
    public let folded: String
    public let compact: [UInt8]
    public let phonetic: [UInt8]

    public init(_ name: String) {
        let folded = MatchKey.fold(name)
        self.folded = folded
        self.compact = NameKey.compactKey(folded: folded)
        self.phonetic = NameKey.phoneticKey(compact)
    }

    init(folded: String) {
        self.folded = folded
        self.compact = NameKey.compactKey(folded: folded)
        self.phonetic = NameKey.phoneticKey(compact)
    }

    /// Words that mean "saint" in the languages of the four countries, and their
    /// abbreviations, all written `st` in the compact key.
    static let saintWords: Set<Substring> = [
        "saint", "sainte", "saints", "saintes", "st", "ste", "sts", "stes", "sint", "sankt",
        "skt",
    ]

    /// Words that partners add to a locality and that name no place.
    static let noiseWords: Set<Substring> = ["cedex", "cdx"]

    static func compactKey(folded: String) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(folded.utf8.count)
        for word in folded.split(separator: " ") {
            if saintWords.contains(word) {
                key.append(UInt8(ascii: "s"))
                key.append(UInt8(ascii: "t"))
            } else if noiseWords.contains(word) {
                continue
            } else {
                key.append(contentsOf: word.utf8)
            }
        }
        return key
    }

    /// A sound key for French, Dutch and German spellings: vowels kept as one class per
    /// run, silent letters and doubled consonants dropped, letters that sound alike merged.
    ///
    /// It is deliberately coarse: it only proposes candidates, which edit distance then
    /// ranks.
    static func phoneticKey(_ compact: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(compact.count)
        let count = compact.count
        var index = 0
        func at(_ offset: Int) -> UInt8 {
            let position = index + offset
            return position < count && position >= 0 ? compact[position] : 0
        }
        func isVowel(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"),
                UInt8(ascii: "u"), UInt8(ascii: "y"):
                return true
            default:
                return false
            }
        }
        func emit(_ byte: UInt8) {
            if out.last != byte { out.append(byte) }
        }
        while index < count {
            let byte = compact[index]
            let next = at(1)
            switch byte {
            case _ where isVowel(byte):
                // One vowel class per run: "eau", "au", "o" and "ou" are all "A".
                if out.last != UInt8(ascii: "A") { out.append(UInt8(ascii: "A")) }
            case UInt8(ascii: "p") where next == UInt8(ascii: "h"):
                emit(UInt8(ascii: "f"))
                index += 1
            case UInt8(ascii: "c") where next == UInt8(ascii: "h"):
                emit(UInt8(ascii: "x"))
                index += 1
            case UInt8(ascii: "s") where next == UInt8(ascii: "c") && at(2) == UInt8(ascii: "h"):
                emit(UInt8(ascii: "x"))
                index += 2
            case UInt8(ascii: "c"):
                emit(isVowelFront(next) ? UInt8(ascii: "s") : UInt8(ascii: "k"))
            case UInt8(ascii: "q"), UInt8(ascii: "k"):
                emit(UInt8(ascii: "k"))
                if next == UInt8(ascii: "u") { index += 1 }
            case UInt8(ascii: "g") where next == UInt8(ascii: "h"):
                emit(UInt8(ascii: "g"))
                index += 1
            case UInt8(ascii: "z"), UInt8(ascii: "s"):
                emit(UInt8(ascii: "s"))
            case UInt8(ascii: "x"):
                emit(UInt8(ascii: "k"))
                emit(UInt8(ascii: "s"))
            case UInt8(ascii: "d"), UInt8(ascii: "t"):
                emit(UInt8(ascii: "t"))
            case UInt8(ascii: "b"), UInt8(ascii: "p"):
                emit(UInt8(ascii: "p"))
            case UInt8(ascii: "v"), UInt8(ascii: "w"), UInt8(ascii: "f"):
                emit(UInt8(ascii: "f"))
            case UInt8(ascii: "h"):
                break
            default:
                emit(byte)
            }
            index += 1
        }
        // Final silent letters of French spellings ("Lieges", "Bruxellest").
        while out.count > 3, let last = out.last,
            last == UInt8(ascii: "s") || last == UInt8(ascii: "t") || last == UInt8(ascii: "A")
        {
            out.removeLast()
        }
        return out
    }

    private static func isVowelFront(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "e") || byte == UInt8(ascii: "i") || byte == UInt8(ascii: "y")
    }
}

/// Edit distances and similarities between keys.
public enum NameDistance {
    /// The optimal string alignment distance (Damerau–Levenshtein with adjacent
    /// transpositions), stopping early past `limit`.
    ///
    /// - returns: the distance, or `limit + 1` when it is larger than `limit`.
    public static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int = .max) -> Int {
        let m = a.count
        let n = b.count
        if abs(m - n) > limit { return limit + 1 }
        if m == 0 { return n }
        if n == 0 { return m }
        // Three rows of the matrix in one temporary buffer: this runs for every candidate
        // name, and heap allocations would dominate.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (n + 1)) { buffer in
            // A non-empty temporary allocation always has an address.
            var previous2 = buffer.baseAddress!
            var previous = previous2 + (n + 1)
            var current = previous + (n + 1)
            for j in 0...n {
                previous2[j] = 0
                previous[j] = j
            }
            for i in 1...m {
                current[0] = i
                var rowMinimum = i
                let ai = a[i - 1]
                for j in 1...n {
                    let cost = ai == b[j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, ai == b[j - 2], a[i - 2] == b[j - 1] {
                        value = min(value, previous2[j - 2] + 1)
                    }
                    current[j] = value
                    rowMinimum = min(rowMinimum, value)
                }
                if rowMinimum > limit { return limit + 1 }
                (previous2, previous, current) = (previous, current, previous2)
            }
            return previous[n]
        }
    }

    /// A similarity in [0, 1] from the edit distance, relative to the longer key; 0
    /// beyond `limit` edits (by default half the longer key).
    public static func similarity(_ a: [UInt8], _ b: [UInt8], limit: Int? = nil) -> Double {
        if a == b { return 1 }
        let longest = max(a.count, b.count)
        guard longest > 0 else { return 0 }
        let limit = limit ?? max(1, longest / 2)
        let distance = distance(a, b, limit: limit)
        if distance > limit { return 0 }
        return 1 - Double(distance) / Double(longest)
    }
}

/// A 64-bit FNV-1a hash of bytes, stable across runs, for the index tables.
@inline(__always)
func stableHash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
    }
    return hash
}

/// The hash of `bytes` without the byte at `skipped`.
@inline(__always)
func stableHash(_ bytes: [UInt8], skipping skipped: Int) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for index in 0..<bytes.count where index != skipped {
        hash ^= UInt64(bytes[index])
        hash &*= 0x100_0000_01b3
    }
    return hash
}
