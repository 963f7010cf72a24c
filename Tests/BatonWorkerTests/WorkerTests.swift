import BatonAMQP
import BatonLanguage
import BatonWorker
import Foundation
import Testing

/// The worker SDK against a real broker (`BATON_TEST_AMQP_URL`, or a private node started by the suite).
@Suite("Worker against a real broker", .timeLimit(.minutes(2)))
struct WorkerTests {
    @Test("a handler's output becomes a persistent reply to reply_to with the request's correlation_id, and the request is acked")
    func correlatedReply() async throws {
        let baton = try await FakeOrchestrator.make("resize")
        let seen = Recorder<WorkerTask>()
        let worker = try await baton.worker()
        worker.handle(queue: baton.taskQueue) { task in
            seen.append(task)
            return ["area": .int((task.input["w"]?.intValue ?? 0) * (task.input["h"]?.intValue ?? 0))]
        }
        let running = RunningWorker(worker)
        let deadline = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
        let token = try await baton.send(["w": 3, "h": 4], state: "Resize", attempt: 2, heartbeatSeconds: 30, deadline: deadline)

        let reply = try #require(await baton.replies.nextAnswer().answer)
        #expect(reply.properties.correlationID == token)
        #expect(reply.properties.deliveryMode == .persistent)
        #expect(reply.properties.contentType == "application/json")
        #expect(reply.status == "succeeded")
        #expect(reply.json == ["area": 12])
        #expect(reply.routingKey == baton.replyQueue)

        let task = try #require(seen.values.first)
        #expect(task.token == token)
        #expect(task.input == ["w": 3, "h": 4])
        #expect(task.queue == baton.taskQueue)
        #expect(task.executionArn == "arn:aws:states:us-east-1:123456789012:execution:order:order-1001")
        #expect(task.state == "Resize")
        #expect(task.attempt == 2)
        #expect(task.resource == "arn:aws:lambda:us-east-1:123456789012:function:\(baton.taskQueue)")
        #expect(task.heartbeatInterval == .seconds(30))
        #expect(task.deadline.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == deadline)
        #expect(task.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(!task.redelivered)

        try await running.stop()
        #expect(try await baton.connection.inspect(queue: baton.taskQueue).messageCount == 0)
        await baton.close()
    }

    @Test("a thrown TaskFailure becomes a failed reply {error, cause}; any other error is named by its type")
    func failedReplies() async throws {
        struct ImageTooLarge: Error, CustomStringConvertible { var description: String { "4000x4000 is too large" } }
        let baton = try await FakeOrchestrator.make("fail")
        let worker = try await baton.worker()
        worker.handle(queue: baton.taskQueue) { task in
            if task.input["kind"] == "failure" { throw TaskFailure(error: "ShippingFailed", cause: "No carrier could take the order.") }
            throw ImageTooLarge()
        }
        let running = RunningWorker(worker)
        let first = try await baton.send(["kind": "failure"])
        let firstReply = try #require(await baton.replies.nextAnswer().answer)
        #expect(firstReply.properties.correlationID == first)
        #expect(firstReply.status == "failed")
        #expect(firstReply.json == ["error": "ShippingFailed", "cause": "No carrier could take the order."])

        let second = try await baton.send(["kind": "other"])
        let secondReply = try #require(await baton.replies.nextAnswer().answer)
        #expect(secondReply.properties.correlationID == second)
        #expect(secondReply.status == "failed")
        #expect(secondReply.json == ["error": "ImageTooLarge", "cause": "4000x4000 is too large"])
        try await running.stop()
        await baton.close()
    }

    @Test("a request whose body is not JSON is answered with a Worker.InvalidInput failure, without calling the handler")
    func invalidInput() async throws {
        let baton = try await FakeOrchestrator.make("badjson")
        let calls = Recorder<String>()
        let worker = try await baton.worker()
        worker.handle(queue: baton.taskQueue) { task in
            calls.append(task.token)
            return nil
        }
        let running = RunningWorker(worker)
        let token = try await baton.send(nil, body: Array("{not json".utf8))
        let reply = try #require(await baton.replies.nextAnswer().answer)
        #expect(reply.properties.correlationID == token)
        #expect(reply.status == "failed")
        #expect(reply.json?["error"] == "Worker.InvalidInput")
        #expect(calls.values.isEmpty)
        try await running.stop()
        await baton.close()
    }

