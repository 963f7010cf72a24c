import BatonAMQP
import Foundation
import Logging

/// Timers as expiring messages: a ladder of delay queues with one fixed TTL each (powers of two
/// milliseconds), all dead-lettering into `<prefix>.timers`, whose consumer hands due timers over.
///
/// A timer due in *d* ms is published to the largest step that fits (``TimerLadderRoute``); when it
/// expires and comes out in `<prefix>.timers`, ``run(handler:)`` sends it on to the next step, until it is
/// due within ``TimerLadderConfiguration/holdMilliseconds``; then the consumer holds it until its due time
/// and calls the handler. Every hop re-reads the clock, so the time one hop takes is absorbed by the next.
///
/// Delivery is **at least once**: a hop is published (with a confirm) before the message it came from is
/// acked, a fired timer is acked only after the handler returned, and quorum dead-lettering is at least
/// once. So after a crash or a lost connection a timer can be handed over twice — the handler must treat a
/// timer it already handled, or one that no longer matters, as a no-op. It may also be called concurrently
/// for different timers.
public final class TimerLadder: Sendable {
    /// The queues and routing settings.
    public let configuration: TimerLadderConfiguration
    /// The connection it publishes and consumes on.
    public let connection: AMQPConnection
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let hops = TimerLadderHopTracker()

