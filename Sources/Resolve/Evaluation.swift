/// How well a clustering agrees with the truth: pairwise precision, recall and F1 (over
/// the pairs of records put together), and B-cubed (per record, averaged).
public struct Evaluation: Sendable {
    public var records: Int
    /// Records of the truth missing from the clustering (counted as singletons) and
    /// records of the clustering missing from the truth (ignored).
    public var missingFromClusters: Int
    public var missingFromTruth: Int
    public var truePairs: Int
    public var predictedPairs: Int
    public var correctPairs: Int
    public var bcubedPrecision: Double
    public var bcubedRecall: Double

    public var precision: Double {
        predictedPairs == 0 ? 1 : Double(correctPairs) / Double(predictedPairs)
    }
    public var recall: Double { truePairs == 0 ? 1 : Double(correctPairs) / Double(truePairs) }
    public var f1: Double { Self.harmonic(precision, recall) }
    public var bcubedF1: Double { Self.harmonic(bcubedPrecision, bcubedRecall) }

    static func harmonic(_ a: Double, _ b: Double) -> Double {
        a + b == 0 ? 0 : 2 * a * b / (a + b)
    }

    /// Compares two labellings of the same records, each a label by record key.
    public init(truth: [String: String], clusters: [String: String]) {
        var missingFromClusters = 0
        var entityOf: [String] = []
        var clusterOf: [String] = []
        for (record, entity) in truth {
            entityOf.append(entity)
            if let cluster = clusters[record] {
                clusterOf.append(cluster)
            } else {
                missingFromClusters += 1
                clusterOf.append("\u{1}singleton " + record)
            }
        }
        self.records = truth.count
        self.missingFromClusters = missingFromClusters
        self.missingFromTruth = clusters.keys.filter { truth[$0] == nil }.count

        var entitySize: [String: Int] = [:]
        var clusterSize: [String: Int] = [:]
        var overlap: [String: Int] = [:]
        for index in entityOf.indices {
            entitySize[entityOf[index], default: 0] += 1
            clusterSize[clusterOf[index], default: 0] += 1
            overlap[entityOf[index] + "\u{0}" + clusterOf[index], default: 0] += 1
        }
        func pairs(_ count: Int) -> Int { count * (count - 1) / 2 }
        truePairs = entitySize.values.reduce(0) { $0 + pairs($1) }
        predictedPairs = clusterSize.values.reduce(0) { $0 + pairs($1) }
        correctPairs = overlap.values.reduce(0) { $0 + pairs($1) }

        // B-cubed: each record's share of its cluster that is its entity, and of its
        // entity that is in its cluster.
        var precisionSum = 0.0
        var recallSum = 0.0
        for index in entityOf.indices {
            let common = Double(overlap[entityOf[index] + "\u{0}" + clusterOf[index]] ?? 0)
            precisionSum += common / Double(clusterSize[clusterOf[index]] ?? 1)
            recallSum += common / Double(entitySize[entityOf[index]] ?? 1)
        }
        let count = Double(max(entityOf.count, 1))
        bcubedPrecision = precisionSum / count
        bcubedRecall = recallSum / count
    }
}
