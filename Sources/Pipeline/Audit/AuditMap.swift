import Foundation

/// The entities' points drawn as SVG over the countries' outlines.
///
/// Longitude and latitude are projected equirectangularly, longitudes scaled by the
/// cosine of the view's middle latitude, which keeps shapes true enough at the scale of
/// a few countries. The view is fitted to the points and to the countries the entities
/// name; points and outlines beyond Europe (overseas territories) do not stretch it.
struct AuditMap {
    var points: [MapPoint]
    var outlines: CountryOutlines
    /// The countries the entities name (ISO codes), framed whole.
    var countries: Set<String> = []
    /// Points that fell outside the view, counted by `svg`.
    private(set) var outsideView = 0

    /// The SVG's width in user units; its height follows from the view's shape.
    static let width = 900.0
    /// What the view may hold: mainland Europe and the islands around it.
    static let europe = CountryOutlines.Bounds(west: -25, south: 34, east: 45, north: 72)

    init(points: [MapPoint], outlines: CountryOutlines) {
        self.points = points
        self.outlines = outlines
    }

    /// The box the map shows: the points and the named countries' European rings, with a
    /// margin; all served countries when there is nothing else to frame.
    func view() -> CountryOutlines.Bounds {
        var bounds = CountryOutlines.Bounds.empty
        for point in points
        where Self.europe.contains(longitude: point.longitude, latitude: point.latitude) {
            bounds.include(longitude: point.longitude, latitude: point.latitude)
        }
        var framed = outlines.countries.filter { countries.contains($0.code) }
        if bounds.isEmpty && framed.isEmpty { framed = outlines.countries.filter(\.isServed) }
        for country in framed {
            bounds.include(Self.europeanBounds(of: country))
        }
        // At least a degree and a half each way, so that a lone point shows its region.
        let middle = ((bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2)
        let scale = cos(middle.1 * .pi / 180)
        var halfWidth = max((bounds.east - bounds.west) / 2, 1.5) * 1.04
        let halfHeight = max((bounds.north - bounds.south) / 2, 1) * 1.04
        // No taller than 4:5, so that a narrow country does not make a page-long map.
        halfWidth = max(halfWidth, halfHeight / scale * 1.25)
        return CountryOutlines.Bounds(
            west: middle.0 - halfWidth, south: middle.1 - halfHeight,
            east: middle.0 + halfWidth, north: middle.1 + halfHeight)
    }

    static func europeanBounds(of country: CountryOutlines.Country) -> CountryOutlines.Bounds {
        var bounds = CountryOutlines.Bounds.empty
        for ring in country.rings {
            var ringBounds = CountryOutlines.Bounds.empty
            for point in ring {
                ringBounds.include(longitude: point.longitude, latitude: point.latitude)
            }
            if europe.contains(longitude: ringBounds.west, latitude: ringBounds.south),
                europe.contains(longitude: ringBounds.east, latitude: ringBounds.north)
            {
                bounds.include(ringBounds)
            }
        }
        return bounds
    }

    /// The map as an `<svg>` element; every name in it escaped.
    mutating func svg(strings: AuditStrings) -> String {
        let view = view()
        let scale = cos((view.south + view.north) / 2 * .pi / 180)
        let unit = Self.width / ((view.east - view.west) * scale)
        let height = ((view.north - view.south) * unit).rounded()
        func project(_ longitude: Double, _ latitude: Double) -> (Double, Double) {
            ((longitude - view.west) * scale * unit, (view.north - latitude) * unit)
        }
        func format(_ value: Double) -> String {
            String(format: "%.1f", value)
        }

        var svg =
            "<figure class=\"map\"><svg role=\"img\" width=\"100%\" "
            + "viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" "
            + "xmlns=\"http://www.w3.org/2000/svg\" style=\"background:#dcebf5;"
            + "border:1px solid #b8cbd8;max-width:\(Int(Self.width))px\">\n"

        // Neighbours first, served countries over them.
        let ordered =
            outlines.countries.filter { !$0.isServed } + outlines.countries.filter(\.isServed)
        for country in ordered {
            guard Self.intersects(country.bounds, view) else { continue }
            var path = ""
            for ring in country.rings where ring.count >= 3 {
                for (index, point) in ring.enumerated() {
                    let (x, y) = project(point.longitude, point.latitude)
                    path += (index == 0 ? "M" : "L") + format(x) + " " + format(y)
                }
                path += "Z"
            }
            guard !path.isEmpty else { continue }
            let fill = country.isServed ? "#f6f3ea" : "#e9e7e1"
            let stroke = country.isServed ? "#8c8576" : "#b3ada0"
            svg +=
                "<path d=\"\(path)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"0.8\" "
                + "fill-rule=\"evenodd\"><title>"
                + HTMLPage.escape(
                    strings.language == "nl" ? country.nameDutch : country.nameFrench)
                + "</title></path>\n"
        }

        // Names of the served countries at the middle of their European part.
        for country in outlines.countries where country.isServed {
            let bounds = Self.europeanBounds(of: country)
            guard !bounds.isEmpty else { continue }
            let middle = ((bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2)
            guard view.contains(longitude: middle.0, latitude: middle.1) else { continue }
            let (x, y) = project(middle.0, middle.1)
            let name = strings.language == "nl" ? country.nameDutch : country.nameFrench
            svg +=
                "<text x=\"\(format(x))\" y=\"\(format(y))\" text-anchor=\"middle\" "
                + "font-size=\"15\" fill=\"#8a8270\" font-style=\"italic\" "
                + "stroke=\"#f6f3ea\" stroke-width=\"3\" paint-order=\"stroke\">"
                + "\(HTMLPage.escape(name))</text>\n"
        }

        // Smaller dots as points multiply, so that a dense region stays readable;
        // flagged points last, so that they stay visible over the others.
        let radius = max(1.8, min(4, 4 * (500 / Double(max(points.count, 1))).squareRoot()))
        outsideView = 0
        let ordering = points.filter { !$0.isFlagged } + points.filter(\.isFlagged)
        for point in ordering {
            guard view.contains(longitude: point.longitude, latitude: point.latitude) else {
                outsideView += 1
                continue
            }
            let (x, y) = project(point.longitude, point.latitude)
            let colour = AuditDocument.colour(ofPrecision: point.precision)
            let stroke =
                point.isFlagged
                ? "stroke=\"#d62728\" stroke-width=\"\(format(radius * 0.6))\""
                : "stroke=\"#ffffff\" stroke-width=\"\(format(radius / 6))\""
            svg +=
                "<circle cx=\"\(format(x))\" cy=\"\(format(y))\" "
                + "r=\"\(format(point.isFlagged ? radius * 1.5 : radius))\" "
                + "fill=\"\(colour)\" \(stroke)>"
                + "<title>\(HTMLPage.escape(point.name))</title></circle>\n"
        }
        svg += "</svg></figure>\n"
        return svg
    }

    static func intersects(_ a: CountryOutlines.Bounds, _ b: CountryOutlines.Bounds) -> Bool {
        a.west <= b.east && b.west <= a.east && a.south <= b.north && b.south <= a.north
    }
}
