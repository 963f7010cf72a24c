import BatonCore
import BatonLanguage
import Testing

@Suite("Edge cases of retries, Map concurrency and late signals")
struct EdgeCaseTests {
    private static func map(_ settings: String) -> String {
        #"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, \#(settings)
          "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}
        """#
    }

    @Test("FULL jitter applies after MaxDelaySeconds: every delay stays within [0, MaxDelaySeconds]")
    func jitterUnderCap() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true,
              "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 100, "BackoffRate": 5, "MaxDelaySeconds": 3, "MaxAttempts": 8, "JitterStrategy": "FULL"}]}}}
            """#, seed: 5)
        var delays: [Millis] = []
        for _ in 0..<8 {
            let at = run.now
            try run.fail(error: "Boom")
            let timer = try #require(run.lastTimers.first)
            delays.append(timer.dueAt - at)
            try run.fireNextTimer()
        }
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= 3_000 }, "\(delays)")
        #expect(Set(delays).count > 1, "jitter should vary the delays: \(delays)")
    }

    @Test("Wait Seconds 0 arms a timer due at once")
    func waitZero() throws {
        var run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 0, "End": true}}}"#)
        #expect(run.openTimers.map(\.dueAt) == [Drive.t0])
        try run.fireNextTimer()
        #expect(run.status == .succeeded)
    }

    @Test("a heartbeat after the task has been answered changes nothing")
    func heartbeatAfterAnswer() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "HeartbeatSeconds": 5, "Next": "U"},
              "U": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}
            """#)
        let t = try run.task("T")
        try run.succeed("T")
        let beat = run.send(.taskHeartbeat(token: t.token))
        #expect(beat.events.isEmpty && beat.commands.isEmpty)
        // The first task's heartbeat timer firing now is stale too.
        for timer in run.openTimers { run.fire(timer.id) }
        #expect(run.status == .running)
        #expect(try run.task("U").stateName == "U")
    }

    @Test("with MaxConcurrency 1 a tolerated failure still starts the next item")
    func toleratedFailureStartsNext() throws {
        var run = try Drive(Self.map(#""MaxConcurrency": 1, "ToleratedFailureCount": 1,"#), input: ["a", "b", "c"])
        #expect(run.openTasks.map(\.input) == ["a"])
        try run.fail(error: "Boom", cause: "a failed")
        #expect(run.openTasks.map(\.input) == ["b"])
        try run.succeed()
        #expect(run.openTasks.map(\.input) == ["c"])
        try run.succeed()
        #expect(run.status == .succeeded)
        #expect(run.output?.arrayValue?.count == 3)
        #expect(run.output?.arrayValue?.dropFirst().map { $0 } == ["b", "c"])
    }

    @Test("after an intolerable failure, items not started yet are never started")
    func noStartAfterFailure() throws {
        var run = try Drive(Self.map(#""MaxConcurrency": 2,"#), input: [1, 2, 3, 4, 5])
        #expect(run.openTasks.count == 2)
        try run.fail(error: "Boom")
        #expect(run.lastTasks.isEmpty)
        #expect(run.status == .failed)
        #expect(run.events(.mapIterationStarted).count == 2)
    }

    @Test("a Map failing beyond its tolerance can be caught as States.ExceedToleratedFailureThreshold")
    func catchThreshold() throws {
        var run = try Drive(#"""
            {"StartAt": "M", "States": {
              "M": {"Type": "Map", "ToleratedFailureCount": 0, "Next": "Done",
                    "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "ResultPath": "$.err", "Next": "Caught"}],
                    "ItemsPath": "$.items",
                    "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}},
              "Caught": {"Type": "Pass", "End": true},
              "Done": {"Type": "Pass", "End": true}}}
            """#, input: ["items": [1, 2]])
        try run.fail(error: "Boom")
        #expect(run.status == .succeeded)
        #expect(run.output?["err"]?["Error"] == "States.ExceedToleratedFailureThreshold")
        #expect(run.output?["items"] == [1, 2])
    }

    @Test("when a retried Parallel runs again, answers for the first run's branches are stale")
    func parallelRetryStale() throws {
        var run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
              "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1}],
              "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}]}}}
            """#)
        let oldB = try run.task("B")
        try run.fail("A", error: "Boom")
        run.openTasks.removeAll()
        try run.fireNextTimer()
        let stale = run.send(.taskSucceeded(token: oldB.token, output: "old"))
        #expect(stale.events.isEmpty && stale.commands.isEmpty)
        try run.succeed("A", output: "a2")
        try run.succeed("B", output: "b2")
        #expect(run.output == ["a2", "b2"])
    }

    @Test("variables set by Assign are visible to later states as $name")
    func assignVariables() throws {
        let run = try Drive(#"""
            {"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"x": 1, "fromInput.$": "$.k"}, "Next": "B"},
              "B": {"Type": "Pass", "Parameters": {"x.$": "$x", "k.$": "$fromInput"}, "End": true}}}
            """#, input: ["k": "v"])
        #expect(run.status == .succeeded)
        #expect(run.output == ["x": 1, "k": "v"])
    }

    @Test("a Map ItemSelector can read the Map state's input after InputPath, and each iteration's input is separate")
    func itemSelectorAfterInputPath() throws {
        let run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "InputPath": "$.inner", "ItemsPath": "$.list",
              "ItemSelector": {"tag.$": "$.tag", "item.$": "$$.Map.Item.Value"},
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "overwritten", "ResultPath": "$.item", "End": true}}}}}}
            """#, input: ["inner": ["tag": "T", "list": [1, 2]]])
        #expect(run.output == [["tag": "T", "item": "overwritten"], ["tag": "T", "item": "overwritten"]])
    }
}

@Suite("The payload limit beyond Task results")
struct PayloadLimitTests {
    @Test("a Map whose gathered results exceed the limit fails with States.DataLimitExceeded though each item fits")
    func mapAggregate() throws {
        let item = JSON.string(String(repeating: "m", count: 60))
        let run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
            """#, input: .array(Array(repeating: item, count: 3)), limits: ExecutionLimits(maxPayloadBytes: 300))
        #expect(run.status == .succeeded)
        let big = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemsPath": "$.n", "ItemSelector": {"s.$": "$.s"},
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
            """#, input: ["n": [1, 2, 3, 4, 5, 6, 7, 8], "s": item], limits: ExecutionLimits(maxPayloadBytes: 300))
        #expect(big.status == .failed)
        #expect(big.result?.error == "States.DataLimitExceeded")
    }

    @Test("a Pass state whose output exceeds the limit fails with States.DataLimitExceeded")
    func passOutput() throws {
        let run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s", "c.$": "$.s"}, "End": true}}}
            """#, input: ["s": .string(String(repeating: "p", count: 120))], limits: ExecutionLimits(maxPayloadBytes: 300))
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.DataLimitExceeded")
    }
}
