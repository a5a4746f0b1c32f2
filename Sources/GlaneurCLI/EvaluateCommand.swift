import Foundation
import GlaneurCore
import Resolve

/// `glaneur evaluate`: scores a clustering against the truth.
enum EvaluateCommand: Command {
    static let name = "evaluate"
    static let abstract = "Score a clustering against the truth: pairwise and B-cubed F1."
    static let usage = "--truth TRUTH.csv --clusters CLUSTERS.csv [--json]"
    static let discussion = """
        TRUTH.csv names the true producer of each record: columns file, row (or
        row_number) and entity_id, as the generator of test lists writes them.
        CLUSTERS.csv is what 'glaneur dedupe' writes: file, row, cluster_id. Records are
        matched by file name (the last part of a path) and row.

        Prints pairwise precision, recall and F1 (over pairs of records put together)
        and B-cubed precision, recall and F1 (per record, averaged).
        """
    static let options: [OptionDefinition] = [
        .value("--truth", name: "FILE", help: "The true entity of each record."),
        .value("--clusters", name: "FILE", help: "The clusters to score."),
        .flag("--json", help: "Print the figures as one JSON object."),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        guard let truthPath = arguments.value("--truth") else {
            throw UsageError("missing --truth TRUTH.csv")
        }
        guard let clustersPath = arguments.value("--clusters") else {
            throw UsageError("missing --clusters CLUSTERS.csv")
        }
        let truth = try labels(
            path: truthPath, labelColumns: ["entity_id", "entity", "true_entity"])
        let clusters = try labels(path: clustersPath, labelColumns: ["cluster_id", "cluster"])
        let evaluation = Evaluation(truth: truth, clusters: clusters)

        if arguments.flag("--json") {
            print(
                "{\"records\":\(evaluation.records),\"precision\":\(evaluation.precision),"
                    + "\"recall\":\(evaluation.recall),\"f1\":\(evaluation.f1),"
                    + "\"bcubed_precision\":\(evaluation.bcubedPrecision),"
                    + "\"bcubed_recall\":\(evaluation.bcubedRecall),"
                    + "\"bcubed_f1\":\(evaluation.bcubedF1),"
                    + "\"true_pairs\":\(evaluation.truePairs),"
                    + "\"predicted_pairs\":\(evaluation.predictedPairs),"
                    + "\"correct_pairs\":\(evaluation.correctPairs)}")
        } else {
            func figure(_ value: Double) -> String { String(format: "%.4f", value) }
            print("records   \(evaluation.records)")
            print(
                "pairwise  precision \(figure(evaluation.precision))  recall "
                    + "\(figure(evaluation.recall))  F1 \(figure(evaluation.f1))  "
                    + "(\(evaluation.correctPairs) correct of \(evaluation.predictedPairs) "
                    + "predicted pairs; \(evaluation.truePairs) true pairs)")
            print(
                "B-cubed   precision \(figure(evaluation.bcubedPrecision))  recall "
                    + "\(figure(evaluation.bcubedRecall))  F1 \(figure(evaluation.bcubedF1))")
        }
        if evaluation.missingFromClusters > 0 || evaluation.missingFromTruth > 0 {
            context.standardError.line(
                "note: \(evaluation.missingFromClusters) records of the truth are not in the "
                    + "clusters (counted as alone), \(evaluation.missingFromTruth) clustered "
                    + "records are not in the truth (ignored)")
        }
        return .success
    }

    /// The label of each record (`file` + row), read from the named columns.
    static func labels(path: String, labelColumns: [String]) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let rows = DelimitedText.rows(text)
        guard let header = rows.first else {
            throw GlaneurError.unreadable(path: path, location: nil, reason: "the file is empty")
        }
        let fileColumn = header.firstIndex(of: "file")
        let rowColumn = header.firstIndex(of: "row") ?? header.firstIndex(of: "row_number")
        guard let fileColumn, let rowColumn,
            let labelColumn = labelColumns.lazy.compactMap({ header.firstIndex(of: $0) }).first
        else {
            throw GlaneurError.unreadable(
                path: path, location: nil,
                reason: "needs the columns file, row (or row_number) and "
                    + labelColumns.joined(separator: " or "))
        }
        var labels: [String: String] = [:]
        for row in rows.dropFirst() where row.count > max(fileColumn, rowColumn, labelColumn) {
            let file = row[fileColumn].split(separator: "/").last.map(String.init) ?? ""
            labels[file + ":" + row[rowColumn]] = row[labelColumn]
        }
        return labels
    }
}