    @Test("an output larger than maxReplyBytes is replied as the failure States.DataLimitExceeded")
    func outputTooLarge() async throws {
        let baton = try await FakeOrchestrator.make("big")
        var configuration = try WorkerConfiguration(url: try await WorkerTestBroker.url())
        configuration.maxReplyBytes = 1_000
        let worker = Worker(configuration: configuration)
        worker.handle(queue: baton.taskQueue) { task in .string(String(repeating: "x", count: task.input.intValue ?? 0)) }
        let running = RunningWorker(worker)
        try await baton.send(998)                  // "xxx…" with its quotes: exactly 1,000 bytes
        #expect(await baton.replies.nextAnswer().answer?.json?.stringValue?.count == 998)
        try await baton.send(999)
        let failed = await baton.replies.nextAnswer().answer
        #expect(failed?.status == "failed")
        #expect(failed?.json == ["error": "States.DataLimitExceeded", "cause": "the task's output is 1001 bytes; replies are limited to 1000"])
        try await running.stop()
        await baton.close()
    }

    @Test("heartbeats go out every half baton-heartbeat-seconds while a slow handler runs, and none after its reply")
    func automaticHeartbeats() async throws {
        let baton = try await FakeOrchestrator.make("slow")
        let worker = try await baton.worker()
        worker.handle(queue: baton.taskQueue) { _ in
            try await Task.sleep(for: .milliseconds(1_700))
            return "done"
        }
        let running = RunningWorker(worker)
        let token = try await baton.send([:], heartbeatSeconds: 1)
        let (beats, answer) = await baton.replies.nextAnswer()
        let reply = try #require(answer)
        #expect(reply.json == "done")
        // 1.7 s at one beat per 0.5 s: three heartbeats, give or take scheduling.
        #expect((2...4).contains(beats.count), "heartbeats: \(beats.count)")
        for beat in beats {
            #expect(beat.properties.correlationID == token)
            #expect(beat.properties.deliveryMode == .persistent)
            #expect(beat.json == [:])
        }
        #expect(await baton.replies.next(timeout: .milliseconds(800)) == nil)
        try await running.stop()
        await baton.close()
    }

    @Test("without baton-heartbeat-seconds no heartbeat is sent by itself; task.heartbeat() sends one at once")
    func manualHeartbeat() async throws {
        let baton = try await FakeOrchestrator.make("manual")
        let worker = try await baton.worker()
        worker.handle(queue: baton.taskQueue) { task in
            try await Task.sleep(for: .milliseconds(600))
            try await task.heartbeat()
            return 1
        }
        let running = RunningWorker(worker)
        let token = try await baton.send([:])
        let (beats, answer) = await baton.replies.nextAnswer()
        #expect(beats.count == 1)
        #expect(beats.first?.properties.correlationID == token)
        #expect(answer?.json == 1)
        try await running.stop()
        await baton.close()
    }

    @Test("stop() lets the task in flight finish and reply, takes no new task, and run() returns after it")
    func gracefulStop() async throws {
        let baton = try await FakeOrchestrator.make("stop")
        let gate = Gate()
        let worker = try await baton.worker()
        worker.handle(queue: baton.taskQueue) { task in
            await gate.wait()
            return task.input
        }
        let running = RunningWorker(worker)
        let token = try await baton.send(["n": 1])
        try await waitUntil { worker.tasksInFlight == 1 }
        worker.stop()
        try await Task.sleep(for: .milliseconds(300))
        try await baton.send(["n": 2])                       // after stop: stays in the queue
        try await Task.sleep(for: .milliseconds(300))
        #expect(worker.tasksInFlight == 1)
        #expect(await baton.replies.next(timeout: .milliseconds(100)) == nil)

        gate.open()
        try await running.task.value
        let reply = try #require(await baton.replies.nextAnswer().answer)
        #expect(reply.properties.correlationID == token)
        #expect(reply.json == ["n": 1])
        let info = try await baton.connection.inspect(queue: baton.taskQueue)
        #expect(info.messageCount == 1)
        #expect(info.consumerCount == 0)
        await baton.close()
    }

