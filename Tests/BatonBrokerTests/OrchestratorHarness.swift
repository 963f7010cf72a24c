import BatonAMQP
import BatonBroker
import BatonEngine
import BatonLanguage
import Foundation
import Testing

/// A value behind a lock, for state shared between a test and its background tasks.
///
/// `@unchecked Sendable`: `value` is only touched while holding `lock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// A delivery and when it arrived.
struct Received: Sendable {
    let delivery: AMQPDelivery
    let at: ContinuousClock.Instant

    var json: JSON? { try? JSONParser.parse(bytes: delivery.body) }
    var headers: AMQPTable { delivery.properties.headers ?? [:] }
}

/// Collects a queue's deliveries (acking each) so a test can wait for them with a timeout.
final class Collector: Sendable {
    private let buffer = Locked<[Received]>([])
    private let all = Locked<[Received]>([])
    private let task: Locked<Task<Void, Never>?> = Locked(nil)

    init(_ consumer: AMQPConsumer) {
        let t = Task { [buffer, all] in
            do {
                for try await delivery in consumer {
                    let r = Received(delivery: delivery, at: .now)
                    buffer.withLock { $0.append(r) }
                    all.withLock { $0.append(r) }
                    try? delivery.ack()
                }
            } catch {}
        }
        task.withLock { $0 = t }
    }

    /// Takes the next delivery, waiting up to `timeout`; nil if none came.
    func next(timeout: Duration = .seconds(10)) async -> Received? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let first = buffer.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return first }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Every delivery received so far (taken or not).
    var received: [Received] { all.current }

    func stop() { task.withLock { $0?.cancel() } }
}

/// The orchestrator and its `BrokerService` running in process on one test's own prefix (queues, exchanges,
/// timer ladder and task queues all start with it), with the test's client connection and collectors for
/// results (`<prefix>.results`), events (all of `<prefix>.events`) and dead letters (`<prefix>.dead`).
final class RunningOrchestrator: Sendable {
    let prefix: String
    let orchestrator: Orchestrator
    let service: BrokerService
    let serviceConnection: AMQPConnection
    /// The test's own connection: starts, workers, control messages.
    let client: AMQPConnection
    let results: Collector
    let events: Collector
    let dead: Collector
    private let task: Task<Void, any Error>

    var resultsQueue: String { "\(prefix).results" }
    var startQueue: String { service.configuration.startQueue }
    var controlQueue: String { service.configuration.controlQueue }
    var repliesQueue: String { service.configuration.repliesQueue }
    var deadQueue: String { service.configuration.deadQueue }

    private init(prefix: String, orchestrator: Orchestrator, service: BrokerService, serviceConnection: AMQPConnection,
                 client: AMQPConnection, results: Collector, events: Collector, dead: Collector, task: Task<Void, any Error>) {
        self.prefix = prefix
        self.orchestrator = orchestrator
        self.service = service
        self.serviceConnection = serviceConnection
        self.client = client
        self.results = results
        self.events = events
        self.dead = dead
        self.task = task
    }

    /// The AMQP settings of the test's connections; `fastReconnect` for tests that restart the broker.
    static func amqp(_ url: String, fastReconnect: Bool) throws -> AMQPConfiguration {
        var c = try AMQPConfiguration(url: url)
        if fastReconnect {
            c.heartbeatSeconds = 2
            c.timeout = .seconds(3)
            c.reconnect = AMQPReconnectPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        }
        return c
    }

