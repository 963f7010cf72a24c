import BatonAMQP
import BatonLanguage
import Foundation
import Logging

/// A Baton worker: consumes task requests from its queues, runs one handler per queue, and replies to
/// each request's `reply_to` with its `correlation_id`, as docs/wire-protocol.md pins it.
///
/// ```swift
/// let worker = try Worker(url: "amqp://localhost", concurrency: 4)
/// worker.handle(queue: "resize") { task in
///     guard let width = task.input["width"]?.intValue else { throw TaskFailure(error: "BadInput", cause: "no width") }
///     return ["width": .int(width / 2)]
/// }
/// try await worker.run()          // until worker.stop()
/// ```
///
/// Each request is acked only after its reply was confirmed by the broker, so a worker that dies mid-task
/// leaves the request to be delivered again. While a handler runs, a `baton-status: heartbeat` reply goes
/// out every half `baton-heartbeat-seconds` (when the request has that header).
public final class Worker: Sendable {
    /// A task handler: returns the task's output, or throws (``TaskFailure`` or any error) to fail it.
    public typealias Handler = @Sendable (WorkerTask) async throws -> JSON

    /// The configuration.
    public let configuration: WorkerConfiguration
    private let logger: Logger
    private let state = State()

    /// Creates a worker; nothing connects until ``run()``.
    public init(configuration: WorkerConfiguration, logger: Logger = Logger(label: "baton.worker")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Creates a worker for a broker URL (`amqp://…` or `amqps://…`).
    public convenience init(url: String, concurrency: Int = 1, logger: Logger = Logger(label: "baton.worker")) throws {
        self.init(configuration: try WorkerConfiguration(url: url, concurrency: concurrency), logger: logger)
    }

    /// Registers the handler of a queue; call before ``run()`` (a second handler for one queue makes `run()` throw).
    public func handle(queue: String, _ handler: @escaping Handler) {
        state.register(queue: queue, handler: handler)
    }

    /// How many tasks are being handled right now.
    public var tasksInFlight: Int { state.tasksInFlight }

    /// Connects, declares the queues, and handles tasks until ``stop()``; then finishes the tasks in flight and closes.
    ///
    /// Throws if the first connection or a declaration fails, or if the broker cancels a consumer (for example,
    /// when its queue is deleted; the other queues are stopped gracefully first).
    public func run() async throws {
        guard configuration.concurrency >= 1 else {
            throw WorkerError(.invalidConfiguration, "concurrency must be at least 1")
        }
        guard let handlers = try state.begin() else { return }
        defer { state.finish() }
        let connection = try await AMQPConnection.connect(configuration.amqp, logger: amqpLogger,
                                                          name: configuration.connectionName)
        do {
            if configuration.declareQueues {
                for (queue, _) in handlers { try await declareIfMissing(queue, on: connection) }
            }
            var consumers: [(AMQPConsumer, Handler)] = []
            for (queue, handler) in handlers {
                let consumer = try await connection.consume(queue: queue, prefetch: configuration.effectivePrefetch)
                if !state.add(consumer) { await consumer.cancel() }
                consumers.append((consumer, handler))
            }
            logger.info("worker consuming", metadata: [
                "queues": .string(handlers.map(\.queue).joined(separator: ",")),
                "concurrency": .stringConvertible(configuration.concurrency),
            ])
            let failure = await withTaskGroup(of: (any Error)?.self) { group in
                for (consumer, handler) in consumers {
                    group.addTask { await self.serve(consumer, handler: handler, connection: connection) }
                }
                var first: (any Error)?
                for await error in group where error != nil {
                    first = first ?? error
                    stop()
                }
                return first
            }
            await connection.close()
            logger.info("worker stopped")
            if let failure { throw failure }
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Declares a queue durable with no arguments unless it exists (as Baton does): a queue's own settings win.
    private func declareIfMissing(_ queue: String, on connection: AMQPConnection) async throws {
        do {
            _ = try await connection.inspect(queue: queue)
        } catch let error as AMQPError where error.code == .notFound {
            try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        }
    }

    /// Stops consuming; ``run()`` returns once the tasks in flight have been replied to and acked. Safe to call anytime.
    public func stop() {
        let consumers = state.beginStopping()
        guard !consumers.isEmpty else { return }
        logger.info("worker stopping: no new tasks, finishing those in flight")
        Task { for consumer in consumers { await consumer.cancel() } }
    }

    /// Consumes one queue, at most `concurrency` handlers at once; returns the error that ended the consumer, if any.
    private func serve(_ consumer: AMQPConsumer, handler: @escaping Handler, connection: AMQPConnection) async -> (any Error)? {
        let limit = configuration.concurrency
        return await withTaskGroup(of: Void.self) { group in
            var running = 0
            do {
                for try await delivery in consumer {
                    if state.isStopping {
                        // Prefetched but not started: give it back for another worker.
                        try? delivery.reject(requeue: true)
                        continue
                    }
                    while running >= limit {
                        await group.next()
                        running -= 1
                    }
                    running += 1
                    group.addTask { await self.process(delivery, queue: consumer.queue, handler: handler, connection: connection) }
                }
                return nil
            } catch {
                logger.error("consumer ended", metadata: ["queue": .string(consumer.queue), "error": .string("\(error)")])
                return error
            }
        }
    }

    /// Handles one delivery: parse, run the handler with heartbeats, reply, then ack.
    private func process(_ delivery: AMQPDelivery, queue: String, handler: Handler, connection: AMQPConnection) async {
        let properties = delivery.properties
        guard let replyTo = properties.replyTo, !replyTo.isEmpty,
              let token = properties.correlationID, !token.isEmpty else {
            logger.warning("task request without reply_to or correlation_id: rejected", metadata: ["queue": .string(queue)])
            try? delivery.reject(requeue: false)
            return
        }
        state.taskStarted()
        defer { state.taskEnded() }
        var metadata: Logger.Metadata = ["queue": .string(queue)]
        if let state = properties.headers?[WorkerTask.Header.state]?.stringValue { metadata["state"] = .string(state) }
        if let arn = properties.headers?[WorkerTask.Header.executionArn]?.stringValue { metadata["execution"] = .string(arn) }

        var reply: TaskReply
        switch Result(catching: { () throws(JSONParseError) -> JSON in try JSONParser.parse(bytes: delivery.body) }) {
        case .failure(let error):
            reply = .failed(TaskFailure(error: TaskFailure.invalidInput, cause: "the task request's body is not JSON: \(error)"))
        case .success(let input):
            let heartbeat: @Sendable () async throws -> Void = {
                try await connection.publish(TaskReply.heartbeat.message(replyTo: replyTo, correlationID: token))
            }
            let task = WorkerTask(input: input, token: token, queue: queue, properties: properties,
                                  redelivered: delivery.redelivered, onHeartbeat: heartbeat)
            let beats = automaticHeartbeats(for: task, metadata: metadata)
            do {
                reply = .succeeded(try await handler(task))
            } catch {
                reply = .failed(TaskFailure(describing: error))
            }
            beats?.cancel()
            await beats?.value
        }
        var message = reply.message(replyTo: replyTo, correlationID: token)
        if message.body.count > configuration.maxReplyBytes {
            reply = .failed(TaskFailure(error: TaskFailure.dataLimitExceeded,
                                        cause: "the task's output is \(message.body.count) bytes; replies are limited to \(configuration.maxReplyBytes)"))
            message = reply.message(replyTo: replyTo, correlationID: token)
        }
        metadata["status"] = .string(reply.status)
        if case .failed(let failure) = reply { metadata["error"] = .string(failure.error) }
        if await publish(message, connection: connection, metadata: metadata) {
            try? delivery.ack()
            logger.debug("task answered", metadata: metadata)
        } else {
            try? delivery.nack(requeue: true)
        }
    }

    /// Sends a heartbeat every half interval until cancelled; nil when the task has no heartbeat interval.
    private func automaticHeartbeats(for task: WorkerTask, metadata: Logger.Metadata) -> Task<Void, Never>? {
        guard configuration.automaticHeartbeats, let interval = task.heartbeatInterval else { return nil }
        let period = max(interval / 2, .milliseconds(50))
        let logger = self.logger
        return Task {
            while true {
                do { try await Task.sleep(for: period) } catch { return }
                do {
                    try await task.heartbeat()
                    logger.trace("heartbeat sent", metadata: metadata)
                } catch {
                    logger.warning("heartbeat not sent", metadata: metadata.merging(["reason": .string("\(error)")]) { $1 })
                }
            }
        }
    }

    /// Publishes a reply, again after a lost connection; false if it could not be confirmed.
    private func publish(_ message: AMQPMessage, connection: AMQPConnection, metadata: Logger.Metadata) async -> Bool {
        let attempts = max(1, configuration.replyAttempts)
        for attempt in 1...attempts {
            do {
                try await connection.publish(message)
                return true
            } catch let error as AMQPError where error.isRetryable && attempt < attempts {
                logger.notice("reply not confirmed; publishing again", metadata: metadata.merging(["reason": .string("\(error)")]) { $1 })
                await connection.waitUntilConnected()
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            } catch {
                logger.error("reply lost; the request goes back to its queue", metadata: metadata.merging(["reason": .string("\(error)")]) { $1 })
                return false
            }
        }
        return false
    }

    /// The AMQP layer's log records, forwarded to swift-log.
    private var amqpLogger: AMQPLogger {
        let logger = self.logger
        let minimum: AMQPLogger.Level = switch logger.logLevel {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error, .critical: .error
        }
        return AMQPLogger(minimumLevel: minimum) { level, message, metadata in
            let swiftLevel: Logger.Level = switch level {
            case .trace: .trace
            case .debug: .debug
            case .info: .info
            case .notice: .notice
            case .warning: .warning
            case .error: .error
            }
            logger.log(level: swiftLevel, "\(message)", metadata: metadata.mapValues { .string($0) })
        }
    }
}
