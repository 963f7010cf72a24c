import BatonAMQP
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private RabbitMQ node run by `scripts/rabbitmq-node.sh`, for integration tests.
final class BrokerNode: Sendable {
    let name: String
    let port: Int
    let base: String

    /// The amqps port, when the node has a TLS listener.
    let tlsPort: Int?

    init(name: String, port: Int, base: String, tlsPort: Int? = nil) {
        self.name = name
        self.port = port
        self.base = base
        self.tlsPort = tlsPort
    }

    /// Where the test CA and server certificate live (made by `makeCertificates`).
    var certificateDirectory: String { base + "/tls" }

    /// The CA file that signed the server certificate.
    var caFile: String { certificateDirectory + "/ca.pem" }

    /// Creates a throwaway CA and a server certificate for localhost / 127.0.0.1.
    func makeCertificates() async throws {
        let dir = certificateDirectory
        let script = """
        set -e
        mkdir -p '\(dir)' && cd '\(dir)'
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=baton-test-ca 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
        """
        try await Shell.run(["/bin/sh", "-c", script])
    }

    var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }

    static let script: String = {
        // Tests/BatonAMQPTests/TestBroker.swift → package root
        let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/rabbitmq-node.sh").path
    }()

    @discardableResult
    func run(_ action: String, _ extra: [String] = []) async throws -> String {
        var environment = ["RMQ_BASE": base]
        if let tlsPort {
            environment["RMQ_TLS_PORT"] = String(tlsPort)
            environment["RMQ_TLS_DIR"] = certificateDirectory
        }
        return try await Shell.run([Self.script, action, name, String(port)] + extra, environment: environment)
    }

    /// Starts the node and waits until it accepts connections.
    func start() async throws {
        try await run("start")
        try await run("wait")
    }

    /// kill -9 (a crash).
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

    /// A port that is free, whose distribution port (+20000) is free too.
    static func freePort() -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: 20_000..<40_000)
            if isFree(candidate), isFree(candidate + 20_000) { return candidate }
        }
        return 29_672
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

/// The broker shared by the integration tests: `BATON_TEST_AMQP_URL`, or a private node started once.
enum TestBroker {
    private static let startup = Task<(url: String, node: BrokerNode?), any Error> {
        if let url = ProcessInfo.processInfo.environment["BATON_TEST_AMQP_URL"], !url.isEmpty { return (url, nil) }
        let port = BrokerNode.freePort()
        var tlsPort = BrokerNode.freePort()
        while tlsPort == port { tlsPort = BrokerNode.freePort() }
        let node = BrokerNode(name: "baton-amqp-test-\(getpid())", port: port,
                              base: NSTemporaryDirectory() + "baton-amqp-tests-\(getpid())", tlsPort: tlsPort)
        ExitCleanup.register(node)
        try await node.makeCertificates()
        try await node.start()
        return (node.url, node)
    }

    /// The URL of the shared broker, starting it on first use.
    static func url() async throws -> String { try await startup.value.url }

    /// The private node (nil when `BATON_TEST_AMQP_URL` names an external broker).
    static func privateNode() async throws -> BrokerNode? { try await startup.value.node }

    /// A connection to the shared broker.
    static func connect(heartbeat: Int = 10) async throws -> AMQPConnection {
        var config = try AMQPConfiguration(url: try await url())
        config.heartbeatSeconds = heartbeat
        return try await AMQPConnection.connect(config)
    }

    /// Whether tests may start and kill private nodes (no external URL given).
    static var canRunPrivateNodes: Bool {
        (ProcessInfo.processInfo.environment["BATON_TEST_AMQP_URL"] ?? "").isEmpty
    }
}

/// Stops private nodes when the test process exits.
enum ExitCleanup {
    nonisolated(unsafe) private static var nodes: [BrokerNode] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    static func register(_ node: BrokerNode) {
        lock.lock()
        defer { lock.unlock() }
        nodes.append(node)
        if !registered {
            registered = true
            atexit {
                ExitCleanup.lock.lock()
                let all = ExitCleanup.nodes
                ExitCleanup.lock.unlock()
                for node in all { node.purgeNow() }
            }
        }
    }
}

/// Runs a command and waits for it without blocking a concurrency thread.
enum Shell {
    struct Failure: Error, CustomStringConvertible {
        let command: [String]
        let status: Int32
        let output: String
        var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
    }

    @discardableResult
    static func run(_ command: [String], environment: [String: String] = [:]) async throws -> String {
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
        guard status == 0 else { throw Failure(command: command, status: status, output: output) }
        return output
    }
}

/// A unique name per test, so tests can run in parallel on one broker.
func uniqueName(_ prefix: String) -> String {
    "\(prefix).\(UInt32.random(in: 0...UInt32.max))"
}

/// Collects a consumer's deliveries in the background so tests can wait for them with a timeout.
///
/// `@unchecked Sendable`: `buffer`, `taken` and `failure` are only touched while holding `lock`.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: [AMQPDelivery] = []
    private var failureValue: (any Error)?
    private var ended = false
    private var task: Task<Void, Never>?

    init(_ consumer: AMQPConsumer) {
        task = Task { [weak self] in
            do {
                for try await delivery in consumer { self?.append(delivery) }
                self?.finish(nil)
            } catch {
                self?.finish(error)
            }
        }
    }

    private func append(_ delivery: AMQPDelivery) {
        lock.lock(); buffer.append(delivery); lock.unlock()
    }

    private func finish(_ error: (any Error)?) {
        lock.lock(); ended = true; failureValue = error; lock.unlock()
    }

    /// Deliveries received and not yet taken.
    var pending: Int {
        lock.lock(); defer { lock.unlock() }
        return buffer.count
    }

    /// The error the consumer's sequence ended with, if any.
    var failure: (any Error)? {
        lock.lock(); defer { lock.unlock() }
        return failureValue
    }

    /// Whether the consumer's sequence has ended.
    var hasEnded: Bool {
        lock.lock(); defer { lock.unlock() }
        return ended
    }

    /// Takes the next delivery, waiting up to `timeout`; nil if none came.
    func next(timeout: Duration = .seconds(10)) async -> AMQPDelivery? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let first = takeFirst() { return first }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func takeFirst() -> AMQPDelivery? {
        lock.lock(); defer { lock.unlock() }
        return buffer.isEmpty ? nil : buffer.removeFirst()
    }

    func stop() { task?.cancel() }
}
