import GlaneurCore
import Glibc
import Ingest

/// `glaneur read`: partner files in, canonical records (NDJSON) and rejects out.
enum ReadCommand: Command {
    static let name = "read"
    static let abstract = "Read partner files as canonical records (NDJSON) and rejects."
    static let usage = "FILE... [-o OUT.ndjson] [--rejects OUT.csv] [--raw] [options]"
    static let discussion = """
        Each row becomes one JSON object a line: the canonical fields (name, street,
        postcode, phones…) as the partner wrote them, the untouched source fields, and
        the provenance (source, file, row, line). A row that cannot be used is a reject:
        it goes to the --rejects file with its code, position and raw text, and the
        summary always adds up: rows read = records + rejects.

        With --raw, every parsed row (title and header rows included) is written as a
        JSON array of strings, exactly as read after decoding, to compare readers.
        FILE may be '-' for standard input.
        """
    static let options: [OptionDefinition] =
        [
            .value("-o", "--output", name: "FILE", help: "Write records here (default: stdout)."),
            .value(
                "--rejects", name: "FILE",
                help: "Write rejected rows here as CSV (default: the first few on stderr)."),
            .flag("--raw", help: "Write parsed rows as JSON arrays instead of records."),
        ] + InputOptions.definitions

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let files = arguments.positionals
        guard !files.isEmpty else { throw UsageError("missing FILE") }
        let options = try InputOptions.readOptions(from: arguments)
        let output = try OutputFile(path: arguments.value("--output") ?? "-")
        let rejectsFile = try arguments.value("--rejects").map { path throws(GlaneurError) in
            try RejectsFile(path: path)
        }

        var run = ReadRun(context: context, output: output, rejects: rejectsFile)
        for file in files {
            if arguments.flag("--raw") {
                run.readRaw(file, options: options)
            } else {
                run.read(file, options: options)
            }
        }
        try output.close()
        try rejectsFile?.close()
        run.printTotal()
        return run.failedFiles.isEmpty ? .success : .failure
    }
}

/// The state of one `glaneur read` invocation over several files.
struct ReadRun {
    let context: CommandContext
    let output: OutputFile
    let rejects: RejectsFile?
    var total = ReadCounts()
    var failedFiles: [String] = []
    var filesRead = 0
    /// Rejects shown on stderr when there is no --rejects file.
    var rejectsShown = 0
    static let rejectsShownLimit = 5

    init(context: CommandContext, output: OutputFile, rejects: RejectsFile?) {
        self.context = context
        self.output = output
        self.rejects = rejects
    }

    mutating func read(_ file: String, options: ReadOptions) {
        do throws(GlaneurError) {
            let reader = try SourceReader.open(path: file, options: options)
            let progress = ProgressLine(file, total: fileSize(file), context: context)
            var writer = JSONWriter(reservingCapacity: 1 << 20)
            while let reject = try nextRecord(from: reader, to: &writer) {
                if let reject { handle(reject) }
                if writer.count >= 1 << 20 {
                    output.write(writer)
                    writer.removeAll()
                    progress.update(done: reader.bytesConsumed, rows: reader.counts.rows)
                }
            }
            output.write(writer)
            progress.finish()
            summarise(reader)
        } catch {
            context.standardError.line("Error: \(error.description)")
            failedFiles.append(file)
        }
    }

    /// Writes the next record as NDJSON; returns nil at the end, `.some(nil)` for a
    /// record written and `.some(reject)` for a reject.
    private func nextRecord(from reader: any RecordReader, to writer: inout JSONWriter)
        throws(GlaneurError) -> Reject??
    {
        if let csv = reader as? CSVRecordReader {
            switch try csv.writeNextRecord(to: &writer) {
            case .wrote: return .some(nil)
            case .rejected(let reject): return .some(reject)
            case .end: return nil
            }
        }
        switch try reader.next() {
        case .record(let record):
            record.writeJSON(to: &writer)
            writer.byte(0x0A)
            return .some(nil)
        case .reject(let reject): return .some(reject)
        case nil: return nil
        }
    }

