import BatonAMQP
import BatonLanguage
import BatonWorker
import Foundation
import BatonTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `baton` executable built beside the test bundle (or `$BATON_TEST_BATON`), when it has the `worker` subcommand.
let batonExecutable: String? = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    var candidates = [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()]
        .map { $0.appendingPathComponent("baton").path }
    if let given = ProcessInfo.processInfo.environment["BATON_TEST_BATON"], !given.isEmpty { candidates = [given] }
    for path in candidates {
        guard FileManager.default.isExecutableFile(atPath: path) else { continue }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["worker", "--help"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { continue }
        let help = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 0, help.contains("USAGE: baton worker") { return path }
    }
    return nil
}()

/// examples/workers/shell/word-count.sh under the command rule, and `baton worker` itself once it is built.
@Suite("Command workers", .timeLimit(.minutes(1)))
struct CommandWorkerTests {
    static let wordCount = PrivateBroker.packageRoot.appendingPathComponent("examples/workers/shell/word-count.sh").path

    @Test("the shell example counts words, names its own error EmptyText, and fails Worker.CommandFailed on bad input")
    func shellExample() async throws {
        let runner = CommandTaskRunner(command: [Self.wordCount])
        let counted = try await runner.run(WorkerTask(input: ["text": "to be or not"], token: "t", state: "Count", attempt: 1))
        #expect(counted == ["words": 4, "worker": "Count attempt 1"])
        await #expect(throws: TaskFailure(error: "EmptyText", cause: "the input has no \"text\" to count")) {
            try await runner.run(WorkerTask(input: [:], token: "t"))
        }
        await #expect(throws: TaskFailure(error: "Worker.CommandFailed", cause: "input is not a JSON object")) {
            try await runner.run(WorkerTask(input: [1, 2], token: "t"))
        }
    }

    @Test("`baton worker --queue Q -- cat` answers over the broker, and SIGTERM lets the running command finish, then exits 0",
          .enabled(if: batonExecutable != nil, "needs the baton executable with its worker subcommand"))
    func batonWorkerBinary() async throws {
        let baton = try await FakeOrchestrator.make("bin")
        let executable = try #require(batonExecutable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["worker", "--queue", baton.taskQueue, "--amqp-url", try await WorkerTestBroker.url(),
                             "--log-level", "warning", "--", "/bin/sh", "-c", "sleep \"${BATON_STATE#Sleep}\"; cat"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited = Task<Int32, Never> {
            await withCheckedContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch { continuation.resume(returning: -1) }
            }
        }
        let token = try await baton.send(["hello": "world"], state: "Sleep0")
        let reply = try #require(await baton.replies.nextAnswer(timeout: .seconds(20)).answer)
        #expect(reply.properties.correlationID == token)
        #expect(reply.json == ["hello": "world"])

        let slow = try await baton.send(["slow": true], state: "Sleep1")
        try await Task.sleep(for: .milliseconds(400))
        kill(process.processIdentifier, SIGTERM)
        let slowReply = try #require(await baton.replies.nextAnswer(timeout: .seconds(10)).answer)
        #expect(slowReply.properties.correlationID == slow)
        #expect(slowReply.json == ["slow": true])
        #expect(await exited.value == 0)
        await baton.close()
    }
}
