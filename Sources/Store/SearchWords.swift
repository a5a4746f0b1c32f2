import GlaneurCore

/// The words PostgreSQL's full-text search matches, computed by Glaneur rather than by
/// the server's text parser.
///
/// An entity's words are those of its name and locality folded as `MatchKey` folds them:
/// lower case, accents and ligatures off ("Élevage" and "elevage" are one word, "Œufs"
/// is `oeufs`), split at anything that is neither a letter nor a digit ("Bois-Joli" is
/// `bois` and `joli`). A query is folded the same way, so the map and the query always
/// agree, whatever the server's configuration; SQLite's FTS5 index splits and folds the
/// words of French and Dutch names alike.
///
/// The map stores the words as a `tsvector` column written by the load itself, so that
/// building the full-text index only sorts words the client has already found: parsing
/// every name on the server was a third of the index's cost.
enum SearchWords {
    /// One distinct word, with the places (from 1) where it stands in the text.
    struct Lexeme: Equatable {
        var word: String
        var positions: [UInt16]
    }

    /// The highest position a `tsvector` records; later words share it.
    static let lastPosition: UInt16 = 16_383
    /// The most positions a `tsvector` keeps for one word.
    static let positionLimit = 256

    /// The distinct words of `name` and `locality`, in the byte order of their UTF-8, as
    /// a `tsvector` keeps them.
    static func lexemes(name: String, locality: String?) -> [Lexeme] {
        let text = locality.map { name + " " + $0 } ?? name
        // A name and a locality hold a handful of words: a list searched from the end
        // finds a repeated one sooner than a hash table is built.
        var lexemes: [Lexeme] = []
        var position: UInt16 = 0
        for word in MatchKey.fold(text).split(separator: " ") {
            position = min(position + 1, lastPosition)
            if let known = lexemes.lastIndex(where: { $0.word == word }) {
                if lexemes[known].positions.count < positionLimit {
                    lexemes[known].positions.append(position)
                }
            } else {
                lexemes.append(Lexeme(word: String(word), positions: [position]))
            }
        }
        return lexemes.sorted { $0.word.utf8.lexicographicallyPrecedes($1.word.utf8) }
    }

    /// The words of an entity's name and locality.
    static func lexemes(of fields: EntityFields) -> [Lexeme] {
        lexemes(name: fields.name, locality: fields.locality)
    }

    /// A `tsquery` that needs every word of `text`, each taken literally; nil when the
    /// text has no word.
    static func query(_ text: String) -> String? {
        let words = MatchKey.fold(text).split(separator: " ")
        guard !words.isEmpty else { return nil }
        // Folded words hold letters and digits only; quoting keeps any other character
        // from ever being read as query syntax.
        return words.map { word in
            "'"
                + word.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "'", with: "''") + "'"
        }.joined(separator: " & ")
    }
}
