import GlaneurCore
import Testing

@testable import Ingest

/// Parses text completely and returns each row as strings, or `!line` for a broken
/// quote, so that expectations read like the input.
func parseAll(
    _ text: String, delimiter: Character = ",", blockSize: Int = 1 << 20,
    maximumRowBytes: Int = 16 << 20
) -> [[String]] {
    parseAll(
        Array(text.utf8), delimiter: delimiter, blockSize: blockSize,
        maximumRowBytes: maximumRowBytes)
}

func parseAll(
    _ bytes: [UInt8], delimiter: Character = ",", blockSize: Int = 1 << 20,
    maximumRowBytes: Int = 16 << 20
) -> [[String]] {
    let parser = CSVParser(
        source: MemorySource(bytes), delimiter: delimiter.asciiValue!, blockSize: blockSize,
        maximumRowBytes: maximumRowBytes)
    var rows: [[String]] = []
    while let row = try? parser.nextRow() {
        switch row {
        case .cells(let cells):
            rows.append((0..<cells.count).map { String(decoding: cells[$0], as: UTF8.self) })
        case .brokenQuote(let line, _, _):
            rows.append(["!\(line)"])
        }
    }
    return rows
}

struct CSVParserCase: CustomTestStringConvertible, Sendable {
    let name: String
    let input: String
    let rows: [[String]]
    var testDescription: String { name }
}

@Suite("CSV parser")
struct CSVParserTests {
    static let cases: [CSVParserCase] = [
        .init(name: "plain rows", input: "a,b\n1,2\n", rows: [["a", "b"], ["1", "2"]]),
        .init(name: "no final newline", input: "a,b\n1,2", rows: [["a", "b"], ["1", "2"]]),
        .init(name: "CRLF", input: "a,b\r\n1,2\r\n", rows: [["a", "b"], ["1", "2"]]),
        .init(
            name: "lone CR (old Mac Excel)", input: "a,b\r1,2\r", rows: [["a", "b"], ["1", "2"]]),
        .init(name: "delimiter in quotes", input: "\"a,b\",c\n", rows: [["a,b", "c"]]),
        .init(
            name: "doubled quotes", input: "\"say \"\"hi\"\"\",x\n", rows: [["say \"hi\"", "x"]]),
        .init(
            name: "newline in quotes", input: "\"12 rue\nbte 3\",x\ny,z\n",
            rows: [["12 rue\nbte 3", "x"], ["y", "z"]]),
        .init(name: "CRLF in quotes kept", input: "\"a\r\nb\",c\r\n", rows: [["a\r\nb", "c"]]),
        .init(name: "empty cells", input: ",,\n", rows: [["", "", ""]]),
        .init(name: "blank line is one empty cell", input: "a\n\nb\n", rows: [["a"], [""], ["b"]]),
        .init(name: "quoted empty cell", input: "\"\",x\n", rows: [["", "x"]]),
        .init(
            name: "quote inside an unquoted cell is kept", input: "l'a \"b\",c\n",
            rows: [["l'a \"b\"", "c"]]),
        .init(
            name: "text after a closing quote is appended", input: "\"a\"b,c\n",
            rows: [["ab", "c"]]),
        .init(
            name: "unterminated quote gives back its line and resumes",
            input: "a,b\n\"open,x\nc,d\n", rows: [["a", "b"], ["!2"], ["c", "d"]]),
        .init(
            name: "unterminated quote on the last line", input: "a,b\nc,\"d\n",
            rows: [["a", "b"], ["!2"]]),
        .init(
            name: "UTF-8 passes through", input: "Localité,Tél\nLiège,081\n",
            rows: [["Localité", "Tél"], ["Liège", "081"]]),
    ]

    @Test(arguments: cases)
    func parses(_ example: CSVParserCase) {
        #expect(parseAll(example.input) == example.rows)
    }

    @Test(arguments: cases)
    func parsesTheSameWithTinyBlocks(_ example: CSVParserCase) {
        // Blocks of 16 bytes put block boundaries inside cells, quotes and CRLFs.
        #expect(parseAll(example.input, blockSize: 16) == example.rows)
    }

    @Test func semicolonsAndTabs() {
        #expect(parseAll("a;b,c\n", delimiter: ";") == [["a", "b,c"]])
        #expect(parseAll("a\tb\n", delimiter: "\t") == [["a", "b"]])
    }

    @Test func countsLinesAcrossQuotedNewlines() throws {
        let parser = CSVParser(
            source: MemorySource("h\n\"a\nb\nc\"\nd\n"), delimiter: UInt8(ascii: ","))
        var lines: [Int] = []
        while let row = try parser.nextRow() {
            if case .cells(let cells) = row { lines.append(cells.line) }
        }
        #expect(lines == [1, 2, 5])
    }

    @Test func rowPastTheLimitIsABrokenQuote() {
        let long = "\"" + String(repeating: "x", count: 100) + "\nnext,row\n"
        let rows = parseAll(long, blockSize: 16, maximumRowBytes: 64)
        #expect(rows == [["!1"], ["next", "row"]])
    }

    @Test func keepsTheRawTextOfARow() throws {
        let parser = CSVParser(source: MemorySource("\"a,b\";c\r\n"), delimiter: UInt8(ascii: ";"))
        guard case .cells(let row) = try parser.nextRow() else {
            Issue.record("expected a row")
            return
        }
        #expect(String(decoding: row.raw, as: UTF8.self) == "\"a,b\";c")
    }
}
