import BatonAMQP
import BatonCore
import BatonEngine
import BatonLanguage
import Foundation
import Logging

// The orchestrator on RabbitMQ. Each consumer follows the same recipe:
//
//   delivery --decode--> orchestrator call --effects--> publish with confirms (retried until done) --> ack
//      |                        |
//      +-- not decodable -------+-- refused (EngineError) --> baton.dead with the reason --> ack
//
// Consumers: baton.start (and trigger queues), baton.replies, baton.control, the timer ladder, and a
// sweep that fires timers the broker did not deliver in time. Stopping cancels the consumers and lets
// the deliveries in hand finish.

/// Runs the orchestrator over a RabbitMQ connection until cancelled.
public final class BrokerService: Sendable {
    public let connection: AMQPConnection
    public let orchestrator: Orchestrator
    public let configuration: BrokerConfiguration
    public let timers: TimerLadder
    let logger: Logger
    let declaredQueues = DeclaredQueues()

    public init(connection: AMQPConnection, orchestrator: Orchestrator, configuration: BrokerConfiguration = .init(),
                timers: TimerLadder, logger: Logger = Logger(label: "baton.broker")) {
        self.connection = connection
        self.orchestrator = orchestrator
        self.configuration = configuration
        self.timers = timers
        self.logger = logger
    }

    /// Declares the orchestrator's queues, exchanges and the timer ladder (idempotent).
    public func declare() async throws {
        let topology = configuration.topology()
        do {
            try await connection.declare(topology)
        } catch let refused as AMQPError where refused.code == .preconditionFailed {
            try await declareKeepingExistingQueues(topology)
        }
        try await timers.declare()
    }

    /// Declares the topology queue by queue: a queue that already exists with other arguments (declared by an
    /// earlier Baton as a classic queue of version 1) is used as it is, with a warning.
    func declareKeepingExistingQueues(_ topology: AMQPTopology) async throws {
        for queue in topology.queues {
            do {
                try await connection.declare(AMQPTopology(queues: [queue]))
            } catch let refused as AMQPError where refused.code == .preconditionFailed && queue.classicVersion != nil {
                var existing = queue
                existing.classicVersion = nil
                try await connection.declare(AMQPTopology(queues: [existing]))
                logger.warning("queue exists without x-queue-version; used as it is (delete it while idle to get the faster version 2)",
                               metadata: ["queue": "\(queue.name)", "broker": "\(refused.message)"])
            }
        }
        try await connection.declare(AMQPTopology(exchanges: topology.exchanges, bindings: topology.bindings))
    }

    /// Consumes until the surrounding task is cancelled.
    public func run() async throws {
        // Consumers run on the connection's thread (with the orchestrator, when it uses that executor too).
        try await withTaskExecutorPreference(connection.executor) { try await self.consume() }
        logger.info("orchestrator stopped")
    }

