import BatonTestSupport
import BatonAMQP
import BatonLanguage
import BatonWorker
import Foundation
import Logging

/// A unique name per test, so tests can run in parallel on one broker.
func uniqueName(_ prefix: String) -> String {
    "\(prefix).\(UInt32.random(in: 0...UInt32.max))"
}

/// Collects a consumer's deliveries in the background so tests can wait for them with a timeout.
///
/// `@unchecked Sendable`: `buffer` and `task` are only touched while holding `lock`.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: [AMQPDelivery] = []
    private var task: Task<Void, Never>?

    init(_ consumer: AMQPConsumer) {
        let started = Task { [weak self] in
            do {
                for try await delivery in consumer {
                    try? delivery.ack()
                    self?.append(delivery)
                }
            } catch {}
        }
        lock.lock(); task = started; lock.unlock()
    }

    private func append(_ delivery: AMQPDelivery) {
        lock.lock(); buffer.append(delivery); lock.unlock()
    }

    /// Takes the next delivery, waiting up to `timeout`; nil if none came.
    func next(timeout: Duration = .seconds(10)) async -> AMQPDelivery? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let first = takeFirst() { return first }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Takes deliveries until one that is not a heartbeat (returned last), waiting up to `timeout` in all.
    func nextAnswer(timeout: Duration = .seconds(10)) async -> (heartbeats: [AMQPDelivery], answer: AMQPDelivery?) {
        let deadline = ContinuousClock.now + timeout
        var beats: [AMQPDelivery] = []
        while let delivery = await next(timeout: deadline - ContinuousClock.now) {
            if delivery.status == "heartbeat" { beats.append(delivery) } else { return (beats, delivery) }
        }
        return (beats, nil)
    }

    private func takeFirst() -> AMQPDelivery? {
        lock.lock(); defer { lock.unlock() }
        return buffer.isEmpty ? nil : buffer.removeFirst()
    }

    func stop() {
        lock.lock(); let running = task; lock.unlock()
        running?.cancel()
    }
}

extension AMQPDelivery {
    /// The `baton-status` header.
    var status: String? { properties.headers?["baton-status"]?.stringValue }

    /// The body parsed as JSON (nil if it is not JSON).
    var json: JSON? { try? JSONParser.parse(bytes: body) }

    /// The message as the schemas' capture shape: `{"routing_key", "properties": {…}, "body": …}`.
    var captured: JSON {
        var props: JSONObject = [:]
        if let id = properties.correlationID { props["correlation_id"] = .string(id) }
        if let replyTo = properties.replyTo { props["reply_to"] = .string(replyTo) }
        if let id = properties.messageID { props["message_id"] = .string(id) }
        if let mode = properties.deliveryMode { props["delivery_mode"] = .int(Int(mode.rawValue)) }
        if let type = properties.contentType { props["content_type"] = .string(type) }
        if let headers = properties.headers {
            var table: JSONObject = [:]
            for (key, value) in headers.sorted(by: { $0.key < $1.key }) {
                if let int = value.intValue { table[key] = .int(int) } else if let s = value.stringValue { table[key] = .string(s) }
            }
            props["headers"] = .object(table)
        }
        return ["routing_key": .string(routingKey), "properties": .object(props), "body": json ?? .string(bodyString)]
    }
}

/// A stand-in for Baton: declares a task queue and a reply queue, publishes Baton-shaped task requests.
struct FakeOrchestrator {
    let connection: AMQPConnection
    let taskQueue: String
    let replyQueue: String
    let replies: Inbox

    static func make(_ label: String) async throws -> FakeOrchestrator {
        let connection = try await WorkerTestBroker.connect()
        let taskQueue = uniqueName("w.\(label)")
        let replyQueue = uniqueName("w.replies")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: taskQueue), AMQPQueue(name: replyQueue)]))
        let replies = Inbox(try await connection.consume(queue: replyQueue, prefetch: 50))
        return FakeOrchestrator(connection: connection, taskQueue: taskQueue, replyQueue: replyQueue, replies: replies)
    }

    /// Publishes a task request as docs/wire-protocol.md pins it; returns its token.
    @discardableResult
    func send(_ input: JSON, state: String = "Resize", attempt: Int = 0, heartbeatSeconds: Int? = nil,
              deadline: Int64? = nil, body: [UInt8]? = nil) async throws -> String {
        let token = "tok-" + UUID().uuidString
        var headers: AMQPTable = [
            "baton-execution-arn": "arn:aws:states:us-east-1:123456789012:execution:order:order-1001",
            "baton-state": .string(state),
            "baton-attempt": .int64(Int64(attempt)),
            "baton-resource": .string("arn:aws:lambda:us-east-1:123456789012:function:\(taskQueue)"),
            "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ]
        if let heartbeatSeconds { headers["baton-heartbeat-seconds"] = .int64(Int64(heartbeatSeconds)) }
        if let deadline { headers["baton-deadline"] = .int64(deadline) }
        let properties = AMQPProperties(contentType: "application/json", headers: headers, deliveryMode: .persistent,
                                        correlationID: token, replyTo: replyQueue, messageID: token)
        try await connection.publish(body ?? Array(input.serialized().utf8), routingKey: taskQueue, properties: properties)
        return token
    }

    /// A worker for this orchestrator's broker.
    func worker(concurrency: Int = 1) async throws -> Worker {
        var configuration = try WorkerConfiguration(url: try await WorkerTestBroker.url(), concurrency: concurrency)
        configuration.connectionName = "test-worker"
        var logger = Logger(label: "baton.worker.test")
        logger.logLevel = .warning
        return Worker(configuration: configuration, logger: logger)
    }

    func close() async {
        replies.stop()
        await connection.close()
    }
}

/// Runs a worker in the background; `stop()` stops it and waits for `run()` to return.
struct RunningWorker {
    let worker: Worker
    let task: Task<Void, any Error>

    init(_ worker: Worker) {
        self.worker = worker
        task = Task { try await worker.run() }
    }

    func stop() async throws {
        worker.stop()
        try await task.value
    }
}

/// Writes captured messages as JSON files into a fresh directory and runs scripts/check-schemas.py on them.
enum SchemaCheck {
    static func validate(_ messages: [JSON], schema: String) async throws -> (status: Int32, output: String) {
        let directory = NSTemporaryDirectory() + "baton-worker-captured-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (index, message) in messages.enumerated() {
            try Data(message.serialized(pretty: true).utf8).write(to: URL(fileURLWithPath: "\(directory)/\(schema)-\(index).json"))
        }
        let script = PrivateBroker.packageRoot.appendingPathComponent("scripts/check-schemas.py").path
        return try await Shell.run(["/usr/bin/env", "python3", script, "--schema", schema, directory], check: false)
    }
}
