import Foundation

/// A phonetic key for French and Dutch words, so that spellings that sound alike
/// ("Dubois", "Duboys", "Dubbois"; "Verhaeghe", "Verhage"; "Meulemeester",
/// "Meulemeestre") meet in one block and count as near-equal tokens.
///
/// The key is built on folded text (lower-case ASCII): sound groups that the two
/// languages write several ways are rewritten to one letter, silent endings dropped,
/// doubled letters and vowels after the first letter removed. It is deliberately coarse:
/// it finds candidates, and the comparisons decide.
public enum Phonetic {
    /// The key of one folded token; empty for an empty token.
    public static func key(_ token: String) -> String {
        var letters = Array(token.utf8)
        guard !letters.isEmpty else { return "" }
        if letters.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return token
        }
        letters = rewriteGroups(letters)
        letters = dropSilentEnding(letters)
        return String(decoding: skeleton(letters), as: UTF8.self)
    }

    /// Letter groups that sound alike, longest first.
    private static let groups: [(from: [UInt8], to: [UInt8])] = [
        ("eaux", "o"), ("eau", "o"), ("sch", "s"), ("ph", "f"), ("qu", "k"), ("ck", "k"),
        ("ch", "s"), ("gh", "g"), ("th", "t"), ("dt", "t"), ("ij", "i"), ("ei", "i"),
        ("ey", "i"), ("ay", "i"), ("ai", "e"), ("au", "o"), ("ou", "u"), ("oe", "u"),
        ("ae", "a"), ("gn", "n"), ("kw", "k"), ("cc", "k"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static func rewriteGroups(_ letters: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(letters.count)
        var index = 0
        scan: while index < letters.count {
            for (from, to) in groups where letters.count - index >= from.count {
                if letters[index..<index + from.count].elementsEqual(from) {
                    output.append(contentsOf: to)
                    index += from.count
                    continue scan
                }
            }
            let letter = letters[index]
            let next = index + 1 < letters.count ? letters[index + 1] : 0
            switch letter {
            case UInt8(ascii: "c"):
                // A soft c before e, i, y sounds like s; a hard one like k.
                let soft =
                    next == UInt8(ascii: "e") || next == UInt8(ascii: "i")
                    || next == UInt8(ascii: "y")
                output.append(soft ? UInt8(ascii: "s") : UInt8(ascii: "k"))
            case UInt8(ascii: "q"): output.append(UInt8(ascii: "k"))
            case UInt8(ascii: "z"): output.append(UInt8(ascii: "s"))
            case UInt8(ascii: "w"): output.append(UInt8(ascii: "v"))
            case UInt8(ascii: "y"): output.append(UInt8(ascii: "i"))
            case UInt8(ascii: "h"): break
            case UInt8(ascii: "d") where index == letters.count - 1:
                output.append(UInt8(ascii: "t"))
            default: output.append(letter)
            }
            index += 1
        }
        return output
    }

    /// French endings that are not pronounced: a final e, s, x or t (after another
    /// consonant or a vowel), so that "Dubois" and "Duboi", "Moulins" and "Moulin" agree.
    private static func dropSilentEnding(_ letters: [UInt8]) -> [UInt8] {
        var letters = letters
        while letters.count > 3, let last = letters.last,
            last == UInt8(ascii: "e") || last == UInt8(ascii: "s") || last == UInt8(ascii: "x")
                || last == UInt8(ascii: "t")
        {
            letters.removeLast()
        }
        return letters
    }

    private static func isVowel(_ letter: UInt8) -> Bool {
        switch letter {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"),
            UInt8(ascii: "u"):
            true
        default: false
        }
    }

    /// The first letter, then the consonants without repeats.
    private static func skeleton(_ letters: [UInt8]) -> [UInt8] {
        guard let first = letters.first else { return [] }
        var output: [UInt8] = [isVowel(first) ? UInt8(ascii: "a") : first]
        for letter in letters.dropFirst() where !isVowel(letter) && letter != output.last {
            output.append(letter)
        }
        return output
    }
}

/// Similarities of two strings, in [0, 1], on their bytes.
public enum TokenSimilarity {
    /// 1 − edit distance / length of the longer, a swap of two neighbouring letters
    /// counting as one edit: kinder than Jaro–Winkler to a letter added or dropped in a
    /// long text ("ruue du bosquet"), and to "hosftraat" for "hofstraat".
    public static func editSimilarity(_ a: [UInt8], _ b: [UInt8]) -> Double {
        if a == b { return a.isEmpty ? 0 : 1 }
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let width = b.count + 1
        let distance = withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * width) {
            buffer in
            // Three rows of the distance table in one stack buffer: the one before the
            // previous row is needed for swaps.
            var older = 0
            var previous = width
            var current = 2 * width
            for j in 0...b.count { buffer[previous + j] = j }
            for i in 1...a.count {
                buffer[current] = i
                for j in 1...b.count {
                    buffer[current + j] = editCell(
                        a, b, i, j, buffer, rows: (older, previous, current))
                }
                (older, previous, current) = (previous, current, older)
            }
            return buffer[previous + b.count]
        }
        return 1 - Double(distance) / Double(max(a.count, b.count))
    }

    /// Whether `editSimilarity(a, b) >= threshold`, without the whole distance table.
    ///
    /// The threshold allows at most some number of edits for texts of this length; the
    /// answer is no as soon as the lengths differ by more, or as soon as a whole row of
    /// the table exceeds it (a row's least value never falls from one row to the next).
    /// Only the diagonal band that such a distance can cross is filled in; a cell beside
    /// it stands for "too far". The answer is the one `editSimilarity` would give, to
    /// the last bit: the allowance is found with the same arithmetic.
    public static func isEditSimilar(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, atLeast threshold: Double
    ) -> Bool {
        if same(a, b) { return (a.isEmpty ? 0 : 1) >= threshold }
        guard !a.isEmpty, !b.isEmpty else { return 0 >= threshold }
        let longer = max(a.count, b.count)
        var allowed = -1
        while allowed < longer, 1 - Double(allowed + 1) / Double(longer) >= threshold {
            allowed += 1
        }
        guard allowed >= 0, abs(a.count - b.count) <= allowed else { return false }
        let tooFar = allowed + 1
        let width = b.count + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * width) { buffer in
            buffer.initialize(repeating: tooFar)
            var older = 0
            var previous = width
            var current = 2 * width
            for j in 0...min(b.count, allowed) { buffer[previous + j] = j }
            for i in 1...a.count {
                let first = max(1, i - allowed)
                let last = min(b.count, i + allowed)
                buffer[current + first - 1] = first == 1 && i <= allowed ? i : tooFar
                if last < b.count { buffer[current + last + 1] = tooFar }
                var rowLeast = buffer[current + first - 1]
                for j in first...last {
                    let value = min(
                        editCell(a, b, i, j, buffer, rows: (older, previous, current)), tooFar)
                    buffer[current + j] = value
                    rowLeast = min(rowLeast, value)
                }
                if rowLeast > allowed { return false }
                (older, previous, current) = (previous, current, older)
            }
            return buffer[previous + b.count] <= allowed
        }
    }

    /// The cell of row `i`, column `j` of the edit-distance table of `a` against `b`, a
    /// swap of neighbours counting as one edit, from the cell to its left and the two
    /// rows above; `rows` tells where each of the three rows starts in `table`.
    @inline(__always)
    private static func editCell<Text: RandomAccessCollection<UInt8>>(
        _ a: Text, _ b: Text, _ i: Int, _ j: Int, _ table: UnsafeMutableBufferPointer<Int>,
        rows: (older: Int, previous: Int, current: Int)
    ) -> Int where Text.Index == Int {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        let value = min(
            table[rows.previous + j] + 1, table[rows.current + j - 1] + 1,
            table[rows.previous + j - 1] + cost)
        guard i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] else { return value }
        return min(value, table[rows.older + j - 2] + 1)
    }

    /// Whether two texts hold the same bytes: one `memcmp`, where the generic
    /// `elementsEqual` walks an iterator byte by byte.
    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        return memcmp(left, right, a.count) == 0
    }

    public static func jaroWinkler(_ a: [UInt8], _ b: [UInt8]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in jaroWinkler(a, b) }
        }
    }

    /// The same on bytes in place, as the name comparison reads them.
    public static func jaroWinkler(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>
    ) -> Double {
        if same(a, b) { return a.isEmpty ? 0 : 1 }
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        // Matched positions as bit masks: no allocation for the tokens of names.
        guard long.count <= 64 else { return jaroWinklerLong(short, long) }
        let window = max(0, long.count / 2 - 1)
        var longMatched: UInt64 = 0
        var shortMatched: UInt64 = 0
        var matches = 0
        for index in 0..<short.count {
            let start = max(0, index - window)
            let end = min(long.count - 1, index + window)
            guard start <= end else { continue }
            for other in start...end
            where longMatched & (1 << UInt64(other)) == 0 && long[other] == short[index] {
                longMatched |= 1 << UInt64(other)
                shortMatched |= 1 << UInt64(index)
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        // Transpositions: matched letters taken in order on both sides that differ.
        var transpositions = 0
        var cursor = 0
        for index in 0..<short.count where shortMatched & (1 << UInt64(index)) != 0 {
            while longMatched & (1 << UInt64(cursor)) == 0 { cursor += 1 }
            if short[index] != long[cursor] { transpositions += 1 }
            cursor += 1
        }
        return winkler(
            matches: matches, transpositions: transpositions, short: short, long: long)
    }

    private static func winkler(
        matches: Int, transpositions: Int, short: UnsafeBufferPointer<UInt8>,
        long: UnsafeBufferPointer<UInt8>
    ) -> Double {
        let m = Double(matches)
        let jaro =
            (m / Double(short.count) + m / Double(long.count)
                + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, short.count), short[prefix] == long[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// The same for texts longer than 64 bytes, with arrays for the matched positions.
    private static func jaroWinklerLong(
        _ short: UnsafeBufferPointer<UInt8>, _ long: UnsafeBufferPointer<UInt8>
    ) -> Double {
        let window = max(0, long.count / 2 - 1)
        var longMatched = [Bool](repeating: false, count: long.count)
        var shortMatches: [UInt8] = []
        for (index, letter) in short.enumerated() {
            let start = max(0, index - window)
            let end = min(long.count - 1, index + window)
            guard start <= end else { continue }
            for other in start...end where !longMatched[other] && long[other] == letter {
                longMatched[other] = true
                shortMatches.append(letter)
                break
            }
        }
        guard !shortMatches.isEmpty else { return 0 }
        var transpositions = 0
        var cursor = 0
        for (index, matched) in longMatched.enumerated() where matched {
            if long[index] != shortMatches[cursor] { transpositions += 1 }
            cursor += 1
        }
        return winkler(
            matches: shortMatches.count, transpositions: transpositions, short: short,
            long: long)
    }
}