    func consume() async throws {
        try await declare()
        let recovered = await orchestrator.takeRecoveredEffects()
        if !recovered.isEmpty {
            logger.info("publishing messages decided before a restart and never confirmed", metadata: ["messages": "\(recovered.count)"])
            try await perform(recovered)
        }
        try await rearmTimers()
        logger.info("orchestrator consuming", metadata: ["prefix": "\(configuration.prefix)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            let c = self.configuration
            group.addTask { try await self.consumeLoop(c.startQueue) { try await self.handleStart($0, queue: c.startQueue, trigger: nil) } }
            for t in c.triggers {
                let q = c.triggerQueue(t)
                group.addTask { try await self.consumeLoop(q) { try await self.handleStart($0, queue: q, trigger: t) } }
            }
            // One drain: replies reach the orchestrator in the order the queue delivered them (of two different
            // replies to one task, the first wins).
            group.addTask {
                try await self.consumeLoop(c.repliesQueue, batches: DeliveryBatcher(maxDrains: 1, maxBatch: 128)) {
                    try await self.applyReplies($0, queue: c.repliesQueue)
                }
            }
            group.addTask { try await self.consumeLoop(c.controlQueue) { try await self.handleControl($0, queue: c.controlQueue) } }
            group.addTask { try await self.timers.run { fired in await self.handleTimer(fired) } }
            group.addTask { try await self.sweep() }
            try await group.waitForAll()
        }
    }

    /// Consumes a queue handing the deliveries that gather meanwhile to a few drains, in batches.
    /// `prepare` applies a batch and returns what finishes it (publish, ack), which runs on its own so
    /// the drain goes on with the next batch meanwhile.
    func consumeLoop(_ queue: String, batches: @autoclosure @escaping @Sendable () -> DeliveryBatcher,
                     _ prepare: @escaping @Sendable ([AMQPDelivery]) async throws -> (@Sendable () async throws -> Void)?)
        async throws {
        try await consumeSessions(queue) { consumer in
            let batcher = batches()
            try await withThrowingDiscardingTaskGroup { group in
                for try await delivery in consumer where batcher.add(delivery) {
                    group.addTask {
                        try await withThrowingDiscardingTaskGroup { finishing in
                            while let batch = batcher.take() {
                                if let finish = try await prepare(batch) { finishing.addTask { try await finish() } }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Consumes a queue, one delivery at a time per handler call, resuming after broker restarts.
    func consumeLoop(_ queue: String, _ handle: @escaping @Sendable (AMQPDelivery) async throws -> Void) async throws {
        try await consumeSessions(queue) { consumer in
            try await withThrowingDiscardingTaskGroup { group in
                for try await delivery in consumer {
                    group.addTask { try await handle(delivery) }
                }
            }
        }
    }

    /// Runs `session` over a consumer of the queue, consuming again after the connection comes back.
    func consumeSessions(_ queue: String, _ session: @escaping @Sendable (AMQPConsumer) async throws -> Void) async throws {
        var failures = 0
        while !Task.isCancelled {
            do {
                let consumer = try await connection.consume(queue: queue, prefetch: configuration.prefetch)
                failures = 0
                try await session(consumer)
                if Task.isCancelled { return }
                guard await connection.waitUntilConnected() else { return }
            } catch let error as AMQPError where error.code == .closed {
                return
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("consumer stopped; consuming again", metadata: ["queue": "\(queue)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 * (1 << min(failures, 6)))))
            }
        }
    }

    // MARK: Handlers

    func handleStart(_ delivery: AMQPDelivery, queue: String, trigger: BrokerConfiguration.Trigger?) async throws {
        let request: Orchestrator.StartRequest
        do {
            request = try StartMessage.decode(delivery, trigger: trigger, maxBytes: orchestrator.configuration.maxMessageBytes)
        } catch let e as EngineError {
            try await deadLetter(delivery, e, queue: queue)
            return
        }
        do {
            let (record, effects) = try await orchestrator.start(request)
            logger.debug("execution started", metadata: ["execution": "\(record.executionArn)"])
            send(effects, thenAck: [delivery])
        } catch let e as EngineError {
            try await deadLetter(delivery, e, queue: queue)
        }
    }

    /// Replies delivered together: decoded and applied in one orchestrator call. Once the store holds them, their
    /// effects are sent and they are acked without waiting for a task (`send`). Returns what is left to do for the
    /// refused ones (dead-lettered once the batch is durable); the undecodable are dead-lettered at once.
    func applyReplies(_ batch: [AMQPDelivery], queue: String) async throws -> (@Sendable () async throws -> Void)? {
        var answers: [(token: String, answer: Orchestrator.TaskAnswer)] = []
        var accepted: [AMQPDelivery] = []
        answers.reserveCapacity(batch.count)
        accepted.reserveCapacity(batch.count)
        for delivery in batch {
            do {
                let (token, answer) = try ReplyMessage.decode(delivery, maxBytes: orchestrator.configuration.maxMessageBytes)
                answers.append((token, answer))
                accepted.append(delivery)
            } catch {
                try await deadLetter(delivery, error, queue: queue)
            }
        }
        guard !answers.isEmpty else { return nil }
        let (outcomes, durable) = await orchestrator.applyAnswers(answers, from: .reply)
        var effects: [Effect] = []
        var applied: [AMQPDelivery] = []
        var refused: [(AMQPDelivery, String, EngineError)] = []
        applied.reserveCapacity(outcomes.count)
        for (i, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let e?):
                effects += e
                applied.append(accepted[i])
            case .success(nil):
                logIgnored(token: answers[i].token)
                applied.append(accepted[i])
            case .failure(let e):
                refused.append((accepted[i], answers[i].token, e))
            }
        }
        durable.whenComplete { [effects, applied] result in
            switch result {
            case .success: self.send(effects, thenAck: applied)
            case .failure(let error):
                // Not saved: not acked either, so the broker delivers the replies again.
                self.logger.error("replies not recorded; they stay unacked", metadata: ["error": "\(error)"])
            }
        }
        guard !refused.isEmpty else { return nil }
        return { [refused] in
            try await durable.wait()
            for (delivery, token, error) in refused { try await self.refuseAnswer(delivery, token: token, error, queue: queue) }
        }
    }

    func handleControl(_ delivery: AMQPDelivery, queue: String) async throws {
        let control: ControlMessage
        do {
            control = try ControlMessage.decode(delivery, maxBytes: orchestrator.configuration.maxMessageBytes)
        } catch let e as EngineError {
            try await deadLetter(delivery, e, queue: queue)
            return
        }
        switch control {
        case .answer(let token, let answer):
            try await answerTask(token: token, answer, from: .callback, delivery: delivery, queue: queue)
        case .stop(let arn, let error, let cause):
            do {
                try await perform(try await orchestrator.stop(executionArn: arn, error: error, cause: cause))
                try delivery.ack()
            } catch let e as EngineError {
                try await deadLetter(delivery, e, queue: queue)
            }
        }
    }

    func answerTask(token: String, _ answer: Orchestrator.TaskAnswer, from source: Orchestrator.AnswerSource,
                    delivery: AMQPDelivery, queue: String) async throws {
        do {
            if let effects = try await orchestrator.taskAnswered(token: token, answer, from: source) {
                try await perform(effects)
            } else {
                logIgnored(token: token)
            }
            try delivery.ack()
        } catch let e as EngineError {
            try await refuseAnswer(delivery, token: token, e, queue: queue)
        }
    }

    func logIgnored(token: String) {
        logger.info("answer ignored: the task already ended (a duplicate or late answer), or it is a callback task that only SendTask* completes",
                    metadata: ["token": "\(token.prefix(12))…"])
    }

    /// An answer the orchestrator refused: dead-lettered, unless its token was issued by an execution that
    /// ended (memory forgot it, or it ended before a restart): then it is a late answer, logged and dropped.
    func refuseAnswer(_ delivery: AMQPDelivery, token: String, _ error: EngineError, queue: String) async throws {
        if error.code == .taskDoesNotExist, await orchestrator.isIssued(token: token) {
            logger.info("answer ignored: its execution ended before (a late answer)", metadata: ["token": "\(token.prefix(12))…"])
            try delivery.ack()
            return
        }
        try await deadLetter(delivery, error, queue: queue)
    }

    func handleTimer(_ fired: FiredTimer) async {
        do {
            if let effects = try await orchestrator.timerFired(execution: fired.execution, timer: fired.timer) {
                try await perform(effects)
            } else {
                logger.debug("timer no longer armed ignored", metadata: ["execution": "\(fired.execution)", "timer": "\(fired.timer)"])
            }
        } catch {
            logger.error("timer could not be applied", metadata: ["error": "\(error)"])
        }
    }

    /// Fires timers the broker has not delivered in time (lost, or the ladder was down), and keeps going.
    func sweep() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(configuration.sweepIntervalMilliseconds))
            for (execution, timer) in await orchestrator.overdueTimers() {
                logger.warning("timer overdue; fired by the sweep", metadata: ["execution": "\(execution)", "timer": "\(timer)"])
                await handleTimer(FiredTimer(execution: execution, timer: timer, due: 0, firedAt: 0, redelivered: true))
            }
        }
    }

    /// Schedules again every armed timer (after a restart of the orchestrator with a durable journal).
    func rearmTimers() async throws {
        let armed = await orchestrator.armedTimers()
        guard !armed.isEmpty else { return }
        let requests = armed.map { TimerRequest(execution: $0.execution, timer: $0.timer, dueAt: $0.dueAt) }
        _ = await timers.schedule(batch: requests, now: timers.now)
    }

    // MARK: Effects

    /// Publishes what the orchestrator asked for, with confirms; retries until every message is confirmed,
    /// so nothing decided is lost while the broker restarts.
    func perform(_ effects: [Effect]) async throws {
        var messages: [AMQPMessage] = []
        var timerRequests: [TimerRequest] = []
        for effect in effects {
            if case .publishTask(let dispatch) = effect { try await ensureQueue(dispatch.route.queue) }
            if case .scheduleTimer(let execution, let timer, let due) = effect {
                timerRequests.append(TimerRequest(execution: execution, timer: timer, dueAt: due))
            } else if let message = message(for: effect) {
                messages.append(message)
            }
        }
        try await deliver(messages, timers: timerRequests)
        orchestrator.published(effects)
    }

    /// Sends effects and then acks the deliveries they answer, without waiting: the messages go to the connection
    /// at once and their confirms are handled as they come (a failed one is published again by a task, until
    /// confirmed). Acking before the confirms loses nothing: without a store the decision lives in this process,
    /// which keeps publishing until confirmed; with a store the outbox holds it across a crash. Effects that need
    /// a wait (a timer, a task queue not declared yet) go through `perform` on a task, the acks after it.
    func send(_ effects: [Effect], thenAck deliveries: [AMQPDelivery]) {
        var messages: [AMQPMessage] = []
        messages.reserveCapacity(effects.count)
        for effect in effects {
            if case .publishTask(let dispatch) = effect, !declaredQueues.contains(dispatch.route.queue) { messages = []; break }
            guard let message = message(for: effect) else { messages = []; break }
            messages.append(message)
        }
        guard messages.count == effects.count else {
            Task {
                try await self.perform(effects)
                for delivery in deliveries { self.ack(delivery) }
            }
            return
        }
        if !messages.isEmpty {
            connection.publish(batch: messages) { [messages] results in
                let failed = zip(messages, results).compactMap { m, r -> AMQPMessage? in if case .failure = r { m } else { nil } }
                guard !failed.isEmpty else { return self.orchestrator.published(effects) }
                Task {
                    try await self.deliver(failed, timers: [])
                    self.orchestrator.published(effects)
                }
            }
        }
        for delivery in deliveries { ack(delivery) }
    }

    /// Acks; a connection already closed means the broker requeued the delivery (it comes again, as a duplicate).
    func ack(_ delivery: AMQPDelivery) {
        do {
            try delivery.ack()
        } catch {
            logger.debug("ack not sent: the connection is closed; the message will be delivered again")
        }
    }

    /// The message an effect publishes (nil for a timer: the ladder schedules those).
    func message(for effect: Effect) -> AMQPMessage? {
        switch effect {
        case .publishTask(let dispatch):
            return TaskMessage.message(dispatch, repliesQueue: configuration.repliesQueue)
        case .scheduleTimer:
            return nil
        case .publishResult(let reply, let body):
            return AMQPMessage(routingKey: reply.replyTo, body: Array(body.serialized().utf8),
                               properties: AMQPProperties(contentType: "application/json", deliveryMode: .persistent,
                                                          correlationID: reply.correlationId))
        case .publishEvent(let key, let body):
            return AMQPMessage(exchange: configuration.eventsExchange, routingKey: key, body: Array(body.serialized().utf8),
                               properties: AMQPProperties(contentType: "application/json", deliveryMode: .persistent))
        }
    }

    /// Publishes messages and schedules timers, retrying whatever is not confirmed until everything is.
    func deliver(_ messages: [AMQPMessage], timers timerRequests: [TimerRequest]) async throws {
        var messages = messages
        var timerRequests = timerRequests
        var attempt = 0
        while !messages.isEmpty || !timerRequests.isEmpty {
            // Only run the two in parallel when both have work: a child task per message costs a hand-off.
            let p: [Result<Void, AMQPError>]
            let s: [Result<Void, AMQPError>]
            if timerRequests.isEmpty {
                p = await connection.publish(batch: messages)
                s = []
            } else if messages.isEmpty {
                p = []
                s = await timers.schedule(batch: timerRequests, now: timers.now)
            } else {
                async let published = connection.publish(batch: messages)
                async let scheduled = timers.schedule(batch: timerRequests, now: timers.now)
                (p, s) = await (published, scheduled)
            }
            messages = zip(messages, p).compactMap { m, r in if case .failure = r { return m } else { return nil } }
            timerRequests = zip(timerRequests, s).compactMap { t, r in if case .failure = r { return t } else { return nil } }
            if messages.isEmpty && timerRequests.isEmpty { break }
            attempt += 1
            logger.warning("publish not confirmed; retrying", metadata: ["messages": "\(messages.count)",
                                                                          "timers": "\(timerRequests.count)", "attempt": "\(attempt)"])
            _ = await connection.waitUntilConnected()
            try await Task.sleep(for: .milliseconds(min(2_000, 50 * attempt)))
        }
    }

    /// Declares a task queue the first time it is used, unless it already exists (a worker's own settings win).
    func ensureQueue(_ name: String) async throws {
        try await declaredQueues.ensure(name, on: connection)
    }

    /// Publishes a message Baton cannot process to `<prefix>.dead` with the reason, then acks it.
    func deadLetter(_ delivery: AMQPDelivery, _ error: EngineError, queue: String) async throws {
        logger.warning("message dead-lettered", metadata: ["queue": "\(queue)", "error": "\(error.code.rawValue)",
                                                           "reason": "\(error.message)"])
        var properties = delivery.properties
        var headers = properties.headers ?? [:]
        headers["baton-dead-reason"] = .string(String(error.message.prefix(1000)))
        headers["baton-dead-error"] = .string(error.code.rawValue)
        headers["baton-dead-queue"] = .string(queue)
        properties.headers = headers
        properties.deliveryMode = .persistent
        let message = AMQPMessage(routingKey: configuration.deadQueue, body: delivery.body, properties: properties)
        var attempt = 0
        while true {
            do {
                try await connection.publish(message)
                break
            } catch {
                attempt += 1
                if Task.isCancelled { throw CancellationError() }
                _ = await connection.waitUntilConnected()
                try await Task.sleep(for: .milliseconds(min(2_000, 50 * attempt)))
            }
        }
        try delivery.ack()
    }
}

/// Task queues known to exist (declared or found): a small locked set. A name goes in only once its queue
/// exists, so nothing is published to a queue still being declared.
final class DeclaredQueues: @unchecked Sendable {
    // The lock guards `names`.
    private let lock = NSLock()
    private var names: Set<String> = []

    func insert(_ name: String) {
        lock.lock()
        defer { lock.unlock() }
        names.insert(name)
    }

    /// Declares the queue (durable, no arguments) unless it is known or found to exist: a queue's own
    /// settings win (a worker may have declared it first, as a quorum queue for example).
    func ensure(_ name: String, on connection: AMQPConnection) async throws {
        guard !contains(name) else { return }
        do {
            _ = try await connection.inspect(queue: name)
        } catch let e as AMQPError where e.code == .notFound {
            try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: name)]))
        }
        insert(name)
    }

    func contains(_ name: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return names.contains(name)
    }
}
