import BatonCore
import BatonLanguage
import Testing

@Suite("Wait")
struct WaitTests {
    @Test("Wait Seconds arms one timer at now + Seconds and exits only when it fires, passing its input on")
    func seconds() throws {
        var run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}}"#, input: ["k": 1])
        #expect(run.status == .running)
        #expect(run.types == ["ExecutionStarted", "WaitStateEntered"])
        #expect(run.openTimers.map(\.dueAt) == [Drive.t0 + 10_000])
        let early = run.send(.timerFired(id: "some-other-timer"), at: Drive.t0 + 10_000)
        #expect(early.events.isEmpty && early.commands.isEmpty)
        try run.fireNextTimer()
        #expect(run.status == .succeeded)
        #expect(run.output == ["k": 1])
        #expect(run.types.suffix(2) == ["WaitStateExited", "ExecutionSucceeded"])
        #expect(run.history.last?.timestamp == Drive.t0 + 10_000)
    }

    @Test("Wait Timestamp arms the timer at that instant")
    func timestamp() throws {
        let run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2024-01-01T00:00:00Z", "End": true}}}"#)
        #expect(run.openTimers.map(\.dueAt) == [1_704_067_200_000])
    }

    @Test("Wait TimestampPath reads the instant from the input")
    func timestampPath() throws {
        let run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.at", "End": true}}}"#,
                            input: ["at": "2024-01-01T00:00:01.500Z"])
        #expect(run.openTimers.map(\.dueAt) == [1_704_067_201_500])
    }

    @Test("Wait SecondsPath reads the delay from the input")
    func secondsPath() throws {
        let run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.delay", "End": true}}}"#,
                            input: ["delay": 7])
        #expect(run.openTimers.map(\.dueAt) == [Drive.t0 + 7_000])
    }

    @Test("a negative SecondsPath value fails with States.Runtime")
    func negativeSecondsPath() throws {
        let run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.delay", "End": true}}}"#,
                            input: ["delay": -3])
        #expect(run.openTimers.isEmpty)
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.Runtime")
    }

    @Test("a SecondsPath that selects nothing fails with States.Runtime")
    func missingSecondsPath() throws {
        let run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.nope", "End": true}}}"#)
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.Runtime")
    }

    @Test("a TimestampPath value that is not a timestamp fails with States.Runtime")
    func badTimestampPath() throws {
        let run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.at", "End": true}}}"#,
                            input: ["at": "tomorrow"])
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.Runtime")
    }

    @Test("the timer firing later than due still ends the Wait, at the later time")
    func lateTimer() throws {
        var run = try Drive(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "P"}, "P": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}, "End": true}}}"#)
        let timer = try #require(run.openTimers.first)
        run.fire(timer.id, at: Drive.t0 + 60_000)
        #expect(run.output == ["t": "2023-11-14T22:14:20.000Z"])
    }
}

@Suite("Choice, Succeed and Fail")
struct ChoiceFailTests {
    private static let choice = #"""
        {"StartAt": "C", "States": {
          "C": {"Type": "Choice", "Choices": [
                  {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
                  {"And": [{"Variable": "$.n", "NumericGreaterThanEquals": 5}, {"Variable": "$.n", "NumericLessThanEquals": 10}], "Next": "Mid"}
                ], "Default": "Small"},
          "Big": {"Type": "Pass", "Result": "big", "End": true},
          "Mid": {"Type": "Pass", "Result": "mid", "End": true},
          "Small": {"Type": "Pass", "Result": "small", "End": true}}}
        """#

    @Test("Choice takes the first rule that matches, else the Default", arguments: [(20, "big"), (10, "mid"), (5, "mid"), (4, "small")])
    func choiceRouting(n: Int, expected: String) throws {
        let run = try Drive(Self.choice, input: ["n": .int(n)])
        #expect(run.output == .string(expected))
        #expect(Array(run.types.prefix(3)) == ["ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited"])
    }

    @Test("Choice with no match and no Default fails with States.NoChoiceMatched")
    func noChoiceMatched() throws {
        let run = try Drive(#"""
            {"StartAt": "C", "States": {
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "P"}]},
              "P": {"Type": "Pass", "End": true}}}
            """#, input: ["n": 2])
        #expect(run.status == .failed)
        #expect(run.result?.error == "States.NoChoiceMatched")
    }

    @Test("Choice passes its input through InputPath and OutputPath unchanged otherwise")
    func choiceOutput() throws {
        let run = try Drive(#"""
            {"StartAt": "C", "States": {
              "C": {"Type": "Choice", "OutputPath": "$.keep", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "S"}]},
              "S": {"Type": "Succeed"}}}
            """#, input: ["n": 1, "keep": ["x": true]])
        #expect(run.status == .succeeded)
        #expect(run.output == ["x": true])
        #expect(run.types.suffix(3) == ["SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"])
    }

    @Test("Fail ends the execution with its Error and Cause")
    func fail() throws {
        let run = try Drive(#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "MyError", "Cause": "my cause"}}}"#)
        #expect(run.status == .failed)
        #expect(run.result == ExecutionResult(status: .failed, error: "MyError", cause: "my cause"))
        #expect(run.types == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"])
        #expect(run.commands.last == .finish(ExecutionResult(status: .failed, error: "MyError", cause: "my cause")))
    }

    @Test("Fail ErrorPath and CausePath read the error and cause from the input")
    func failPaths() throws {
        let run = try Drive(#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"}}}"#,
                            input: ["e": "E1", "c": "C1"])
        #expect(run.result?.error == "E1")
        #expect(run.result?.cause == "C1")
    }

    @Test("Fail without Error or Cause fails with neither")
    func failBare() throws {
        let run = try Drive(#"{"StartAt": "F", "States": {"F": {"Type": "Fail"}}}"#)
        #expect(run.status == .failed)
        #expect(run.result?.error == nil)
        #expect(run.result?.cause == nil)
    }
}
