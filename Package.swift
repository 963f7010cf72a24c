// swift-tools-version: 6.0
import PackageDescription

/// One set of settings for every target: Swift 6 language mode everywhere.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Baton",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "baton", targets: ["baton"]),
        .library(name: "BatonLanguage", targets: ["BatonLanguage"]),
        .library(name: "BatonCore", targets: ["BatonCore"]),
        .library(name: "BatonJSONata", targets: ["BatonJSONata"]),
        .executable(name: "baton-jsonata", targets: ["baton-jsonata"]),
        .library(name: "BatonAMQP", targets: ["BatonAMQP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // The language: JSON, paths, intrinsics, Choice rules, the ASL model, parser and validator. Pure.
        .target(
            name: "BatonLanguage",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        // JSONata 2.x evaluator: standalone, depends on nothing else of Baton.
        .target(name: "BatonJSONata", swiftSettings: swiftSettings),
        // A standalone `baton-jsonata` command on the JSONata evaluator alone.
        .executableTarget(name: "baton-jsonata", dependencies: ["BatonJSONata"], swiftSettings: swiftSettings),
        // rabbitmq-c, found by pkg-config (Debian: librabbitmq-dev).
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        // A Swift face of rabbitmq-c: one thread per connection, confirms, manual acks, reconnect.
        .target(name: "BatonAMQP", dependencies: ["CRabbitMQ"], swiftSettings: swiftSettings),
        // The interpreter as a pure state machine. No I/O, clock or randomness.
        .target(name: "BatonCore", dependencies: ["BatonLanguage", "BatonJSONata"], swiftSettings: swiftSettings),
        // The command line: a thin shell.
        .executableTarget(
            name: "baton",
            dependencies: [
                "BatonLanguage", "BatonCore", "BatonJSONata",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BatonLanguageTests", dependencies: ["BatonLanguage"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonJSONataTests", dependencies: ["BatonJSONata"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonCoreTests", dependencies: ["BatonCore", "BatonLanguage"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonAMQPTests", dependencies: ["BatonAMQP"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonCLITests", dependencies: ["BatonLanguage", "baton"], swiftSettings: swiftSettings),
    ]
)
