import BatonCore
import BatonLanguage
import Testing

@Suite("Execution lifecycle and determinism")
struct LifecycleTests {
    private static let oneTask = #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#

    @Test("stopRequested ends the execution as ABORTED with the given error and cause; later answers change nothing")
    func stop() throws {
        var run = try Drive(Self.oneTask)
        let token = try run.task().token
        let step = run.send(.stopRequested(error: "UserStop", cause: "enough"), at: Drive.t0 + 1_000)
        #expect(step.events.map(\.type) == [.executionAborted])
        #expect(step.commands == [.finish(ExecutionResult(status: .aborted, error: "UserStop", cause: "enough"))])
        #expect(run.status == .aborted)
        #expect(run.execution.pendingTaskTokens.isEmpty)
        let late = run.send(.taskSucceeded(token: token, output: 1))
        #expect(late.events.isEmpty && late.commands.isEmpty)
        let again = run.send(.stopRequested(error: nil, cause: nil))
        #expect(again.events.isEmpty && again.commands.isEmpty)
        #expect(run.result?.error == "UserStop")
    }

    @Test("the machine's TimeoutSeconds arms a timer at start; when it fires the execution is TIMED_OUT with States.Timeout")
    func executionTimeout() throws {
        var run = try Drive(#"""
            {"TimeoutSeconds": 60, "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}
            """#)
        #expect(run.openTimers.map(\.dueAt) == [Drive.t0 + 60_000])
        let token = try run.task().token
        try run.fireNextTimer()
        #expect(run.status == .timedOut)
        #expect(run.result?.status == .timedOut)
        #expect(run.result?.error == "States.Timeout")
        #expect(run.types.last == "ExecutionTimedOut")
        let late = run.send(.taskSucceeded(token: token, output: 1))
        #expect(late.events.isEmpty && late.commands.isEmpty)
    }

    @Test("an execution that ends before its TimeoutSeconds ignores the timeout timer")
    func executionTimeoutAfterEnd() throws {
        var run = try Drive(#"{"TimeoutSeconds": 60, "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#)
        try run.succeed(output: "ok")
        #expect(run.status == .succeeded)
        try run.fireNextTimer()
        #expect(run.lastStep.events.isEmpty && run.lastStep.commands.isEmpty)
        #expect(run.status == .succeeded)
    }

    @Test("time never runs backwards: an event stamped earlier is recorded at the latest time seen")
    func monotonicTime() throws {
        var run = try Drive(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#)
        try run.succeed(output: 1, at: Drive.t0 - 5_000)
        for e in run.history { #expect(e.timestamp >= Drive.t0) }
    }

    /// A machine that uses every source of randomness and ordering: UUIDs, jittered retries, Parallel, Map, timers.
    private static let busy = #"""
        {"StartAt": "Id", "States": {
          "Id": {"Type": "Pass", "Parameters": {"uuid.$": "States.UUID()", "r.$": "States.MathRandom(1, 1000)"}, "ResultPath": "$.id", "Next": "Fan"},
          "Fan": {"Type": "Parallel", "Next": "Each", "ResultPath": "$.fan", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true,
               "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 3, "IntervalSeconds": 3, "JitterStrategy": "FULL"}]}}},
            {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 2, "End": true}}}]},
          "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ResultPath": "$.each",
            "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:b", "End": true}}},
            "End": true}}}
        """#

    /// Drives `busy` to its end with a fixed script: the first two `A` attempts fail, everything else echoes its input,
    /// tasks are answered oldest first, timers fire in due order.
    private static func script(seed: UInt64) throws -> (history: String, tokens: [String], output: JSON?) {
        var run = try Drive(busy, input: ["items": [1, 2, 3, 4, 5]], seed: seed)
        var tokens: [String] = []
        var aFailures = 0
        var steps = 0
        while run.status == .running, steps < 200 {
            steps += 1
            if let t = run.openTasks.first {
                tokens.append(t.token)
                if t.stateName == "A", aFailures < 2 {
                    aFailures += 1
                    try run.fail(error: "Flaky", cause: "try again", at: run.now + 10)
                } else {
                    try run.succeed(output: ["echo": t.input], at: run.now + 10)
                }
            } else {
                try run.fireNextTimer()
            }
        }
        return (run.historyText, tokens, run.output)
    }

    @Test("replaying the same events with the same seed gives the same history, tokens and output")
    func determinism() throws {
        let first = try Self.script(seed: 2024)
        let second = try Self.script(seed: 2024)
        #expect(first.output != nil)
        #expect(first.history == second.history)
        #expect(first.tokens == second.tokens)
        #expect(first.output == second.output)
    }

    @Test("a different seed gives different UUIDs and tokens")
    func seedMatters() throws {
        let a = try Self.script(seed: 1)
        let b = try Self.script(seed: 2)
        #expect(a.output?["id"]?["uuid"] != b.output?["id"]?["uuid"])
        #expect(a.tokens != b.tokens)
        #expect(a.output?["each"] == b.output?["each"])
    }

    @Test("tokens are unique across attempts, branches and iterations")
    func uniqueTokens() throws {
        let run = try Self.script(seed: 99)
        #expect(Set(run.tokens).count == run.tokens.count)
        #expect(run.tokens.count == 3 + 5)
    }
}
