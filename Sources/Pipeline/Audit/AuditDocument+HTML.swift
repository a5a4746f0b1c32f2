import Foundation

extension AuditDocument {
    /// The page in one of `languages` (`fr` when the code is unknown), every value
    /// escaped, charts and the map drawn as inline SVG.
    ///
    /// - throws: `GlaneurError` when the shipped country outlines cannot be read.
    public func html(language: String = "fr") throws -> String {
        let strings = AuditStrings.forLanguage(language) ?? .french
        let outlines = try CountryOutlines.shipped()
        var page = HTMLPage(title: strings.title, language: strings.language)

        page.heading(1, strings.title)
        page.paragraph(
            strings.subtitle(report.database, String(report.generated.prefix(10))),
            className: "note")
        writeContents(strings, to: &page)
        writeSummary(strings, to: &page)

        page.heading(2, strings.mapTitle, id: "map")
        var map = AuditMap(points: report.points, outlines: outlines)
        map.countries = Set(report.countries.keys)
        page.raw(map.svg(strings: strings))
        writeLegend(strings, to: &page)
        if report.pointsWithheld > 0 {
            page.paragraph(
                strings.mapWithheld(report.points.count, report.pointsWithheld), className: "note")
        }
        if map.outsideView > 0 {
            page.paragraph(strings.mapOutside(map.outsideView), className: "note")
        }
        page.paragraph(strings.mapAttribution, className: "note")

        writeCompleteness(strings, to: &page)
        writePrecision(strings, to: &page)
        writeFindings(strings, to: &page)
        // The last element: a browser that shows it has loaded the whole page.
        page.raw("<footer id=\"audit-complete\" class=\"note\">glaneur audit</footer>\n")
        return page.finish()
    }

    private func writeContents(_ strings: AuditStrings, to page: inout HTMLPage) {
        let items = [
            ("summary", strings.summary), ("map", strings.mapTitle),
            ("completeness", strings.completenessTitle), ("precision", strings.precisionTitle),
            ("findings", strings.findingsTitle),
        ]
        var markup = "<nav><h2>\(HTMLPage.escape(strings.contents))</h2><ul>"
        for (anchor, title) in items {
            markup += "<li><a href=\"#\(anchor)\">\(HTMLPage.escape(title))</a></li>"
        }
        markup += "</ul></nav>\n"
        page.raw(markup)
    }

    private func writeSummary(_ strings: AuditStrings, to page: inout HTMLPage) {
        page.heading(2, strings.summary, id: "summary")
        let placed = report.entities - (report.precisions["none"] ?? 0)
        let share =
            report.entities == 0
            ? 0 : Int((Double(placed) * 100 / Double(report.entities)).rounded())
        let sources = report.completeness.filter { $0.source != nil }.count
        page.figures([
            (String(report.entities), strings.entities),
            (String(report.records), strings.records),
            (String(sources), strings.sources),
            ("\(share) %", strings.placed),
            (String(report.findings.count), strings.findings),
        ])
        page.barChart(
            report.counts.filter { $0.count > 0 }.map { item in
                (strings.checks[item.check] ?? item.check.rawValue, item.count, "#b5523b")
            }, caption: strings.overviewCaption)
        page.table(
            header: [strings.checkColumn, strings.countColumn, strings.aboutColumn],
            rows: report.counts.map { item in
                [
                    strings.checks[item.check] ?? item.check.rawValue, String(item.count),
                    strings.descriptions[item.check] ?? "",
                ]
            }, numericColumns: [1])
    }

    private func writeLegend(_ strings: AuditStrings, to page: inout HTMLPage) {
        var markup = "<p class=\"legend\">"
        for precision in Self.precisionOrder(report.precisions) where precision != "none" {
            let label = strings.precisions[precision] ?? precision
            markup +=
                "<span><i style=\"background:\(Self.colour(ofPrecision: precision))\"></i>"
                + "\(HTMLPage.escape(label)) (\(report.precisions[precision] ?? 0))</span>"
        }
        markup +=
            "<span><i style=\"background:#fff;border:2px solid #d62728\"></i>"
            + "\(HTMLPage.escape(strings.mapFlagged))</span></p>\n"
        markup += "<p class=\"note\">\(HTMLPage.escape(strings.mapCaption))</p>\n"
        page.raw(markup)
    }

    private func writeCompleteness(_ strings: AuditStrings, to page: inout HTMLPage) {
        page.heading(2, strings.completenessTitle, id: "completeness")
        page.paragraph(strings.completenessNote, className: "note")
        page.shareTable(
            header: [strings.sourceColumn, strings.recordsColumn]
                + AuditField.allCases.map { strings.fields[$0] ?? $0.rawValue },
            rows: report.completeness.map { row in
                (
                    row.source ?? strings.goldenRecords, row.records,
                    AuditField.allCases.map { row.records == 0 ? nil : row.share($0) }
                )
            })
    }

    private func writePrecision(_ strings: AuditStrings, to page: inout HTMLPage) {
        page.heading(2, strings.precisionTitle, id: "precision")
        let order = Self.precisionOrder(report.precisions)
        page.barChart(
            order.map { precision in
                (
                    strings.precisions[precision] ?? precision, report.precisions[precision] ?? 0,
                    Self.colour(ofPrecision: precision)
                )
            }, caption: strings.precisionCaption)
        page.table(
            header: [strings.precisionColumn, strings.entitiesColumn, strings.meanScoreColumn],
            rows: order.map { precision in
                [
                    strings.precisions[precision] ?? precision,
                    String(report.precisions[precision] ?? 0),
                    AuditStrings.decimal(report.meanScores[precision] ?? 0, digits: 2),
                ]
            }, numericColumns: [1, 2])
    }

    private func writeFindings(_ strings: AuditStrings, to page: inout HTMLPage) {
        page.heading(2, strings.findingsTitle, id: "findings")
        if report.findings.isEmpty { page.paragraph(strings.none) }
        // Checks without findings are in the summary's table already.
        for (check, count) in report.counts where count > 0 {
            page.heading(
                3, "\(strings.checks[check] ?? check.rawValue) — \(count)", id: check.rawValue)
            page.paragraph(strings.descriptions[check] ?? "", className: "note")
            let findings = report.findings(check)
            page.table(
                header: [
                    strings.uidColumn, strings.nameColumn, strings.localityColumn,
                    strings.valueColumn, strings.reasonColumn,
                ],
                rows: findings.prefix(tableLimit).map { finding in
                    [
                        finding.entity.uid, finding.entity.name, finding.entity.locality ?? "",
                        finding.value, strings.reason(finding.reason),
                    ]
                })
            if count > tableLimit {
                page.paragraph(strings.shown(tableLimit, count), className: "note")
            }
        }
    }
}
