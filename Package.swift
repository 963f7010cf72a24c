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
        .library(name: "BatonEngine", targets: ["BatonEngine"]),
        .library(name: "BatonWorker", targets: ["BatonWorker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
        // The shell around the core: executions, their timers and tasks, behind store and transport ports.
        .target(
            name: "BatonEngine",
            dependencies: ["BatonCore", "BatonLanguage", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The durable store: SQLite (GRDB) behind the engine's journal port; PostgreSQL implements the same port next.
        .target(
            name: "BatonStore",
            dependencies: ["BatonEngine", "BatonCore", "BatonLanguage", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The graph of a state machine: layout in Swift, rendered as SVG, DOT or Mermaid. Pure.
        .target(name: "BatonGraph", dependencies: ["BatonLanguage"], swiftSettings: swiftSettings),
        // The web console's files (HTML, CSS, JavaScript modules), embedded in the binary.
        .target(name: "BatonConsole",
                resources: ["index.html", "console.css", "app.js", "api.js", "util.js", "graph.js", "history.js", "machines.js", "executions.js", "editor.js", "asl.js", "sigv4.js"].map { .embedInCode("Resources/" + $0) },
                swiftSettings: swiftSettings),
        // The AWS Step Functions API (JSON 1.0 protocol, SigV4) and the console, over HTTP (Hummingbird).
        .target(
            name: "BatonHTTP",
            dependencies: ["BatonEngine", "BatonCore", "BatonLanguage", "BatonGraph", "BatonConsole",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        // The RabbitMQ transport: topology, consumers, the timer ladder, publishing with confirms.
        .target(
            name: "BatonBroker",
            dependencies: ["BatonEngine", "BatonAMQP", "BatonLanguage", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The Swift worker SDK: a handler per queue, heartbeats, graceful stop. Never the interpreter.
        .target(
            name: "BatonWorker",
            dependencies: ["BatonAMQP", "BatonLanguage", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Test support: private RabbitMQ nodes for the integration tests (never linked into the product).
        .target(name: "BatonTestSupport", swiftSettings: swiftSettings),
        // Benchmarks of the AMQP layer alone (not part of the product).
        .executableTarget(name: "amqp-bench", dependencies: ["BatonAMQP"], path: "Benchmarks/amqp", swiftSettings: swiftSettings),
        // The command line: a thin shell.
        .executableTarget(
            name: "baton",
            dependencies: [
                "BatonLanguage", "BatonCore", "BatonJSONata", "BatonEngine", "BatonBroker", "BatonWorker", "BatonAMQP",
                "BatonStore", "BatonHTTP", "BatonGraph",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BatonLanguageTests", dependencies: ["BatonLanguage"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonJSONataTests", dependencies: ["BatonJSONata"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonCoreTests", dependencies: ["BatonCore", "BatonLanguage"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonEngineTests", dependencies: ["BatonEngine", "BatonCore", "BatonLanguage"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonBrokerTests", dependencies: ["BatonBroker", "BatonEngine", "BatonAMQP", "BatonLanguage", "BatonWorker", "BatonTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonWorkerTests", dependencies: ["BatonWorker", "BatonAMQP", "BatonLanguage", "BatonTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonAMQPTests", dependencies: ["BatonAMQP"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonStoreTests", dependencies: ["BatonStore", "BatonEngine", "BatonCore", "BatonLanguage",
                                                       .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        .testTarget(name: "BatonGraphTests", dependencies: ["BatonGraph", "BatonLanguage"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonHTTPTests", dependencies: ["BatonHTTP", "BatonEngine", "BatonLanguage", "BatonTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "BatonCLITests", dependencies: ["BatonLanguage", "baton"], swiftSettings: swiftSettings),
    ]
)
