import Foundation
import GlaneurCore

/// The locality reference data shipped with Glaneur: GeoNames localities and postal places
/// for France, Belgium, Switzerland and Luxembourg, and Statbel's Belgian municipalities
/// and postcodes (see `Resources/gazetteer/README.md` for sources and licences).
enum ShippedGazetteer {
    /// Bumped whenever the shipped files or the way they are read change, so that stores
    /// built by an older version are rebuilt.
    static let version = "2025.1-r1"

    /// The folder holding the shipped CSV files.
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["GLANEUR_GAZETTEER_DATA"] {
            return URL(fileURLWithPath: override)
        }
        return Bundle.module.resourceURL!.appendingPathComponent("gazetteer")
    }

    /// Reads the three files and joins them into places.
    static func places(from directory: URL = directory) throws -> [Place] {
        var places = try readLocalities(directory.appendingPathComponent("localities.csv"))
        var indexByID: [String: Int] = [:]
        for (index, place) in places.enumerated() { indexByID[place.id] = index }

        let belgian = try readBelgianPostcodes(
            directory.appendingPathComponent("belgium_postcodes.csv"))
        for entry in belgian {
            guard let index = indexByID[entry.localityID] else { continue }
            addName(entry.municipalityFR, kind: .official, to: &places[index])
            addName(entry.municipalityNL, kind: .official, to: &places[index])
            if !places[index].postcodes.contains(entry.postcode) {
                places[index].postcodes.append(entry.postcode)
            }
        }

        try addPostalPlaces(
            from: directory.appendingPathComponent("postal_places.csv"),
            belgian: belgian, to: &places, indexByID: &indexByID)
        return places
    }

    // MARK: - localities.csv

    private static func readLocalities(_ url: URL) throws -> [Place] {
        var reader = try reader(url)
        guard let header = reader.nextRow().map(DelimitedHeader.init) else { return [] }
        let column = { (name: String) -> Int? in header.index(name) }
        let (id, country, name, ascii) = (
            column("id"), column("country"), column("name"),
            column("ascii_name")
        )
        let (fr, nl, de) = (column("names_fr"), column("names_nl"), column("names_de"))
        let (adminCode, postcodes) = (column("admin_code"), column("postcodes"))
        let (latitude, longitude) = (column("latitude"), column("longitude"))
        let (population, alternates) = (column("population"), column("alt_names"))
        let (municipalityFR, municipalityNL) = (
            column("municipality_fr"),
            column("municipality_nl")
        )

        var places: [Place] = []
        while let row = reader.nextRow() {
            guard row.count > 1 else { continue }
            let countryCode = row.field(country)
            var place = Place(
                id: row.field(id), country: countryCode,
                label: preferredLabel(row: row, name: name, fr: fr, nl: nl, de: de),
                names: [], postcodes: split(row.field(postcodes)),
                latitude: Double(row.field(latitude)) ?? 0,
                longitude: Double(row.field(longitude)) ?? 0,
                population: Int(row.field(population)) ?? 0,
                adminCode: row.field(adminCode).isEmpty ? nil : row.field(adminCode))
            addName(row.field(name), kind: .official, to: &place)
            addName(row.field(ascii), kind: .official, to: &place)
            // A language name is official where the language is spoken, an exonym
            // elsewhere; the weights differ little, so the region is not looked up.
            for language in [fr, nl, de] {
                for value in split(row.field(language)) {
                    addName(value, kind: countryCode == "BE" ? .official : .exonym, to: &place)
                }
            }
            // A section's municipality is a correct answer at municipality level, but it
            // is another place: its names are not the section's.
            if place.adminCode != nil,
                row.field(name) == row.field(municipalityFR)
                    || row.field(name) == row.field(municipalityNL)
            {
                addName(row.field(municipalityFR), kind: .official, to: &place)
                addName(row.field(municipalityNL), kind: .official, to: &place)
            }
            for value in split(row.field(alternates)) {
                addName(value, kind: .alternate, to: &place)
            }
            places.append(place)
        }
        return places
    }

    private static func preferredLabel(
        row: [String], name: Int?, fr: Int?, nl: Int?, de: Int?
    ) -> String {
        // Belgian GeoNames names are often English ("Brussels"); the official names read
        // better in answers.
        let official = [fr, nl, de].compactMap { split(row.field($0)).first }
        if row.field(name) == "Brussels", let first = official.first { return first }
        return row.field(name)
    }

    // MARK: - belgium_postcodes.csv

    struct BelgianPostcode {
        var postcode: String
        var nis: String
        var municipalityFR: String
        var municipalityNL: String
        var localityID: String
        var sections: [String]
    }

    static func readBelgianPostcodes(_ url: URL) throws -> [BelgianPostcode] {
        var reader = try reader(url)
        guard let header = reader.nextRow().map(DelimitedHeader.init) else { return [] }
        var result: [BelgianPostcode] = []
        while let row = reader.nextRow() {
            guard row.count > 1 else { continue }
            result.append(
                BelgianPostcode(
                    postcode: row.field(header.index("postcode")),
                    nis: row.field(header.index("nis")),
                    municipalityFR: row.field(header.index("municipality_fr")),
                    municipalityNL: row.field(header.index("municipality_nl")),
                    localityID: row.field(header.index("locality_id")),
                    sections: split(row.field(header.index("postal_localities")))))
        }
        return result
    }

    // MARK: - postal_places.csv

    /// Postal places linked to a locality add their name and postcode to it; the others
    /// become places of their own, one per name and département/canton.
    private static func addPostalPlaces(
        from url: URL, belgian: [BelgianPostcode], to places: inout [Place],
        indexByID: inout [String: Int]
    ) throws {
        var reader = try reader(url)
        guard let header = reader.nextRow().map(DelimitedHeader.init) else { return }
        let (country, postcode, name) = (
            header.index("country"), header.index("postcode"),
            header.index("place")
        )
        let (admin2, linked) = (header.index("admin2_code"), header.index("locality_id"))
        let (latitude, longitude) = (header.index("latitude"), header.index("longitude"))

        // A Belgian section belongs to the municipality its postcode is delivered in.
        var municipalityBySection: [String: String] = [:]
        var municipalityByPostcode: [String: String] = [:]
        for entry in belgian {
            municipalityByPostcode[entry.postcode] =
                municipalityByPostcode[entry.postcode]
                ?? entry.localityID
            for section in entry.sections {
                municipalityBySection[entry.postcode + "|" + MatchKey.fold(section)] =
                    entry.localityID
            }
        }

        var unlinkedIndex: [String: Int] = [:]
        while let row = reader.nextRow() {
            guard row.count > 1 else { continue }
            let countryCode = row.field(country)
            let code = row.field(postcode)
            let placeName = row.field(name)
            if let index = indexByID[row.field(linked)] {
                addName(placeName, kind: .postal, to: &places[index])
                if !places[index].postcodes.contains(code) {
                    places[index].postcodes.append(code)
                }
                continue
            }
            let folded = MatchKey.fold(placeName)
            let key = countryCode + "|" + row.field(admin2) + "|" + folded
            if let index = unlinkedIndex[key] {
                if !places[index].postcodes.contains(code) { places[index].postcodes.append(code) }
                continue
            }
            var parent: String?
            if countryCode == "BE" {
                parent = municipalityBySection[code + "|" + folded] ?? municipalityByPostcode[code]
            }
            var id =
                "postal-\(countryCode)-\(code)-"
                + folded.replacingOccurrences(of: " ", with: "-")
            // The same name under one postcode in two départements or cantons.
            var suffix = 2
            while indexByID[id] != nil {
                id = id.split(separator: "~").first.map(String.init)! + "~\(suffix)"
                suffix += 1
            }
            var place = Place(
                id: id, country: countryCode, label: placeName, names: [], postcodes: [code],
                latitude: Double(row.field(latitude)) ?? 0,
                longitude: Double(row.field(longitude)) ?? 0,
                parentID: parent)
            addName(placeName, kind: .postal, to: &place)
            unlinkedIndex[key] = places.count
            indexByID[id] = places.count
            places.append(place)
        }
    }

    // MARK: - Helpers

    private static func reader(_ url: URL) throws -> DelimitedReader {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw GlaneurError.io(
                path: url.path, action: "cannot read the gazetteer file",
                errno: ENOENT)
        }
        return DelimitedReader(bytes: [UInt8](data))
    }

    private static func split(_ cell: String) -> [String] {
        cell.split(separator: "|").map { String($0) }.filter { !$0.isEmpty }
    }

    static func addName(_ name: String, kind: PlaceName.Kind, to place: inout Place) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        if let existing = place.names.firstIndex(where: { $0.name == trimmed }) {
            // Keep the most trusted kind.
            if kind.rawValue < place.names[existing].kind.rawValue {
                place.names[existing].kind = kind
            }
            return
        }
        place.names.append(PlaceName(trimmed, kind: kind))
    }
}
