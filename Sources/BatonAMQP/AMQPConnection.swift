import Foundation

/// A connection to RabbitMQ, served by its own thread: publish with confirms, consume with manual acks,
/// declare topology, and reconnect with backoff (declaring the topology again and resuming consumers).
///
/// All rabbitmq-c calls run on that thread; callers hand it work through a mailbox. Publishes still awaiting
/// their confirm when the connection drops fail with `AMQPError.Code.connectionLost` (retry them); publishes
/// made while reconnecting fail at once with `.notConnected`.
public final class AMQPConnection: Sendable {
    /// The configuration (its description redacts the password).
    public let configuration: AMQPConfiguration
    private let mailbox: Mailbox
    private let ids = IDSource()
    /// Runs jobs on the connection's thread (see ``AMQPConnectionExecutor``).
    public let executor: AMQPConnectionExecutor

    private init(configuration: AMQPConfiguration, mailbox: Mailbox, executor: AMQPConnectionExecutor) {
        self.configuration = configuration
        self.mailbox = mailbox
        self.executor = executor
    }

    deinit {
        if let refused = mailbox.post(.close(nil)) { refused.failClosed() }
    }

    /// Opens a connection; later losses are retried with backoff.
    ///
    /// - Parameter waitingUpTo: how long to keep retrying the *first* connection (a broker still starting);
    ///   `nil` throws at the first failure. Refused credentials always throw at once.
    public static func connect(_ configuration: AMQPConfiguration, logger: AMQPLogger = .disabled,
                               name: String = "baton-amqp", waitingUpTo: Duration? = nil) async throws -> AMQPConnection {
        let mailbox = try Mailbox()
        let executor = AMQPConnectionExecutor(mailbox: mailbox)
        let worker = ConnectionWorker(configuration: configuration, mailbox: mailbox, executor: executor, logger: logger)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            worker.firstConnect = continuation
            worker.firstConnectDeadline = waitingUpTo.map { ContinuousClock.now + $0 }
            let thread = Thread { worker.run() }
            thread.name = name
            thread.stackSize = 1 << 20
            thread.start()
        }
        return AMQPConnection(configuration: configuration, mailbox: mailbox, executor: executor)
    }

    /// Declares exchanges, queues and bindings, and remembers them to declare again after a reconnect.
    public func declare(_ topology: AMQPTopology) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if let refused = mailbox.post(.declare(topology, continuation)) { refused.failClosed() }
        }
    }

    /// Reads a queue's message and consumer counts (a passive declare); throws `.notFound` if it does not exist.
    public func inspect(queue: String) async throws -> AMQPQueueInfo {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AMQPQueueInfo, any Error>) in
            if let refused = mailbox.post(.inspect(queue: queue, continuation)) { refused.failClosed() }
        }
    }

    /// Publishes one message and returns once the broker has confirmed it.
    public func publish(_ message: AMQPMessage) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if let refused = mailbox.post(.publish(message, .single(continuation))) { refused.failClosed() }
        }
    }

    /// Publishes one message built from its parts and returns once the broker has confirmed it.
    public func publish(_ body: [UInt8], exchange: String = "", routingKey: String,
                        properties: AMQPProperties = .init()) async throws {
        try await publish(AMQPMessage(exchange: exchange, routingKey: routingKey, body: body, properties: properties))
    }

    /// Publishes many messages at once (all in flight together) and returns each one's confirm outcome, in order.
    public func publish(batch messages: [AMQPMessage]) async -> [Result<Void, AMQPError>] {
        guard !messages.isEmpty else { return [] }
        return await withCheckedContinuation { (continuation: CheckedContinuation<[Result<Void, AMQPError>], Never>) in
            publish(batch: messages) { continuation.resume(returning: $0) }
        }
    }

    /// Hands the messages to the connection thread and returns at once; `confirmed` gets one result per message,
    /// in order, once the broker has confirmed (or refused) them all. It runs on the connection thread (or at
    /// once, when the connection is closed) and must not block.
    public func publish(batch messages: [AMQPMessage],
                        confirmed: @escaping @Sendable ([Result<Void, AMQPError>]) -> Void) {
        guard !messages.isEmpty else { return confirmed([]) }
        let batch = PublishBatch(count: messages.count, done: confirmed)
        let commands = messages.enumerated().map { Command.publish($0.element, .batch(batch, index: $0.offset)) }
        for refused in mailbox.post(commands) { refused.failClosed() }
    }

    /// Starts consuming `queue` with manual acknowledgement and at most `prefetch` unsettled deliveries.
    public func consume(queue: String, prefetch: UInt16 = 16, exclusive: Bool = false,
                        arguments: AMQPTable = [:]) async throws -> AMQPConsumer {
        let id = ids.next()
        let (stream, continuation) = AsyncThrowingStream<AMQPDelivery, any Error>.makeStream()
        let spec = ConsumerSpec(id: id, queue: queue, prefetch: prefetch, exclusive: exclusive,
                                arguments: arguments, continuation: continuation)
        let mailbox = self.mailbox
        continuation.onTermination = { termination in
            if case .cancelled = termination { _ = mailbox.post(.cancel(consumerID: id, nil)) }
        }
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
            if let refused = mailbox.post(.consume(spec, started)) { refused.failClosed() }
        }
        return AMQPConsumer(queue: queue, id: id, stream: stream, mailbox: mailbox)
    }

    /// Waits for in-flight confirms (up to the configured timeout), closes the connection and ends its consumers.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if let refused = mailbox.post(.close(continuation)) { refused.failClosed() }
        }
    }

    /// Whether the connection is up right now.
    public var isConnected: Bool { mailbox.status.connected }

    /// How many times a connection was established (1 after `connect`, +1 per reconnect).
    public var generation: UInt64 { mailbox.status.generation }

    /// Waits until the connection is up; returns false if it was closed instead.
    @discardableResult
    public func waitUntilConnected() async -> Bool {
        await mailbox.waitUntilConnected()
    }
}

/// A queue's counts as the broker reported them.
public struct AMQPQueueInfo: Sendable, Hashable {
    /// Messages ready for delivery (not counting unacknowledged ones).
    public var messageCount: UInt32
    /// Active consumers.
    public var consumerCount: UInt32
}

/// A thread-safe counter for consumer ids.
///
/// `@unchecked Sendable`: `value` is only touched while holding `lock`.
final class IDSource: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0

    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
