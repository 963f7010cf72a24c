import BatonAMQP
import BatonTestSupport
import Foundation

/// The timer tests' nodes: their own names and ports 41000–44999, apart from the other suites.
enum TimerBroker {
    static let ports = 41_000..<45_000
    private static let shared = SharedBroker(name: "baton-timers-test-\(getpid())", ports: ports)

    /// The URL of the shared broker, starting it on first use.
    static func url() async throws -> String { try await shared.url() }

    /// A connection to the shared broker.
    static func connect() async throws -> AMQPConnection {
        try await AMQPConnection.connect(try AMQPConfiguration(url: try await url()))
    }

    /// Whether tests may start and kill private nodes (no external URL given).
    static var canRunPrivateNodes: Bool { SharedBroker.canRunPrivateNodes }
}

/// A unique queue prefix per test, so tests can run in parallel on one broker.
func uniqueTimerPrefix(_ name: String) -> String {
    "\(name).\(UInt32.random(in: 0...UInt32.max))"
}
