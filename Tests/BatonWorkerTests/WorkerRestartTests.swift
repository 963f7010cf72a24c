import BatonAMQP
import BatonLanguage
import BatonWorker
import Foundation
import BatonTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The worker when its broker crashes mid-task: a private node of its own, killed and restarted.
@Suite("Worker across a broker crash", .enabled(if: WorkerTestBroker.canRunPrivateNodes), .timeLimit(.minutes(2)))
struct WorkerRestartTests {
    @Test("a task in flight when the broker crashes is answered after the restart, and redelivered (acked only after its reply)")
    func crashMidTask() async throws {
        let node = PrivateBroker.make(name: "baton-worker-crash-\(getpid())-\(UInt16.random(in: 0...UInt16.max))",
                                      ports: WorkerTestBroker.ports)
        try await node.start()
        var amqp = try AMQPConfiguration(url: node.url)
        amqp.heartbeatSeconds = 2
        amqp.reconnect = AMQPReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(500))

        let client = try await AMQPConnection.connect(amqp)
        let taskQueue = uniqueName("w.crash"), replyQueue = uniqueName("w.crash.replies")
        try await client.declare(AMQPTopology(queues: [AMQPQueue(name: taskQueue), AMQPQueue(name: replyQueue)]))
        let replies = Inbox(try await client.consume(queue: replyQueue))
        let baton = FakeOrchestrator(connection: client, taskQueue: taskQueue, replyQueue: replyQueue, replies: replies)

        let gate = Gate()
        let calls = Recorder<Bool>()
        var configuration = WorkerConfiguration(amqp: amqp)
        configuration.replyAttempts = 20
        let worker = Worker(configuration: configuration)
        worker.handle(queue: taskQueue) { task in
            calls.append(task.redelivered)
            if !task.redelivered { await gate.wait() }
            return ["redelivered": .bool(task.redelivered)]
        }
        let running = RunningWorker(worker)
        let token = try await baton.send(["n": 1])
        try await waitUntil { calls.values.count == 1 }

        try await node.kill()
        try await node.start()
        _ = await client.waitUntilConnected()
        gate.open()

        var answers: [AMQPDelivery] = []
        while answers.count < 2, let reply = await replies.nextAnswer(timeout: .seconds(30)).answer { answers.append(reply) }
        #expect(answers.allSatisfy { $0.properties.correlationID == token })
        #expect(Set(answers.compactMap(\.json)) == [["redelivered": false], ["redelivered": true]])
        #expect(calls.values == [false, true])
        try await running.stop()
        #expect(try await client.inspect(queue: taskQueue).messageCount == 0)
        await baton.close()
        try await node.purge()
    }
}
