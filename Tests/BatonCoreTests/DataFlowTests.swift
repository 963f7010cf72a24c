import BatonCore
import BatonLanguage
import Testing

@Suite("Data flow: InputPath, Parameters, ResultSelector, ResultPath, OutputPath")
struct DataFlowTests {
    @Test("a chain of Pass states hands each state's output to the next and ends with the last one's")
    func passChain() throws {
        let run = try Drive(#"""
            {"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.a", "Next": "B"},
              "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a.x, $.n)"}, "ResultPath": "$.b", "Next": "C"},
              "C": {"Type": "Pass", "OutputPath": "$.b", "End": true}}}
            """#, input: ["n": 41])
        #expect(run.status == .succeeded)
        #expect(run.output == ["sum": 42])
        #expect(run.types == ["ExecutionStarted",
                              "PassStateEntered", "PassStateExited",
                              "PassStateEntered", "PassStateExited",
                              "PassStateEntered", "PassStateExited",
                              "ExecutionSucceeded"])
        let entered = run.events(.passStateEntered)
        #expect(entered.map(\.stateName) == ["A", "B", "C"])
        #expect(entered.map(\.payload) == [["n": 41], ["n": 41, "a": ["x": 1]],
                                           ["n": 41, "a": ["x": 1], "b": ["sum": 42]]])
        #expect(run.commands.last == .finish(ExecutionResult(status: .succeeded, output: ["sum": 42])))
    }

    @Test("event ids count up from 1 without gaps and each previousEventId points backwards")
    func eventIds() throws {
        let run = try Drive(#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"#)
        #expect(run.history.map(\.id) == Array(1...run.history.count))
        for e in run.history { #expect(e.previousEventId < e.id) }
        #expect(run.history.first?.previousEventId == 0)
    }

    @Test("a Task's input is InputPath then Parameters; its result goes through ResultSelector, ResultPath on the raw input, then OutputPath")
    func taskComposition() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {
              "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "InputPath": "$.order",
              "Parameters": {"id.$": "$.id", "fixed": "v", "nested": {"qty.$": "$.qty"}},
              "ResultSelector": {"total.$": "$.Payload.total", "static": true},
              "ResultPath": "$.result",
              "OutputPath": "$.result",
              "End": true}}}
            """#, input: ["order": ["id": "o1", "qty": 3], "other": 1])
        let task = try run.task("T")
        #expect(task.input == ["id": "o1", "fixed": "v", "nested": ["qty": 3]])
        try run.succeed("T", output: ["Payload": ["total": 9], "noise": 1])
        #expect(run.status == .succeeded)
        #expect(run.output == ["total": 9, "static": true])
    }

    @Test("ResultPath writes into the state's raw input, not into what InputPath selected")
    func resultPathUsesRawInput() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {
              "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "InputPath": "$.order", "ResultPath": "$.result", "End": true}}}
            """#, input: ["order": ["id": "o1"], "other": 1])
        #expect(try run.task().input == ["id": "o1"])
        try run.succeed(output: "done")
        #expect(run.output == ["order": ["id": "o1"], "other": 1, "result": "done"])
    }

    @Test("ResultPath null keeps the input, InputPath null gives {}, OutputPath null gives {}")
    func nullPaths() throws {
        let discard = try Drive(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 5, "ResultPath": null, "End": true}}}"#,
                                input: ["k": 1])
        #expect(discard.output == ["k": 1])
        let noInput = try Drive(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": null, "End": true}}}"#,
                                input: ["k": 1])
        #expect(noInput.output == .object([:]))
        let noOutput = try Drive(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "OutputPath": null, "End": true}}}"#,
                                 input: ["k": 1])
        #expect(noOutput.output == .object([:]))
    }

    @Test("ResultPath into a nested path creates the missing objects")
    func resultPathNested() throws {
        let run = try Drive(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 5, "ResultPath": "$.a.b.c", "End": true}}}"#,
                            input: ["k": 1])
        #expect(run.output == ["k": 1, "a": ["b": ["c": 5]]])
    }

    @Test("an InputPath that selects nothing fails the execution with States.Runtime naming the path")
    func missingInputPath() throws {
        let run = try Drive(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.missing", "End": true}}}"#,
                            input: ["k": 1])
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.Runtime")
        #expect(run.result?.cause?.contains("'$.missing'") == true)
        #expect(run.result?.cause?.hasPrefix("An error occurred while executing the state 'P' (entered at the event id #2).") == true)
    }
}

@Suite("The context object")
struct ContextObjectTests {
    @Test("$$.Execution, $$.StateMachine and $$.State carry the execution's identity and the state's entry time")
    func contextFields() throws {
        var run = try Drive(#"""
            {"StartAt": "W", "States": {
              "W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
              "P": {"Type": "Pass", "Parameters": {
                "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name", "input.$": "$$.Execution.Input",
                "start.$": "$$.Execution.StartTime", "role.$": "$$.Execution.RoleArn",
                "sm.$": "$$.StateMachine.Id", "smName.$": "$$.StateMachine.Name",
                "state.$": "$$.State.Name", "entered.$": "$$.State.EnteredTime"}, "End": true}}}
            """#, input: ["k": "v"])
        try run.fireNextTimer()
        #expect(run.status == .succeeded)
        #expect(run.output == [
            "id": "arn:aws:states:us-east-1:123456789012:execution:Machine:exec-1",
            "name": "exec-1",
            "input": ["k": "v"],
            "start": "2023-11-14T22:13:20.000Z",
            "role": "arn:aws:iam::123456789012:role/test",
            "sm": "arn:aws:states:us-east-1:123456789012:stateMachine:Machine",
            "smName": "Machine",
            "state": "P",
            "entered": "2023-11-14T22:13:25.000Z",
        ])
    }

    @Test("$$.Task.Token in a Task's Parameters is the token of the published task")
    func taskToken() throws {
        let run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task",
              "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"token.$": "$$.Task.Token"}, "End": true}}}
            """#)
        let task = try run.task()
        #expect(!task.token.isEmpty)
        #expect(task.input == ["token": .string(task.token)])
    }

    @Test("$$.State.RetryCount is 0 on the first attempt and counts the retries after")
    func retryCount() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "Parameters": {"n.$": "$$.State.RetryCount"},
              "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2}], "End": true}}}
            """#)
        #expect(try run.task().input == ["n": 0])
        try run.fail(error: "Boom")
        try run.fireNextTimer()
        #expect(try run.task().input == ["n": 1])
        try run.fail(error: "Boom")
        try run.fireNextTimer()
        #expect(try run.task().input == ["n": 2])
    }
}
