import BatonAMQP

/// How a ``Worker`` connects and consumes: the broker, the concurrency per queue, heartbeats and queue declaration.
public struct WorkerConfiguration: Sendable {
    /// The broker to connect to (defaults: guest@localhost:5672).
    public var amqp: AMQPConfiguration
    /// How many tasks of one queue run at once; also the consumer's prefetch, since a task is acked after its reply.
    public var concurrency: Int = 1
    /// Unacknowledged deliveries the broker may push per queue; `nil` means `concurrency`.
    public var prefetch: UInt16?
    /// Whether to declare each handled queue that does not exist yet (durable, no arguments), as Baton does.
    public var declareQueues: Bool = true
    /// Whether to send heartbeats by itself, every half `baton-heartbeat-seconds`, while a handler runs.
    public var automaticHeartbeats: Bool = true
    /// How many times a reply is published again when the connection drops before its confirm.
    public var replyAttempts: Int = 5
    /// The largest reply body, in bytes (Baton dead-letters larger messages): a larger output is replied as the
    /// failure `States.DataLimitExceeded` instead, which a Catch can handle.
    public var maxReplyBytes: Int = 1_048_576
    /// The name of the connection's thread (visible in debuggers and `ps -L`).
    public var connectionName: String = "baton-worker"

    /// Creates a configuration for a broker.
    public init(amqp: AMQPConfiguration = AMQPConfiguration(), concurrency: Int = 1, prefetch: UInt16? = nil) {
        self.amqp = amqp
        self.concurrency = concurrency
        self.prefetch = prefetch
    }

    /// Creates a configuration from an `amqp://` or `amqps://` URL (credentials from the URL or the environment).
    public init(url: String, concurrency: Int = 1) throws {
        self.init(amqp: try AMQPConfiguration(url: url), concurrency: concurrency)
    }

    /// The prefetch used for each consumer.
    var effectivePrefetch: UInt16 {
        prefetch ?? UInt16(clamping: max(1, concurrency))
    }
}
