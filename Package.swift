// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode plus the upcoming features
/// that keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "fnn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fnn", targets: ["fnn"]),
        .library(name: "FNNKit", targets: ["FNNKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The HTTP face (fnn serve, fnn watch --listen): Hummingbird without its optional
        // traits (swift-configuration, full Foundation), and Prometheus through swift-metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]
        ),
        // The library, one target per floor; each may import only the floors below it,
        // so a wrong-way use does not compile (README, "The house").
        .target(
            name: "FNNSupport",
            dependencies: ["CZlib", .target(name: "CLibCrypto", condition: .when(platforms: [.linux]))],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FNNMath",
            dependencies: ["FNNSupport", .target(name: "CBLAS", condition: .when(platforms: [.linux]))],
            swiftSettings: swiftSettings
        ),
        .target(name: "FNNModel", dependencies: ["FNNMath", "FNNSupport"], swiftSettings: swiftSettings),
        .target(
            name: "FNNFormat",
            dependencies: ["FNNModel", "FNNSupport"],
            resources: [.copy("Resources/mnist.fnn")],
            swiftSettings: swiftSettings
        ),
        .target(name: "FNNData", dependencies: ["FNNModel", "FNNMath", "FNNSupport"], swiftSettings: swiftSettings),
        .target(
            name: "FNNInference",
            dependencies: ["FNNData", "FNNModel", "FNNMath", "FNNSupport"],
            resources: [.copy("Resources/selftest-digits.bin")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FNNTraining",
            dependencies: ["FNNInference", "FNNData", "FNNModel", "FNNMath", "FNNSupport"],
            swiftSettings: swiftSettings
        ),
        .target(name: "FNNImage", dependencies: ["CPNG", "FNNSupport"], swiftSettings: swiftSettings),
        .target(
            name: "FNNPictures",
            dependencies: ["FNNImage", "FNNInference", "FNNModel", "FNNSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FNNPrediction",
            dependencies: ["FNNImage", "FNNInference", "FNNModel", "FNNSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FNNService",
            dependencies: [
                "FNNPrediction", "FNNFormat", "FNNImage", "FNNInference", "FNNModel", "FNNSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FNNHTTP",
            dependencies: [
                "FNNService", "FNNPrediction", "FNNFormat", "FNNImage", "FNNInference", "FNNModel", "FNNSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The umbrella: re-exports every floor for programs that use fnn as a library.
        .target(
            name: "FNNKit",
            dependencies: [
                "FNNSupport", "FNNMath", "FNNModel", "FNNFormat", "FNNData", "FNNInference", "FNNTraining",
                "FNNImage", "FNNPictures", "FNNPrediction", "FNNService", "FNNHTTP",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fnn",
            dependencies: [
                "FNNKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FNNTestSupport",
            dependencies: ["FNNKit"],
            path: "Tests/FNNTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FNNKitTests",
            dependencies: ["FNNKit", "FNNTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FNNCLITests",
            dependencies: ["FNNKit", "FNNTestSupport"],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
