import Testing

@testable import Resolve

@Suite struct ClusteringTests {
    /// A≈B and B≈C, but A and C carry two company numbers: C must stay apart.
    @Test func clustersDoNotChain() {
        let corpus = Corpus(records: [
            record(1, name: "ferme bosquet", company: "0123456749"),
            record(2, name: "ferme bosquet"),
            record(3, name: "ferme bosquet", company: "0987654312"),
        ])
        let model = FellegiSunterModel()
        func linked(_ a: Int32, _ b: Int32, _ probability: Double) -> ScoredPair {
            ScoredPair(
                first: a, second: b, compared: corpus.compare(Int(a), Int(b)), weight: 5,
                probability: probability, rule: nil)
        }
        var clustering = Clustering(
            corpus: corpus, model: model, scored: [linked(0, 1, 0.95), linked(1, 2, 0.9)],
            answers: [:], options: Resolver.Options())
        let (clusterOf, clusters) = clustering.run()
        #expect(clusterOf[0] == clusterOf[1])
        #expect(clusterOf[2] != clusterOf[1])
        #expect(clusters.count == 2)
        #expect(clustering.refused == 1)
    }

    /// The stronger link wins the record that two clusters want.
    @Test func strongestLinksFirst() {
        let corpus = Corpus(records: [
            record(1, name: "a", company: "1"), record(2, name: "a"),
            record(3, name: "a", company: "2"),
        ])
        func linked(_ a: Int32, _ b: Int32, _ probability: Double) -> ScoredPair {
            ScoredPair(
                first: a, second: b, compared: corpus.compare(Int(a), Int(b)), weight: 5,
                probability: probability, rule: nil)
        }
        var clustering = Clustering(
            corpus: corpus, model: FellegiSunterModel(),
            scored: [linked(0, 1, 0.7), linked(1, 2, 0.99)], answers: [:],
            options: Resolver.Options())
        let (clusterOf, _) = clustering.run()
        #expect(clusterOf[1] == clusterOf[2])
        #expect(clusterOf[0] != clusterOf[1])
    }
}

@Suite struct EvaluationTests {
    @Test func pairwiseAndBCubed() {
        let evaluation = Evaluation(
            truth: ["a": "E1", "b": "E1", "c": "E2", "d": "E2"],
            clusters: ["a": "C1", "b": "C1", "c": "C1", "d": "C2"])
        #expect(evaluation.truePairs == 2)
        #expect(evaluation.predictedPairs == 3)
        #expect(evaluation.correctPairs == 1)
        #expect(abs(evaluation.precision - 1.0 / 3) < 1e-9)
        #expect(abs(evaluation.recall - 0.5) < 1e-9)
        #expect(abs(evaluation.bcubedPrecision - 2.0 / 3) < 1e-9)
        #expect(abs(evaluation.bcubedRecall - 0.75) < 1e-9)
    }

    @Test func recordsMissingFromTheClustersStandAlone() {
        let evaluation = Evaluation(
            truth: ["a": "E1", "b": "E1"], clusters: ["a": "C1", "z": "C1"])
        #expect(evaluation.missingFromClusters == 1)
        #expect(evaluation.missingFromTruth == 1)
        #expect(evaluation.correctPairs == 0)
        #expect(evaluation.recall == 0)
    }
}

@Suite struct ReviewFileTests {
    @Test func answersAreRead() throws {
        let text = """
            decision,probability,a_record,b_record
            match,0.5,a.csv:1,b.csv:2
            No Match,0.4,a.csv:3,b.csv:4
            ,0.6,a.csv:5,b.csv:6
            """
        let answers = try ReviewFile.answers(in: text, path: "review.csv")
        #expect(
            answers == [
                PairAnswer(first: "a.csv:1", second: "b.csv:2", isMatch: true),
                PairAnswer(first: "a.csv:3", second: "b.csv:4", isMatch: false),
            ])
    }

    @Test func anUnclearDecisionIsAnError() {
        let text = "decision,a_record,b_record\nmaybe,a.csv:1,b.csv:2\n"
        #expect(throws: (any Error).self) {
            try ReviewFile.answers(in: text, path: "review.csv")
        }
    }

    @Test func writtenPairsReadBackWithTheirRecords() throws {
        let corpus = Corpus(records: [record(1, name: "ferme, \"bosquet\""), record(2, name: "b")])
        let pair = ScoredPair(
            first: 0, second: 1, compared: corpus.compare(0, 1), weight: 0.1,
            probability: 0.52, rule: nil)
        let bytes = ReviewFile.write([pair], corpus: corpus, model: FellegiSunterModel())
        let rows = DelimitedText.rows(String(decoding: bytes, as: UTF8.self))
        #expect(rows.count == 2)
        #expect(rows[0] == ReviewFile.header)
        #expect(rows[1][ReviewFile.header.firstIndex(of: "a_name") ?? 0] == "ferme, \"bosquet\"")
        #expect(rows[1][ReviewFile.header.firstIndex(of: "b_record") ?? 0] == "list.csv:2")
    }

    @Test func delimitedTextHandlesQuotesBOMAndCRLF() {
        let rows = DelimitedText.rows("\u{FEFF}a,b\r\n\"x, y\",\"line\nbreak\"\r\n\"q\"\"q\",\n")
        #expect(rows == [["a", "b"], ["x, y", "line\nbreak"], ["q\"q", ""]])
    }
}
