/// Where a record or a reject comes from.
public struct Provenance: Hashable, Sendable {
    /// The partner that sent the list (by default the file's name without extension).
    public var source: String
    /// The file as named on the command line or in the pipeline.
    public var file: String
    /// The 1-based number of the data row in its file: header, title and blank lines are
    /// not counted. For JSON, the position in the array; for NDJSON, the non-blank line.
    public var row: Int
    /// The 1-based physical line where the row starts (a quoted CSV cell can span lines).
    public var line: Int

    public init(source: String, file: String, row: Int, line: Int) {
        self.source = source
        self.file = file
        self.row = row
        self.line = line
    }
}