    @Test("concurrency bounds the handlers running at once")
    func concurrencyBound() async throws {
        let baton = try await FakeOrchestrator.make("conc")
        let meter = ConcurrencyMeter()
        let worker = try await baton.worker(concurrency: 2)
        worker.handle(queue: baton.taskQueue) { task in
            meter.enter()
            defer { meter.leave() }
            try await Task.sleep(for: .milliseconds(150))
            return task.input
        }
        let running = RunningWorker(worker)
        for n in 0..<6 { try await baton.send(.int(n)) }
        var answers: [JSON] = []
        for _ in 0..<6 { if let answer = await baton.replies.nextAnswer().answer?.json { answers.append(answer) } }
        #expect(answers.compactMap(\.intValue).sorted() == Array(0..<6))
        #expect(meter.maximum == 2)
        try await running.stop()
        await baton.close()
    }

    @Test("the example Swift worker (examples/workers/swift) halves a size and fails ImageTooLarge")
    func exampleWorker() async throws {
        let baton = try await FakeOrchestrator.make("example")
        let worker = try await baton.worker()
        ResizeWorker.register(on: worker, queue: baton.taskQueue)
        let running = RunningWorker(worker)
        try await baton.send(["width": 640, "height": 480], attempt: 1)
        let (beats, answer) = await baton.replies.nextAnswer()
        #expect(beats.count == 1)
        #expect(answer?.json == ["width": 320, "height": 240, "attempt": 1])
        try await baton.send(["width": 20_000, "height": 10])
        let failed = await baton.replies.nextAnswer().answer
        #expect(failed?.status == "failed")
        #expect(failed?.json?["error"] == "ImageTooLarge")
        try await running.stop()
        await baton.close()
    }

    @Test("a command worker: `cat` echoes the input; a failing command's stderr is the cause of Worker.CommandFailed")
    func commandWorker() async throws {
        let baton = try await FakeOrchestrator.make("cmd")
        let worker = try await baton.worker(concurrency: 2)
        worker.handle(queue: baton.taskQueue, CommandTaskRunner(command: ["cat"]).handler)
        let failing = uniqueName("w.cmdfail")
        try await baton.connection.declare(AMQPTopology(queues: [AMQPQueue(name: failing)]))
        worker.handle(queue: failing, CommandTaskRunner(command: ["/bin/sh", "-c", "cat >/dev/null; echo \"no $BATON_STATE today\" >&2; exit 3"]).handler)
        let running = RunningWorker(worker)

        let input: JSON = ["order": "A-1001", "items": [1, 2.5, "three", nil, true], "note": "ünïcode ✓"]
        let token = try await baton.send(input)
        let echoed = try #require(await baton.replies.nextAnswer().answer)
        #expect(echoed.properties.correlationID == token)
        #expect(echoed.status == "succeeded")
        #expect(echoed.json == input)

        let failingBaton = FakeOrchestrator(connection: baton.connection, taskQueue: failing,
                                            replyQueue: baton.replyQueue, replies: baton.replies)
        try await failingBaton.send([:], state: "Ship")
        let failed = try #require(await baton.replies.nextAnswer().answer)
        #expect(failed.status == "failed")
        #expect(failed.json == ["error": "Worker.CommandFailed", "cause": "no Ship today"])
        try await running.stop()
        await baton.close()
    }

