import BatonCore
import BatonLanguage
import Testing

private let sqsTask = #"""
    {"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": 30, "HeartbeatSeconds": 10,
            "Next": "U"},
      "U": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}
    """#

@Suite("Task states: publishing and answers")
struct TaskTests {
    @Test("a Task publishes one TaskRequest with a token, attempt 0, its timeouts, and arms its timeout and heartbeat timers")
    func publishes() throws {
        let run = try Drive(sqsTask, input: ["m": 1])
        #expect(run.status == .running)
        #expect(run.openTasks.count == 1)
        let task = try run.task()
        #expect(!task.token.isEmpty)
        #expect(task.stateName == "T")
        #expect(task.attempt == 0)
        #expect(task.timeoutSeconds == 30)
        #expect(task.heartbeatSeconds == 10)
        #expect(task.input == ["m": 1])
        #expect(task.resource == TaskResource("arn:aws:states:::sqs:sendMessage"))
        #expect(Set(run.openTimers.map(\.dueAt)) == [Drive.t0 + 30_000, Drive.t0 + 10_000])
        #expect(run.types == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted"])
        #expect(run.execution.pendingTaskTokens == [task.token])
    }

    @Test("a Lambda function ARN is recorded as LambdaFunctionScheduled and LambdaFunctionStarted")
    func lambdaEvents() throws {
        let run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}
            """#)
        #expect(run.types == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted"])
    }

    @Test("taskSucceeded with the token completes the Task, moves on, and the next Task gets a different token")
    func succeeds() throws {
        var run = try Drive(sqsTask, input: ["m": 1])
        let first = try run.task()
        try run.succeed("T", output: ["r": 2])
        #expect(Array(run.lastStep.events.map(\.type.rawValue).prefix(3)) == ["TaskSucceeded", "TaskStateExited", "TaskStateEntered"])
        let second = try run.task("U")
        #expect(second.token != first.token)
        #expect(second.input == ["r": 2])
        try run.succeed("U", output: ["done": true])
        #expect(run.status == .succeeded)
        #expect(run.output == ["done": true])
        #expect(Array(run.types.suffix(3)) == ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"])
        #expect(run.lastStep.commands == [.finish(ExecutionResult(status: .succeeded, output: ["done": true]))])
    }

    @Test("an answer with an unknown token changes nothing: no event, no command")
    func unknownToken() throws {
        var run = try Drive(sqsTask)
        for event: ExecutionEvent in [.taskSucceeded(token: "nope", output: 1),
                                      .taskFailed(token: "nope", error: "Boom", cause: nil),
                                      .taskHeartbeat(token: "nope"),
                                      .timerFired(id: "no-such-timer")] {
            let step = run.send(event, at: Drive.t0 + 1)
            #expect(step.events.isEmpty)
            #expect(step.commands.isEmpty)
        }
        #expect(run.status == .running)
        #expect(run.execution.pendingTaskTokens == [try run.task().token])
    }

    @Test("a duplicate answer for a task already answered changes nothing")
    func duplicateAnswer() throws {
        var run = try Drive(sqsTask)
        let first = try run.task("T")
        try run.succeed("T", output: ["r": 1])
        let again = run.send(.taskSucceeded(token: first.token, output: ["r": 99]))
        #expect(again.events.isEmpty && again.commands.isEmpty)
        let failLate = run.send(.taskFailed(token: first.token, error: "Boom", cause: nil))
        #expect(failLate.events.isEmpty && failLate.commands.isEmpty)
        #expect(try run.task("U").input == ["r": 1])
    }

    @Test("the answer of an attempt that was retried is stale and changes nothing")
    func staleAttempt() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "Retry": [{"ErrorEquals": ["Boom"]}], "End": true}}}
            """#)
        let first = try run.task()
        try run.fail(error: "Boom")
        try run.fireNextTimer()
        let second = try run.task()
        #expect(second.attempt == 1)
        #expect(second.token != first.token)
        let stale = run.send(.taskSucceeded(token: first.token, output: "old"))
        #expect(stale.events.isEmpty && stale.commands.isEmpty)
        try run.succeed(output: "new")
        #expect(run.output == "new")
    }

    @Test("TimeoutSeconds elapsing fails the Task with States.Timeout (TaskTimedOut); a late answer is then ignored")
    func taskTimeout() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": 5,
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "After"}], "End": true},
              "After": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true}}}
            """#)
        let original = try run.task("T")
        let timer = try run.fireNextTimer()
        #expect(timer.dueAt == Drive.t0 + 5_000)
        #expect(run.lastStep.events.first?.type == .taskTimedOut)
        if case .taskFailed(_, _, let error, _)? = run.lastStep.events.first?.details {
            #expect(error == "States.Timeout")
        } else {
            Issue.record("TaskTimedOut carries no error: \(String(describing: run.lastStep.events.first?.details))")
        }
        let after = try run.task("After")
        #expect(after.input["Error"] == "States.Timeout")
        let late = run.send(.taskSucceeded(token: original.token, output: "late"))
        #expect(late.events.isEmpty && late.commands.isEmpty)
        #expect(run.status == .running)
    }

    @Test("a Task timeout fails the execution with States.Timeout when nothing catches it")
    func taskTimeoutUncaught() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "TimeoutSeconds": 5, "End": true}}}
            """#)
        try run.fireNextTimer()
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.Timeout")
    }

    @Test("TimeoutSecondsPath and HeartbeatSecondsPath read the timeouts from the input")
    func timeoutPaths() throws {
        let run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h", "End": true}}}
            """#, input: ["t": 60, "h": 20])
        let task = try run.task()
        #expect(task.timeoutSeconds == 60)
        #expect(task.heartbeatSeconds == 20)
        #expect(Set(run.openTimers.map(\.dueAt)) == [Drive.t0 + 60_000, Drive.t0 + 20_000])
    }

    // AWS records a heartbeat expiry as TaskTimedOut with error States.Timeout, and the execution fails with
    // States.Timeout (localstack/localstack tests/aws/services/stepfunctions/v2/timeouts/test_heartbeats.snapshot.json,
    // test_heartbeat_timeout, validated against AWS). States.HeartbeatTimeout exists only to be named in Retry/Catch.
    @Test("HeartbeatSeconds elapsing without a heartbeat times the Task out: TaskTimedOut with States.Timeout, as AWS records it")
    func heartbeatExpires() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "TimeoutSeconds": 100, "HeartbeatSeconds": 10, "End": true}}}
            """#)
        let timer = try run.fireNextTimer()
        #expect(timer.dueAt == Drive.t0 + 10_000)
        #expect(run.status == .failed)
        #expect(run.types.suffix(2) == ["TaskTimedOut", "ExecutionFailed"])
        if case .taskFailed(_, _, let error, let cause)? = run.events(.taskTimedOut).first?.details {
            #expect(error == "States.Timeout")
            #expect(cause == nil)
        } else {
            Issue.record("no TaskTimedOut with an error")
        }
        #expect(run.result?.error == "States.Timeout")
        #expect(run.result?.cause == nil)
    }

    @Test("a Catch naming States.HeartbeatTimeout catches a heartbeat expiry")
    func heartbeatCaughtByName() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "HeartbeatSeconds": 10, "End": true,
                    "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "R"}]},
              "R": {"Type": "Pass", "Result": "caught", "End": true}}}
            """#)
        try run.fireNextTimer()
        #expect(run.status == .succeeded)
        #expect(run.output == "caught")
    }

    @Test("a Catch naming States.Timeout catches a heartbeat expiry too, since that is the error AWS reports")
    func heartbeatCaughtAsTimeout() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "HeartbeatSeconds": 10, "End": true,
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "R"}]},
              "R": {"Type": "Pass", "Result": "caught", "End": true}}}
            """#)
        try run.fireNextTimer()
        #expect(run.status == .succeeded)
        #expect(run.output == "caught")
    }

    @Test("a heartbeat re-arms the heartbeat timer from now; the old timer is then stale and changes nothing")
    func heartbeatRearms() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
              "TimeoutSeconds": 100, "HeartbeatSeconds": 10, "End": true}}}
            """#)
        let token = try run.task().token
        let oldTimer = try #require(run.openTimers.first { $0.dueAt == Drive.t0 + 10_000 })
        let beat = run.send(.taskHeartbeat(token: token), at: Drive.t0 + 6_000)
        #expect(beat.events.isEmpty)
        let rearmed = run.lastTimers
        #expect(rearmed.count == 1)
        #expect(rearmed.first?.dueAt == Drive.t0 + 16_000)

        run.fire(oldTimer.id, at: Drive.t0 + 10_000)
        #expect(run.lastStep.events.isEmpty && run.lastStep.commands.isEmpty)
        #expect(run.status == .running)

        let newTimer = try #require(rearmed.first)
        run.fire(newTimer.id)
        #expect(run.status == .failed)
        #expect(run.lastStep.events.first?.type == .taskTimedOut)
        #expect(run.lastStep.events.first?.timestamp == Drive.t0 + 16_000)
    }

    @Test("a heartbeat for a Task without HeartbeatSeconds arms nothing")
    func heartbeatWithoutHeartbeatSeconds() throws {
        var run = try Drive(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}"#)
        let step = run.send(.taskHeartbeat(token: try run.task().token))
        #expect(step.events.isEmpty && step.commands.isEmpty)
    }
}
