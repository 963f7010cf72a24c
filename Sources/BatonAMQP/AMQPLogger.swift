/// A minimal logging seam: the composition root plugs in swift-log (or anything) through one closure.
public struct AMQPLogger: Sendable {
    /// Severity, ordered from the chattiest to the most severe.
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            }
        }
    }

    /// Messages below this level are not formatted and not passed to the sink.
    public var minimumLevel: Level
    private let sink: @Sendable (Level, String, [String: String]) -> Void

    /// Creates a logger that hands each record (level, message, metadata) to `sink`.
    public init(minimumLevel: Level = .info, sink: @escaping @Sendable (Level, String, [String: String]) -> Void) {
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    /// A logger that drops everything.
    public static let disabled = AMQPLogger(minimumLevel: .error) { _, _, _ in }

    /// Logs a message; the message is built only when the level is enabled.
    public func log(_ level: Level, _ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: String] = [:]) {
        guard level >= minimumLevel else { return }
        sink(level, message(), metadata())
    }
}
