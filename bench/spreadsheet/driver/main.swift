// Reads the first non-empty sheet of a workbook and prints one JSON line: rows, cells,
// seconds. The benchmark's Glaneur side, built in release mode by run.sh.
import Foundation
import Spreadsheet

// With --dump N, prints the first N rows as tab-separated text instead, to compare
// what both readers see.
let arguments = CommandLine.arguments
guard arguments.count == 2 || (arguments.count == 4 && arguments[2] == "--dump"),
    arguments.count == 2 || Int(arguments[3]) != nil
else {
    FileHandle.standardError.write(Data("usage: read-sheet FILE [--dump ROWS]\n".utf8))
    exit(64)
}
let started = Date()
do {
    let sheet = try Workbook(path: arguments[1]).firstNonEmptySheet()
    if arguments.count == 4, let count = Int(arguments[3]) {
        for row in sheet.rows.prefix(count) {
            print(row.texts.joined(separator: "\t"))
        }
        exit(0)
    }
    let cells = sheet.rows.reduce(0) { total, row in
        total + row.cells.filter { !$0.text.isEmpty }.count
    }
    let seconds = Date().timeIntervalSince(started)
    print("{\"rows\": \(sheet.rows.count), \"cells\": \(cells), \"seconds\": \(seconds)}")
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