    /// Registers `definitions` (name → ASL text) and runs the service on a unique prefix.
    static func start(_ name: String, definitions: [String: String], url: String? = nil,
                      engine: EngineConfiguration = .init(timerSweepMarginMilliseconds: 2_000),
                      ladderKind: TimerLadderConfiguration.QueueKind = .classic,
                      fastReconnect: Bool = false,
                      triggers: (String) -> [BrokerConfiguration.Trigger] = { _ in [] }) async throws -> RunningOrchestrator {
        let address: String
        if let url { address = url } else { address = try await OrchestratorBroker.url() }
        let prefix = "ot-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        let orchestrator = Orchestrator(configuration: engine, routing: ResourceRouting(queuePrefix: "\(prefix)."),
                                        clock: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) },
                                        seeds: { UInt64.random(in: .min ... .max) })
        for (machine, text) in definitions {
            try await orchestrator.register(name: machine, definition: text)
        }
        let serviceConnection = try await AMQPConnection.connect(try amqp(address, fastReconnect: fastReconnect),
                                                                 name: "orch-\(name)")
        let client = try await AMQPConnection.connect(try amqp(address, fastReconnect: fastReconnect), name: "client-\(name)")
        let ladder = TimerLadder(connection: serviceConnection,
                                 configuration: TimerLadderConfiguration(prefix: prefix, smallestStepExponent: 3,
                                                                         largestStepExponent: 14, queueKind: ladderKind))
        let service = BrokerService(connection: serviceConnection, orchestrator: orchestrator,
                                    configuration: BrokerConfiguration(prefix: prefix, triggers: triggers(prefix),
                                                                       sweepIntervalMilliseconds: 500),
                                    timers: ladder)
        let c = service.configuration
        // A trigger's exchange belongs to the user and must exist before the service binds to it.
        for t in c.triggers {
            try await client.declare(AMQPTopology(exchanges: [AMQPExchange(name: t.exchange, kind: .topic)]))
        }
        try await service.declare()
        try await client.declare(AMQPTopology(
            queues: [AMQPQueue(name: "\(prefix).results"), AMQPQueue(name: "\(prefix).events-all")],
            bindings: [AMQPBinding(queue: "\(prefix).events-all", exchange: c.eventsExchange, routingKey: "#")]))
        let results = Collector(try await client.consume(queue: "\(prefix).results", prefetch: 100))
        let events = Collector(try await client.consume(queue: "\(prefix).events-all", prefetch: 100))
        let dead = Collector(try await client.consume(queue: c.deadQueue, prefetch: 100))
        let task = Task { try await service.run() }
        return RunningOrchestrator(prefix: prefix, orchestrator: orchestrator, service: service,
                                   serviceConnection: serviceConnection, client: client, results: results,
                                   events: events, dead: dead, task: task)
    }

    /// The task queue of a function named in a definition.
    func queue(_ function: String) -> String { "\(prefix).\(function)" }

    /// Declares a function's task queue and runs a worker on it.
    func worker(_ function: String, prefetch: UInt16 = 32,
                _ handle: @escaping @Sendable (Received, TestWorker) async throws -> TestWorker.Answer) async throws -> TestWorker {
        try await TestWorker.start(connection: client, queue: queue(function), prefetch: prefetch, handle)
    }

    /// Publishes a start message to `<prefix>.start` with `reply_to` = `<prefix>.results`; returns the correlation id.
    @discardableResult
    func startExecution(_ machine: String, name: String? = nil, input: JSON = .emptyObject,
                        correlationID: String = UUID().uuidString, headers: AMQPTable? = nil) async throws -> String {
        var o: JSONObject = ["stateMachine": .string(machine), "input": input]
        if let name { o["name"] = .string(name) }
        try await client.publish(Array(JSON.object(o).serialized().utf8), routingKey: startQueue,
                                 properties: AMQPProperties(contentType: "application/json", headers: headers,
                                                            deliveryMode: .persistent, correlationID: correlationID,
                                                            replyTo: resultsQueue))
        return correlationID
    }

    /// Publishes raw bytes to one of the orchestrator's queues.
    func publishRaw(_ body: [UInt8], to queue: String, properties: AMQPProperties = .init()) async throws {
        try await client.publish(body, routingKey: queue, properties: properties)
    }

    /// Waits for the next result on `<prefix>.results`: its JSON body and correlation id.
    func result(timeout: Duration = .seconds(15)) async -> (body: JSON, correlationID: String?, at: ContinuousClock.Instant)? {
        guard let r = await results.next(timeout: timeout), let json = r.json else { return nil }
        return (json, r.delivery.properties.correlationID, r.at)
    }

    /// Stops the service and closes both connections.
    func stop() async {
        task.cancel()
        _ = try? await task.value
        results.stop()
        events.stop()
        dead.stop()
        await serviceConnection.close()
        await client.close()
    }
}

/// A worker written directly on BatonAMQP, as the wire protocol describes: consumes a task queue, replies to
/// `reply_to` with the `correlation_id`, `baton-status` marking failures and heartbeats. Records every task it
/// got and how many were in hand at once.
final class TestWorker: Sendable {
    /// What the handler does with a task.
    enum Answer: Sendable {
        case output(JSON)
        case failure(error: String, cause: String)
        /// Never answer.
        case none
    }

    let connection: AMQPConnection
    let queue: String
    private let tasks = Locked<[Received]>([])
    private let load = Locked<(now: Int, max: Int)>((0, 0))
    private let consumerTask: Locked<Task<Void, Never>?> = Locked(nil)

    private init(connection: AMQPConnection, queue: String) {
        self.connection = connection
        self.queue = queue
    }

    static func start(connection: AMQPConnection, queue: String, prefetch: UInt16,
                      _ handle: @escaping @Sendable (Received, TestWorker) async throws -> Answer) async throws -> TestWorker {
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let worker = TestWorker(connection: connection, queue: queue)
        let consumer = try await connection.consume(queue: queue, prefetch: prefetch)
        let t = Task {
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    for try await delivery in consumer {
                        group.addTask { await worker.serve(Received(delivery: delivery, at: .now), handle) }
                    }
                }
            } catch {}
        }
        worker.consumerTask.withLock { $0 = t }
        return worker
    }

    private func serve(_ task: Received, _ handle: @Sendable (Received, TestWorker) async throws -> Answer) async {
        tasks.withLock { $0.append(task) }
        load.withLock { $0.now += 1; $0.max = max($0.max, $0.now) }
        let answer = (try? await handle(task, self)) ?? .none
        // Out of hand before the reply leaves, so the next task Baton sends cannot overlap this one.
        load.withLock { $0.now -= 1 }
        switch answer {
        case .output(let json): try? await reply(to: task, body: json)
        case .failure(let error, let cause):
            try? await reply(to: task, body: ["error": .string(error), "cause": .string(cause)], status: "failed")
        case .none: break
        }
        try? task.delivery.ack()
    }

    /// Publishes a reply to a task (or a heartbeat with `status: "heartbeat"`).
    func reply(to task: Received, body: JSON, status: String? = nil) async throws {
        let p = task.delivery.properties
        try await connection.publish(Array(body.serialized().utf8), routingKey: p.replyTo ?? "",
                                     properties: AMQPProperties(contentType: "application/json",
                                                                headers: status.map { ["baton-status": .string($0)] },
                                                                correlationID: p.correlationID))
    }

    /// Every task received so far, in arrival order.
    var received: [Received] { tasks.current }

    /// The most tasks in hand at once.
    var maxInFlight: Int { load.current.max }

    /// Waits until `count` tasks arrived (or `timeout`); returns them.
    func waitForTasks(_ count: Int, timeout: Duration = .seconds(10)) async -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while received.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return received
    }

    func stop() { consumerTask.withLock { $0?.cancel() } }
}

/// Milliseconds between two instants.
func milliseconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Int64 {
    let d = to - from
    return d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
}

/// A JSON value from literal text (test definitions and expectations).
func json(_ text: String) -> JSON {
    (try? JSONParser.parse(text)) ?? .null
}