    @Test("replies captured from a real run (output, failure, heartbeat) validate against schemas/reply.schema.json and heartbeat.schema.json")
    func capturedRepliesMatchSchemas() async throws {
        let baton = try await FakeOrchestrator.make("schema")
        let worker = try await baton.worker()
        worker.handle(queue: baton.taskQueue) { task in
            switch task.input["do"]?.stringValue {
            case "fail": throw TaskFailure(error: "Rejected", cause: "by the test")
            case "slow":
                try await Task.sleep(for: .milliseconds(1_200))
                return ["slow": true]
            default: return task.input
            }
        }
        let running = RunningWorker(worker)
        var replies: [JSON] = []
        var heartbeats: [JSON] = []
        for input: JSON in [["do": "echo", "n": [1, 2]], ["do": "fail"], ["do": "slow"], "just a string", nil] {
            try await baton.send(input, heartbeatSeconds: 1)
            let (beats, answer) = await baton.replies.nextAnswer()
            replies.append(try #require(answer).captured)
            heartbeats += beats.map(\.captured)
        }
        try await running.stop()
        await baton.close()
        #expect(!heartbeats.isEmpty)

        let replyCheck = try await SchemaCheck.validate(replies + heartbeats, schema: "reply")
        #expect(replyCheck.status == 0, "\(replyCheck.output)")
        #expect(replyCheck.output.hasSuffix("\(replies.count + heartbeats.count) passed, 0 failed\n"), "\(replyCheck.output)")
        let heartbeatCheck = try await SchemaCheck.validate(heartbeats, schema: "heartbeat")
        #expect(heartbeatCheck.output.hasSuffix("\(heartbeats.count) passed, 0 failed\n"), "\(heartbeatCheck.output)")
        // The check can fail: a failed reply is not a heartbeat.
        let wrong = try await SchemaCheck.validate([replies[1]], schema: "heartbeat")
        #expect(wrong.status == 1)
        #expect(wrong.output.hasSuffix("0 passed, 1 failed\n"), "\(wrong.output)")
    }

    @Test("a missing queue is declared durable before consuming; an existing quorum queue is consumed as it is")
    func queueDeclaration() async throws {
        let baton = try await FakeOrchestrator.make("declare")
        let missing = uniqueName("w.missing")
        let quorum = uniqueName("w.quorum")
        try await baton.connection.declare(AMQPTopology(queues: [AMQPQueue(name: quorum, type: .quorum)]))
        let worker = try await baton.worker()
        worker.handle(queue: missing) { _ in "from missing" }
        worker.handle(queue: quorum) { _ in "from quorum" }
        let running = RunningWorker(worker)
        try await waitUntil { (try? await baton.connection.inspect(queue: missing).consumerCount) == 1 }
        for queue in [missing, quorum] {
            let client = FakeOrchestrator(connection: baton.connection, taskQueue: queue, replyQueue: baton.replyQueue, replies: baton.replies)
            try await client.send([:])
            #expect(await baton.replies.nextAnswer().answer?.json == .string(queue == missing ? "from missing" : "from quorum"))
        }
        try await running.stop()
        // Durable: redeclaring it durable with no arguments is accepted.
        try await baton.connection.declare(AMQPTopology(queues: [AMQPQueue(name: missing, durable: true)]))
        await #expect(throws: AMQPError.self) {
            try await baton.connection.declare(AMQPTopology(queues: [AMQPQueue(name: missing, durable: false)]))
        }
        await baton.close()
    }

    @Test("run() without a handler throws Worker.NoHandlers; a second handler for one queue throws Worker.DuplicateQueue")
    func registrationErrors() async throws {
        let empty = Worker(configuration: WorkerConfiguration())
        await #expect(throws: WorkerError(.noHandlers, "no handler registered")) { try await empty.run() }
        let twice = Worker(configuration: WorkerConfiguration())
        twice.handle(queue: "q") { _ in nil }
        twice.handle(queue: "q") { _ in nil }
        do {
            try await twice.run()
            Issue.record("run() should have thrown")
        } catch let error as WorkerError {
            #expect(error.code == .duplicateQueue)
        }
    }
}

/// Values appended from handlers, read by the test.
///
/// `@unchecked Sendable`: `items` is only touched while holding `lock`.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Value] = []
    func append(_ value: Value) { lock.lock(); items.append(value); lock.unlock() }
    var values: [Value] { lock.lock(); defer { lock.unlock() }; return items }
}

/// The highest number of handlers seen running at once.
///
/// `@unchecked Sendable`: `current` and `peak` are only touched while holding `lock`.
final class ConcurrencyMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private var peak = 0
    func enter() { lock.lock(); current += 1; peak = max(peak, current); lock.unlock() }
    func leave() { lock.lock(); current -= 1; lock.unlock() }
    var maximum: Int { lock.lock(); defer { lock.unlock() }; return peak }
}

/// A gate handlers wait at until the test opens it.
///
/// `@unchecked Sendable`: `isOpen` and `waiters` are only touched while holding `lock`.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        await withCheckedContinuation { continuation in
            lock.lock()
            if isOpen { lock.unlock(); continuation.resume() } else { waiters.append(continuation); lock.unlock() }
        }
    }

    func open() {
        lock.lock(); isOpen = true; let all = waiters; waiters = []; lock.unlock()
        for waiter in all { waiter.resume() }
    }
}

/// Polls `condition` every 10 ms for up to `timeout`; throws when it never holds.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimedOut() }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// `waitUntil` gave up.
struct WaitTimedOut: Error {}
