import BatonCore
import BatonLanguage
import Testing

/// A machine of one Task `T` with the given Retry array (and optional Catch array), then `Recover`.
private func retrying(_ retry: String, catchers: String = "[]") -> String {
    let recover = catchers == "[]" ? "" : #", "Recover": {"Type": "Pass", "End": true}"#
    return #"""
    {"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": \#(retry), "Catch": \#(catchers), "End": true}\#(recover)}}
    """#
}

/// Fails the task `times` times in a row, firing each retry timer at its due time; returns the delays armed.
private func retryDelays(_ run: inout Drive, failures times: Int, error: String = "Boom") throws -> [Millis] {
    var delays: [Millis] = []
    for _ in 0..<times {
        guard run.status == .running else { break }
        let failedAt = run.now
        try run.fail(error: error, cause: "it broke")
        let armed = run.lastTimers
        guard let timer = armed.first else { break }
        #expect(armed.count == 1)
        #expect(run.lastTasks.isEmpty, "a retry waits for its timer before publishing again")
        delays.append(timer.dueAt - failedAt)
        try run.fireNextTimer()
    }
    return delays
}

@Suite("Retry")
struct RetryTests {
    @Test("a task failure matching Retry arms a timer with IntervalSeconds × BackoffRate^n, then re-publishes with the next attempt")
    func backoff() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3}]"#))
        var attempts = [try run.task().attempt]
        var delays: [Millis] = []
        for _ in 0..<3 {
            let failedAt = run.now
            try run.fail(error: "Boom", cause: "it broke")
            let timer = try #require(run.lastTimers.first)
            delays.append(timer.dueAt - failedAt)
            try run.fireNextTimer()
            attempts.append(try run.task().attempt)
        }
        #expect(delays == [2_000, 6_000, 18_000])
        #expect(attempts == [0, 1, 2, 3])
        try run.fail(error: "Boom", cause: "it broke")
        #expect(run.status == .failed)
        #expect(run.result?.error == "Boom")
        #expect(run.result?.cause == "it broke")
        #expect(run.events(.taskStateEntered).count == 1, "a retry does not enter the state again")
        #expect(run.events(.taskScheduled).count == 4)
    }

    @Test("Retry defaults are IntervalSeconds 1, BackoffRate 2.0, MaxAttempts 3")
    func defaults() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["States.ALL"]}]"#))
        let delays = try retryDelays(&run, failures: 4)
        #expect(delays == [1_000, 2_000, 4_000])
        #expect(run.status == .failed)
    }

    @Test("MaxDelaySeconds caps the backoff")
    func maxDelay() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["Boom"], "IntervalSeconds": 10, "BackoffRate": 10, "MaxAttempts": 4, "MaxDelaySeconds": 50}]"#))
        let delays = try retryDelays(&run, failures: 5)
        #expect(delays == [10_000, 50_000, 50_000, 50_000])
        #expect(run.status == .failed)
    }

    @Test("FULL jitter draws each delay within [0, IntervalSeconds × BackoffRate^n], the same for the same seed")
    func fullJitter() throws {
        let definition = retrying(#"[{"ErrorEquals": ["Boom"], "IntervalSeconds": 10, "BackoffRate": 2, "MaxAttempts": 6, "JitterStrategy": "FULL"}]"#)
        func delays(seed: UInt64) throws -> [Millis] {
            var run = try Drive(definition, seed: seed)
            return try retryDelays(&run, failures: 6)
        }
        let a = try delays(seed: 42)
        let ceilings: [Millis] = [10_000, 20_000, 40_000, 80_000, 160_000, 320_000]
        #expect(a.count == 6)
        for (d, ceiling) in zip(a, ceilings) {
            #expect(d >= 0 && d <= ceiling)
        }
        #expect(a != ceilings, "FULL jitter must shorten the delays")
        #expect(try delays(seed: 42) == a)
        #expect(try delays(seed: 43) != a)
    }

    @Test("MaxAttempts 0 never retries: the error goes straight to Catch")
    func maxAttemptsZero() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]"#,
                                     catchers: #"[{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]"#))
        try run.fail(error: "Boom", cause: "c")
        #expect(run.lastTimers.isEmpty)
        #expect(run.status == .succeeded)
        #expect(run.output == ["Error": "Boom", "Cause": "c"])
    }

    @Test("the first Retry entry whose ErrorEquals matches decides, even when it has no attempts left")
    func firstMatchingRetrierDecides() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["Boom"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}]"#))
        try run.fail(error: "Boom")
        #expect(run.lastTimers.isEmpty)
        #expect(run.status == .failed)
    }

    @Test("an error no Retry entry names is not retried")
    func unmatchedError() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["Other"], "MaxAttempts": 5}]"#))
        try run.fail(error: "Boom")
        #expect(run.status == .failed)
        #expect(run.result?.error == "Boom")
    }

    @Test("each Retry entry counts its own attempts")
    func separateCounters() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["A"], "MaxAttempts": 1, "IntervalSeconds": 1}, {"ErrorEquals": ["B"], "MaxAttempts": 1, "IntervalSeconds": 7}]"#))
        try run.fail(error: "A")
        #expect(run.lastTimers.first?.dueAt == Drive.t0 + 1_000)
        try run.fireNextTimer()
        let t = run.now
        try run.fail(error: "B")
        #expect(run.lastTimers.first?.dueAt == t + 7_000)
        try run.fireNextTimer()
        #expect(try run.task().attempt == 2)
        try run.fail(error: "A")
        #expect(run.status == .failed)
    }
}

@Suite("Catch and the predefined errors")
struct CatchTests {
    @Test("Catch with ResultPath puts {Error, Cause} into the input and goes to Next")
    func catchWithResultPath() throws {
        var run = try Drive(retrying("[]", catchers: #"[{"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Next": "Recover"}]"#),
                            input: ["a": 1])
        try run.fail(error: "Boom", cause: "bad")
        #expect(run.status == .succeeded)
        #expect(run.output == ["a": 1, "err": ["Error": "Boom", "Cause": "bad"]])
        let recover = run.events(.passStateEntered).first
        #expect(recover?.stateName == "Recover")
        #expect(recover?.payload == ["a": 1, "err": ["Error": "Boom", "Cause": "bad"]])
    }

    @Test("Catch without ResultPath replaces the input with {Error, Cause}")
    func catchDefaultResultPath() throws {
        var run = try Drive(retrying("[]", catchers: #"[{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]"#), input: ["a": 1])
        try run.fail(error: "Boom", cause: "bad")
        #expect(run.output == ["Error": "Boom", "Cause": "bad"])
    }

    @Test("Catch with ResultPath null keeps the state's input")
    func catchDiscard() throws {
        var run = try Drive(retrying("[]", catchers: #"[{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Recover"}]"#),
                            input: ["a": 1])
        try run.fail(error: "Boom", cause: "bad")
        #expect(run.output == ["a": 1])
    }

    @Test("retries come first; Catch applies once they are exhausted")
    func retryThenCatch() throws {
        var run = try Drive(retrying(#"[{"ErrorEquals": ["Boom"], "MaxAttempts": 1}]"#,
                                     catchers: #"[{"ErrorEquals": ["Boom"], "Next": "Recover"}]"#))
        try run.fail(error: "Boom", cause: "1")
        #expect(run.lastTimers.count == 1)
        try run.fireNextTimer()
        try run.fail(error: "Boom", cause: "2")
        #expect(run.status == .succeeded)
        #expect(run.output == ["Error": "Boom", "Cause": "2"])
    }

    @Test("the first Catch entry that matches is taken")
    func firstCatcherWins() throws {
        let definition = #"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true,
                    "Catch": [{"ErrorEquals": ["Other"], "Next": "A"}, {"ErrorEquals": ["Boom"], "Next": "B"},
                              {"ErrorEquals": ["States.ALL"], "Next": "A"}]},
              "A": {"Type": "Pass", "Result": "A", "End": true},
              "B": {"Type": "Pass", "Result": "B", "End": true}}}
            """#
        var run = try Drive(definition)
        try run.fail(error: "Boom")
        #expect(run.output == "B")
    }

    @Test("States.TaskFailed catches any task error but States.Timeout")
    func taskFailedWildcard() throws {
        let definition = #"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": 5, "End": true,
                    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "R"}]},
              "R": {"Type": "Pass", "End": true}}}
            """#
        var caught = try Drive(definition)
        try caught.fail(error: "Lambda.Unknown", cause: "x")
        #expect(caught.status == .succeeded)
        var timedOut = try Drive(definition)
        try timedOut.fireNextTimer()
        #expect(timedOut.status == .failed)
        #expect(timedOut.result?.error == "States.Timeout")
    }

    @Test("States.Runtime is neither retried nor caught by States.ALL")
    func runtimeNotCaught() throws {
        let run = try Drive(#"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "InputPath": "$.missing", "End": true,
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "R"}]},
              "R": {"Type": "Pass", "End": true}}}
            """#, input: ["a": 1])
        #expect(run.commands.allSatisfy { if case .startTimer = $0 { false } else { true } })
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.Runtime")
        #expect(run.result?.cause?.contains("$.missing") == true)
        #expect(!run.types.contains("PassStateEntered"))
    }

    @Test("a task result above ExecutionLimits.maxPayloadBytes fails the state with States.DataLimitExceeded")
    func dataLimitExceeded() throws {
        var run = try Drive(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#,
                            limits: ExecutionLimits(maxPayloadBytes: 100))
        try run.succeed(output: .string(String(repeating: "x", count: 200)))
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.DataLimitExceeded")
    }

    @Test("a result just under the limit passes")
    func dataUnderLimit() throws {
        var run = try Drive(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#,
                            limits: ExecutionLimits(maxPayloadBytes: 100))
        try run.succeed(output: .string(String(repeating: "x", count: 50)))
        #expect(run.status == .succeeded)
    }

    @Test("States.DataLimitExceeded can be caught by a Catch that names it")
    func dataLimitCaught() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true,
                    "Catch": [{"ErrorEquals": ["States.DataLimitExceeded"], "ResultPath": "$.e", "Next": "R"}]},
              "R": {"Type": "Pass", "End": true}}}
            """#, input: ["a": 1], limits: ExecutionLimits(maxPayloadBytes: 400))
        try run.succeed(output: .string(String(repeating: "x", count: 1_000)))
        #expect(run.status == .succeeded, "\(String(describing: run.result)) \(run.types)")
        #expect(run.output?["e"]?["Error"] == "States.DataLimitExceeded")
        #expect(run.output?["a"] == 1)
    }

    @Test("a task input above the limit fails with States.DataLimitExceeded before anything is published")
    func dataLimitOnInput() throws {
        let run = try Drive(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#,
                            input: ["big": .string(String(repeating: "y", count: 500))],
                            limits: ExecutionLimits(maxPayloadBytes: 100))
        #expect(run.openTasks.isEmpty)
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.DataLimitExceeded")
    }
}

@Suite("Errors the interpreter raises")
struct RaisedErrorTests {
    @Test("a ResultPath that cannot be applied to the input raises States.ResultPathMatchFailure, which States.ALL catches")
    func resultPathMatchFailure() throws {
        let definition = #"""
            {"StartAt": "P", "States": {
              "P": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "ResultPath": "$.a.b", "End": true,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "R"}]},
              "R": {"Type": "Pass", "End": true}}}
            """#
        var run = try Drive(definition, input: ["a": "a string"])
        try run.succeed(output: 1)
        #expect(run.status == .succeeded)
        #expect(run.output?["Error"] == "States.ResultPathMatchFailure")
    }

    @Test("an uncaught ResultPath failure fails the execution with States.ResultPathMatchFailure")
    func resultPathMatchFailureUncaught() throws {
        let run = try Drive(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "ResultPath": "$.a.b", "End": true}}}"#,
                            input: ["a": [1, 2]])
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.ResultPathMatchFailure")
    }

    @Test("an intrinsic function that fails raises States.IntrinsicFailure")
    func intrinsicFailure() throws {
        let run = try Drive(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "States.StringToJson($.s)"}, "End": true}}}"#,
                            input: ["s": "{not json"])
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.IntrinsicFailure")
    }
}
