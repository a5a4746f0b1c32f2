import Dispatch
import Foundation
import Geocode
import GlaneurCore
import Ingest
import Normalize
import Resolve

/// `glaneur dedupe`: records from any number of files in, one cluster per producer out.
enum DedupeCommand: Command {
    static let name = "dedupe"
    static let abstract = "Find the records that are the same producer, across and within files."
    static let usage = "FILE... [-o CLUSTERS.csv] [--review REVIEW.csv] [options] | --explain A B"
    static let discussion = """
        Reads every FILE (any format 'glaneur read' reads, or NDJSON written by 'glaneur
        normalize'), normalises and geocodes the records, and writes one line per input
        row: file,row,cluster_id (file is the file's name, row the 1-based data row).

        Matching blocks on several keys at once (phones, e-mails, company numbers, whole
        names, postcode/locality/map cell with a phonetic key of the rarest name words)
        and weighs each comparison with a Fellegi-Sunter model estimated on the data by
        expectation-maximisation. Clusters never chain: two records that clearly differ
        never end up together, whatever links them.

        Pairs whose match probability is uncertain go to the review file: fill in its
        'decision' column with 'match' or 'no match' and give it back with --answers;
        answered pairs are never asked again and teach the model.

        --explain A B prints why two records (named FILE:ROW) match or not.
        """
    static let options: [OptionDefinition] =
        [
            .value(
                "-o", "--output", name: "FILE", help: "Write the clusters here (default: stdout)."),
            .value(
                "--review", name: "FILE",
                help: "Write the uncertain pairs here (default: beside -o, as NAME.review.csv)."),
            .value(
                "--answers", name: "FILE",
                help: "A review file filled in by a person (repeatable).",
                repeatable: true),
            .value(
                "--threshold", name: "P",
                help: "Link pairs with a match probability of at least P (default: 0.5)."),
            .value(
                "--separation", name: "P",
                help: "Keep two records out of one cluster below this match probability "
                    + "(default: 0.01)."),
            .value(
                "--fix", name: "COMPARISON.m|u.LEVEL=P",
                help: "Fix a model probability by hand, e.g. phone.m.0=0.6 (repeatable).",
                repeatable: true),
            .flag(
                "--explain", help: "Explain the pair named by the last two arguments (FILE:ROW)."),
            .flag("--model", help: "Print the estimated model on stderr."),
            .value(
                "--country", name: "CODE",
                help: "Country assumed for rows that do not say and give no clue."),
            .value(
                "--gazetteer", name: "FILE",
                help: "The gazetteer store (default: $GLANEUR_GAZETTEER or "
                    + "~/.cache/glaneur/gazetteer.sqlite)."),
            .value("--threads", name: "N", help: "Threads to work with (default: all cores)."),
        ] + InputOptions.definitions

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        var files = arguments.positionals
        var explained: (String, String)?
        if arguments.flag("--explain") {
            guard files.count >= 3 else {
                throw UsageError("--explain needs the input files, then two records as FILE:ROW")
            }
            explained = (files[files.count - 2], files[files.count - 1])
            files.removeLast(2)
        }
        guard !files.isEmpty else { throw UsageError("missing FILE (the lists to deduplicate)") }
        var options = Resolver.Options()
        options.threads = try CommonOptions.threads(arguments)
        if let text = arguments.value("--threshold") {
            guard let value = Double(text), value > 0, value < 1 else {
                throw UsageError("--threshold takes a probability between 0 and 1, not '\(text)'")
            }
            options.threshold = value
        }
        if let text = arguments.value("--separation") {
            guard let value = Double(text), value >= 0, value < options.threshold else {
                throw UsageError(
                    "--separation takes a probability below the threshold, not '\(text)'")
            }
            options.separation = value
        }
        for text in arguments.values("--fix") {
            guard let override = FellegiSunterModel.Override(parsing: text) else {
                let names = Comparison.allCases.map(\.key).joined(separator: ", ")
                throw UsageError(
                    "--fix \(text) should read COMPARISON.m|u.LEVEL=P with P in (0, 1); "
                        + "the comparisons are \(names)")
            }
            options.overrides.append(override)
        }
        for path in arguments.values("--answers") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            options.answers += try ReviewFile.answers(in: text, path: path)
        }

        let started = monotonicSeconds()
        let records = try loadRecords(files, arguments: arguments, context: context)
        let loaded = monotonicSeconds()
        let corpus = Corpus(records: records)
        let resolver = Resolver(options: options)

        if let (first, second) = explained {
            return try explain(first, second, corpus: corpus, resolver: resolver)
        }

        let resolution = resolver.resolve(corpus)
        let resolved = monotonicSeconds()
        try writeClusters(resolution, corpus: corpus, path: arguments.value("--output") ?? "-")
        if let reviewPath = reviewPath(arguments) {
            let output = try OutputFile(path: reviewPath)
            output.write(
                ReviewFile.write(resolution.reviewPairs, corpus: corpus, model: resolution.model))
            try output.close()
        }
        if arguments.flag("--model") {
            context.standardError.line(describe(resolution.model))
        }
        if !context.quiet {
            summarise(
                resolution, records: records.count, loading: loaded - started,
                matching: resolved - loaded, context: context)
        }
        // The process ends here: freeing a million records, a text at a time, would keep
        // it alive for seconds to no one's use.
        releaseInBackground((consume records, consume corpus, consume resolution))
        return .success
    }

    private static func reviewPath(_ arguments: ParsedArguments) -> String? {
        if let path = arguments.value("--review") { return path }
        guard let output = arguments.value("--output"), output != "-" else { return nil }
        let base = output.hasSuffix(".csv") ? String(output.dropLast(4)) : output
        return base + ".review.csv"
    }

    // MARK: - Loading

    /// Every record of the files, normalised and geocoded, in file and row order.
    static func loadRecords(
        _ paths: [String], arguments: ParsedArguments, context: CommandContext
    ) throws -> [MatchRecord] {
        let readOptions = try InputOptions.readOptions(from: arguments)
        let country = try arguments.value("--country").map { text throws(UsageError) in
            guard let code = Country.code(for: text) else {
                throw UsageError("--country takes a country code such as BE or FR, not '\(text)'")
            }
            return code
        }
        let threads = try CommonOptions.threads(arguments)
        let started = monotonicSeconds()

        // The files are read, and the gazetteer opened, side by side: each is one thread's
        // work, and opening the gazetteer does not need the records.
        let gazetteerPath = arguments.value("--gazetteer") ?? GazetteerStore.defaultPath
        let jobs = paths.count + 1
        // The largest files first: started last, a large one would leave the other cores
        // idle while it is read.
        let sizes = paths.map { fileSize($0) ?? 0 }
        let order = paths.indices.sorted { sizes[$0] > sizes[$1] }
        var outcomes = [Result<FileContents, any Error>?](repeating: nil, count: jobs)
        var opened: Result<OfflineGeocoder, any Error>?
        outcomes.withUnsafeMutableBufferPointer { buffer in
            // Each job writes only its own slot, and the last one only `opened`.
            nonisolated(unsafe) let output = buffer
            nonisolated(unsafe) var geocoderSlot = opened
            DispatchQueue.concurrentPerform(iterations: jobs) { job in
                if job == paths.count {
                    geocoderSlot = Result {
                        try OfflineGeocoder(store: GazetteerStore(path: gazetteerPath))
                    }
                } else {
                    let file = order[job]
                    output[file] = Result { try readFile(paths[file], options: readOptions) }
                }
            }
            opened = geocoderSlot
        }
        // The records stay in their files' arrays: gathered into one, each would be
        // copied, and every text in it retained and later released, on one core.
        var raw: [[ProducerRecord]] = []
        var normalisedInput: [NormalizedRecord] = []
        var rejects = 0
        for outcome in outcomes.prefix(paths.count) {
            // Every slot of a file was filled above: nil can only be a bug.
            let contents = try outcome!.get()
            raw.append(contents.records)
            normalisedInput += contents.normalised
            rejects += contents.rejects
        }
        outcomes = []
        // The job was run above: nil can only be a bug.
        let geocoder = try opened!.get()
        if rejects > 0, !context.quiet {
            context.standardError.line(
                "\(formatCount(rejects)) rows were rejected while reading and are not in the "
                    + "clusters: run 'glaneur read --rejects' to see why")
        }

        let read = monotonicSeconds()

        // Each record normalised (only what matching reads), placed and turned into its
        // matching form in one pass on all cores: the normalised records are never all
        // held at once, nor copied, nor freed one text at a time.
        let normalizer = Normalizer(
            options: Normalizer.Options(defaultCountry: country, purpose: .matching))
        let files = consume raw
        let starts = files.reduce(into: [0]) { starts, file in
            starts.append(starts.last! + file.count)
        }
        let rawCount = starts.last!
        let newWorker = { (_: Int) in LoadingWorker() }
        let forms = parallelMap(
            count: rawCount + normalisedInput.count, threads: threads, state: newWorker
        ) { worker, index in
            guard index < rawCount else {
                let record = normalisedInput[index - rawCount]
                return MatchRecord(record, geocode: worker.place(of: record, in: geocoder))
            }
            // The file holding the index-th record: there are only a few.
            let file = starts.lastIndex { $0 <= index }!
            let record = normalizer.normalize(
                files[file][index - starts[file]], cache: worker.cache)
            return MatchRecord(record, geocode: worker.place(of: record, in: geocoder))
        }
        if !context.quiet {
            context.standardError.line(
                "loaded \(formatCount(forms.count)) records: read "
                    + String(format: "%.2f", read - started) + " s, normalised and geocoded "
                    + String(format: "%.2f", monotonicSeconds() - read) + " s")
        }
        // Freed beside the matching, which starts on one core.
        releaseInBackground(consume files)
        return forms
    }

    /// What one thread of the loading pass keeps from one record to the next.
    struct LoadingWorker {
        let cache = NormalizationCache()
        /// The places of the queries met so far.
        private var places: [AddressQuery: GeocodeResult] = [:]

        /// Where the record's locality is. Matching needs the locality's point: queries
        /// without the street repeat a lot (a village's producers), and each distinct one
        /// is geocoded once per thread. Limitation: the offline gazetteer holds
        /// localities only, so two farms of one village are as close as two farms of the
        /// same address; street and house number comparisons tell them apart instead.
        mutating func place(of record: borrowing NormalizedRecord, in geocoder: OfflineGeocoder)
            -> GeocodeResult
        {
            let query = AddressQuery(
                postcode: record.postcode?.value, locality: record.locality?.value,
                country: record.country?.value)
            if let known = places[query] { return known }
            let place = geocoder.geocode(query)
            places[query] = place
            return place
        }
    }

    /// What one input file holds.
    struct FileContents {
        var records: [ProducerRecord] = []
        var normalised: [NormalizedRecord] = []
        var rejects = 0
    }

    /// Reads one file: normalised NDJSON, or any format a partner sends.
    static func readFile(_ path: String, options: ReadOptions) throws -> FileContents {
        var contents = FileContents()
        if let records = try readNormalized(path) {
            contents.normalised = records
            return contents
        }
        let reader = try SourceReader.open(path: path, options: options)
        while let item = try reader.next() {
            switch item {
            case .record(let record): contents.records.append(record)
            case .reject: contents.rejects += 1
            }
        }
        return contents
    }

    /// The records of a file written by 'glaneur normalize', or nil for any other file.
    ///
    /// The first line decides: a partner's NDJSON is given back after one line, not after
    /// the whole file has been read and split.
    static func readNormalized(_ path: String) throws -> [NormalizedRecord]? {
        guard path.hasSuffix(".ndjson") || path.hasSuffix(".jsonl") else { return nil }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var records: [NormalizedRecord] = []
        var lineStart = bytes.startIndex
        var number = 0
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
            lineStart = lineEnd + 1
            number += 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let value = try JSONParser.parse(line)
            // Normalised records carry the rules applied; a partner's NDJSON does not.
            guard value["rules"] != nil, value["row"] != nil else {
                if records.isEmpty { return nil }
                throw GlaneurError.unreadable(
                    path: path, location: GlaneurError.Location(line: number),
                    reason: "mixes normalised records and other lines")
            }
            do {
                records.append(try NormalizedRecord(json: value))
            } catch {
                throw GlaneurError.unreadable(
                    path: path, location: GlaneurError.Location(line: number),
                    reason: error.description)
            }
        }
        return records
    }

    // MARK: - Output

    static func writeClusters(_ resolution: Resolution, corpus: Corpus, path: String) throws {
        let output = try OutputFile(path: path)
        var writer = CSVWriter()
        writer.row(["file", "row", "cluster_id"])
        let records = corpus.records
        for index in records.indices {
            // Read in place: the record taken whole would be copied.
            writer.row([
                records[index].file, String(records[index].row),
                "C\(resolution.clusterOfRecord[index] + 1)",
            ])
        }
        output.write(writer.bytes)
        try output.close()
    }

    static func explain(_ first: String, _ second: String, corpus: Corpus, resolver: Resolver)
        throws -> ExitStatus
    {
        var byLabel: [String: Int] = [:]
        for (index, record) in corpus.records.enumerated() { byLabel[record.label] = index }
        guard let a = byLabel[first] else {
            throw UsageError("no record '\(first)': name it FILE:ROW, e.g. partner_a.csv:12")
        }
        guard let b = byLabel[second] else {
            throw UsageError("no record '\(second)': name it FILE:ROW, e.g. partner_a.csv:12")
        }
        let resolution = resolver.resolve(corpus)
        print(resolver.explain(a, b, corpus: corpus, model: resolution.model), terminator: "")
        let together = resolution.clusterOfRecord[a] == resolution.clusterOfRecord[b]
        print("clusters: \(together ? "same cluster" : "different clusters")")
        return .success
    }

    static func describe(_ model: FellegiSunterModel) -> String {
        var lines = [
            "model: prior \(String(format: "%.4f", model.prior)), EM "
                + "\(model.iterations) iterations\(model.converged ? "" : " (not converged)")"
        ]
        for comparison in Comparison.allCases {
            for (level, label) in comparison.levels.enumerated() {
                lines.append(
                    "  \(comparison.key).\(level) \(label): m "
                        + String(format: "%.4f", model.m[comparison.rawValue][level]) + ", u "
                        + String(format: "%.5f", model.u[comparison.rawValue][level]) + ", weight "
                        + String(format: "%+.2f", model.weight(comparison, level: UInt8(level))))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func summarise(
        _ resolution: Resolution, records: Int, loading: Double, matching: Double,
        context: CommandContext
    ) {
        let multi = resolution.clusters.filter { $0.count > 1 }
        context.standardError.line(
            "\(formatCount(records)) records in \(formatCount(resolution.clusters.count)) "
                + "clusters (\(formatCount(multi.count)) with several records); "
                + "\(formatCount(resolution.candidatePairs)) pairs compared, "
                + "\(formatCount(resolution.reviewPairs.count)) to review, "
                + "\(resolution.refusedMerges) merges refused as chaining")
        let steps = resolution.timings.map { "\($0.step) \(String(format: "%.2f", $0.seconds))" }
        context.standardError.line(
            "times: read+normalise+geocode \(String(format: "%.2f", loading)) s, matching "
                + "\(String(format: "%.2f", matching)) s (\(steps.joined(separator: ", ")))")
    }
}
