import SQLiteKit

/// GeoPackage's binary encoding of geometries, for the points Glaneur stores.
///
/// "A GeoPackage SHALL store feature table geometries … in the GeoPackageBinary format":
/// a header (`GP`, version 0, flags, SRS id), an optional envelope, then standard WKB
/// (http://www.geopackage.org/spec120/#gpb_format).
enum GeoPackageGeometry {
    /// EPSG:4326, WGS 84 longitude/latitude.
    static let wgs84: Int32 = 4326

    /// The 29 bytes of a point: no envelope (a point is its own envelope), little-endian.
    static func point(longitude: Double, latitude: Double) -> [UInt8] {
        var bytes: [UInt8] = [0x47, 0x50, 0x00, 0x01]  // "GP", version 0, little-endian
        append(UInt32(bitPattern: wgs84), to: &bytes)
        bytes.append(0x01)  // WKB byte order: little-endian
        append(UInt32(1), to: &bytes)  // WKB type: Point
        append(longitude.bitPattern, to: &bytes)
        append(latitude.bitPattern, to: &bytes)
        return bytes
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The bounding box of a GeoPackage geometry, from its envelope or, for a point
    /// without one, from the point; nil for an empty or unreadable geometry.
    static func bounds(_ blob: UnsafeRawBufferPointer) -> (
        minX: Double, maxX: Double, minY: Double, maxY: Double
    )? {
        guard blob.count >= 8, blob[0] == 0x47, blob[1] == 0x50 else { return nil }
        let flags = blob[3]
        guard flags & 0x10 == 0 else { return nil }  // the empty-geometry flag
        let littleEndian = flags & 0x01 == 1
        let envelopeSize: Int
        switch (flags >> 1) & 0x07 {
        case 0: envelopeSize = 0
        case 1: envelopeSize = 32
        case 2, 3: envelopeSize = 48
        case 4: envelopeSize = 64
        default: return nil
        }
        if envelopeSize > 0 {
            guard blob.count >= 8 + envelopeSize else { return nil }
            // Envelopes are stored minx, maxx, miny, maxy.
            let values = (0..<4).map { read(blob, at: 8 + 8 * $0, littleEndian: littleEndian) }
            return (values[0], values[1], values[2], values[3])
        }
        // No envelope: read a WKB point.
        let wkb = 8
        guard blob.count >= wkb + 21 else { return nil }
        let wkbLittle = blob[wkb] == 1
        let typeBytes = (0..<4).map { UInt32(blob[wkb + 1 + $0]) }
        let type =
            wkbLittle
            ? typeBytes[0] | typeBytes[1] << 8 | typeBytes[2] << 16 | typeBytes[3] << 24
            : typeBytes[3] | typeBytes[2] << 8 | typeBytes[1] << 16 | typeBytes[0] << 24
        guard type % 1000 == 1 else { return nil }
        let x = read(blob, at: wkb + 5, littleEndian: wkbLittle)
        let y = read(blob, at: wkb + 13, littleEndian: wkbLittle)
        guard !x.isNaN, !y.isNaN else { return nil }
        return (x, x, y, y)
    }

    private static func read(_ blob: UnsafeRawBufferPointer, at offset: Int, littleEndian: Bool)
        -> Double
    {
        let raw = blob.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return Double(bitPattern: littleEndian ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw))
    }

    /// Registers the functions that the spatial-index triggers of the GeoPackage RTree
    /// extension call (`ST_IsEmpty`, `ST_MinX`…): GDAL and QGIS register their own, and a
    /// plain SQLite connection must have them too before it writes to a feature table.
    static func registerFunctions(on database: Database) throws {
        try database.createFunction("ST_IsEmpty", argumentCount: 1) { arguments in
            if arguments.isNull(0) { return .null }
            let empty = arguments.withBlob(0) { bounds($0) == nil }
            return .integer(empty ? 1 : 0)
        }
        let extremes: [(String, (Double, Double, Double, Double) -> Double)] = [
            ("ST_MinX", { minX, _, _, _ in minX }), ("ST_MaxX", { _, maxX, _, _ in maxX }),
            ("ST_MinY", { _, _, minY, _ in minY }), ("ST_MaxY", { _, _, _, maxY in maxY }),
        ]
        for (name, pick) in extremes {
            try database.createFunction(name, argumentCount: 1) { arguments in
                if arguments.isNull(0) { return .null }
                guard let box = arguments.withBlob(0, { bounds($0) }) else { return .null }
                return .real(pick(box.minX, box.maxX, box.minY, box.maxY))
            }
        }
    }
}
