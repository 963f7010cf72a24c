/// An error from the AMQP layer: a stable `code`, a human-readable message, and the broker's reply code when it sent one.
public struct AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; match on it, never on the message text.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The URL could not be parsed or has an unsupported scheme.
        public static let invalidURL = Code(rawValue: "AMQP.InvalidURL")
        /// The configuration is inconsistent (for example a TLS option on a plain `amqp://` URL).
        public static let invalidConfiguration = Code(rawValue: "AMQP.InvalidConfiguration")
        /// The TCP or TLS connection could not be opened.
        public static let connectionFailed = Code(rawValue: "AMQP.ConnectionFailed")
        /// The broker refused the credentials or the virtual host.
        public static let accessRefused = Code(rawValue: "AMQP.AccessRefused")
        /// The connection was lost while the operation was in flight; its outcome is unknown, retry it.
        public static let connectionLost = Code(rawValue: "AMQP.ConnectionLost")
        /// The connection is down (reconnecting); nothing was sent, retry later.
        public static let notConnected = Code(rawValue: "AMQP.NotConnected")
        /// The connection was closed by its owner.
        public static let closed = Code(rawValue: "AMQP.Closed")
        /// The broker answered a publish with `basic.nack`: it did not take responsibility for the message.
        public static let publishNacked = Code(rawValue: "AMQP.PublishNacked")
        /// No confirm came within `AMQPConfiguration.confirmTimeout`; the broker may or may not have the message.
        public static let publishTimedOut = Code(rawValue: "AMQP.PublishTimedOut")
        /// A declaration conflicts with what exists (AMQP 406 PRECONDITION_FAILED).
        public static let preconditionFailed = Code(rawValue: "AMQP.PreconditionFailed")
        /// An entity the operation refers to does not exist (AMQP 404 NOT_FOUND).
        public static let notFound = Code(rawValue: "AMQP.NotFound")
        /// The broker closed a channel or the connection for another reason.
        public static let brokerError = Code(rawValue: "AMQP.BrokerError")
        /// The broker cancelled a consumer (for example, its queue was deleted).
        public static let consumerCancelled = Code(rawValue: "AMQP.ConsumerCancelled")
        /// rabbitmq-c reported an internal or protocol error.
        public static let protocolError = Code(rawValue: "AMQP.ProtocolError")
    }

    /// The stable code.
    public var code: Code
    /// What happened, for people. Never contains credentials.
    public var message: String
    /// The AMQP reply code the broker sent (404, 406, 320 …), if any.
    public var replyCode: UInt16?

    /// Creates an error.
    public init(_ code: Code, _ message: String, replyCode: UInt16? = nil) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
    }

    /// Whether trying the same operation again later may succeed.
    public var isRetryable: Bool {
        switch code {
        case .connectionLost, .notConnected, .connectionFailed, .publishNacked, .publishTimedOut: true
        default: false
        }
    }

    public var description: String {
        if let replyCode { return "\(code.rawValue): \(message) (reply code \(replyCode))" }
        return "\(code.rawValue): \(message)"
    }
}
