import BatonAMQP
import Foundation
import Testing

/// Crash tests: they kill their own private broker, so they never run against `BATON_TEST_AMQP_URL`.
@Suite("BatonAMQP across a broker crash", .enabled(if: TestBroker.canRunPrivateNodes), .serialized, .timeLimit(.minutes(3)))
struct ReconnectTests {
    @Test("after kill -9 and restart of the broker the connection comes back, the consumer resumes and gets a message published after the restart; publishes caught by the crash fail with a retryable error")
    func brokerCrashAndRestart() async throws {
        let node = BrokerNode(name: "baton-amqp-crash-\(getpid())", port: BrokerNode.freePort(),
                              base: NSTemporaryDirectory() + "baton-amqp-crash-\(getpid())")
        ExitCleanup.register(node)
        try await node.start()
        var config = try AMQPConfiguration(url: node.url)
        config.heartbeatSeconds = 2
        config.timeout = .seconds(3)
        config.reconnect = AMQPReconnectPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        let logger = AMQPLogger(minimumLevel: .info) { level, message, metadata in
            FileHandle.standardError.write(Data("[amqp \(level)] \(message) \(metadata)\n".utf8))
        }
        let connection = try await AMQPConnection.connect(config, logger: logger)
        let queue = "crash.work"
        // A durable classic queue here: a quorum queue declared less than about 1 s before kill -9 came back
        // leaderless on RabbitMQ 3.10.8 in our runs (see `fresh` below), which would test the broker, not this client.
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let inbox = Inbox(try await connection.consume(queue: queue, prefetch: 50))
        let persistent = AMQPProperties(deliveryMode: .persistent)
        try await connection.publish(Array("before".utf8), routingKey: queue, properties: persistent)
        let before = try #require(await inbox.next())
        #expect(before.bodyString == "before")
        try before.ack()

        // Keep publishing while the broker dies, recording what each publish reports.
        let log = OutcomeLog()
        let publisher = Task {
            var i = 0
            while !Task.isCancelled {
                i += 1
                do {
                    try await connection.publish(Array("load-\(i)".utf8), routingKey: queue, properties: persistent)
                    log.record(nil)
                } catch let error as AMQPError {
                    log.record(error.code)
                    try? await Task.sleep(for: .milliseconds(20))
                } catch {
                    log.record(AMQPError.Code(rawValue: "unexpected: \(error)"))
                }
            }
        }
        // A quorum queue declared just before the crash: RabbitMQ 3.10 may come back with it leaderless, so that
        // basic.consume never answers. Such a consumer must not keep the connection (and the others) down.
        let fresh = "crash.fresh-quorum"
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: fresh, type: .quorum)]))
        let freshInbox = Inbox(try await connection.consume(queue: fresh))
        try await Task.sleep(for: .milliseconds(300))
        try await node.kill()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!connection.isConnected)
        // Asked for while the broker is down: they wait for the connection, declaration first.
        let lateQueue = "crash.late"
        let late = Task {
            try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: lateQueue)]))
            return Inbox(try await connection.consume(queue: lateQueue))
        }
        try await node.start()
        let deadline = ContinuousClock.now + .seconds(60)
        while connection.generation < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(connection.generation == 2)
        try await Task.sleep(for: .milliseconds(200))
        publisher.cancel()
        _ = await publisher.value

        try await connection.publish(Array("after".utf8), routingKey: queue, properties: persistent)
        var sawAfter = false
        while let delivery = await inbox.next(timeout: .seconds(15)) {
            try delivery.ack()
            if delivery.bodyString == "after" {
                sawAfter = true
                break
            }
        }
        #expect(sawAfter)
        #expect(!inbox.hasEnded)

        // The fresh quorum consumer either resumed, or ended with ConsumerCancelled; the rest works either way.
        if freshInbox.hasEnded {
            #expect((freshInbox.failure as? AMQPError)?.code == .consumerCancelled)
            // Publishing to that leaderless queue is never confirmed: the publish times out instead of hanging.
            var quick = config
            quick.confirmTimeout = .seconds(2)
            let probe = try await AMQPConnection.connect(quick)
            do {
                try await probe.publish(Array("into the void".utf8), routingKey: fresh)
                Issue.record("a publish to a queue that cannot be consumed was confirmed")
            } catch let error as AMQPError {
                #expect(error.code == .publishTimedOut)
            }
            await probe.close()
        }

        let lateInbox = try await late.value
        try await connection.publish(Array("late".utf8), routingKey: lateQueue)
        #expect(await lateInbox.next()?.bodyString == "late")

        let outcomes = log.all
        let failures = outcomes.compactMap { $0 }
        #expect(outcomes.contains { $0 == nil })
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { $0 == .connectionLost || $0 == .notConnected }, "failures: \(Set(failures))")
        await connection.close()
        try await node.purge()
    }
}

extension ReconnectTests {
    @Test("a broker that stops answering (SIGSTOP) is detected by missed heartbeats; after SIGCONT the connection and its consumer come back")
    func hungBrokerDetectedByHeartbeats() async throws {
        let node = BrokerNode(name: "baton-amqp-hang-\(getpid())", port: BrokerNode.freePort(),
                              base: NSTemporaryDirectory() + "baton-amqp-hang-\(getpid())")
        ExitCleanup.register(node)
        try await node.start()
        var config = try AMQPConfiguration(url: node.url)
        config.heartbeatSeconds = 1
        config.timeout = .seconds(2)
        config.reconnect = AMQPReconnectPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        let connection = try await AMQPConnection.connect(config)
        let queue = "hang.work"
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let inbox = Inbox(try await connection.consume(queue: queue))

        try await node.run("freeze")
        let frozenAt = ContinuousClock.now
        while connection.isConnected, ContinuousClock.now - frozenAt < .seconds(15) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let detection = ContinuousClock.now - frozenAt
        #expect(!connection.isConnected)
        #expect(detection < .seconds(5), "took \(detection) to notice")
        try await node.run("thaw")

        let deadline = ContinuousClock.now + .seconds(30)
        while connection.generation < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(connection.generation == 2)
        try await connection.publish(Array("after thaw".utf8), routingKey: queue)
        #expect(await inbox.next()?.bodyString == "after thaw")
        await connection.close()
        try await node.purge()
    }
}

/// Thread-safe list of publish outcomes (nil = confirmed).
///
/// `@unchecked Sendable`: `outcomes` is only touched while holding `lock`.
final class OutcomeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [AMQPError.Code?] = []

    func record(_ outcome: AMQPError.Code?) {
        lock.lock(); outcomes.append(outcome); lock.unlock()
    }

    var all: [AMQPError.Code?] {
        lock.lock(); defer { lock.unlock() }
        return outcomes
    }
}
