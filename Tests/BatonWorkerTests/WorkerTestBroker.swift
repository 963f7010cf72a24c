import BatonAMQP
import BatonTestSupport
import Foundation

/// The worker tests' nodes: their own names and ports 40000–44999 (the timer suite runs in another process).
enum WorkerTestBroker {
    static let ports = 40_000..<45_000
    private static let shared = SharedBroker(name: "baton-worker-test-\(getpid())", ports: ports)

    /// The URL of the shared broker, starting it on first use.
    static func url() async throws -> String { try await shared.url() }

    /// Whether tests may start and kill private nodes (no external URL given).
    static var canRunPrivateNodes: Bool { SharedBroker.canRunPrivateNodes }

    /// A connection to the shared broker.
    static func connect() async throws -> AMQPConnection {
        try await AMQPConnection.connect(try AMQPConfiguration(url: try await url()))
    }
}