    /// The wall clock in epoch milliseconds.
    public static let wallClock: @Sendable () -> Int64 = {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Creates a ladder on `connection`; `clock` (epoch milliseconds) decides when a timer is due.
    public init(connection: AMQPConnection, configuration: TimerLadderConfiguration = .init(),
                clock: @escaping @Sendable () -> Int64 = TimerLadder.wallClock,
                logger: Logger = Logger(label: "baton.timers")) {
        self.connection = connection
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// The clock's reading, epoch milliseconds.
    public var now: Int64 { clock() }

    /// What the consumer has learned about how long hops take.
    public var hopEstimate: TimerLadderHopEstimate { hops.current }

    // MARK: Topology

    /// The delay queues `<prefix>.delay.<ms>` (fixed `x-message-ttl`, dead-lettering through the default
    /// exchange to `<prefix>.timers`) and `<prefix>.timers` itself. `<prefix>.dead` is not included: the
    /// orchestrator declares it.
    public func topology() -> AMQPTopology {
        let quorum = configuration.queueKind == .quorum
        let timers = configuration.timersQueue
        var queues = configuration.steps.map { step in
            AMQPQueue(name: configuration.delayQueue(milliseconds: step),
                      type: quorum ? .quorum : nil,
                      deadLetterExchange: "",
                      deadLetterRoutingKey: timers,
                      deadLetterStrategy: quorum ? .atLeastOnce : nil,
                      overflow: quorum ? .rejectPublish : nil,
                      messageTTLMilliseconds: step)
        }
        queues.append(AMQPQueue(name: timers, type: quorum ? .quorum : nil))
        return AMQPTopology(queues: queues)
    }

    /// Declares ``topology()`` (idempotent; the connection declares it again after a reconnect).
    public func declare() async throws {
        try await connection.declare(topology())
    }

    // MARK: Scheduling

    /// Arms a timer due at `dueAt` (epoch ms), reckoned from `now`; returns once the broker confirmed it.
    public func schedule(execution: String, timer: String, dueAt: Int64, now: Int64) async throws {
        let request = TimerRequest(execution: execution, timer: timer, dueAt: dueAt)
        try await connection.publish(message(for: request, now: now))
    }

    /// Arms a timer due at `dueAt` (epoch ms), reckoned from the ladder's clock.
    public func schedule(execution: String, timer: String, dueAt: Int64) async throws {
        try await schedule(execution: execution, timer: timer, dueAt: dueAt, now: clock())
    }

    /// Arms many timers at once (all publishes in flight together); each one's confirm outcome, in order.
    public func schedule(batch requests: [TimerRequest], now: Int64) async -> [Result<Void, AMQPError>] {
        await connection.publish(batch: requests.map { message(for: $0, now: now) })
    }

    /// The message that arms `request` at `now`: into its first step, or straight into `<prefix>.timers`.
    func message(for request: TimerRequest, now: Int64) -> AMQPMessage {
        let routing = hops.current.adjusted(configuration)
        var message = TimerLadderMessage.message(request, queue: queue(for: TimerLadderRoute.decide(
            due: request.dueAt, now: now, configuration: routing)))
        if case .step(let ms) = TimerLadderRoute.decide(due: request.dueAt, now: now, configuration: routing) {
            message.properties.headers?[TimerLadderMessage.expectedHeader] = .int64(now + ms)
        }
        return message
    }

    private func queue(for route: TimerLadderRoute) -> String {
        switch route {
        case .fire, .hold: configuration.timersQueue
        case .step(let ms): configuration.delayQueue(milliseconds: ms)
        }
    }

    // MARK: Consuming

    /// Consumes `<prefix>.timers` until the task is cancelled or the connection closed: hops timers that are
    /// not yet due, hands due ones to `handler` (then acks them), dead-letters malformed ones.
    ///
    /// Survives reconnects: the AMQP layer resumes the consumer, and if the broker cancels it (a queue that
    /// came back without a leader after a crash) this loop consumes again with backoff.
    public func run(handler: @escaping @Sendable (FiredTimer) async -> Void) async throws {
        var failures = 0
        while !Task.isCancelled {
            do {
                let consumer = try await connection.consume(queue: configuration.timersQueue,
                                                             prefetch: configuration.prefetch)
                failures = 0
                try await withThrowingDiscardingTaskGroup { group in
                    for try await delivery in consumer {
                        group.addTask { await self.process(delivery, handler: handler) }
                    }
                }
                // The sequence ended: cancelled, or the connection was closed.
                if Task.isCancelled { return }
                guard await connection.waitUntilConnected() else { return }
            } catch let error as AMQPError where error.code == .closed {
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("timers consumer stopped; consuming again",
                               metadata: ["queue": "\(configuration.timersQueue)", "error": "\(error)",
                                          "attempt": "\(failures)"])
            }
            let backoff = min(5_000, 50 << min(failures, 7))
            do { try await Task.sleep(for: .milliseconds(backoff)) } catch { return }
            guard await connection.waitUntilConnected() else { return }
        }
    }

    /// One delivery of `<prefix>.timers`: fire, hold then fire, hop, or dead-letter.
    private func process(_ delivery: AMQPDelivery, handler: @Sendable (FiredTimer) async -> Void) async {
        let request: TimerRequest
        do {
            request = try TimerLadderMessage.decode(delivery.body)
        } catch {
            await deadLetter(delivery, reason: error.reason)
            return
        }
        if !delivery.redelivered, let expected = delivery.properties.headers?[TimerLadderMessage.expectedHeader]?.intValue {
            hops.record(overshoot: clock() - Int64(expected))
        }
        while true {
            let now = clock()
            let routing = hops.current.adjusted(configuration)
            switch TimerLadderRoute.decide(due: request.dueAt, now: now, configuration: routing) {
            case .fire:
                await handler(FiredTimer(execution: request.execution, timer: request.timer, due: request.dueAt,
                                         firedAt: now, redelivered: delivery.redelivered))
                try? delivery.ack()
                return
            case .hold(let ms):
                // Cancelled while holding: leave it unacked, the broker delivers it again.
                do { try await Task.sleep(for: .milliseconds(ms)) } catch { return }
            case .step(let ms):
                var message = TimerLadderMessage.message(request, queue: configuration.delayQueue(milliseconds: ms))
                message.properties.headers?[TimerLadderMessage.expectedHeader] = .int64(now + ms)
                await hop(delivery, request: request, message: message)
                return
            }
        }
    }

    /// Publishes the timer to its next step, then acks the delivery it came from.
    private func hop(_ delivery: AMQPDelivery, request: TimerRequest, message: AMQPMessage) async {
        do {
            try await connection.publish(message)
            try? delivery.ack()
        } catch {
            // Connection lost: the delivery cannot be settled any more and comes again. Otherwise (a nack,
            // say `reject-publish` on a full queue) put it back after a pause.
            logger.warning("timer hop failed", metadata: ["queue": "\(message.routingKey)", "error": "\(error)",
                                                          "execution": "\(request.execution)",
                                                          "timer": "\(request.timer)"])
            try? await Task.sleep(for: .milliseconds(500))
            try? delivery.reject(requeue: true)
        }
    }

    /// Publishes a malformed message to `<prefix>.dead` with the reason in headers, then acks it.
    private func deadLetter(_ delivery: AMQPDelivery, reason: String) async {
        var properties = delivery.properties
        var headers = properties.headers ?? [:]
        headers["baton-dead-reason"] = .string(reason)
        headers["baton-dead-error"] = .string(TimerMessageError.code)
        headers["baton-dead-queue"] = .string(configuration.timersQueue)
        properties.headers = headers
        logger.warning("malformed timer message dead-lettered", metadata: ["reason": "\(reason)"])
        do {
            try await connection.publish(delivery.body, routingKey: configuration.deadQueue, properties: properties)
            try? delivery.ack()
        } catch {
            logger.error("could not dead-letter a malformed timer message",
                         metadata: ["error": "\(error)", "queue": "\(configuration.deadQueue)"])
            try? await Task.sleep(for: .milliseconds(500))
            try? delivery.reject(requeue: true)
        }
    }
}
