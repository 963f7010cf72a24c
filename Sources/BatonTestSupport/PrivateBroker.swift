import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private RabbitMQ node for integration tests, run by `scripts/rabbitmq-node.sh` (no systemd, works as
/// root): its own name, data directory and port; stopped and deleted when the test process exits.
public final class PrivateBroker: Sendable {
    public let name: String
    public let port: Int
    /// The node's data directory (`RMQ_BASE` of the script).
    public let base: String

    /// A node that is not cleaned up at exit; prefer `make(name:ports:)`.
    public init(name: String, port: Int, base: String) {
        self.name = name
        self.port = port
        self.base = base
    }

    /// A node on a free port of `ports` (whose distribution port, +20000, is free too), purged at process exit.
    public static func make(name: String, ports: Range<Int>) -> PrivateBroker {
        let node = PrivateBroker(name: name, port: freePort(in: ports), base: NSTemporaryDirectory() + name)
        ExitCleanup.register(node)
        return node
    }

    public var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }

    /// The package root (Sources/BatonTestSupport/PrivateBroker.swift → ../..).
    public static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    static let script: String = packageRoot.appendingPathComponent("scripts/rabbitmq-node.sh").path

    func run(_ action: String) async throws {
        try await Shell.run([Self.script, action, name, String(port)], environment: ["RMQ_BASE": base])
    }

    /// Starts the node and waits until it accepts connections.
    public func start() async throws {
        try await run("start")
        try await run("wait")
    }

    /// kill -9 (a crash); `start` brings it back on the same data.
    public func kill() async throws { try await run("kill") }

    /// Stops the node and deletes its data.
    public func purge() async throws { try await run("purge") }

    /// Synchronous purge, for process exit.
    public func purgeNow() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.script)
        process.arguments = ["purge", name, String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(["RMQ_BASE": base]) { $1 }
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: base)
    }

    /// A port of `range` free on 127.0.0.1 whose distribution port (+20000) is free too.
    public static func freePort(in range: Range<Int>) -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: range)
            if isFree(candidate), isFree(candidate + 20_000) { return candidate }
        }
        return range.lowerBound + range.count / 2
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

/// The broker a test suite shares: `BATON_TEST_AMQP_URL` when set, else a private node started on first use.
public final class SharedBroker: Sendable {
    private let startup: Task<String, any Error>

    /// Starts nothing yet beyond the task; keep it in a `static let` so the node starts on first use.
    public init(name: String, ports: Range<Int>) {
        startup = Task {
            if let url = ProcessInfo.processInfo.environment["BATON_TEST_AMQP_URL"], !url.isEmpty { return url }
            let node = PrivateBroker.make(name: name, ports: ports)
            try await node.start()
            return node.url
        }
    }

    /// The URL of the shared broker, once it accepts connections.
    public func url() async throws -> String { try await startup.value }

    /// Whether tests may start and kill private nodes (no external URL given).
    public static var canRunPrivateNodes: Bool {
        (ProcessInfo.processInfo.environment["BATON_TEST_AMQP_URL"] ?? "").isEmpty
    }
}

/// Purges the private nodes when the test process exits.
enum ExitCleanup {
    // Guarded by `lock`; `atexit` is registered once.
    nonisolated(unsafe) private static var nodes: [PrivateBroker] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    static func register(_ node: PrivateBroker) {
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
public enum Shell {
    /// A command that exited non-zero, with what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let command: [String]
        public let status: Int32
        public let output: String
        public var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
    }

    /// Runs `command`; with `check`, a non-zero exit throws `Failure`. Returns the status and stdout+stderr.
    @discardableResult
    public static func run(_ command: [String], environment: [String: String] = [:],
                           check: Bool = true) async throws -> (status: Int32, output: String) {
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
        if check && status != 0 { throw Failure(command: command, status: status, output: output) }
        return (status, output)
    }
}
