import Foundation
import GlaneurCore
import Ingest

/// Everything wrong with a pipeline file, found before anything runs.
public struct PipelineSpecError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        /// Where in the file: `sources[1].encoding`, or "" for the file as a whole.
        public var path: String
        public var message: String
    }

    public var file: String
    public var problems: [Problem]

    public var description: String {
        if problems.count == 1, let problem = problems.first {
            return "\(file): " + (problem.path.isEmpty ? "" : "\(problem.path): ") + problem.message
        }
        let lines = problems.map { "  " + ($0.path.isEmpty ? "" : "\($0.path): ") + $0.message }
        return "\(file): \(problems.count) problems:\n" + lines.joined(separator: "\n")
    }
}

extension PipelineSpec {
    /// Reads and checks a pipeline file.
    ///
    /// - throws: `PipelineSpecError` listing every problem with its key path: unknown
    ///   keys (with the closest known one), wrong types, missing files, impossible
    ///   thresholds.
    public static func load(path: String) throws(PipelineSpecError) -> PipelineSpec {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PipelineSpecError(
                file: path, problems: [.init(path: "", message: "cannot read the file")])
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(data, file: path, baseDirectory: folder)
    }

    /// Checks pipeline text; relative source paths are resolved against `baseDirectory`.
    public static func parse(_ data: Data, file: String, baseDirectory: String)
        throws(PipelineSpecError) -> PipelineSpec
    {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let root: SpecNode
        do {
            root = try decoder.decode(SpecNode.self, from: data)
        } catch {
            throw PipelineSpecError(
                file: file,
                problems: [
                    .init(
                        path: "",
                        message: "not valid JSON5: check quotes, commas and brackets "
                            + "(comments and trailing commas are allowed)")
                ])
        }

        var checker = SpecChecker(baseDirectory: baseDirectory)
        let spec = checker.pipeline(root)
        guard let spec, checker.problems.isEmpty else {
            throw PipelineSpecError(file: file, problems: checker.problems)
        }
        return spec
    }
}

/// Walks the parsed file, building the spec and noting every problem on the way.
struct SpecChecker {
    let baseDirectory: String
    var problems: [PipelineSpecError.Problem] = []

    mutating func problem(_ path: String, _ message: String) {
        problems.append(.init(path: path, message: message))
    }

    // MARK: - Sections

    mutating func pipeline(_ root: SpecNode) -> PipelineSpec? {
        let keys = ["name", "description", "sources", "normalize", "geocode", "dedupe", "target"]
        guard let members = object(root, at: "", keys: keys) else { return nil }
        let name = string(members["name"], at: "name", required: true) ?? ""
        let description = string(members["description"], at: "description")

        var sources: [SourceSpec] = []
        if case .array(let items)? = members["sources"] {
            if items.isEmpty { problem("sources", "name at least one partner file") }
            for (index, item) in items.enumerated() {
                if let source = source(item, at: "sources[\(index)]") { sources.append(source) }
            }
        } else if let node = members["sources"] {
            problem("sources", "expected a list of sources, found \(node.kind)")
        } else {
            problem("sources", "missing: name the partner files to read")
        }

        return PipelineSpec(
            name: name, description: description, sources: sources,
            normalize: normalize(members["normalize"]), geocode: geocode(members["geocode"]),
            dedupe: dedupe(members["dedupe"]), target: target(members["target"]),
            baseDirectory: baseDirectory)
    }

