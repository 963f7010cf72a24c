// amqp-bench: publish+confirm throughput and request/reply round trips through RabbitMQ with BatonAMQP.
//
//   amqp-bench URL [SECONDS=5] [classic|quorum]
//
// Build: a SwiftPM executable target named `amqp-bench` with path `Benchmarks/amqp`, depending on BatonAMQP.
// The request/reply part has the shape of ../shared/baselines/rpcbench: persistent messages, durable queues,
// a worker that publishes the reply with a confirm and only then acks the task.
import BatonAMQP
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard let url = arguments.first else {
    print("usage: amqp-bench URL [SECONDS] [classic|quorum]")
    exit(2)
}
let seconds = Double(arguments.dropFirst().first ?? "5") ?? 5
let queueType: AMQPQueue.QueueType = arguments.dropFirst(2).first == "quorum" ? .quorum : .classic
let config = try AMQPConfiguration(url: url)
let persistent = AMQPProperties(deliveryMode: .persistent)

/// Thread-safe sample collection.
final class Samples: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ value: Double) { lock.lock(); values.append(value); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return values.count }
    func percentile(_ p: Double) -> Double {
        lock.lock(); defer { lock.unlock() }
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}

func micros(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
}

func fmt(_ v: Double) -> String { String(format: "%.0f", v) }

// MARK: publish + confirm

let publisher = try await AMQPConnection.connect(config)
let sink = "bench.sink.\(queueType.rawValue)"
try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: sink, type: queueType, maxLength: 100_000)]))

func publishLoop(inFlight: Int) async throws {
    let latencies = Samples()
    let end = ContinuousClock.now + .seconds(seconds)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<inFlight {
            group.addTask {
                while ContinuousClock.now < end {
                    let t0 = ContinuousClock.now
                    try await publisher.publish(Array(repeating: 0x61, count: 64), routingKey: sink, properties: persistent)
                    latencies.add(micros(ContinuousClock.now - t0))
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = micros(ContinuousClock.now - start) / 1e6
    print("publish+confirm \(queueType.rawValue) in_flight=\(inFlight) msgs=\(latencies.count) msgs_per_s=\(fmt(Double(latencies.count) / elapsed)) confirm_us p50=\(fmt(latencies.percentile(0.5))) p99=\(fmt(latencies.percentile(0.99)))")
}

try await publishLoop(inFlight: 1)
try await publishLoop(inFlight: 64)
do {
    let batch = (0..<10_000).map { _ in AMQPMessage(routingKey: sink, body: Array(repeating: 0x62, count: 64), properties: persistent) }
    let t0 = ContinuousClock.now
    let results = await publisher.publish(batch: batch)
    let elapsed = micros(ContinuousClock.now - t0) / 1e6
    let ok = results.filter { if case .success = $0 { true } else { false } }.count
    print("publish(batch:) \(queueType.rawValue) msgs=10000 confirmed=\(ok) msgs_per_s=\(fmt(10_000 / elapsed))")
}

// MARK: request / reply

let tasks = "bench.rpc.\(queueType.rawValue)"
let replies = "bench.replies.\(queueType.rawValue)"
try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: tasks, type: queueType), AMQPQueue(name: replies, type: queueType)]))

/// Waiters for replies by correlation id.
final class Pending: @unchecked Sendable {
    private let lock = NSLock()
    private var waiters: [String: CheckedContinuation<Void, Never>] = [:]
    func wait(_ id: String, register: @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            lock.lock(); waiters[id] = continuation; lock.unlock()
            register()
        }
    }
    func resolve(_ id: String) {
        lock.lock(); let waiter = waiters.removeValue(forKey: id); lock.unlock()
        waiter?.resume()
    }
}

func rpc(window: Int) async throws {
    let workerConnection = try await AMQPConnection.connect(config)
    let clientConnection = try await AMQPConnection.connect(config)
    let workerConsumer = try await workerConnection.consume(queue: tasks, prefetch: UInt16(max(window, 1)))
    let worker = Task {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for try await task in workerConsumer {
                group.addTask {
                    var reply = persistent
                    reply.correlationID = task.properties.correlationID
                    try await workerConnection.publish(task.body, routingKey: task.properties.replyTo ?? replies, properties: reply)
                    try task.ack()
                }
            }
        }
    }
    let pending = Pending()
    let replyConsumer = try await clientConnection.consume(queue: replies, prefetch: 1000)
    let listener = Task {
        for try await reply in replyConsumer {
            try reply.ack()
            if let id = reply.properties.correlationID { pending.resolve(id) }
        }
    }
    let rtt = Samples()
    let end = ContinuousClock.now + .seconds(seconds)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for lane in 0..<window {
            group.addTask {
                var n = 0
                while ContinuousClock.now < end {
                    n += 1
                    let id = "\(lane)-\(n)"
                    let t0 = ContinuousClock.now
                    var properties = persistent
                    properties.correlationID = id
                    properties.replyTo = replies
                    let message = AMQPMessage(routingKey: tasks, body: Array(repeating: 0x63, count: 64), properties: properties)
                    await pending.wait(id) {
                        Task { try await clientConnection.publish(message) }
                    }
                    rtt.add(micros(ContinuousClock.now - t0))
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = micros(ContinuousClock.now - start) / 1e6
    print("request/reply \(queueType.rawValue) confirms=1 window=\(window) replies=\(rtt.count) rps=\(fmt(Double(rtt.count) / elapsed)) rtt_us p50=\(fmt(rtt.percentile(0.5))) p90=\(fmt(rtt.percentile(0.9))) p99=\(fmt(rtt.percentile(0.99)))")
    listener.cancel()
    worker.cancel()
    await clientConnection.close()
    await workerConnection.close()
}

try await rpc(window: 1)
try await rpc(window: 64)
await publisher.close()
