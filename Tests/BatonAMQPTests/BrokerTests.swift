import BatonAMQP
import Foundation
import Testing

/// Integration tests against a real broker (`BATON_TEST_AMQP_URL`, or a private node started by the suite).
@Suite("BatonAMQP against a real broker", .timeLimit(.minutes(2)))
struct BrokerTests {
    @Test("declaring the same topology twice succeeds; a conflicting redeclare fails with PreconditionFailed and the connection lives on")
    func idempotentTopology() async throws {
        let connection = try await TestBroker.connect()
        let exchange = uniqueName("t.events")
        let queue = uniqueName("t.q")
        let topology = AMQPTopology(
            exchanges: [AMQPExchange(name: exchange, kind: .topic)],
            queues: [AMQPQueue(name: queue, type: .quorum, deadLetterExchange: "", deadLetterRoutingKey: queue + ".dead",
                               deadLetterStrategy: .atLeastOnce, overflow: .rejectPublish, messageTTLMilliseconds: 60_000)],
            bindings: [AMQPBinding(queue: queue, exchange: exchange, routingKey: "execution.#")])
        try await connection.declare(topology)
        try await connection.declare(topology)

        let conflicting = AMQPTopology(queues: [AMQPQueue(name: queue, type: .quorum, messageTTLMilliseconds: 5)])
        await #expect(throws: AMQPError.self) { try await connection.declare(conflicting) }
        do {
            try await connection.declare(conflicting)
        } catch let error as AMQPError {
            #expect(error.code == .preconditionFailed)
            #expect(error.replyCode == 406)
        }
        // Still usable: the bound queue receives a routed, confirmed message.
        try await connection.publish(Array("{}".utf8), exchange: exchange, routingKey: "execution.SUCCEEDED.demo")
        let info = try await connection.inspect(queue: queue)
        #expect(info.messageCount == 1)
        await #expect(throws: AMQPError.self) { try await connection.inspect(queue: uniqueName("missing")) }
        await connection.close()
    }