    mutating func source(_ node: SpecNode, at path: String) -> SourceSpec? {
        let keys = [
            "path", "partner", "format", "encoding", "delimiter", "header", "json_path",
            "sheet", "columns", "priority", "delivery", "country",
        ]
        guard let members = object(node, at: path, keys: keys),
            let pattern = string(members["path"], at: "\(path).path", required: true)
        else { return nil }

        var options = ReadOptions()
        options.sourceName = string(members["partner"], at: "\(path).partner")
        if let format = choice(
            members["format"], at: "\(path).format", among: InputFormat.allCases.map(\.rawValue))
        {
            options.format = InputFormat(rawValue: format)
        }
        if let name = string(members["encoding"], at: "\(path).encoding") {
            options.encoding = TextEncoding(name: name)
            if options.encoding == nil {
                problem(
                    "\(path).encoding",
                    "unknown encoding \"\(name)\"; use "
                        + TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        if let name = string(members["delimiter"], at: "\(path).delimiter") {
            options.delimiter = Dialect.delimiter(named: name)
            if options.delimiter == nil {
                problem(
                    "\(path).delimiter",
                    "\"\(name)\" cannot be a delimiter: give one character or \"tab\"")
            }
        }
        options.hasHeader = bool(members["header"], at: "\(path).header")
        options.jsonPath = string(members["json_path"], at: "\(path).json_path")
        options.sheet = string(members["sheet"], at: "\(path).sheet")
        options.columnOverrides = columns(members["columns"], at: "\(path).columns")

        let priority = integer(members["priority"], at: "\(path).priority", in: 0...100) ?? 1
        let delivery =
            choice(
                members["delivery"], at: "\(path).delivery",
                among: SourceSpec.Delivery.allCases.map(\.rawValue)
            ).flatMap(SourceSpec.Delivery.init(rawValue:)) ?? .updates
        let country = countryCode(members["country"], at: "\(path).country")

        let files = expand(pattern)
        if files.isEmpty {
            problem(
                "\(path).path",
                "no file matches \"\(pattern)\" (paths are relative to the pipeline's folder, "
                    + "\(baseDirectory.isEmpty ? "." : baseDirectory))")
        }
        return SourceSpec(
            files: files, path: pattern, partner: options.sourceName, readOptions: options,
            priority: priority, delivery: delivery, country: country)
    }

    mutating func normalize(_ node: SpecNode?) -> NormalizeSpec {
        guard let node, let members = object(node, at: "normalize", keys: ["default_country"])
        else { return NormalizeSpec() }
        return NormalizeSpec(
            defaultCountry: countryCode(members["default_country"], at: "normalize.default_country")
        )
    }

    mutating func geocode(_ node: SpecNode?) -> GeocodeSpec {
        var spec = GeocodeSpec(providers: ["offline"], minimumPrecision: "locality", baseURLs: [:])
        let keys = ["providers", "minimum_precision", "ban_url", "nominatim_url", "photon_url"]
        guard let node, let members = object(node, at: "geocode", keys: keys) else { return spec }
        if let providers = stringList(members["providers"], at: "geocode.providers") {
            for (index, provider) in providers.enumerated()
            where !GeocodeSpec.knownProviders.contains(provider) {
                problem(
                    "geocode.providers[\(index)]",
                    "unknown provider \"\(provider)\"; use "
                        + GeocodeSpec.knownProviders.joined(separator: ", "))
            }
            if providers.isEmpty { problem("geocode.providers", "name at least one provider") }
            spec.providers = providers
        }
        if let precision = choice(
            members["minimum_precision"], at: "geocode.minimum_precision",
            among: GeocodeSpec.precisions)
        {
            spec.minimumPrecision = precision
        }
        for provider in ["ban", "nominatim", "photon"] {
            let key = "\(provider)_url"
            guard let url = string(members[key], at: "geocode.\(key)") else { continue }
            if !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                problem("geocode.\(key)", "\"\(url)\" is not an http:// or https:// URL")
            }
            spec.baseURLs[provider] = url
        }
        return spec
    }

    mutating func dedupe(_ node: SpecNode?) -> DedupeSpec {
        var spec = DedupeSpec(matchThreshold: 0.9, reviewBand: 0.6...0.9)
        guard let node,
            let members = object(node, at: "dedupe", keys: ["match_threshold", "review_band"])
        else { return spec }
        if let threshold = number(members["match_threshold"], at: "dedupe.match_threshold") {
            if (0...1).contains(threshold) {
                spec.matchThreshold = threshold
            } else {
                problem("dedupe.match_threshold", "\(threshold) is not a score between 0 and 1")
            }
        }
        switch members["review_band"] {
        case nil: spec.reviewBand = min(0.6, spec.matchThreshold)...spec.matchThreshold
        case .array(let bounds)?:
            let values = bounds.enumerated().compactMap { index, bound in
                number(bound, at: "dedupe.review_band[\(index)]")
            }
            guard values.count == 2, bounds.count == 2 else {
                problem("dedupe.review_band", "expected two scores: [lowest, highest]")
                break
            }
            if !(0 <= values[0] && values[0] <= values[1] && values[1] <= 1) {
                problem(
                    "dedupe.review_band",
                    "[\(values[0]), \(values[1])] is not a band within 0 to 1, lowest first")
            } else if values[1] > spec.matchThreshold {
                problem(
                    "dedupe.review_band",
                    "the band reaches \(values[1]), above the match threshold "
                        + "\(spec.matchThreshold): pairs there would be merged, not reviewed")
            } else {
                spec.reviewBand = values[0]...values[1]
            }
        case let node?:
            problem(
                "dedupe.review_band", "expected two scores: [lowest, highest], found \(node.kind)")
        }
        return spec
    }

    mutating func target(_ node: SpecNode?) -> TargetSpec {
        var spec = TargetSpec(database: "map.sqlite", mode: .upsert)
        guard let node, let members = object(node, at: "target", keys: ["database", "mode"])
        else { return spec }
        if let database = string(members["database"], at: "target.database") {
            spec.database = database
        }
        if let mode = choice(
            members["mode"], at: "target.mode",
            among: TargetSpec.LoadMode.allCases.map(\.rawValue))
        {
            spec.mode = TargetSpec.LoadMode(rawValue: mode) ?? .upsert
        }
        return spec
    }

    // MARK: - Values

    mutating func object(_ node: SpecNode, at path: String, keys: [String]) -> [String: SpecNode]? {
        guard case .object(let members) = node else {
            problem(path, "expected an object, found \(node.kind)")
            return nil
        }
        for key in members.keys.sorted() where !keys.contains(key) {
            let place = path.isEmpty ? key : "\(path).\(key)"
            var message = "unknown key"
            if let closest = closestKey(to: key, among: keys) {
                message += "; did you mean \"\(closest)\"?"
            } else {
                message += "; the keys here are " + keys.joined(separator: ", ")
            }
            problem(place, message)
        }
        return members
    }

    mutating func string(_ node: SpecNode?, at path: String, required: Bool = false) -> String? {
        switch node {
        case .string(let text)?: return text
        case nil, .null?:
            if required { problem(path, "missing") }
            return nil
        case let node?:
            problem(path, "expected a string, found \(node.kind)")
            return nil
        }
    }

    mutating func number(_ node: SpecNode?, at path: String) -> Double? {
        switch node {
        case .number(let value)?: return value
        case nil, .null?: return nil
        case let node?:
            problem(path, "expected a number, found \(node.kind)")
            return nil
        }
    }

    mutating func integer(_ node: SpecNode?, at path: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = number(node, at: path) else { return nil }
        guard value.rounded() == value, range.contains(Int(value)) else {
            problem(path, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return Int(value)
    }

    mutating func bool(_ node: SpecNode?, at path: String) -> Bool? {
        switch node {
        case .bool(let flag)?: return flag
        case nil, .null?: return nil
        case let node?:
            problem(path, "expected true or false, found \(node.kind)")
            return nil
        }
    }

    mutating func stringList(_ node: SpecNode?, at path: String) -> [String]? {
        switch node {
        case .array(let items)?:
            return items.enumerated().compactMap {
                string($1, at: "\(path)[\($0)]", required: true)
            }
        case nil, .null?: return nil
        case let node?:
            problem(path, "expected a list of strings, found \(node.kind)")
            return nil
        }
    }

    mutating func choice(_ node: SpecNode?, at path: String, among allowed: [String]) -> String? {
        guard let value = string(node, at: path) else { return nil }
        guard allowed.contains(value) else {
            problem(path, "\"\(value)\" is not one of " + allowed.joined(separator: ", "))
            return nil
        }
        return value
    }

    mutating func countryCode(_ node: SpecNode?, at path: String) -> String? {
        guard let code = string(node, at: path) else { return nil }
        let known = ["BE", "FR", "CH", "LU", "NL", "DE"]
        guard known.contains(code.uppercased()) else {
            problem(
                path,
                "\"\(code)\" is not a country Glaneur serves; use " + known.joined(separator: ", "))
            return nil
        }
        return code.uppercased()
    }

    /// `columns: { name: "Nom", postcode: "CP" }` → column → field, as ingest takes it.
    mutating func columns(_ node: SpecNode?, at path: String) -> [String: Field] {
        guard let node else { return [:] }
        guard case .object(let members) = node else {
            problem(path, "expected an object of field: column, found \(node.kind)")
            return [:]
        }
        var overrides: [String: Field] = [:]
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let field = Field(key: key) else {
                let fields = Field.allCases.map(\.key)
                let hint =
                    closestKey(to: key, among: fields).map { "did you mean \"\($0)\"?" }
                    ?? "the fields are " + fields.joined(separator: ", ")
                problem("\(path).\(key)", "unknown field; \(hint)")
                continue
            }
            if let column = string(value, at: "\(path).\(key)", required: true) {
                overrides[column] = field
            }
        }
        return overrides
    }

    // MARK: - Helpers

    /// The files a path or glob names, relative to the pipeline's folder.
    func expand(_ pattern: String) -> [String] {
        let absolute = pattern.hasPrefix("/") ? pattern : baseDirectory + "/" + pattern
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(absolute, 0, nil, &result) == 0 else { return [] }
        let current = FileManager.default.currentDirectoryPath + "/"
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { path in
                // Shown as the user would type it: "samples/x.csv", not
                // "/home/…/pipelines/../samples/x.csv".
                let clean = URL(fileURLWithPath: String(cString: path)).standardizedFileURL.path
                return clean.hasPrefix(current) ? String(clean.dropFirst(current.count)) : clean
            }
        }.sorted()
    }

    /// The known key closest to a mistyped one: the same once folded (`jsonPath` for
    /// `json_path`), or a near spelling.
    func closestKey(to word: String, among candidates: [String]) -> String? {
        let folded = MatchKey.compact(word)
        return candidates.first { MatchKey.compact($0) == folded }
            ?? Suggestion.closest(to: word, among: candidates)
    }
}
