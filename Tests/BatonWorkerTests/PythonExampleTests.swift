import BatonAMQP
import BatonLanguage
import Foundation
import BatonTestSupport
import Testing

/// Whether python3 can import pika (the Python example's one dependency).
let pikaInstalled: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import pika"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// examples/workers/python/worker.py, run unchanged against the broker.
@Suite("The Python example worker", .enabled(if: pikaInstalled, "needs python3 with pika"), .timeLimit(.minutes(1)))
struct PythonExampleTests {
    @Test("worker.py (RPC-tutorial style) answers a task request on reply_to with its correlation_id, and fails BadInput")
    func answers() async throws {
        let baton = try await FakeOrchestrator.make("py")
        let script = PrivateBroker.packageRoot.appendingPathComponent("examples/workers/python/worker.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["BATON_AMQP_URL": try await WorkerTestBroker.url(), "BATON_QUEUE": baton.taskQueue]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let token = try await baton.send(["width": 640, "height": 480])
        let reply = try #require(await baton.replies.nextAnswer(timeout: .seconds(20)).answer)
        #expect(reply.properties.correlationID == token)
        #expect(reply.properties.deliveryMode == .persistent)
        #expect(reply.json == ["width": 320, "height": 240])

        let bad = try await baton.send(["width": 1])
        let failed = try #require(await baton.replies.nextAnswer().answer)
        #expect(failed.properties.correlationID == bad)
        #expect(failed.status == "failed")
        #expect(failed.json?["error"] == "BadInput")
        let check = try await SchemaCheck.validate([reply.captured, failed.captured], schema: "reply")
        #expect(check.output.hasSuffix("2 passed, 0 failed\n"), "\(check.output)")
        process.terminate()
        await baton.close()
    }
}
