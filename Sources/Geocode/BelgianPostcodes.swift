import Foundation
import GlaneurCore

/// The Belgian postcodes of the shipped gazetteer with the French and Dutch names of
/// their municipality and the postal places (sections) delivered under each, from
/// Statbel's postcode table.
public struct BelgianPostcodes: Sendable {
    /// One postcode.
    public struct Entry: Sendable, Hashable {
        public var postcode: String
        /// The municipality's official names; equal where it has one name only.
        public var municipalityFrench: String
        public var municipalityDutch: String
        /// The postal places delivered under the postcode, as the postal service writes
        /// them (in the language of the region, or in French in some municipalities with
        /// language facilities).
        public var sections: [String]
    }

    /// Every entry of a postcode, in file order (a postcode may serve two municipalities).
    public let entries: [String: [Entry]]

    /// Reads the table shipped with Glaneur.
    ///
    /// - throws: `GlaneurError` when the shipped file cannot be read.
    public init() throws {
        let url = ShippedGazetteer.directory.appendingPathComponent("belgium_postcodes.csv")
        var entries: [String: [Entry]] = [:]
        for row in try ShippedGazetteer.readBelgianPostcodes(url) {
            entries[row.postcode, default: []].append(
                Entry(
                    postcode: row.postcode, municipalityFrench: row.municipalityFR,
                    municipalityDutch: row.municipalityNL, sections: row.sections))
        }
        self.entries = entries
    }

    public subscript(postcode: String) -> [Entry] {
        entries[postcode] ?? []
    }
}
