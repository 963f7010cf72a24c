@testable import BatonAMQP
import CRabbitMQ
import Testing

@Suite("Confirm bookkeeping, backoff, queue arguments, field tables")
struct ModelTests {
    @Test("a single ack settles exactly its publish, in any order")
    func singleAcks() {
        var tracker = ConfirmTracker<String>()
        #expect(tracker.published("a") == 1)
        #expect(tracker.published("b") == 2)
        #expect(tracker.published("c") == 3)
        #expect(tracker.settle(tag: 2, multiple: false) == ["b"])
        #expect(tracker.settle(tag: 2, multiple: false) == [])
        #expect(tracker.settle(tag: 1, multiple: false) == ["a"])
        #expect(tracker.count == 1)
    }

    @Test("a multiple ack settles every publish up to its tag, skipping settled ones")
    func multipleAcks() {
        var tracker = ConfirmTracker<Int>()
        for i in 1...10 { _ = tracker.published(i) }
        #expect(tracker.settle(tag: 3, multiple: false) == [3])
        #expect(tracker.settle(tag: 6, multiple: true) == [1, 2, 4, 5, 6])
        #expect(tracker.settle(tag: 6, multiple: true) == [])
        #expect(tracker.count == 4)
        #expect(tracker.settle(tag: 100, multiple: true) == [7, 8, 9, 10])
        #expect(tracker.count == 0)
    }

    @Test("reset returns the unsettled publishes and restarts numbering at 1")
    func reset() {
        var tracker = ConfirmTracker<Int>()
        for i in 1...5 { _ = tracker.published(i) }
        _ = tracker.settle(tag: 2, multiple: true)
        #expect(tracker.reset() == [3, 4, 5])
        #expect(tracker.published(9) == 1)
        #expect(tracker.settle(tag: 1, multiple: false) == [9])
    }

    @Test("many in flight: compaction keeps the order right")
    func compaction() {
        var tracker = ConfirmTracker<UInt64>()
        for i in 1...5000 { _ = tracker.published(UInt64(i)) }
        var settled: [UInt64] = []
        for tag in stride(from: 2, through: 4998, by: 2) { settled += tracker.settle(tag: UInt64(tag), multiple: false) }
        settled += tracker.settle(tag: 4999, multiple: true)
        #expect(settled.count == 4999)
        #expect(tracker.count == 1)
        #expect(tracker.reset() == [5000])
    }

    @Test("publishes past their deadline expire, oldest first; later acks for them are ignored")
    func expiry() {
        var tracker = ConfirmTracker<Int>()
        let t0 = ContinuousClock.now
        _ = tracker.published(1, deadline: t0 + .seconds(1))
        _ = tracker.published(2, deadline: t0 + .seconds(2))
        _ = tracker.published(3, deadline: t0 + .seconds(3))
        #expect(tracker.nextDeadline == t0 + .seconds(1))
        #expect(tracker.expire(now: t0) == [])
        #expect(tracker.settle(tag: 1, multiple: false) == [1])
        #expect(tracker.nextDeadline == t0 + .seconds(2))
        #expect(tracker.expire(now: t0 + .milliseconds(2500)) == [2])
        #expect(tracker.settle(tag: 2, multiple: false) == [])
        #expect(tracker.settle(tag: 3, multiple: true) == [3])
        #expect(tracker.nextDeadline == nil)
    }

