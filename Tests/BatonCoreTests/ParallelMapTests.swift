import BatonCore
import BatonLanguage
import Testing

/// A branch of one Task state named `name`.
private func taskBranch(_ name: String) -> String {
    #"{"StartAt": "\#(name)", "States": {"\#(name)": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#
}

@Suite("Parallel")
struct ParallelTests {
    @Test("Parallel gives every branch its input and outputs the branches' results in branch order, whatever order they end in")
    func branchOrder() throws {
        var run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              \#(taskBranch("A")), \#(taskBranch("B")), \#(taskBranch("C"))]}}}
            """#, input: ["k": 1])
        #expect(Set(run.openTasks.map(\.stateName)) == ["A", "B", "C"])
        for t in run.openTasks { #expect(t.input == ["k": 1]) }
        try run.succeed("C", output: "c")
        try run.succeed("A", output: "a")
        #expect(run.status == .running)
        try run.succeed("B", output: "b")
        #expect(run.status == .succeeded)
        #expect(run.output == ["a", "b", "c"])
        #expect(run.types.contains("ParallelStateStarted"))
        // The last branch's events, then ParallelStateSucceeded and ParallelStateExited (as the API harness checks).
        #expect(run.types.suffix(4) == ["TaskStateExited", "ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"],
                "\(run.types)")
    }

    @Test("Parallel with Pass branches completes at once")
    func passBranches() throws {
        let run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "ResultSelector": {"first.$": "$[0]", "second.$": "$[1].v"}, "Branches": [
              {"StartAt": "X", "States": {"X": {"Type": "Pass", "Result": 1, "End": true}}},
              {"StartAt": "Y", "States": {"Y": {"Type": "Pass", "Parameters": {"v.$": "$.k"}, "End": true}}}]}}}
            """#, input: ["k": "in"])
        #expect(run.output == ["first": 1, "second": "in"])
    }

    @Test("a failing branch fails the Parallel state, aborts its siblings, and their late answers change nothing")
    func failingBranch() throws {
        var run = try Drive(#"""
            {"StartAt": "P", "States": {
              "P": {"Type": "Parallel", "Next": "Done", "Branches": [\#(taskBranch("A")), \#(taskBranch("B"))],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "After"}]},
              "After": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true},
              "Done": {"Type": "Succeed"}}}
            """#)
        let sibling = try run.task("B")
        try run.fail("A", error: "Boom", cause: "a broke")
        #expect(run.types.contains("ParallelStateFailed"))
        #expect(run.types.contains("TaskStateAborted"))
        #expect(run.execution.pendingTaskTokens.count == 1)
        let after = try run.task("After")
        #expect(after.input == ["Error": "Boom", "Cause": "a broke"])
        #expect(run.execution.pendingTaskTokens == [after.token])

        let late = run.send(.taskSucceeded(token: sibling.token, output: "late"))
        #expect(late.events.isEmpty && late.commands.isEmpty)
        let lateFail = run.send(.taskFailed(token: sibling.token, error: "X", cause: nil))
        #expect(lateFail.events.isEmpty && lateFail.commands.isEmpty)
        try run.succeed("After", output: "ok")
        #expect(run.status == .succeeded)
        #expect(run.output == "ok")
    }

    @Test("an uncaught branch failure fails the execution with the branch's error and cause")
    func uncaughtBranchFailure() throws {
        var run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [\#(taskBranch("A")), \#(taskBranch("B"))]}}}
            """#)
        try run.fail("B", error: "Boom", cause: "b broke")
        #expect(run.status == .failed)
        #expect(run.result?.error == "Boom")
        #expect(run.result?.cause == "b broke")
    }

    @Test("a sibling's timer armed before the failure is stale afterwards")
    func siblingTimerStale() throws {
        var run = try Drive(#"""
            {"StartAt": "P", "States": {
              "P": {"Type": "Parallel", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "W"}], "Branches": [
                \#(taskBranch("A")),
                {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 5, "End": true}}}]},
              "W": {"Type": "Wait", "Seconds": 100, "End": true}}}
            """#)
        let sleep = try #require(run.openTimers.first)
        try run.fail("A", error: "Boom")
        #expect(run.types.contains("WaitStateAborted"))
        run.fire(sleep.id, at: Drive.t0 + 5_000)
        #expect(run.lastStep.events.isEmpty && run.lastStep.commands.isEmpty)
        #expect(run.status == .running)
    }

    @Test("a Parallel state can be retried: all branches run again")
    func parallelRetry() throws {
        var run = try Drive(#"""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
              "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1}],
              "Branches": [\#(taskBranch("A")), \#(taskBranch("B"))]}}}
            """#)
        try run.fail("A", error: "Boom")
        run.openTasks.removeAll()
        try run.fireNextTimer()
        #expect(Set(run.openTasks.map(\.stateName)) == ["A", "B"])
        try run.succeed("A", output: 1)
        try run.succeed("B", output: 2)
        #expect(run.output == [1, 2])
    }
}

@Suite("Map")
struct MapTests {
    private static func taskMap(_ extra: String) -> String {
        #"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, \#(extra)
          "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}
        """#
    }

