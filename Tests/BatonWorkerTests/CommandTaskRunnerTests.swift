import BatonLanguage
import BatonWorker
import Foundation
import Testing

/// The rule of `baton worker`: stdin in, stdout out, exit status and stderr for failures.
@Suite("CommandTaskRunner")
struct CommandTaskRunnerTests {
    let runner = CommandTaskRunner(command: ["tool"], causeLimit: 16)

    func outcome(_ status: Int32, _ stdout: String, _ stderr: String = "", signalled: Bool = false) -> CommandTaskRunner.Outcome {
        .init(status: status, signalled: signalled, stdout: Array(stdout.utf8), stderr: Array(stderr.utf8))
    }

    @Test("exit 0 with JSON on stdout is the output; blank stdout is null")
    func success() throws {
        #expect(try runner.interpret(outcome(0, " {\"a\": [1, 2]}\n")) == ["a": [1, 2]])
        #expect(try runner.interpret(outcome(0, "\n  \n")) == .null)
        #expect(try runner.interpret(outcome(0, "\"text\"")) == "text")
    }

    @Test("exit 0 with output that is not JSON fails with Worker.InvalidOutput")
    func invalidOutput() {
        #expect(throws: TaskFailure(error: "Worker.InvalidOutput", cause: "the command's output is not JSON: hello world")) {
            try runner.interpret(outcome(0, "hello world\n"))
        }
    }

    @Test("a non-zero exit fails with Worker.CommandFailed, stderr trimmed and cut to its last bytes as the cause")
    func commandFailed() {
        #expect(throws: TaskFailure(error: "Worker.CommandFailed", cause: "disk full")) {
            try runner.interpret(outcome(1, "", "  disk full\n"))
        }
        #expect(throws: TaskFailure(error: "Worker.CommandFailed", cause: "…0123456789abcdef")) {
            try runner.interpret(outcome(1, "", "a very long preamble 0123456789abcdef\n"))
        }
        #expect(throws: TaskFailure(error: "Worker.CommandFailed", cause: "tool exited with status 7")) {
            try runner.interpret(outcome(7, "partial"))
        }
        #expect(throws: TaskFailure(error: "Worker.CommandFailed", cause: "tool was killed by signal 9")) {
            try runner.interpret(outcome(9, "", signalled: true))
        }
    }

    @Test("a non-zero exit with {\"error\", \"cause\"} on stdout names the error; stderr stands in for a missing cause")
    func namedError() {
        #expect(throws: TaskFailure(error: "EmptyText", cause: "nothing to count")) {
            try runner.interpret(outcome(1, #"{"error": "EmptyText", "cause": "nothing to count"}"#, "ignored"))
        }
        #expect(throws: TaskFailure(error: "EmptyText", cause: "from stderr")) {
            try runner.interpret(outcome(2, #"{"error": "EmptyText"}"#, "from stderr"))
        }
        // Exit 0 with the same object is a successful output, not a failure.
        #expect(throws: Never.self) { try runner.interpret(outcome(0, #"{"error": "EmptyText"}"#)) }
    }

    @Test("runs a real process: input on stdin, task headers in the environment, large output read without deadlock")
    func realProcess() async throws {
        let task = WorkerTask(input: ["n": 1], token: "tok-1", queue: "q", executionArn: "arn:x", state: "Count", attempt: 3)
        let echo = CommandTaskRunner(command: ["/bin/sh", "-c", #"read -r line; printf '{"in": %s, "state": "%s", "attempt": %s, "token": "%s"}' "$line" "$BATON_STATE" "$BATON_ATTEMPT" "$BATON_TASK_TOKEN""#])
        #expect(try await echo.run(task) == ["in": ["n": 1], "state": "Count", "attempt": 3, "token": "tok-1"])

        let big = CommandTaskRunner(command: ["/bin/sh", "-c", "cat >/dev/null; head -c 300000 /dev/zero | tr '\\0' x >&2; printf '\"%s\"' $(head -c 200000 /dev/zero | tr '\\0' y)"])
        let output = try await big.run(task)
        #expect(output.stringValue?.count == 200_000)

        let ignoresInput = CommandTaskRunner(command: ["/bin/echo", "42"])
        let large = WorkerTask(input: .string(String(repeating: "z", count: 1_000_000)), token: "t")
        #expect(try await ignoresInput.run(large) == 42)
    }

    @Test("a command that cannot start fails with Worker.CommandNotStarted")
    func notStarted() async {
        let missing = CommandTaskRunner(command: ["/nonexistent/tool"])
        do {
            _ = try await missing.run(WorkerTask(input: nil, token: "t"))
            Issue.record("should have thrown")
        } catch let error as WorkerError {
            #expect(error.code == .commandNotStarted)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
