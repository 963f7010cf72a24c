/// An error of the worker itself (not of a task): a stable `code` and a message.
public struct WorkerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; match on it, never on the message text.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `run()` was called with no handler registered.
        public static let noHandlers = Code(rawValue: "Worker.NoHandlers")
        /// `run()` was called twice, or `handle` after `run()`.
        public static let alreadyRunning = Code(rawValue: "Worker.AlreadyRunning")
        /// Two handlers were registered for one queue.
        public static let duplicateQueue = Code(rawValue: "Worker.DuplicateQueue")
        /// The configuration is unusable (for example a concurrency of 0).
        public static let invalidConfiguration = Code(rawValue: "Worker.InvalidConfiguration")
        /// The command of a command worker could not be started.
        public static let commandNotStarted = Code(rawValue: "Worker.CommandNotStarted")
    }

    /// The stable code.
    public var code: Code
    /// What happened, for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
