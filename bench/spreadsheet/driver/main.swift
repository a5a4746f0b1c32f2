// Reads the first non-empty sheet of a workbook and prints one JSON line: rows, cells,
// seconds. The benchmark's Glaneur side, built in release mode by run.sh.
import Foundation
import Spreadsheet

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: read-sheet FILE\n".utf8))
    exit(64)
}
let started = Date()
do {
    let sheet = try Workbook(path: arguments[1]).firstNonEmptySheet()
    let cells = sheet.rows.reduce(0) { total, row in
        total + row.cells.filter { !$0.text.isEmpty }.count
    }
    let seconds = Date().timeIntervalSince(started)
    print("{\"rows\": \(sheet.rows.count), \"cells\": \(cells), \"seconds\": \(seconds)}")
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
