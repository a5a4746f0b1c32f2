// swift-tools-version:6.0
//
// Glaneur: imports the producer lists that partners send into a food network's map.
// Every dependency is the toolchain or a Debian C library; README.md names the Debian
// packages, and .ci/install-packages installs them.

import PackageDescription

let package = Package(
    name: "Glaneur",
    products: [
        .executable(name: "glaneur", targets: ["glaneur"])
    ],
    targets: [
        // MARK: - C libraries

        // System ICU, behind a header of plain C types: Foundation carries a private
        // ICU whose headers clash with the system's in one Swift module.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]
        ),
        // Google's libphonenumber (C++), behind an `extern "C"` header.
        .target(
            name: "CPhoneNumber",
            linkerSettings: [.linkedLibrary("phonenumber"), .linkedLibrary("stdc++")]
        ),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq"),

        // MARK: - The model shared by every stage

        .target(name: "GlaneurCore"),
        .target(name: "SQLiteKit", dependencies: ["CSQLite"]),

        // MARK: - Stages

        .target(name: "Spreadsheet", dependencies: ["GlaneurCore", "CZlib"]),
        .target(name: "Ingest", dependencies: ["GlaneurCore", "Spreadsheet"]),
        .target(name: "Normalize", dependencies: ["GlaneurCore", "CICU", "CPhoneNumber"]),
        .target(
            name: "Geocode",
            dependencies: ["GlaneurCore", "SQLiteKit", "CCurl", "Normalize", "Ingest"],
            // GeoNames and Statbel reference data, with its licence and attribution.
            resources: [.copy("Resources/gazetteer")]
        ),
        .target(name: "Resolve", dependencies: ["GlaneurCore", "Normalize", "Geocode"]),

        .target(name: "Store", dependencies: ["GlaneurCore", "SQLiteKit", "CPostgres"]),

        .target(
            name: "Pipeline",
            dependencies: ["GlaneurCore", "Ingest", "Normalize", "Geocode", "Resolve", "Store"],
            // Natural Earth country outlines for the audit's map, with their attribution.
            resources: [.copy("Resources/outlines")]
        ),

        // MARK: - Command line

        .target(
            name: "GlaneurCLI",
            dependencies: [
                "GlaneurCore", "Ingest", "Normalize", "Geocode", "Resolve", "Store", "Pipeline",
            ]),
        .executableTarget(name: "glaneur", dependencies: ["GlaneurCLI"]),

        // MARK: - Tests

        .testTarget(name: "CoreTests", dependencies: ["GlaneurCore"]),
        .testTarget(name: "SQLiteKitTests", dependencies: ["SQLiteKit"]),
        .testTarget(
            name: "SpreadsheetTests",
            dependencies: ["Spreadsheet", "CZlib"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "GlaneurCore"]),
        .testTarget(name: "NormalizeTests", dependencies: ["Normalize", "GlaneurCore"]),
        .testTarget(
            name: "GeocodeTests",
            dependencies: ["Geocode", "GlaneurCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "StoreTests", dependencies: ["Store", "GlaneurCore"]),
        .testTarget(
            name: "ResolveTests",
            dependencies: ["Resolve", "GlaneurCore", "Normalize"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "GlaneurCore", "Ingest", "Store", "Geocode", "Resolve"]),
        .testTarget(name: "CLITests", dependencies: ["GlaneurCLI"]),
        .testTarget(name: "EndToEndTests", dependencies: ["glaneur"]),
    ]
)
