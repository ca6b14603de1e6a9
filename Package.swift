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
        .target(
            name: "FNNKit",
            dependencies: [
                "CZlib",
                "CPNG",
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                .target(name: "CLibCrypto", condition: .when(platforms: [.linux])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/mnist.fnn"), .copy("Resources/selftest-digits.bin")],
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
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