    mutating func readRaw(_ file: String, options: ReadOptions) {
        do throws(GlaneurError) {
            let reader = try SourceReader.open(path: file, options: options)
            var writer = JSONWriter(reservingCapacity: 1 << 20)
            var rows = 0
            let next: (inout JSONWriter) throws(GlaneurError) -> Bool
            switch reader {
            case let csv as CSVRecordReader:
                next = { (writer: inout JSONWriter) throws(GlaneurError) in
                    try csv.writeNextRawRow(to: &writer)
                }
            case let sheet as SpreadsheetRecordReader:
                next = { (writer: inout JSONWriter) in
                    guard let cells = sheet.nextRawRow() else { return false }
                    writer.strings(cells)
                    writer.byte(0x0A)
                    return true
                }
            default:
                context.standardError.line(
                    "Error: \(file): --raw reads delimited files and spreadsheets; JSON "
                        + "records are written as read by 'glaneur read' without --raw")
                failedFiles.append(file)
                return
            }
            while try next(&writer) {
                rows += 1
                if writer.count >= 1 << 20 {
                    output.write(writer)
                    writer.removeAll()
                }
            }
            output.write(writer)
            filesRead += 1
            if !context.quiet {
                context.standardError.line("\(file): \(formatCount(rows)) rows written as read")
            }
        } catch {
            context.standardError.line("Error: \(error.description)")
            failedFiles.append(file)
        }
    }

    private mutating func handle(_ reject: Reject) {
        if let rejects {
            rejects.write(reject)
            return
        }
        rejectsShown += 1
        guard rejectsShown <= Self.rejectsShownLimit, !context.quiet else { return }
        let place = "\(reject.provenance.file):\(reject.provenance.line)"
        context.standardError.line(
            "\(place): rejected row \(reject.provenance.row) (\(reject.code.rawValue)): "
                + reject.message)
    }

    private mutating func summarise(_ reader: any RecordReader) {
        filesRead += 1
        let counts = reader.counts
        total.rows += counts.rows
        total.records += counts.records
        total.rejects += counts.rejects
        total.blankRows += counts.blankRows
        total.preambleRows += counts.preambleRows
        guard !context.quiet else { return }

        let description = reader.description
        var facts: [String] = [description.format.rawValue]
        if let encoding = description.encoding { facts.append(encoding.encoding.rawValue) }
        if let dialect = description.dialect { facts.append("'\(dialect.delimiterName)'") }
        if let sheet = description.sheet { facts.append("sheet \"\(sheet)\"") }
        var line =
            "\(description.path) (\(facts.joined(separator: ", "))): "
            + "\(formatCount(counts.rows)) rows = \(formatCount(counts.records)) records + "
            + "\(formatCount(counts.rejects)) rejects"
        var skipped: [String] = []
        if counts.preambleRows > 0 { skipped.append("\(counts.preambleRows) title rows") }
        if counts.blankRows > 0 { skipped.append("\(counts.blankRows) blank rows") }
        if !skipped.isEmpty { line += " (skipped \(skipped.joined(separator: ", ")))" }
        context.standardError.line(line)
        for note in description.notes {
            context.standardError.line("  note: \(note)")
        }
    }

    func printTotal() {
        guard !context.quiet else { return }
        if rejects == nil, rejectsShown > Self.rejectsShownLimit {
            context.standardError.line(
                "… and \(rejectsShown - Self.rejectsShownLimit) more rejects; "
                    + "write them all with --rejects FILE")
        }
        if filesRead > 1 || !failedFiles.isEmpty {
            context.standardError.line(
                "Total: \(formatCount(total.rows)) rows read = \(formatCount(total.records)) "
                    + "records + \(formatCount(total.rejects)) rejects, in "
                    + counted(filesRead, "file")
                    + (failedFiles.isEmpty
                        ? "" : "; \(counted(failedFiles.count, "file")) could not be read"))
        }
    }
}

/// Rejected rows as CSV: one line each, with what is needed to find and fix the row.
final class RejectsFile {
    static let header = ["source", "file", "row", "line", "code", "column", "message", "raw"]
    private let output: OutputFile
    private var writer = CSVWriter()

    init(path: String) throws(GlaneurError) {
        output = try OutputFile(path: path)
        writer.row(Self.header)
    }

    func write(_ reject: Reject) {
        writer.row([
            reject.provenance.source, reject.provenance.file, String(reject.provenance.row),
            String(reject.provenance.line), reject.code.rawValue, reject.column ?? "",
            reject.message, reject.raw,
        ])
        if writer.bytes.count >= 1 << 16 {
            output.write(writer.bytes)
            writer.removeAll()
        }
    }

    func close() throws(GlaneurError) {
        output.write(writer.bytes)
        writer.removeAll()
        try output.close()
    }
}

/// "1 file", "3 files".
func counted(_ count: Int, _ noun: String) -> String {
    "\(formatCount(count)) \(noun)\(count == 1 ? "" : "s")"
}

/// The size of a regular file, for progress; nil for standard input or a pipe.
func fileSize(_ path: String) -> Int? {
    guard path != "-" else { return nil }
    var status = stat()
    guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(status.st_size)
}
