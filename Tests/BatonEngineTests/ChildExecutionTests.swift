import BatonCore
import BatonEngine
import BatonLanguage
import Testing

/// An orchestrator on a fixed clock, with deterministic seeds.
private func orchestrator() -> Orchestrator {
    let counter = SeedCounter()
    return Orchestrator(clock: { 1_700_000_000_000 }, seeds: { counter.next() })
}

private final class SeedCounter: @unchecked Sendable {
    // Only read from the orchestrator actor, one call at a time.
    private var value: UInt64 = 0
    func next() -> UInt64 {
        value += 1
        return value
    }
}

private let child = #"""
{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}}
"""#

private let brokenChild = #"""
{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Child.Broke", "Cause": "on purpose"}}}
"""#

private func parent(_ resource: String, machine: String = "child") -> String {
    """
    {"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "\(resource)",
      "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:\(machine)", "Input": {"n": 21}},
      "End": true}}}
    """
}

@Suite("Child executions started by arn:aws:states:::states:startExecution")
struct ChildExecutionTests {
    @Test(".sync waits for the child and returns DescribeExecution's shape with Output as JSON text")
    func syncChild() async throws {
        let o = orchestrator()
        try await o.register(name: "child", definition: child)
        try await o.register(name: "parent", definition: parent("arn:aws:states:::states:startExecution.sync"))
        let (record, _) = try await o.start(.init(stateMachine: "parent", name: "p1"))
        let done = try #require(await o.describe(record.executionArn))
        #expect(done.status == .succeeded)
        #expect(done.output?["Status"] == "SUCCEEDED")
        #expect(done.output?["Output"] == .string(#"{"doubled":42}"#))
        #expect(done.output?["Input"] == .string(#"{"n":21}"#))
        #expect(await o.listExecutions(stateMachine: "child").count == 1)
    }

    @Test(".sync:2 returns the child's input and output as JSON values")
    func sync2Child() async throws {
        let o = orchestrator()
        try await o.register(name: "child", definition: child)
        try await o.register(name: "parent", definition: parent("arn:aws:states:::states:startExecution.sync:2"))
        let (record, _) = try await o.start(.init(stateMachine: "parent", name: "p2"))
        let done = try #require(await o.describe(record.executionArn))
        #expect(done.output?["Output"] == ["doubled": 42])
        #expect(done.output?["Input"] == ["n": 21])
    }

    @Test("without .sync the task returns at once with the child's ARN and start date")
    func fireAndForget() async throws {
        let o = orchestrator()
        try await o.register(name: "child", definition: child)
        try await o.register(name: "parent", definition: parent("arn:aws:states:::states:startExecution"))
        let (record, _) = try await o.start(.init(stateMachine: "parent", name: "p3"))
        let done = try #require(await o.describe(record.executionArn))
        #expect(done.status == .succeeded)
        #expect(done.output?["ExecutionArn"]?.stringValue?.contains(":execution:child:") == true)
        #expect(done.output?["StartDate"]?.isString == true)
    }

    @Test("a failing .sync child fails the parent's task with States.TaskFailed and the child's description as cause")
    func failingChild() async throws {
        let o = orchestrator()
        try await o.register(name: "broken", definition: brokenChild)
        try await o.register(name: "parent", definition: parent("arn:aws:states:::states:startExecution.sync", machine: "broken"))
        let (record, _) = try await o.start(.init(stateMachine: "parent", name: "p4"))
        let done = try #require(await o.describe(record.executionArn))
        #expect(done.status == .failed)
        #expect(done.error == "States.TaskFailed")
        let cause = try JSONParser.parse(try #require(done.cause))
        #expect(cause["Status"] == "FAILED")
        #expect(cause["Error"] == "Child.Broke")
    }

    @Test("a child of an unknown state machine fails the task with StepFunctions.StateMachineDoesNotExistException")
    func unknownChild() async throws {
        let o = orchestrator()
        try await o.register(name: "parent", definition: parent("arn:aws:states:::states:startExecution.sync", machine: "nope"))
        let (record, _) = try await o.start(.init(stateMachine: "parent", name: "p5"))
        let done = try #require(await o.describe(record.executionArn))
        #expect(done.status == .failed)
        #expect(done.error == "StepFunctions.StateMachineDoesNotExistException")
    }
}

@Suite("Ended executions kept in memory")
struct RetentionTests {
    @Test("beyond retainedFinishedExecutions the oldest ended executions are forgotten; running ones never are")
    func oldestForgotten() async throws {
        let counter = SeedCounter2()
        let o = Orchestrator(configuration: EngineConfiguration(retainedFinishedExecutions: 2),
                             clock: { 1_700_000_000_000 }, seeds: { counter.next() })
        try await o.register(name: "pass", definition: #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#)
        try await o.register(name: "wait", definition: #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}"#)
        let (waiting, _) = try await o.start(.init(stateMachine: "wait", name: "w"))
        var arns: [String] = []
        for i in 0..<4 { arns.append(try await o.start(.init(stateMachine: "pass", name: "p\(i)")).0.executionArn) }
        #expect(await o.describe(arns[0]) == nil)
        #expect(await o.describe(arns[1]) == nil)
        #expect(await o.describe(arns[2])?.status == .succeeded)
        #expect(await o.describe(arns[3])?.status == .succeeded)
        #expect(await o.describe(waiting.executionArn)?.status == .running)
    }
}

private final class SeedCounter2: @unchecked Sendable {
    // Only read from the orchestrator actor, one call at a time.
    private var value: UInt64 = 100
    func next() -> UInt64 {
        value += 1
        return value
    }
}
