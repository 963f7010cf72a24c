import BatonCore
import BatonLanguage
import Testing

@Suite("Map and Parallel: history, settings from the input, nesting and aborts")
struct NestingTests {
    @Test("a one-item inline Map records the events AWS records, in AWS's order")
    func mapHistory() throws {
        let run = try Drive(#"""
            {"StartAt": "Start", "States": {"Start": {"Type": "Map", "MaxConcurrency": 1, "End": true,
              "ItemProcessor": {"StartAt": "Process", "States": {"Process": {"Type": "Pass", "End": true}}}}}}
            """#, input: [1])
        #expect(run.types == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapIterationStarted",
                              "PassStateEntered", "PassStateExited", "MapIterationSucceeded", "MapStateSucceeded",
                              "MapStateExited", "ExecutionSucceeded"])
        #expect(run.output == [1])
    }

    @Test("a Parallel of Pass branches records the events AWS records, in AWS's order")
    func parallelHistory() throws {
        let run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}
            """#)
        #expect(run.types.first(where: { $0.hasPrefix("Parallel") }) == "ParallelStateEntered")
        #expect(Array(run.types.prefix(3)) == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"])
        #expect(run.types.filter { $0 == "PassStateEntered" }.count == 2)
        #expect(run.types.suffix(2) == ["ParallelStateExited", "ExecutionSucceeded"])
    }

    @Test("MaxConcurrencyPath reads the limit from the input")
    func maxConcurrencyPath() throws {
        var run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemsPath": "$.items", "MaxConcurrencyPath": "$.limit",
              "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}
            """#, input: ["items": [1, 2, 3, 4, 5, 6], "limit": 2])
        while !run.openTasks.isEmpty { try run.succeed() }
        #expect(run.maxOpenTasks == 2)
        #expect(run.output == [1, 2, 3, 4, 5, 6])
    }

    @Test("ToleratedFailurePercentage tolerates failures up to that share of the items")
    func toleratedPercentage() throws {
        let definition = #"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ToleratedFailurePercentage": 25,
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}
            """#
        var ok = try Drive(definition, input: [1, 2, 3, 4])
        try ok.fail(error: "Boom")
        while !ok.openTasks.isEmpty { try ok.succeed() }
        #expect(ok.status == .succeeded)

        var tooMany = try Drive(definition, input: [1, 2, 3, 4])
        try tooMany.fail(error: "Boom")
        try tooMany.fail(error: "Boom")
        #expect(tooMany.status == .failed)
        #expect(tooMany.result?.error == "States.ExceedToleratedFailureThreshold")
    }

    @Test("Map iterations that Wait arm their timers only as MaxConcurrency lets them start")
    func mapOfWaits() throws {
        var run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "MaxConcurrency": 2,
              "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$", "End": true}}}}}}
            """#, input: [10, 5, 1])
        #expect(run.openTimers.map(\.dueAt) == [Drive.t0 + 10_000, Drive.t0 + 5_000])
        try run.fireNextTimer()  // item 1 ends at t0+5s, item 2 starts and waits 1 s
        #expect(run.lastTimers.map(\.dueAt) == [Drive.t0 + 6_000])
        try run.fireNextTimer()
        try run.fireNextTimer()
        #expect(run.status == .succeeded)
        #expect(run.output == [10, 5, 1])
        #expect(run.now == Drive.t0 + 10_000)
    }

    @Test("a failure deep inside a Map aborts every other iteration, their nested branches included; late answers change nothing")
    func nestedAbort() throws {
        var run = try Drive(#"""
            {"StartAt": "M", "States": {
              "M": {"Type": "Map", "Next": "Done", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}},
                  {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                                                    "HeartbeatSeconds": 30, "End": true}}}]}}}},
              "Caught": {"Type": "Pass", "End": true},
              "Done": {"Type": "Pass", "End": true}}}
            """#, input: ["x", "y", "z"])
        #expect(run.openTasks.count == 6)
        let victims = run.openTasks
        let failing = try run.task("A")
        run.openTasks.removeAll()
        run.send(.taskFailed(token: failing.token, error: "Deep", cause: "inside"))
        #expect(run.status == .succeeded)
        #expect(run.output == ["Error": "Deep", "Cause": "inside"])
        #expect(run.execution.pendingTaskTokens.isEmpty)
        let heartbeatTimers = run.openTimers
        for t in victims where t.token != failing.token {
            let late = run.send(.taskSucceeded(token: t.token, output: 0))
            #expect(late.events.isEmpty && late.commands.isEmpty)
        }
        for timer in heartbeatTimers {
            run.fire(timer.id)
            #expect(run.lastStep.events.isEmpty && run.lastStep.commands.isEmpty)
        }
    }

    @Test("stopRequested during a Map drops every outstanding task")
    func stopDuringMap() throws {
        var run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
              "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}
            """#, input: [1, 2, 3])
        let tokens = run.openTasks.map(\.token)
        run.send(.stopRequested(error: nil, cause: nil))
        #expect(run.status == .aborted)
        #expect(run.execution.pendingTaskTokens.isEmpty)
        for token in tokens {
            let late = run.send(.taskSucceeded(token: token, output: 0))
            #expect(late.events.isEmpty && late.commands.isEmpty)
        }
    }

    @Test("the execution timing out while a retry waits makes the retry timer stale")
    func timeoutDuringRetry() throws {
        var run = try Drive(#"""
            {"TimeoutSeconds": 10, "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 60}], "End": true}}}
            """#)
        try run.fail(error: "Boom")
        let retry = try #require(run.lastTimers.first)
        #expect(retry.dueAt == Drive.t0 + 60_000)
        try run.fireNextTimer()  // the execution timeout, due first
        #expect(run.status == .timedOut)
        run.fire(retry.id)
        #expect(run.lastStep.events.isEmpty && run.lastStep.commands.isEmpty)
    }

    @Test("a Map state can be retried, and $$.State.RetryCount counts in its ItemSelector")
    func mapRetry() throws {
        var run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
              "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1}],
              "ItemSelector": {"retry.$": "$$.State.RetryCount", "v.$": "$$.Map.Item.Value"},
              "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}
            """#, input: [7])
        #expect(try run.task().input == ["retry": 0, "v": 7])
        try run.fail(error: "Boom")
        try run.fireNextTimer()
        #expect(try run.task().input == ["retry": 1, "v": 7])
        try run.succeed()
        #expect(run.output == [["retry": 1, "v": 7]])
    }

    @Test("a Parallel inside a Parallel nests its results")
    func nestedParallel() throws {
        let run = try Drive(#"""
            {"StartAt": "Outer", "States": {"Outer": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "Inner", "States": {"Inner": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": true}}}]}}},
              {"StartAt": "C", "States": {"C": {"Type": "Pass", "Result": "c", "End": true}}}]}}}
            """#)
        #expect(run.output == [["a", "b"], "c"])
    }
}

@Suite("Nested Maps")
struct NestedMapTests {
    @Test("an inner Map's $$.Map.Item is its own item, and $$.Execution.Input is still the execution's input")
    func innerItem() throws {
        let run = try Drive(#"""
            {"StartAt": "Outer", "States": {"Outer": {"Type": "Map", "End": true, "ItemsPath": "$.rows",
              "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Map", "End": true,
                "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "tag.$": "$$.Execution.Input.tag"},
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}}}}
            """#, input: ["rows": [["a", "b"], ["c"]], "tag": "T"])
        #expect(run.output == [
            [["i": 0, "v": "a", "tag": "T"], ["i": 1, "v": "b", "tag": "T"]],
            [["i": 0, "v": "c", "tag": "T"]],
        ])
    }
}

@Suite("previousEventId follows each path, not the global order")
struct PreviousEventTests {
    @Test("each branch's events point back along their own branch")
    func branchChains() throws {
        var run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}]}}}
            """#)
        let parallelStarted = try #require(run.events(.parallelStateStarted).first)
        let entered = run.events(.taskStateEntered)
        #expect(entered.count == 2)
        for e in entered { #expect(e.previousEventId == parallelStarted.id) }
        // Answer A first: its TaskSucceeded points at A's TaskStarted even though B's events came later.
        let starts = run.events(.taskStarted)
        #expect(starts.count == 2)
        let aEnteredId = try #require(entered.first { $0.stateName == "A" }).id
        let aScheduled = try #require(run.events(.taskScheduled).first { $0.previousEventId == aEnteredId })
        let aStarted = try #require(starts.first { $0.previousEventId == aScheduled.id })
        try run.succeed("A", output: 1)
        let succeededA = try #require(run.events(.taskSucceeded).first)
        #expect(succeededA.previousEventId == aStarted.id)
        #expect(succeededA.id == aStarted.id + 4, "B's three events sit between them in the global order")
    }
}
