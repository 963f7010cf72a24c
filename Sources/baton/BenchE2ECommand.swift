import ArgumentParser
import BatonAMQP
import BatonLanguage
import Foundation

/// `baton bench-e2e`: starts executions over AMQP against a running `baton serve` and measures them.
struct BenchE2ECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-e2e",
        abstract: "Start executions by message against a running 'baton serve', keeping N in flight; print throughput and latency.",
        discussion: "Benchmarks/e2e.sh runs it beside the broker's own request/reply limit (rpcbench) in one go."
    )

    @Option(name: .customLong("amqp-url"), help: "The broker.")
    var amqpURL: String = "amqp://127.0.0.1:5672"

    @Option(name: .customLong("state-machine"), help: "The state machine to start.")
    var stateMachine: String

    @Option(name: .customLong("in-flight"), help: "Executions kept running at once.")
    var inFlight: Int = 64

    @Option(help: "How long to measure, in seconds.")
    var seconds: Double = 10

    @Option(name: .customLong("tasks-per-execution"), help: "Task states each execution runs (for task round trips/s).")
    var tasksPerExecution: Int = 10

    @Option(help: "The orchestrator's queue prefix.")
    var prefix: String = "baton"

    @Option(name: .customLong("start-only"), help: "Only start this many executions (no replies awaited), then exit: for the memory benchmark.")
    var startOnly: Int?

    func run() async throws {
        let connection = try await AMQPConnection.connect(try AMQPConfiguration(url: amqpURL), name: "baton-bench")
        let startQueue = "\(prefix).start"
        let runID = String(UInt32.random(in: .min ... .max), radix: 16)
        if let count = startOnly {
            var batch: [AMQPMessage] = []
            for i in 0..<count {
                let body: JSON = ["stateMachine": .string(stateMachine), "name": .string("idle-\(runID)-\(i)"), "input": ["i": .int(i)]]
                batch.append(AMQPMessage(routingKey: startQueue, body: Array(body.serialized().utf8),
                                         properties: AMQPProperties(contentType: "application/json", deliveryMode: .persistent)))
                if batch.count == 500 || i == count - 1 {
                    for r in await connection.publish(batch: batch) { try r.get() }
                    batch.removeAll()
                }
            }
            printOut("started \(count) executions of \(stateMachine)")
            await connection.close()
            return
        }
        let replyQueue = "bench-e2e-\(runID)"
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: replyQueue, durable: false, exclusive: false, autoDelete: true)]))
        let consumer = try await connection.consume(queue: replyQueue, prefetch: UInt16(min(1000, inFlight * 4)))
        let clock = ContinuousClock()
        var sent: [String: ContinuousClock.Instant] = [:]
        var latencies: [Double] = []
        var failed = 0
        var next = 0
        let start = clock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        var measuring = true

        // Each start's confirm is awaited by a child task, so waiting for confirms never holds up the results.
        try await withThrowingDiscardingTaskGroup { group in
            func publish(_ n: Int) {
                var batch: [AMQPMessage] = []
                for _ in 0..<n {
                    let id = "e\(next)"
                    next += 1
                    let body: JSON = ["stateMachine": .string(stateMachine), "input": ["n": .int(next)]]
                    batch.append(AMQPMessage(routingKey: startQueue, body: Array(body.serialized().utf8),
                                             properties: AMQPProperties(contentType: "application/json", deliveryMode: .persistent,
                                                                        correlationID: id, replyTo: replyQueue)))
                    sent[id] = clock.now
                }
                group.addTask { [batch] in
                    for r in await connection.publish(batch: batch) { try r.get() }
                }
            }

            publish(inFlight)
            for try await delivery in consumer {
                try delivery.ack()
                guard let id = delivery.properties.correlationID, let t0 = sent.removeValue(forKey: id) else { continue }
                let elapsed = clock.now - t0
                if measuring {
                    latencies.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    if let json = try? JSONParser.parse(bytes: delivery.body), json["status"] != .string("SUCCEEDED") { failed += 1 }
                }
                if clock.now >= deadline { measuring = false }
                if measuring {
                    publish(1)
                } else if sent.isEmpty {
                    break
                }
            }
        }
        let wall = clock.now - start
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let eps = Double(latencies.count) / wallSeconds
        printOut(String(format: "baton   in_flight=%d executions=%d failed=%d secs=%.1f executions/s=%.0f task_round_trips/s=%.0f | latency_ms p50=%.2f p90=%.2f p99=%.2f max=%.2f",
                        inFlight, latencies.count, failed, wallSeconds, eps, eps * Double(tasksPerExecution),
                        pct(0.5), pct(0.9), pct(0.99), latencies.last ?? 0))
        await connection.close()
    }
}
