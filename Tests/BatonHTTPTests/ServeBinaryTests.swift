import BatonLanguage
import BatonTestSupport
import Foundation
import Testing
@testable import BatonHTTP

/// `baton serve` itself (the built binary) on a private RabbitMQ node: GetActivityTask takes the task from the
/// activity's queue on the broker, and --auth-keys makes SigV4 mandatory.
@Suite("baton serve with the API, over RabbitMQ", .serialized)
struct ServeBinaryTests {
    /// Ports 25000–26999 (their distribution ports 45000–46999 collide with no other suite's).
    static let broker = SharedBroker(name: "baton-http-test-\(getpid())", ports: 25_000..<27_000)

    /// The `baton` executable built beside the tests (`swift build --build-tests` builds it).
    static let executable: String? = {
        var dirs: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            dirs.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first { dirs.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
        for dir in dirs {
            var d = dir
            for _ in 0..<4 {
                let path = d.appendingPathComponent("baton").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
                d = d.deletingLastPathComponent()
            }
        }
        return nil
    }()

    @Test("an activity task goes through the broker to GetActivityTask and back; unsigned calls are refused")
    func activityThroughBroker() async throws {
        let baton = try #require(Self.executable, "the baton executable is built beside the tests")
        let url = try await Self.broker.url()
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("baton-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys")
        try "AKIDSERVE s3cret\n".write(to: keys, atomically: true, encoding: .utf8)
        let log = dir.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: baton)
        process.arguments = ["serve", "--amqp-url", url, "--http-port", "0", "--auth-keys", keys.path,
                             "--prefix", "httptest\(getpid())"]
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var port: Int?
        for _ in 0..<300 where port == nil {
            try await Task.sleep(for: .milliseconds(50))
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("Step Functions API listening") }),
               let range = line.range(of: "port=") {
                port = Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        let p = try #require(port, "baton serve did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let endpoint = URL(string: "http://127.0.0.1:\(p)/")!
        let sfn = StepFunctionsClient(endpoint: endpoint, credentials: ("AKIDSERVE", "s3cret"), timeout: 30)

        let unsigned = await apiError { _ = try await StepFunctionsClient(endpoint: endpoint).call("ListActivities", [:]) }
        #expect(unsigned?.status == 403)

        let name = "thumb-\(getpid())"
        let activity = try #require(try await sfn.call("CreateActivity", ["name": .string(name)])["activityArn"]?.stringValue)
        let sm = try #require(try await sfn.call("CreateStateMachine", [
            "name": .string("thumbs-\(getpid())"), "roleArn": "arn:aws:iam::123456789012:role/x",
            "definition": .string(#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(activity)","HeartbeatSeconds":60,"End":true}}}"#),
        ])["stateMachineArn"]?.stringValue)
        let execution = try #require(try await sfn.call("StartExecution", ["stateMachineArn": .string(sm), "input": "{\"w\":64}"])["executionArn"]?.stringValue)
        let task = try await sfn.call("GetActivityTask", ["activityArn": .string(activity), "workerName": "test"])
        let token = try #require(task["taskToken"]?.stringValue)
        #expect(JSON.parse(task["input"]?.stringValue ?? "") == ["w": 64])
        _ = try await sfn.call("SendTaskHeartbeat", ["taskToken": .string(token)])
        _ = try await sfn.call("SendTaskSuccess", ["taskToken": .string(token), "output": "{\"thumb\":\"t.png\"}"])
        var status: JSON?
        var output: JSON?
        for _ in 0..<200 {
            let d = try await sfn.call("DescribeExecution", ["executionArn": .string(execution)])
            status = d["status"]
            output = d["output"]
            if status != "RUNNING" { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(status == "SUCCEEDED")
        #expect(JSON.parse(output?.stringValue ?? "") == ["thumb": "t.png"])

        process.terminate()
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0, "baton serve exits 0 on SIGTERM")
    }
}
