import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway private RabbitMQ node for `baton bench-timers`, run by `scripts/rabbitmq-node.sh`.
public struct TimerLadderBenchmarkBroker: Sendable {
    /// Why the node could not be started.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// A stable code.
        public static let code = "BenchBrokerFailed"
        /// What went wrong.
        public var message: String
        public var description: String { "\(Self.code): \(message)" }
    }

    /// The node script.
    public let script: String
    /// The node's name.
    public let name: String
    /// Its AMQP port (127.0.0.1).
    public let port: Int
    /// Where its data lives.
    public let base: String

    /// The node's AMQP URL.
    public var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }

    /// Finds `scripts/rabbitmq-node.sh` in the working directory or above the executable; picks a free port.
    public init(script: String? = nil) throws(Failure) {
        guard let found = script ?? Self.locateScript() else {
            throw Failure(message: "scripts/rabbitmq-node.sh not found (run from the repository, or pass --amqp-url)")
        }
        self.script = found
        let pid = getpid()
        name = "baton-bench-timers-\(pid)"
        port = Self.freePort()
        base = NSTemporaryDirectory() + "baton-bench-timers-\(pid)"
    }

    /// Starts the node and waits until it accepts connections.
    public func start() throws(Failure) {
        try invoke("start")
        try invoke("wait")
    }

    /// Stops the node and deletes its data.
    public func purge() {
        try? invoke("purge")
        try? FileManager.default.removeItem(atPath: base)
    }

    private func invoke(_ action: String) throws(Failure) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [action, name, String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(["RMQ_BASE": base]) { $1 }
        let output = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { throw Failure(message: "\(script) \(action): \(error)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "\(script) \(action) exited \(process.terminationStatus); see \(base)/\(name)/logs")
        }
    }

    static func locateScript() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.path)
            directory = directory.deletingLastPathComponent()
        }
        return candidates.map { $0 + "/scripts/rabbitmq-node.sh" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func freePort() -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: 12_000..<15_000)
            if isFree(candidate), isFree(candidate + 20_000) { return candidate }
        }
        return 13_672
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
