import Glibc

/// A failure that stops a command, described so that the user can act on it.
///
/// Row-level problems are not errors: they become rejects or warnings and the command
/// goes on. An error is for what makes a whole file or command unusable.
public enum GlaneurError: Error, Sendable, CustomStringConvertible {
    /// An operating-system call failed on a file.
    case io(path: String, action: String, errno: Int32)
    /// A file's contents cannot be read at all, at a known position.
    case unreadable(path: String, location: Location?, reason: String)
    /// Something the user asked for is impossible (a bad option value, a missing column).
    case invalidRequest(String)

    public struct Location: Sendable, CustomStringConvertible {
        public var line: Int
        public var column: Int?

        public init(line: Int, column: Int? = nil) {
            self.line = line
            self.column = column
        }

        public var description: String {
            column.map { "line \(line), column \($0)" } ?? "line \(line)"
        }
    }

    public var description: String {
        switch self {
        case .io(let path, let action, let code):
            return "\(path): \(action): \(String(cString: strerror(code))) (errno \(code))"
        case .unreadable(let path, let location, let reason):
            return location.map { "\(path): \($0): \(reason)" } ?? "\(path): \(reason)"
        case .invalidRequest(let message):
            return message
        }
    }
}