    @Test("a confirmed publish is consumed with its body and properties, and acked away")
    func publishConsumeAck() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.work")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let properties = AMQPProperties(contentType: "application/json", deliveryMode: .persistent,
                                        correlationID: "tok-1", replyTo: "baton.replies", messageID: "m-1")
        try await connection.publish(Array(#"{"n":1}"#.utf8), routingKey: queue, properties: properties)
        let inbox = Inbox(try await connection.consume(queue: queue, prefetch: 5))
        let delivery = try #require(await inbox.next())
        #expect(delivery.bodyString == #"{"n":1}"#)
        #expect(delivery.properties == properties)
        #expect(delivery.routingKey == queue)
        #expect(delivery.exchange == "")
        #expect(!delivery.redelivered)
        try delivery.ack()
        await connection.close()

        let check = try await TestBroker.connect()
        let info = try await check.inspect(queue: queue)
        #expect(info.messageCount == 0)
        await check.close()
    }

    @Test("nack with requeue redelivers the message, marked redelivered; reject without requeue drops it")
    func nackRequeue() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.retry")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        try await connection.publish(Array("again".utf8), routingKey: queue)
        let inbox = Inbox(try await connection.consume(queue: queue, prefetch: 1))
        let first = try #require(await inbox.next())
        #expect(!first.redelivered)
        try first.nack(requeue: true)
        let second = try #require(await inbox.next())
        #expect(second.redelivered)
        #expect(second.bodyString == "again")
        try second.reject(requeue: false)
        #expect(await inbox.next(timeout: .milliseconds(300)) == nil)
        #expect(try await connection.inspect(queue: queue).messageCount == 0)
        await connection.close()
    }

    @Test("prefetch bounds the unacknowledged deliveries; an ack lets the next one through")
    func prefetch() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.prefetch")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let results = await connection.publish(batch: (0..<10).map {
            AMQPMessage(routingKey: queue, body: Array("m\($0)".utf8))
        })
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
        let inbox = Inbox(try await connection.consume(queue: queue, prefetch: 3))
        var held: [AMQPDelivery] = []
        for _ in 0..<3 { held.append(try #require(await inbox.next())) }
        try await Task.sleep(for: .milliseconds(400))
        #expect(inbox.pending == 0)
        try held[0].ack()
        let fourth = try #require(await inbox.next())
        #expect(fourth.bodyString == "m3")
        try await Task.sleep(for: .milliseconds(300))
        #expect(inbox.pending == 0)
        try fourth.ack(multiple: true)   // settles m1, m2 and m3 too
        for _ in 0..<3 { #expect(await inbox.next() != nil) }
        await connection.close()
    }

    @Test("headers of every field kind come back as sent")
    func headersRoundTrip() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.headers")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let headers: AMQPTable = [
            "baton-execution": "arn:aws:states:local:000000000000:execution:demo:run-1",
            "baton-attempt": .int32(2), "bool": .bool(false), "i8": .int8(-3), "u8": .uint8(250), "i16": .int16(-300),
            "u16": .uint16(65000), "u32": .uint32(4_000_000_000), "i64": .int64(-9_000_000_000), "f": .float(0.5),
            "d": .double(3.25), "dec": .decimal(scale: 3, value: 1234), "bin": .bytes([0xFF, 0, 1]),
            "ts": .timestamp(1_700_000_123), "none": .void, "list": ["a", 1, true], "map": ["k": ["n": 1]],
        ]
        let properties = AMQPProperties(headers: headers, priority: 1, expiration: "60000", timestamp: 1_700_000_000,
                                        type: "task", appID: "baton-tests")
        try await connection.publish(AMQPMessage(routingKey: queue, body: [], properties: properties))
        let inbox = Inbox(try await connection.consume(queue: queue))
        let delivery = try #require(await inbox.next())
        #expect(delivery.properties == properties)
        #expect(delivery.body.isEmpty)
        try delivery.ack()
        await connection.close()
    }

    @Test("a body larger than a frame arrives whole, after the messages published before it and before those after it")
    func bodyLargerThanAFrame() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.large")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let results = await connection.publish(batch: [
            AMQPMessage(routingKey: queue, body: Array("before".utf8)),
            AMQPMessage(routingKey: queue, body: large, properties: AMQPProperties(correlationID: "big")),
            AMQPMessage(routingKey: queue, body: Array("after".utf8)),
        ])
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
        let inbox = Inbox(try await connection.consume(queue: queue, prefetch: 10))
        var bodies: [[UInt8]] = []
        for _ in 0..<3 {
            let delivery = try #require(await inbox.next())
            bodies.append(delivery.body)
            try delivery.ack()
        }
        #expect(bodies == [Array("before".utf8), large, Array("after".utf8)])
        await connection.close()
    }

    @Test("acks gathered in one round settle exactly the deliveries acked: one left unacked in the middle comes back after the connection closes")
    func gatheredAcksSettleExactlyTheirDeliveries() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.acks")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        _ = await connection.publish(batch: (1...10).map { AMQPMessage(routingKey: queue, body: Array("m\($0)".utf8)) })
        let inbox = Inbox(try await connection.consume(queue: queue, prefetch: 20))
        var deliveries: [AMQPDelivery] = []
        for _ in 1...10 { deliveries.append(try #require(await inbox.next())) }
        #expect(deliveries.map(\.bodyString) == (1...10).map { "m\($0)" })
        // All but the fifth, in one go (they reach the connection thread together), out of order.
        for d in deliveries.enumerated().filter({ $0.offset != 4 }).map(\.element).reversed() { try d.ack() }
        await connection.close()

        let check = try await TestBroker.connect()
        #expect(try await check.inspect(queue: queue).messageCount == 1)
        let again = Inbox(try await check.consume(queue: queue))
        let back = try #require(await again.next())
        #expect(back.bodyString == "m5")
        #expect(back.redelivered)
        try back.ack()
        await check.close()
        let last = try await TestBroker.connect()
        #expect(try await last.inspect(queue: queue).messageCount == 0)
        await last.close()
    }

    @Test("a message whose headers do not fit in one frame fails alone; the connection goes on")
    func headersLargerThanAFrame() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.hugeheaders")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let huge = AMQPProperties(headers: ["blob": .bytes([UInt8](repeating: 1, count: 200_000))])
        await #expect(throws: AMQPError.self) {
            try await connection.publish(AMQPMessage(routingKey: queue, body: Array("x".utf8), properties: huge))
        }
        try await connection.publish(Array("next".utf8), routingKey: queue)
        let info = try await connection.inspect(queue: queue)
        #expect(info.messageCount == 1)
        await connection.close()
    }

    @Test("a message whose TTL expires in a queue with x-dead-letter-exchange is dead-lettered to the target queue")
    func ttlDeadLettering() async throws {
        let connection = try await TestBroker.connect()
        let delay = uniqueName("t.delay")
        let target = uniqueName("t.timers")
        try await connection.declare(AMQPTopology(queues: [
            AMQPQueue(name: target, type: .quorum),
            AMQPQueue(name: delay, type: .quorum, deadLetterExchange: "", deadLetterRoutingKey: target,
                      deadLetterStrategy: .atLeastOnce, overflow: .rejectPublish, messageTTLMilliseconds: 300),
        ]))
        let inbox = Inbox(try await connection.consume(queue: target))
        let sent = ContinuousClock.now
        try await connection.publish(Array("timer-1".utf8), routingKey: delay,
                                     properties: AMQPProperties(deliveryMode: .persistent, correlationID: "timer-1"))
        let fired = try #require(await inbox.next(timeout: .seconds(10)))
        let elapsed = ContinuousClock.now - sent
        #expect(elapsed >= .milliseconds(280))
        #expect(fired.bodyString == "timer-1")
        #expect(fired.properties.correlationID == "timer-1")
        let death = try #require(fired.properties.headers?["x-death"]?.arrayValue?.first?.tableValue)
        #expect(death["reason"]?.stringValue == "expired")
        #expect(death["queue"]?.stringValue == delay)
        try fired.ack()
        await connection.close()
    }

    @Test("a thousand publishes in flight at once are all confirmed")
    func batchConfirms() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.batch")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let messages = (0..<1000).map { AMQPMessage(routingKey: queue, body: Array("\($0)".utf8)) }
        let results = await connection.publish(batch: messages)
        #expect(results.count == 1000)
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
        // Concurrent single publishes from many tasks too.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 { group.addTask { try await connection.publish(Array("c\(i)".utf8), routingKey: queue) } }
            try await group.waitForAll()
        }
        #expect(try await connection.inspect(queue: queue).messageCount == 1200)
        await connection.close()
    }

    @Test("a publish to a missing exchange fails with NotFound; the next publish works")
    func publishToMissingExchange() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.after-error")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        do {
            try await connection.publish([1], exchange: uniqueName("no-such-exchange"), routingKey: "x")
            Issue.record("publish to a missing exchange was confirmed")
        } catch let error as AMQPError {
            #expect(error.code == .notFound)
            #expect(error.replyCode == 404)
        }
        try await connection.publish([2], routingKey: queue)
        #expect(try await connection.inspect(queue: queue).messageCount == 1)
        #expect(connection.generation == 1)
        await connection.close()
    }

    @Test("an idle connection with a 1 s heartbeat stays up")
    func heartbeats() async throws {
        let connection = try await TestBroker.connect(heartbeat: 1)
        try await Task.sleep(for: .seconds(4))
        #expect(connection.isConnected)
        #expect(connection.generation == 1)
        let queue = uniqueName("t.hb")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue, autoDelete: true)]))
        await connection.close()
    }

    @Test("after close, operations fail with Closed and consumers end")
    func closeEndsEverything() async throws {
        let connection = try await TestBroker.connect()
        let queue = uniqueName("t.close")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        let inbox = Inbox(try await connection.consume(queue: queue))
        await connection.close()
        try await Task.sleep(for: .milliseconds(100))
        #expect(inbox.hasEnded)
        await #expect(throws: AMQPError(.closed, "the connection is closed")) {
            try await connection.publish([1], routingKey: queue)
        }
    }

    @Test("the connection name reaches the broker as the connection_name client property")
    func connectionName() async throws {
        guard let node = try await TestBroker.privateNode() else { return }
        let name = uniqueName("baton-test-connection")
        let connection = try await AMQPConnection.connect(try AMQPConfiguration(url: node.url + "?connection_name=\(name)"))
        let listing = try await node.run("ctl", ["-q", "list_connections", "client_properties"])
        #expect(listing.contains(name))
        await connection.close()
    }

    @Test("the first connection fails at its first attempt by default, and keeps trying for waitingUpTo when asked")
    func firstConnectionRetry() async throws {
        let nobody = try AMQPConfiguration(url: "amqp://127.0.0.1:\(BrokerNode.freePort())/")
        // Each retry logs "AMQP connection attempt failed; retrying" (the first at warning, then at debug).
        let retries = RetryCounter()
        let logger = AMQPLogger(minimumLevel: .debug) { _, message, _ in
            if message.contains("retrying") { retries.add() }
        }
        await #expect(throws: AMQPError.self) { _ = try await AMQPConnection.connect(nobody, logger: logger) }
        #expect(retries.count == 0, "the default connect retried \(retries.count) times")
        let t1 = ContinuousClock.now
        do {
            _ = try await AMQPConnection.connect(nobody, logger: logger, waitingUpTo: .milliseconds(1500))
            Issue.record("connected to a closed port")
        } catch let error as AMQPError {
            #expect(error.code == .connectionFailed)
        }
        #expect(retries.count >= 1)
        #expect(ContinuousClock.now - t1 >= .milliseconds(1400))
        let connection = try await AMQPConnection.connect(try AMQPConfiguration(url: try await TestBroker.url()),
                                                          waitingUpTo: .seconds(5))
        #expect(connection.isConnected)
        await connection.close()
    }

    @Test("wrong credentials fail the first connection with AccessRefused, without echoing the password")
    func badCredentials() async throws {
        var config = try AMQPConfiguration(url: try await TestBroker.url())
        config.credentials = AMQPCredentials(user: "guest", password: "wrong-password-123")
        do {
            _ = try await AMQPConnection.connect(config)
            Issue.record("connected with a wrong password")
        } catch let error as AMQPError {
            #expect(error.code == .accessRefused)
            #expect(!error.description.contains("wrong-password-123"))
        }
    }
}

/// Counts log lines from any thread.
final class RetryCounter: @unchecked Sendable {
    // The lock guards `value`.
    private let lock = NSLock()
    private var value = 0

    func add() {
        lock.lock()
        value += 1
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