    @Test("reconnect delay doubles up to the maximum")
    func backoff() {
        let policy = AMQPReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), multiplier: 2)
        #expect(policy.delay(attempt: 0) == .milliseconds(100))
        #expect(policy.delay(attempt: 1) == .milliseconds(200))
        #expect(policy.delay(attempt: 3) == .milliseconds(800))
        #expect(policy.delay(attempt: 4) == .seconds(1))
        #expect(policy.delay(attempt: 50) == .seconds(1))
    }

    @Test("queue fields become RabbitMQ x-arguments")
    func queueArguments() {
        let queue = AMQPQueue(name: "baton.timers.1s", type: .quorum, deadLetterExchange: "", deadLetterRoutingKey: "baton.timers",
                              deadLetterStrategy: .atLeastOnce, overflow: .rejectPublish, messageTTLMilliseconds: 1000,
                              extraArguments: ["x-max-length": 5, "x-custom": "kept"])
        #expect(queue.arguments == [
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "baton.timers",
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
            "x-message-ttl": .int64(1000),
            "x-max-length": .int64(5),
            "x-custom": "kept",
        ])
    }

    @Test("per-message expiration is whole milliseconds")
    func expiration() {
        var properties = AMQPProperties()
        properties.setExpiration(.milliseconds(1500))
        #expect(properties.expiration == "1500")
        properties.setExpiration(.seconds(2) + .microseconds(999))
        #expect(properties.expiration == "2000")
    }

    @Test("field tables survive conversion to C and back")
    func tableRoundTrip() {
        let table: AMQPTable = [
            "bool": .bool(true), "i8": .int8(-8), "u8": .uint8(200), "i16": .int16(-1600), "u16": .uint16(60000),
            "i32": .int32(-32), "u32": .uint32(4_000_000_000), "i64": .int64(-64), "u64": .uint64(.max),
            "f": .float(1.5), "d": .double(-2.25), "dec": .decimal(scale: 2, value: 12345), "s": "héllo",
            "x": .bytes([0, 255, 7]), "ts": .timestamp(1_700_000_000), "v": .void,
            "a": [1, "two", [3]], "t": ["nested": ["deep": true]],
        ]
        let arena = CArena()
        let c = arena.table(table)
        #expect(CDecode.table(c) == table)
    }

    @Test("properties survive conversion to C and back")
    func propertiesRoundTrip() {
        let properties = AMQPProperties(
            contentType: "application/json", contentEncoding: "utf-8", headers: ["k": "v"], deliveryMode: .persistent,
            priority: 3, correlationID: "corr", replyTo: "baton.replies", expiration: "60000", messageID: "m-1",
            timestamp: 1_700_000_000, type: "task", userID: "guest", appID: "baton")
        let arena = CArena()
        #expect(CDecode.properties(arena.properties(properties)) == properties)
        #expect(CDecode.properties(arena.properties(AMQPProperties())) == AMQPProperties())
    }

    @Test("errors carry stable codes and say whether to retry")
    func errorCodes() {
        #expect(AMQPError(.connectionLost, "x").isRetryable)
        #expect(AMQPError(.notConnected, "x").isRetryable)
        #expect(!AMQPError(.preconditionFailed, "x", replyCode: 406).isRetryable)
        #expect(AMQPError(.notFound, "no queue", replyCode: 404).description == "AMQP.NotFound: no queue (reply code 404)")
    }

    @Test("an ack is encoded as AMQP 0-9-1 lays it out: method frame, channel, size, basic.ack, tag, flags, frame end")
    func ackFrameBytes() throws {
        var frames = OutgoingFrames()
        try frames.appendSettlement(channel: 3, deliveryTag: 0x0102_0304_0506_0708, kind: .ack, multiple: true)
        #expect(frames.encoded == [1, 0, 3, 0, 0, 0, 13, 0, 60, 0, 80, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0xCE])
    }

    @Test("a publish is a method frame, a header frame with the body size, and body frames no larger than the frame size")
    func publishFrameLayout() throws {
        var frames = OutgoingFrames()
        let body = [UInt8](repeating: 9, count: 10_000)
        var properties = amqp_basic_properties_t()
        let arena = CArena()
        try body.withUnsafeBytes { b in
            try frames.appendPublish(channel: 1, exchange: arena.bytes("ex"), routingKey: arena.bytes("rk"),
                                     properties: &properties, body: b, frameMax: 4096)
        }
        // Walk the frames: (type, channel, payload size), each closed by 0xCE.
        var layout: [(UInt8, Int, Int)] = []
        let bytes = frames.encoded
        var at = 0
        while at < bytes.count {
            let size = bytes[(at + 3)..<(at + 7)].reduce(0) { $0 << 8 | Int($1) }
            layout.append((bytes[at], Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]), size))
            #expect(bytes[at + 7 + size] == 0xCE)
            at += 8 + size
        }
        #expect(layout.map(\.0) == [1, 2, 3, 3, 3])
        #expect(layout.allSatisfy { $0.1 == 1 })
        #expect(layout.dropFirst(2).map(\.2) == [4088, 4088, 1824])
        // The method is basic.publish (60, 40); the header declares class 60 and the body's size.
        #expect(Array(bytes[7..<11]) == [0, 60, 0, 40])
        let header = 8 + layout[0].2 + 7
        #expect(Array(bytes[header..<(header + 2)]) == [0, 60])
        #expect(bytes[(header + 4)..<(header + 12)].reduce(0) { $0 << 8 | Int($1) } == 10_000)
    }
}
