import BatonAMQP
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// A copy of Tests/BatonAMQPTests/TestBroker.swift (without TLS), with its own node name and port range so
// that both suites can run in one `swift test`.

/// A private RabbitMQ node run by `scripts/rabbitmq-node.sh`, for the worker's integration tests.
final class WorkerBrokerNode: Sendable {
    let name: String
    let port: Int
    let base: String

    init(name: String, port: Int, base: String) {
        self.name = name
        self.port = port
        self.base = base
    }

    var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }

    /// The package root (Tests/BatonWorkerTests/WorkerTestBroker.swift → ../..).
    static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    static let script: String = packageRoot.appendingPathComponent("scripts/rabbitmq-node.sh").path

    func run(_ action: String) async throws {
        try await WorkerShell.run([Self.script, action, name, String(port)], environment: ["RMQ_BASE": base])
    }

    /// Starts the node and waits until it accepts connections.
    func start() async throws {
        try await run("start")
        try await run("wait")
    }

    /// kill -9 (a crash); `start()` again restarts it on the same data.
    func kill() async throws { try await run("kill") }

    /// Stops the node and deletes its data.
    func purge() async throws { try await run("purge") }

    /// Synchronous purge for process exit.
    func purgeNow() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.script)
        process.arguments = ["purge", name, String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(["RMQ_BASE": base]) { $1 }
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: base)
    }

    /// A free port in 40000–44999 whose distribution port (+20000) is free too (BatonAMQPTests use 20000–39999).
    static func freePort() -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: 40_000..<45_000)
            if isFree(candidate), isFree(candidate + 20_000) { return candidate }
        }
        return 44_672
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}

/// The broker shared by the worker tests: `BATON_TEST_AMQP_URL`, or a private node started once.
enum WorkerTestBroker {
    private static let startup = Task<String, any Error> {
        if let url = ProcessInfo.processInfo.environment["BATON_TEST_AMQP_URL"], !url.isEmpty { return url }
        let node = WorkerBrokerNode(name: "baton-worker-test-\(getpid())", port: WorkerBrokerNode.freePort(),
                                    base: NSTemporaryDirectory() + "baton-worker-tests-\(getpid())")
        WorkerExitCleanup.register(node)
        try await node.start()
        return node.url
    }

    /// The URL of the shared broker, starting it on first use.
    static func url() async throws -> String { try await startup.value }

    /// Whether tests may start and kill private nodes (no external URL given).
    static var canRunPrivateNodes: Bool {
        (ProcessInfo.processInfo.environment["BATON_TEST_AMQP_URL"] ?? "").isEmpty
    }

    /// A connection to the shared broker.
    static func connect() async throws -> AMQPConnection {
        try await AMQPConnection.connect(try AMQPConfiguration(url: try await url()))
    }
}

/// Stops the private node when the test process exits.
enum WorkerExitCleanup {
    nonisolated(unsafe) private static var nodes: [WorkerBrokerNode] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    static func register(_ node: WorkerBrokerNode) {
        lock.lock()
        defer { lock.unlock() }
        nodes.append(node)
        if !registered {
            registered = true
            atexit {
                WorkerExitCleanup.lock.lock()
                let all = WorkerExitCleanup.nodes
                WorkerExitCleanup.lock.unlock()
                for node in all { node.purgeNow() }
            }
        }
    }
}

/// Runs a command and waits for it without blocking a concurrency thread.
enum WorkerShell {
    struct Failure: Error, CustomStringConvertible {
        let command: [String]
        let status: Int32
        let output: String
        var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
    }

    /// Runs the command; returns its combined output, or throws when it exits non-zero (unless `check` is false).
    @discardableResult
    static func run(_ command: [String], environment: [String: String] = [:], check: Bool = true) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0 || !check else { throw Failure(command: command, status: status, output: output) }
        return (status, output)
    }
}
