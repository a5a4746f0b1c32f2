/// A value as the partner sent it.
///
/// CSV cells are always text. JSON adds lists of scalars (a `products` array) and `null`,
/// which is kept apart from the empty string because some partners use one to mean
/// "unknown" and the other to mean "none".
public enum SourceValue: Hashable, Sendable {
    case null
    case text(String)
    case list([String])

    /// The value's strings, with empty ones dropped: `null` and `""` give `[]`.
    public var strings: [String] {
        switch self {
        case .null: []
        case .text(let text): text.isEmpty ? [] : [text]
        case .list(let items): items.filter { !$0.isEmpty }
        }
    }

    /// Whether the value carries anything a person would call data: whitespace only
    /// counts as empty.
    public var isBlank: Bool {
        strings.allSatisfy { $0.allSatisfy(\.isWhitespace) }
    }
}
