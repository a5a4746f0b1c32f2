// Loads N synthetic entities into a map database through Store, in one run, and prints
// the time and rows per second; or writes the same entities as GeoJSON for ogr2ogr.
//
// Usage: load-entities --db URL --count N
//        load-entities --geojson OUT --count N
// Built and run by bench/store/run.sh.

import Foundation
import GlaneurCore
import Store

/// Entity `index`, the same in the run and in the GeoJSON.
func entity(_ index: Int) -> (fields: EntityFields, location: Location) {
    let localities = ["Namur", "Liège", "Wavre", "Lille", "Arlon", "Gent", "Mons", "Dinant"]
    let fields = EntityFields(
        name: "Ferme \(index) du \(["Bois", "Moulin", "Val", "Pré"][index % 4])",
        legalForm: index % 3 == 0 ? "SRL" : nil, kind: "producer",
        street: "Rue de la Gare", houseNumber: String(index % 300 + 1),
        postcode: String(1000 + index % 8999), locality: localities[index % localities.count],
        country: index % 5 == 0 ? "FR" : "BE", phones: ["+3281\(100_000 + index % 900_000)"],
        emails: ["contact\(index)@example.org"], website: nil,
        products: ["légumes", "œufs"], labels: index % 2 == 0 ? ["bio"] : [])
    let location = Location(
        latitude: 49.5 + Double((index &* 104_729) % 100_000) / 50_000,
        longitude: 2.5 + Double((index &* 7_919) % 100_000) / 25_000,
        precision: "housenumber", score: 0.95, provider: "gazetteer")
    return (fields, location)
}

func run(count: Int) -> RunInput {
    var run = RunInput(pipeline: "bench", mode: .upsert)
    run.inputs = [
        InputFile(
            path: "bench.csv", source: "bench", checksum: "0", rows: count, isFullList: true)
    ]
    run.entities.reserveCapacity(count)
    run.records.reserveCapacity(count)
    for index in 0..<count {
        let (fields, location) = entity(index)
        let uid = "bench-\(index)"
        run.entities.append(EntityInput(uid: uid, fields: fields, location: location))
        run.records.append(
            RecordInput(
                provenance: Provenance(
                    source: "bench", file: "bench.csv", row: index + 1, line: index + 2),
                sourceKey: String(index),
                rawFields: [
                    SourceField(name: "id", value: .text(String(index))),
                    SourceField(name: "nom", value: .text(fields.name)),
                    SourceField(name: "cp", value: .text(fields.postcode ?? "")),
                ],
                fields: fields, location: location, entityUID: uid))
    }
    return run
}

func writeGeoJSON(count: Int, to path: String) throws {
    let output = try OutputFile(path: path)
    var writer = JSONWriter(reservingCapacity: 1 << 20)
    writer.raw("{\"type\":\"FeatureCollection\",\"features\":[\n")
    for index in 0..<count {
        let (fields, location) = entity(index)
        if index > 0 { writer.raw(",\n") }
        writer.raw("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[")
        writer.raw(Array("\(location.longitude),\(location.latitude)".utf8))
        writer.raw("]},\"properties\":{\"uid\":")
        writer.string("bench-\(index)")
        for (key, value) in [
            ("name", fields.name), ("legal_form", fields.legalForm), ("kind", fields.kind),
            ("street", fields.street), ("house_number", fields.houseNumber),
            ("postcode", fields.postcode), ("locality", fields.locality),
            ("country", fields.country), ("geocode_precision", location.precision),
            ("geocode_provider", location.provider),
        ] {
            writer.byte(UInt8(ascii: ","))
            writer.key(key)
            if let value { writer.string(value) } else { writer.raw("null") }
        }
        for (key, items) in [
            ("phones", fields.phones), ("emails", fields.emails), ("products", fields.products),
            ("labels", fields.labels),
        ] {
            writer.byte(UInt8(ascii: ","))
            writer.key(key)
            writer.strings(items)
        }
        writer.raw(",\"geocode_score\":0.95}}")
        if writer.count > 1 << 20 {
            output.write(writer)
            writer.removeAll()
        }
    }
    writer.raw("\n]}\n")
    output.write(writer)
    try output.close()
}

var arguments = CommandLine.arguments.dropFirst()
var options: [String: String] = [:]
while let name = arguments.popFirst() {
    options[name] = arguments.popFirst()
}
let count = Int(options["--count"] ?? "") ?? 1_000_000
if let path = options["--geojson"] {
    try writeGeoJSON(count: count, to: path)
    exit(0)
}
guard let location = options["--db"] else {
    FileHandle.standardError.write("usage: load-entities --db URL|--geojson OUT --count N\n".data(using: .utf8)!)
    exit(64)
}
let input = run(count: count)
let store = try openMapStore(location, create: true)
let started = Date()
let report = try store.load(input)
let seconds = Date().timeIntervalSince(started)
print(
    String(
        format: "%d entities in %.2f s: %.0f rows/s (new %d)", count, seconds,
        Double(count) / seconds, report.counts.new))
