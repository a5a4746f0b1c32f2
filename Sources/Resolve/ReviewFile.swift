import GlaneurCore

/// The review file: uncertain pairs side by side, with score and reasons, and a
/// `decision` column that a person fills in with `match` or `no match`. Read back, the
/// answers become `PairAnswer`s.
public enum ReviewFile {
    public static let header = [
        "decision", "probability", "weight", "reasons",
        "a_record", "a_name", "a_address", "a_postcode", "a_locality", "a_phones", "a_emails",
        "b_record", "b_name", "b_address", "b_postcode", "b_locality", "b_phones", "b_emails",
    ]

    /// The review file's bytes for the pairs.
    public static func write(
        _ pairs: [ScoredPair], corpus: Corpus, model: FellegiSunterModel
    ) -> [UInt8] {
        var writer = CSVWriter(neutralisesFormulas: true)
        writer.row(header)
        let reasons = ReasonWriter(model: model)
        for pair in pairs {
            var cells = [
                "", String(format4: pair.probability), String(format4: pair.weight),
                reasons.reasons(pair),
            ]
            for index in [pair.first, pair.second] {
                let record = corpus.records[Int(index)]
                cells += [
                    record.label, record.name ?? "",
                    [record.street, record.houseNumber].compactMap { $0 }.joined(separator: " "),
                    record.postcode ?? "", record.locality ?? "",
                    record.phones.joined(separator: " "), record.emails.joined(separator: " "),
                ]
            }
            writer.row(cells)
        }
        return writer.bytes
    }

    /// The answers in a filled-in review file; rows without a decision are skipped.
    ///
    /// - throws: `GlaneurError.unreadable` for a decision that is neither a match nor
    ///   a non-match, or a file without the review columns.
    public static func answers(in text: String, path: String) throws(GlaneurError)
        -> [PairAnswer]
    {
        let rows = DelimitedText.rows(text)
        guard let header = rows.first,
            let decision = header.firstIndex(of: "decision"),
            let first = header.firstIndex(of: "a_record"),
            let second = header.firstIndex(of: "b_record")
        else {
            throw .unreadable(
                path: path, location: nil,
                reason: "not a review file: it needs decision, a_record and b_record columns")
        }
        var answers: [PairAnswer] = []
        for (offset, row) in rows.dropFirst().enumerated() {
            guard row.count > max(decision, first, second) else { continue }
            let word = MatchKey.fold(row[decision])
            guard !word.isEmpty else { continue }
            let isMatch: Bool
            switch word {
            case "match", "yes", "y", "1", "same", "oui", "ja": isMatch = true
            case "no match", "nomatch", "no", "n", "0", "different", "non", "nee":
                isMatch = false
            default:
                throw .unreadable(
                    path: path, location: GlaneurError.Location(line: offset + 2),
                    reason: "decision \"\(row[decision])\" should be 'match' or 'no match'")
            }
            answers.append(PairAnswer(first: row[first], second: row[second], isMatch: isMatch))
        }
        return answers
    }
}

/// Comma-separated text with double-quoted cells, as spreadsheets write it.
public enum DelimitedText {
    /// The rows of the text; a byte-order mark and CR line ends are accepted.
    public static func rows(_ text: String, delimiter: Character = ",") -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        var atCellStart = true
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = characters.next() {
                        if next == "\"" {
                            cell.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(character)
                }
                continue
            }
            switch character {
            case "\"" where atCellStart:
                quoted = true
                atCellStart = false
            case delimiter:
                row.append(cell)
                cell = ""
                atCellStart = true
            case "\n", "\r\n", "\r":
                row.append(cell)
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
                cell = ""
                atCellStart = true
            case "\u{FEFF}" where rows.isEmpty && row.isEmpty && cell.isEmpty:
                continue
            default:
                cell.append(character)
                atCellStart = false
            }
        }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }
}

extension String {
    /// The value with four decimals.
    init(format4 value: Double) {
        let scaled = (value * 10_000).rounded() / 10_000
        self = String(scaled)
    }
}
