import Foundation
import GlaneurCore
import Store

/// The report a run leaves behind: one JSON document for machines and one self-contained
/// HTML page (no script, no network) for the people who run the imports.
public struct RunReportDocument {
    public var pipeline: String
    public var database: String
    public var started: Date
    public var outcome: PipelineRunner.Outcome
    /// How many rejects of each code are shown as samples.
    public static let sampleLimit = 5

    public init(pipeline: String, database: String, started: Date, outcome: PipelineRunner.Outcome)
    {
        self.pipeline = pipeline
        self.database = database
        self.started = started
        self.outcome = outcome
    }

    /// `pipeline-run12` or `pipeline-dry-run-20261203T181500`.
    public var baseName: String {
        if let id = outcome.report?.runID { return "\(pipeline)-run\(id)" }
        return "\(pipeline)-dry-run-" + Self.stamp(started)
    }

    /// Writes `NAME.json` and `NAME.html` into the folder; returns their paths.
    public func write(to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true)
        let base = (folder as NSString).appendingPathComponent(baseName)
        try Data(json().utf8).write(to: URL(fileURLWithPath: base + ".json"))
        try Data(html().utf8).write(to: URL(fileURLWithPath: base + ".html"))
        guard let review = outcome.reviewFile else { return [base + ".json", base + ".html"] }
        try Data(review).write(to: URL(fileURLWithPath: base + ".review.csv"))
        return [base + ".json", base + ".html", base + ".review.csv"]
    }

    // MARK: - Figures

    var rowsRead: Int { outcome.sources.reduce(0) { $0 + $1.counts.rows } }

    var rejectsByCode: [(code: String, rejects: [Reject])] {
        Dictionary(grouping: outcome.rejects, by: \.code.rawValue)
            .map { ($0.key, $0.value) }
            .sorted { $0.rejects.count > $1.rejects.count }
    }

    // MARK: - JSON

    public func json() -> String {
        var writer = JSONWriter()
        writer.raw("{\"pipeline\":")
        writer.string(pipeline)
        writer.raw(",\"database\":")
        writer.string(database)
        writer.raw(",\"started\":")
        writer.string(ISO8601DateFormatter().string(from: started))
        writer.raw(",\"dry_run\":")
        writer.raw(outcome.report?.isDryRun ?? true ? "true" : "false")
        writer.raw(",\"run_id\":")
        if let id = outcome.report?.runID { writer.integer(Int(id)) } else { writer.raw("null") }

        writer.raw(",\"rows\":{\"read\":")
        writer.integer(rowsRead)
        writer.raw(",\"records\":")
        writer.integer(outcome.records)
        writer.raw(",\"rejects\":")
        writer.integer(outcome.rejects.count)
        writer.raw("},\"sources\":[")
        for (index, source) in outcome.sources.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"file\":")
            writer.string(source.file)
            writer.raw(",\"source\":")
            writer.string(source.source)
            for (name, value) in [
                ("rows", source.counts.rows), ("records", source.counts.records),
                ("rejects", source.counts.rejects), ("blank_rows", source.counts.blankRows),
                ("title_rows", source.counts.preambleRows),
            ] {
                writer.raw(",")
                writer.key(name)
                writer.integer(value)
            }
            writer.raw("}")
        }
        writer.raw("],\"rejects\":{")
        for (index, group) in rejectsByCode.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(group.code)
            writer.raw("{\"count\":")
            writer.integer(group.rejects.count)
            writer.raw(",\"samples\":[")
            for (sampleIndex, reject) in group.rejects.prefix(Self.sampleLimit).enumerated() {
                if sampleIndex > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.raw("{\"file\":")
                writer.string(reject.provenance.file)
                writer.raw(",\"row\":")
                writer.integer(reject.provenance.row)
                writer.raw(",\"line\":")
                writer.integer(reject.provenance.line)
                writer.raw(",\"message\":")
                writer.string(reject.message)
                writer.raw(",\"raw\":")
                writer.string(reject.raw)
                writer.raw("}")
            }
            writer.raw("]}")
        }
        writer.raw("}")
        for (name, counts) in [
            ("normalisation_rules", outcome.rules), ("normalisation_warnings", outcome.warnings),
            ("geocoding_precision", outcome.precisions), ("geocoding_providers", outcome.providers),
        ] {
            writer.raw(",")
            writer.key(name)
            writeCounts(counts, to: &writer)
        }
        writer.raw(",\"deduplication\":{\"entities\":")
        writer.integer(outcome.entities)
        writer.raw(",\"merged_records\":")
        writer.integer(outcome.merged)
        writer.raw(",\"pairs_to_review\":")
        writer.integer(outcome.reviewPairs)
        writer.raw("},\"map\":{")
        if let report = outcome.report {
            for (index, (name, value)) in report.counts.named.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.key(name)
                writer.integer(value)
            }
            writer.raw(",\"samples\":{")
            for (index, (name, samples)) in report.samples.sorted(by: { $0.key < $1.key })
                .enumerated()
            {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.key(name)
                writer.strings(samples)
            }
            writer.raw("}")
        }
        writer.raw("},\"timings\":{")
        for (index, timing) in outcome.timings.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(timing.stage)
            writer.raw(Array(String(format: "%.3f", timing.seconds).utf8))
        }
        writer.raw("}}\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private func writeCounts(_ counts: [String: Int], to writer: inout JSONWriter) {
        writer.raw("{")
        for (index, (name, count)) in counts.sorted(by: {
            $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
        }).enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(name)
            writer.integer(count)
        }
        writer.raw("}")
    }

    // MARK: - HTML

    /// A page in French, every value escaped, charts drawn as SVG.
    public func html() -> String {
        var page = HTMLPage(title: "Import « \(pipeline) »")
        let dryRun = outcome.report?.isDryRun ?? true
        page.heading(1, "Import « \(pipeline) »")
        page.paragraph(
            (dryRun
                ? "Simulation (rien n’a été écrit) — "
                : "Exécution n° \(outcome.report?.runID ?? 0) — ")
                + "base \(database), commencée le \(ISO8601DateFormatter().string(from: started)).")

        page.heading(2, "Lignes lues")
        page.paragraph(
            "\(rowsRead) lignes lues = \(outcome.records) enregistrements + "
                + "\(outcome.rejects.count) rejets.")
        page.table(
            header: ["Fichier", "Source", "Lignes", "Enregistrements", "Rejets"],
            rows: outcome.sources.map {
                [
                    $0.file, $0.source, "\($0.counts.rows)", "\($0.counts.records)",
                    "\($0.counts.rejects)",
                ]
            })

        if !outcome.rejects.isEmpty {
            page.heading(2, "Rejets par motif")
            for group in rejectsByCode {
                page.heading(3, "\(group.code) — \(group.rejects.count)")
                page.table(
                    header: ["Fichier", "Ligne", "Message", "Texte brut"],
                    rows: group.rejects.prefix(Self.sampleLimit).map {
                        [$0.provenance.file, "\($0.provenance.line)", $0.message, $0.raw]
                    })
            }
        }

        page.heading(2, "Normalisation")
        page.barChart(outcome.rules, caption: "Enregistrements modifiés par règle")
        if !outcome.warnings.isEmpty {
            page.barChart(outcome.warnings, caption: "Avertissements")
        }

        page.heading(2, "Géocodage")
        page.barChart(outcome.precisions, caption: "Précision obtenue")
        page.table(
            header: ["Fournisseur", "Enregistrements placés"],
            rows: outcome.providers.sorted { $0.value > $1.value }.map { [$0.key, "\($0.value)"] })

        page.heading(2, "Doublons")
        page.paragraph(
            "\(outcome.entities) producteurs pour \(outcome.records) enregistrements : "
                + "\(outcome.merged) enregistrements rattachés au producteur d’un autre, "
                + "\(outcome.reviewPairs) paires à vérifier.")

        if let report = outcome.report {
            page.heading(
                2, dryRun ? "Ce qui changerait sur la carte" : "Ce qui a changé sur la carte")
            page.table(
                header: ["Résultat", "Nombre"],
                rows: report.counts.named.map { [$0.0, "\($0.1)"] })
            for (name, samples) in report.samples.sorted(by: { $0.key < $1.key })
            where !samples.isEmpty {
                page.paragraph("Exemples « \(name) » : " + samples.joined(separator: " ; "))
            }
        }

        page.heading(2, "Durées")
        page.table(
            header: ["Étape", "Secondes"],
            rows: outcome.timings.map { [$0.stage, String(format: "%.2f", $0.seconds)] })
        return page.finish()
    }

    private static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss"
        return formatter.string(from: date)
    }
}
