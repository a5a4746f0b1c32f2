import Foundation
import GlaneurCore

/// How diagnostics are written on standard error: sentences for people, or one JSON object
/// a line for the machines that run imports on a schedule (`--log-format json`).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// The format asked for among a command's words, looked up before they are parsed so
    /// that even a usage error comes out in it. `text` when none is given or it is unknown
    /// (the parser reports the unknown value).
    static func requested(in words: some Collection<String>) -> LogFormat {
        var iterator = words.prefix(while: { $0 != "--" }).makeIterator()
        var format = LogFormat.text
        while let word = iterator.next() {
            if word == "--log-format", let value = iterator.next() {
                format = LogFormat(rawValue: value) ?? format
            } else if word.hasPrefix("--log-format=") {
                format = LogFormat(rawValue: String(word.dropFirst(13))) ?? format
            }
        }
        return format
    }
}

/// A value in a structured log line.
public enum LogValue: Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case seconds(Double)
    case strings([String])
}

/// Writes events and errors on standard error in the chosen format.
///
/// In text, an event is its message alone (the command prints its own tables); in JSON,
/// each line is an object with `time`, `level`, `event`, `message` and the event's fields,
/// so that a scheduler can follow a run without parsing sentences.
public struct Log: Sendable {
    public var format: LogFormat
    public var output: StandardError

    public init(format: LogFormat, output: StandardError) {
        self.format = format
        self.output = output
    }

    /// An event of the work, printed in text only when `text` is given.
    public func info(
        _ event: String, _ message: String, _ fields: [(String, LogValue)] = [],
        text: Bool = true
    ) {
        switch format {
        case .text where text: output.line(message)
        case .text: break
        case .json: output.line(json(level: "info", event: event, message, fields))
        }
    }

    /// Something the user must know of that did not stop the command.
    public func warning(_ event: String, _ message: String) {
        switch format {
        case .text: output.line("Warning: " + message)
        case .json: output.line(json(level: "warning", event: event, message, []))
        }
    }

    /// Why the command failed.
    public func error(_ message: String, _ fields: [(String, LogValue)] = []) {
        switch format {
        case .text: output.line("Error: " + message)
        case .json: output.line(json(level: "error", event: "error", message, fields))
        }
    }

    func json(
        level: String, event: String, _ message: String, _ fields: [(String, LogValue)]
    ) -> String {
        var writer = JSONWriter()
        writer.raw("{\"time\":")
        writer.string(Log.timestamp(Date()))
        writer.raw(",\"level\":")
        writer.string(level)
        writer.raw(",\"event\":")
        writer.string(event)
        writer.raw(",\"message\":")
        writer.string(message)
        for (key, value) in fields {
            writer.byte(UInt8(ascii: ","))
            writer.string(key)
            writer.byte(UInt8(ascii: ":"))
            switch value {
            case .string(let text): writer.string(text)
            case .integer(let number): writer.integer(number)
            case .bool(let flag): writer.raw(flag ? "true" : "false")
            case .seconds(let seconds): writer.raw(Array(String(format3: seconds).utf8))
            case .strings(let items): writer.strings(items)
            }
        }
        writer.byte(UInt8(ascii: "}"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// UTC with milliseconds: `2026-12-03T19:42:07.125Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

extension String {
    /// Three decimals, as a JSON number: 2.34567 → "2.346".
    init(format3 value: Double) {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        self =
            "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