    @Test("Map with MaxConcurrency never has more tasks in flight than allowed, and starts the next item as one ends")
    func maxConcurrency() throws {
        let items = (0..<10).map { JSON.int($0) }
        var run = try Drive(Self.taskMap(#""MaxConcurrency": 3,"#), input: .array(items))
        #expect(run.openTasks.count == 3)
        #expect(run.openTasks.map(\.input) == [0, 1, 2])
        var answered = 0
        // Answer the newest open task each time, so items end out of order.
        while let t = run.openTasks.last {
            run.openTasks.removeLast()
            run.send(.taskSucceeded(token: t.token, output: ["done": t.input]))
            answered += 1
            #expect(run.openTasks.count <= 3)
            #expect(run.execution.pendingTaskTokens.count == run.openTasks.count)
        }
        #expect(answered == 10)
        #expect(run.maxOpenTasks == 3)
        #expect(run.status == .succeeded)
        #expect(run.output == .array(items.map { ["done": $0] }))
        #expect(run.events(.mapIterationStarted).count == 10)
        #expect(run.events(.mapIterationSucceeded).count == 10)
        if case .mapStateStarted(let length)? = run.events(.mapStateStarted).first?.details {
            #expect(length == 10)
        } else {
            Issue.record("no MapStateStarted with a length")
        }
    }

    @Test("Map with MaxConcurrency 1 runs the items one by one in order")
    func maxConcurrencyOne() throws {
        var run = try Drive(Self.taskMap(#""MaxConcurrency": 1,"#), input: ["a", "b", "c"])
        var seen: [JSON] = []
        while let t = run.openTasks.first {
            #expect(run.openTasks.count == 1)
            seen.append(t.input)
            try run.succeed()
        }
        #expect(seen == ["a", "b", "c"])
        #expect(run.output == ["a", "b", "c"])
    }

    @Test("Map without MaxConcurrency starts every item at once")
    func unlimited() throws {
        let run = try Drive(Self.taskMap(""), input: .array((0..<25).map { JSON.int($0) }))
        #expect(run.openTasks.count == 25)
    }

    @Test("an empty Map outputs [] at once")
    func emptyMap() throws {
        let run = try Drive(Self.taskMap(#""ItemsPath": "$.items","#), input: ["items": []])
        #expect(run.status == .succeeded)
        #expect(run.output == [])
    }

    @Test("ItemSelector sees the Map's input as $ and the item as $$.Map.Item.Index / Value")
    func itemSelector() throws {
        let run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemsPath": "$.items",
              "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "ctx.$": "$.ctx"},
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
            """#, input: ["items": ["a", "b"], "ctx": "C"])
        #expect(run.output == [["index": 0, "value": "a", "ctx": "C"], ["index": 1, "value": "b", "ctx": "C"]])
    }

    @Test("an Iterator-style Map with Parameters reads $$.Map.Item too")
    func legacyParameters() throws {
        let run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
              "Parameters": {"i.$": "$$.Map.Item.Index"},
              "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
            """#, input: [true, false])
        #expect(run.output == [["i": 0], ["i": 1]])
    }

    @Test("a failing iteration fails the Map with its error and aborts the others")
    func failingIteration() throws {
        var run = try Drive(Self.taskMap(""), input: [1, 2, 3])
        let others = run.openTasks.dropFirst().map(\.token)
        try run.fail(error: "Boom", cause: "item 1")
        #expect(run.status == .failed)
        #expect(run.result?.error == "Boom")
        #expect(run.types.contains("MapIterationFailed"))
        #expect(run.types.contains("MapStateFailed"))
        for token in others {
            let late = run.send(.taskSucceeded(token: token, output: 0))
            #expect(late.events.isEmpty && late.commands.isEmpty)
        }
    }

    private static let tolerant = #"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ToleratedFailureCount": 1,
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}}}}
        """#

    @Test("ToleratedFailureCount lets that many iterations fail and the Map still succeed")
    func toleratedFailures() throws {
        var run = try Drive(Self.tolerant, input: [0, 1, 2, 3])
        #expect(run.openTasks.count == 4)
        try run.succeed(output: "r0")
        try run.fail(error: "Boom", cause: "one")
        try run.succeed(output: "r2")
        try run.succeed(output: "r3")
        #expect(run.status == .succeeded)
        let out = try #require(run.output?.arrayValue)
        #expect(out.count == 4)
        #expect(out[0] == "r0" && out[2] == "r2" && out[3] == "r3")
    }

    @Test("one failure more than ToleratedFailureCount fails the Map with States.ExceedToleratedFailureThreshold")
    func toleratedExceeded() throws {
        var run = try Drive(Self.tolerant, input: [0, 1, 2, 3])
        try run.fail(error: "Boom", cause: "one")
        #expect(run.status == .running)
        try run.fail(error: "Boom", cause: "two")
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.ExceedToleratedFailureThreshold")
    }

    @Test("ItemsPath that is not an array fails with States.Runtime")
    func itemsNotArray() throws {
        let run = try Drive(Self.taskMap(#""ItemsPath": "$.items","#), input: ["items": "nope"])
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.Runtime")
    }

    @Test("a Map's results go through ResultSelector and ResultPath like any state's")
    func mapResultPath() throws {
        let run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemsPath": "$.items", "ResultPath": "$.out",
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "$"}, "End": true}}}}}}
            """#, input: ["items": [1, 2]])
        #expect(run.output == ["items": [1, 2], "out": [["x": 1], ["x": 2]]])
    }
}

@Suite("Distributed Map")
struct DistributedMapTests {
    @Test("a distributed Map records MapRunStarted and MapRunSucceeded, not its iterations' own events")
    func mapRun() throws {
        let run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": true}}}}}}
            """#, input: [1, 2, 3])
        #expect(run.status == .succeeded)
        #expect(run.output == [["v": 1], ["v": 2], ["v": 3]])
        #expect(run.types.contains("MapRunStarted"))
        #expect(run.types.contains("MapRunSucceeded"))
        #expect(!run.types.contains("PassStateEntered"))
        #expect(!run.types.contains("MapIterationStarted"))
    }
}
