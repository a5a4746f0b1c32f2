import GlaneurCore
import Ingest

/// What a pipeline file says: which partner files to read and how, and what to do with
/// their records down to the map database.
///
/// ```json5
/// {
///   name: "federation-wallonne",
///   sources: [{
///     path: "../samples/federation-wallonne.csv",   // relative to this file; globs allowed
///     partner: "Fédération wallonne",
///     encoding: "windows-1252", delimiter: ";",
///     columns: { name: "Nom" },                     // field: column, overriding detection
///     priority: 2,                                  // higher wins in the golden record
///     delivery: "full",                             // or "updates"
///   }],
///   normalize: { default_country: "BE" },
///   geocode: { providers: ["offline"], minimum_precision: "locality" },
///   dedupe: { match_threshold: 0.9, review_band: [0.6, 0.9] },
///   target: { database: "map.sqlite", mode: "upsert" },
/// }
/// ```
public struct PipelineSpec: Sendable {
    public var name: String
    public var description: String?
    public var sources: [SourceSpec]
    public var normalize: NormalizeSpec
    public var geocode: GeocodeSpec
    public var dedupe: DedupeSpec
    public var target: TargetSpec
    /// The folder of the pipeline file: relative paths in it start there.
    public var baseDirectory: String
}

/// One partner file, or several matched by a glob.
public struct SourceSpec: Sendable {
    /// The files, resolved against the pipeline's folder and globs expanded, sorted.
    public var files: [String]
    /// The path as written in the pipeline file.
    public var path: String
    public var partner: String?
    public var readOptions: ReadOptions
    /// Whose values win when partners disagree on a field: higher wins.
    public var priority: Int
    public var delivery: Delivery
    /// The country of rows that do not say, for normalisation.
    public var country: String?

    public enum Delivery: String, Sendable, CaseIterable {
        /// The partner sends its whole list each time: a producer missing from it is no
        /// longer confirmed by this partner.
        case full
        /// The partner sends new and changed producers only.
        case updates
    }
}

public struct NormalizeSpec: Sendable {
    public var defaultCountry: String?
}

public struct GeocodeSpec: Sendable {
    public var providers: [String]
    /// Rows placed less precisely than this are reported, and sent to the next provider.
    public var minimumPrecision: String
    public var baseURLs: [String: String]

    /// The providers Glaneur knows, in the order a cascade would use them.
    public static let knownProviders = ["offline", "ban", "nominatim", "photon"]
    public static let precisions = ["housenumber", "street", "locality", "postcode", "none"]
}

public struct DedupeSpec: Sendable {
    /// Pairs scoring at least this are merged.
    public var matchThreshold: Double
    /// Pairs scoring in this band go to a person for review.
    public var reviewBand: ClosedRange<Double>
}

public struct TargetSpec: Sendable {
    /// A SQLite file path or a `postgresql://` URL.
    public var database: String
    public var mode: LoadMode

    public enum LoadMode: String, Sendable, CaseIterable {
        case append
        case upsert
        case replace
    }
}
