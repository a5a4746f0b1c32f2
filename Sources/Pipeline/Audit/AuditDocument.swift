import Foundation
import GlaneurCore
import Resolve

/// The audit written out: JSON with every finding for machines, and a self-contained
/// HTML page (no script, no network) for the people who look after the map.
public struct AuditDocument: Sendable {
    public var report: AuditReport
    /// How many findings of each check the page lists; the JSON lists them all.
    public var tableLimit: Int

    public init(report: AuditReport, tableLimit: Int = 50) {
        self.report = report
        self.tableLimit = tableLimit
    }

    /// The languages the page is written in.
    public static let languages = ["fr", "nl"]

    // MARK: - JSON

    public func json() -> String {
        var writer = JSONWriter()
        writer.raw("{\"database\":")
        writer.string(report.database)
        writer.raw(",\"generated\":")
        writer.string(report.generated)
        let options = report.options
        writer.raw(",\"options\":{\"stale_days\":")
        writer.integer(options.staleDays)
        writer.raw(",\"far_from_locality_km\":")
        writer.raw(Self.number(options.farFromLocalityKilometres))
        writer.raw(",\"border_tolerance_km\":")
        writer.raw(Self.number(options.borderToleranceKilometres))
        writer.raw(",\"shared_value_entities\":")
        writer.integer(options.sharedValueEntities)
        writer.raw(",\"review_band\":[")
        writer.raw(Self.number(options.resolver.reviewBand.lowerBound))
        writer.raw(",")
        writer.raw(Self.number(options.resolver.reviewBand.upperBound))
        writer.raw("]},\"entities\":")
        writer.integer(report.entities)
        writer.raw(",\"records\":")
        writer.integer(report.records)

        writer.raw(",\"completeness\":[")
        for (index, row) in report.completeness.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"source\":")
            if let source = row.source { writer.string(source) } else { writer.raw("null") }
            writer.raw(",\"records\":")
            writer.integer(row.records)
            writer.raw(",\"fields\":{")
            for (fieldIndex, field) in AuditField.allCases.enumerated() {
                if fieldIndex > 0 { writer.raw(",") }
                writer.key(field.rawValue)
                writer.raw(Self.number(row.share(field), digits: 4))
            }
            writer.raw("}}")
        }
        writer.raw("],\"geocoding\":{\"precision\":{")
        for (index, precision) in Self.precisionOrder(report.precisions).enumerated() {
            if index > 0 { writer.raw(",") }
            writer.key(precision)
            writer.integer(report.precisions[precision] ?? 0)
        }
        writer.raw("},\"mean_score\":{")
        for (index, precision) in Self.precisionOrder(report.precisions).enumerated() {
            if index > 0 { writer.raw(",") }
            writer.key(precision)
            writer.raw(Self.number(report.meanScores[precision] ?? 0, digits: 3))
        }
        writer.raw("}},\"findings\":{")
        for (index, (check, count)) in report.counts.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.key(check.rawValue)
            writer.raw("{\"count\":")
            writer.integer(count)
            writer.raw(",\"items\":[")
            for (itemIndex, finding) in report.findings(check).enumerated() {
                if itemIndex > 0 { writer.raw(",") }
                Self.write(finding, to: &writer)
            }
            writer.raw("]}")
        }
        writer.raw("}}\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func write(_ finding: AuditFinding, to writer: inout JSONWriter) {
        writer.raw("{")
        writeEntity(finding.entity, to: &writer)
        writer.raw(",\"value\":")
        writer.string(finding.value)
        writer.raw(",\"reason\":")
        writer.string(finding.reason.code)
        switch finding.reason {
        case .invalid, .placeholder, .unplaced, .inNoCountry, .noDutch:
            break
        case .invalidAtSource(let source, let column):
            writer.raw(",\"source\":")
            writer.string(source)
            writer.raw(",\"column\":")
            writer.string(column)
        case .shared(let count):
            writer.raw(",\"entities\":")
            writer.integer(count)
        case .outside(let country, let kilometres):
            writer.raw(",\"country\":")
            writer.string(country)
            writer.raw(",\"km\":")
            writer.raw(number(kilometres))
        case .far(let kilometres, let place):
            writer.raw(",\"km\":")
            writer.raw(number(kilometres))
            writer.raw(",\"place\":")
            writer.string(place)
        case .duplicate(let other, let probability, let evidence):
            writer.raw(",\"other\":{")
            writeEntity(other, to: &writer)
            writer.raw("},\"probability\":")
            writer.raw(number(probability, digits: 4))
            writer.raw(",\"evidence\":[")
            for (index, item) in evidence.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.raw("{\"comparison\":")
                writer.string(item.comparison)
                writer.raw(",\"level\":")
                if let level = item.level,
                    let levels = Comparison(key: item.comparison)?.levels,
                    levels.indices.contains(level)
                {
                    writer.string(levels[level])
                } else {
                    writer.raw("null")
                }
                writer.raw(",\"weight\":")
                writer.raw(number(item.weight, digits: 2))
                writer.raw("}")
            }
            writer.raw("]")
        case .notConfirmed(let source, let key, let days):
            writer.raw(",\"source\":")
            writer.string(source)
            writer.raw(",\"source_key\":")
            writer.string(key)
            writer.raw(",\"days\":")
            writer.integer(days)
        case .frenchLocality(let dutch):
            writer.raw(",\"dutch\":")
            writer.string(dutch)
        }
        writer.raw("}")
    }

    private static func writeEntity(_ entity: AuditEntity, to writer: inout JSONWriter) {
        writer.raw("\"uid\":")
        writer.string(entity.uid)
        writer.raw(",\"name\":")
        writer.string(entity.name)
        writer.raw(",\"locality\":")
        if let locality = entity.locality { writer.string(locality) } else { writer.raw("null") }
    }

    static func number(_ value: Double, digits: Int = 1) -> [UInt8] {
        Array(String(format: "%.\(digits)f", value).utf8)
    }

    /// The precisions from the best to none, then any other a provider gave.
    static func precisionOrder(_ counts: [String: Int]) -> [String] {
        let known = ["housenumber", "street", "locality", "postcode", "none"]
        return known.filter { counts[$0] != nil }
            + counts.keys.filter { !known.contains($0) }.sorted()
    }

    /// The colour of each precision, on the map and in its chart.
    static func colour(ofPrecision precision: String) -> String {
        switch precision {
        case "housenumber": "#1b7837"
        case "street": "#2c7fb8"
        case "locality": "#f29e2e"
        case "postcode": "#8e44ad"
        case "none": "#999999"
        default: "#555555"
        }
    }
}
