import BatonTestSupport
import Foundation

/// The orchestrator tests' nodes: their own names and ports 12000–17999, apart from the other suites.
enum OrchestratorBroker {
    static let ports = 12_000..<18_000
    private static let shared = SharedBroker(name: "baton-orch-shared-\(getpid())", ports: ports)

    /// The URL of the shared broker, starting it on first use.
    static func url() async throws -> String { try await shared.url() }

    /// Whether tests may start and kill private nodes (no external URL given).
    static var canRunPrivateNodes: Bool { SharedBroker.canRunPrivateNodes }

    /// A node of its own named `baton-orch-<what>-<pid>`, purged when the process exits.
    static func node(_ what: String) -> PrivateBroker {
        PrivateBroker.make(name: "baton-orch-\(what)-\(getpid())", ports: ports)
    }
}
