import BatonLanguage
import Foundation
import Testing

private let lambdaARN = "arn:aws:lambda:us-east-1:123456789012:function"

@Suite("baton run: results")
struct RunCommandTests {
    @Test("the baton executable is built next to the tests")
    func binaryFound() {
        #expect(Baton.executable != nil)
    }

    @Test("a SUCCEEDED execution prints {status, output} as one JSON line and exits 0")
    func succeeded() throws {
        let s = try Scratch()
        let def = try s.write("pass.json", #"""
            {"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.a", "Next": "B"},
              "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a.x, $.n)"}, "End": true}}}
            """#)
        let r = try s.baton("run", def, "--input", #"{"n": 41}"#)
        #expect(r.exited && r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.hasSuffix("\n"))
        #expect(r.stdout.split(separator: "\n").count == 1)
        #expect(try r.json() == ["status": "SUCCEEDED", "output": ["sum": 42]])
    }

    @Test("a FAILED execution prints {status, error, cause} and still exits 0")
    func failed() throws {
        let s = try Scratch()
        let def = try s.write("fail.json", #"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "MyError", "Cause": "my cause"}}}"#)
        let r = try s.baton("run", def)
        #expect(r.exited && r.status == 0, "stderr: \(r.stderr)")
        #expect(try r.json() == ["status": "FAILED", "error": "MyError", "cause": "my cause"])
    }

    @Test("--input-file supplies the input; an empty input file means {}")
    func inputFile() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        let input = try s.write("in.json", #"{"k": [1, 2.5, "three", null, true]}"#)
        let r = try s.baton("run", def, "--input-file", input)
        #expect(try r.json() == ["status": "SUCCEEDED", "output": ["k": [1, 2.5, "three", nil, true]]])
        let empty = try s.write("empty.json", "")
        let r2 = try s.baton("run", def, "--input-file", empty)
        #expect(try r2.json() == ["status": "SUCCEEDED", "output": [:]])
    }

    @Test("--history adds the AWS-shaped events: id, previousEventId, timestamp, type and the type's details")
    func history() throws {
        let s = try Scratch()
        let def = try s.write("h.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": true}}}"#)
        let r = try s.baton("run", def, "--input", #"{"in": true}"#, "--history")
        let o = try r.json()
        #expect(o["status"] == "SUCCEEDED")
        #expect(o["output"] == 1)
        let history = try #require(o["history"]?.arrayValue)
        #expect(history.map { $0["type"] } == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"])
        #expect(history.map { $0["id"] } == [1, 2, 3, 4])
        #expect(history.map { $0["previousEventId"] } == [0, 1, 2, 3])
        for e in history {
            let ts = try #require(e["timestamp"]?.stringValue)
            #expect(ts.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "timestamp \(ts)")
        }
        let started = try #require(history.first?["executionStartedEventDetails"])
        #expect(started["input"] == #"{"in":true}"#)
        #expect(started["inputDetails"] == ["truncated": false])
        #expect(started["roleArn"]?.stringValue?.hasPrefix("arn:aws:iam::") == true)
        let entered = try #require(history[1]["stateEnteredEventDetails"])
        #expect(entered["name"] == "A")
        #expect(entered["input"] == #"{"in":true}"#)
        let exited = try #require(history[2]["stateExitedEventDetails"])
        #expect(exited["name"] == "A")
        #expect(exited["output"] == "1")
        let succeeded = try #require(history[3]["executionSucceededEventDetails"])
        #expect(succeeded["output"] == "1")
    }

    @Test("without --history there is no history member")
    func noHistory() throws {
        let s = try Scratch()
        let def = try s.write("h.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        #expect(try s.baton("run", def).json()["history"] == nil)
    }

    @Test("--mock-file answers Lambda tasks by function name: identity returns the input, return a fixed value")
    func mocks() throws {
        let s = try Scratch()
        let def = try s.write("m.json", #"""
            {"StartAt": "Echo", "States": {
              "Echo": {"Type": "Task", "Resource": "\#(lambdaARN):echo", "ResultPath": "$.echo", "Next": "Fixed"},
              "Fixed": {"Type": "Task", "Resource": "\#(lambdaARN):fixed", "ResultPath": "$.fixed", "End": true}}}
            """#)
        let mocks = try s.write("mocks.json", #"{"echo": {"identity": true}, "fixed": {"return": {"v": 7}}}"#)
        let r = try s.baton("run", def, "--input", #"{"a": 1}"#, "--mock-file", mocks, "--virtual-time")
        #expect(try r.json() == ["status": "SUCCEEDED", "output": ["a": 1, "echo": ["a": 1], "fixed": ["v": 7]]])
    }

    @Test("lambda:invoke wraps the mock's answer in Lambda's response, the payload under Payload")
    func lambdaInvoke() throws {
        let s = try Scratch()
        let def = try s.write("m.json", #"""
            {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "\#(lambdaARN):fixed", "Payload": {"p": 1}}, "End": true}}}
            """#)
        let mocks = try s.write("mocks.json", #"{"fixed": {"return": {"v": 7}}}"#)
        let o = try s.baton("run", def, "--mock-file", mocks, "--virtual-time").json()
        #expect(o["status"] == "SUCCEEDED")
        #expect(o["output"]?["Payload"] == ["v": 7])
        #expect(o["output"]?["StatusCode"] == 200)
    }

    @Test("a list of answers in --mock-file answers successive calls, so Retry can be exercised")
    func mockListRetry() throws {
        let s = try Scratch()
        let def = try s.write("r.json", #"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "\#(lambdaARN):flaky", "End": true,
              "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 30, "MaxAttempts": 3}]}}}
            """#)
        let mocks = try s.write("mocks.json", #"""
            {"flaky": [{"error": "Boom", "cause": "first"}, {"error": "Boom", "cause": "second"}, {"return": {"ok": true}}]}
            """#)
        let start = Date()
        let r = try s.baton("run", def, "--mock-file", mocks, "--virtual-time", "--history")
        #expect(Date().timeIntervalSince(start) < 60, "--virtual-time must not wait the 90 s of retry intervals")
        let o = try r.json()
        #expect(o["status"] == "SUCCEEDED")
        #expect(o["output"] == ["ok": true])
        let types = o["history"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
        #expect(types.filter { $0 == "LambdaFunctionScheduled" }.count == 3)
        #expect(types.filter { $0 == "LambdaFunctionFailed" }.count == 2)
    }

    @Test("when the list of answers runs out of retries, the last error fails the execution")
    func mockListExhausted() throws {
        let s = try Scratch()
        let def = try s.write("r.json", #"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "\#(lambdaARN):flaky", "End": true,
              "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1}]}}}
            """#)
        let mocks = try s.write("mocks.json", #"{"flaky": [{"error": "Boom", "cause": "first"}, {"error": "Boom", "cause": "second"}, {"return": 1}]}"#)
        let r = try s.baton("run", def, "--mock-file", mocks, "--virtual-time")
        #expect(r.status == 0)
        #expect(try r.json() == ["status": "FAILED", "error": "Boom", "cause": "second"])
    }

    @Test("a Task with no mock fails the execution with a clear cause naming the resource")
    func missingMock() throws {
        let s = try Scratch()
        let def = try s.write("t.json", #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "\#(lambdaARN):nomock", "End": true}}}"#)
        let mocks = try s.write("mocks.json", #"{"other": {"identity": true}}"#)
        for args in [["run", def, "--virtual-time"], ["run", def, "--mock-file", mocks, "--virtual-time"]] {
            let r = try Baton.run(args, in: s.url)
            #expect(r.exited && r.status == 0, "stderr: \(r.stderr)")
            let o = try r.json()
            #expect(o["status"] == "FAILED")
            #expect(o["error"] == "States.TaskFailed")
            let cause = o["cause"]?.stringValue ?? ""
            #expect(cause.contains("nomock"), "cause: \(cause)")
            #expect(cause.lowercased().contains("mock"), "cause: \(cause)")
        }
    }

    @Test("--virtual-time lets a one-hour Wait elapse at once, and the context object's times follow the virtual clock")
    func virtualTime() throws {
        let s = try Scratch()
        let def = try s.write("w.json", #"""
            {"StartAt": "W", "States": {
              "W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
              "P": {"Type": "Pass", "Parameters": {"start.$": "$$.Execution.StartTime", "entered.$": "$$.State.EnteredTime"}, "End": true}}}
            """#)
        let began = Date()
        let o = try s.baton("run", def, "--virtual-time").json()
        #expect(Date().timeIntervalSince(began) < 60)
        #expect(o["status"] == "SUCCEEDED")
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = try #require(o["output"]?["start"]?.stringValue.flatMap(f.date(from:)))
        let entered = try #require(o["output"]?["entered"]?.stringValue.flatMap(f.date(from:)))
        #expect(abs(entered.timeIntervalSince(start) - 3600) < 1)
    }

    @Test("--seed makes States.UUID repeatable from run to run")
    func seed() throws {
        let s = try Scratch()
        let def = try s.write("u.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "End": true}}}"#)
        let a = try s.baton("run", def, "--seed", "11").json()
        let b = try s.baton("run", def, "--seed", "11").json()
        let c = try s.baton("run", def, "--seed", "12").json()
        #expect(a["output"]?["id"] != nil)
        #expect(a == b)
        #expect(a != c)
    }
}

@Suite("baton run: shapes of answers")
struct RunShapeTests {
    @Test("the printed object starts with status, as AWS's DescribeExecution does")
    func statusFirst() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        let r = try s.baton("run", def, "--input", #"{"b": 2, "a": 1}"#)
        #expect(r.stdout.hasPrefix(#"{"status":"SUCCEEDED","output":"#), "stdout: \(r.stdout)")
        #expect(r.stdout.contains(#"{"b":2,"a":1}"#), "the input's key order is kept: \(r.stdout)")
    }

    @Test("a Lambda error from the mock file fails the execution with that error and cause")
    func lambdaError() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "\#(lambdaARN):bad", "End": true}}}"#)
        let mocks = try s.write("m.json", #"{"bad": {"error": "Exception", "cause": "it failed"}}"#)
        let o = try s.baton("run", def, "--mock-file", mocks, "--virtual-time", "--history").json()
        #expect(o["status"] == "FAILED")
        #expect(o["error"] == "Exception")
        #expect(o["cause"] == "it failed")
        let types = o["history"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
        #expect(types == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                          "LambdaFunctionFailed", "ExecutionFailed"])
        let failed = o["history"]?.arrayValue?.first { $0["type"] == "LambdaFunctionFailed" }
        #expect(failed?["lambdaFunctionFailedEventDetails"] == ["error": "Exception", "cause": "it failed"])
    }

    @Test("lambda:invoke of a function with no mock fails with a cause naming the function")
    func lambdaInvokeNoMock() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "\#(lambdaARN):ghost"}, "End": true}}}
            """#)
        let o = try s.baton("run", def, "--virtual-time").json()
        #expect(o["status"] == "FAILED")
        #expect(o["cause"]?.stringValue?.contains("ghost") == true, "\(o)")
    }

    @Test("a Task's history events carry the scheduled resource and the input as JSON text")
    func taskHistory() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "\#(lambdaARN):echo", "TimeoutSeconds": 9, "End": true}}}"#)
        let mocks = try s.write("m.json", #"{"echo": {"identity": true}}"#)
        let o = try s.baton("run", def, "--input", #"{"k": 1}"#, "--mock-file", mocks, "--virtual-time", "--history").json()
        let history = o["history"]?.arrayValue ?? []
        let scheduled = history.first { $0["type"] == "LambdaFunctionScheduled" }?["lambdaFunctionScheduledEventDetails"]
        #expect(scheduled?["resource"] == .string("\(lambdaARN):echo"))
        #expect(scheduled?["input"] == #"{"k":1}"#)
        #expect(scheduled?["timeoutInSeconds"] == 9)
        let succeeded = history.first { $0["type"] == "LambdaFunctionSucceeded" }?["lambdaFunctionSucceededEventDetails"]
        #expect(succeeded?["output"] == #"{"k":1}"#)
    }

    @Test("giving both --input and --input-file is refused with one line")
    func bothInputs() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        let input = try s.write("in.json", "{}")
        expectOneLineRefusal(try s.baton("run", def, "--input", "{}", "--input-file", input))
    }

    @Test("an execution TimeoutSeconds under --virtual-time ends TIMED_OUT with States.Timeout, exit 0")
    func executionTimeout() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"{"TimeoutSeconds": 5, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}"#)
        let r = try s.baton("run", def, "--virtual-time")
        #expect(r.status == 0)
        let o = try r.json()
        #expect(o["status"] == "TIMED_OUT")
        #expect(o["error"] == "States.Timeout")
    }
}

@Suite("baton run: values, clocks and the bench")
struct RunValueTests {
    private static let pass = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#

    @Test("the input's big integers and unicode come back unchanged")
    func valuesKept() throws {
        let s = try Scratch()
        let def = try s.write("d.json", Self.pass)
        let r = try s.baton("run", def, "--input", #"{"big": 12345678901234567890, "neg": -98765432109876543210, "u": "é😀\u0001", "i": 3}"#)
        #expect(r.stdout.contains("12345678901234567890"))
        #expect(r.stdout.contains("-98765432109876543210"))
        let o = try r.json()
        #expect(o["output"]?["u"] == "é😀\u{1}")
        #expect(o["output"]?["i"] == 3)
    }

    @Test("what baton prints is always valid JSON, even for a number beyond a double's range", arguments: ["1e400", "-1e400", "1.5e999"])
    func hugeNumbersStayJSON(number: String) throws {
        let s = try Scratch()
        let def = try s.write("d.json", Self.pass)
        let r = try s.baton("run", def, "--input", #"{"x": \#(number)}"#)
        #expect(r.exited)
        if r.status == 0 {
            // Foundation's parser is strict: it refuses Infinity and NaN, which are not JSON.
            let parsed = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
            #expect(parsed != nil, "not JSON: \(r.stdout)")
            #expect(!r.stdout.contains("Infinity") && !r.stdout.contains("NaN"), "stdout: \(r.stdout)")
        } else {
            expectOneLineRefusal(r)
        }
    }

    @Test("an input that is not an object is still an input", arguments: ["[1, 2]", "\"text\"", "7", "null"])
    func nonObjectInput(input: String) throws {
        let s = try Scratch()
        let def = try s.write("d.json", Self.pass)
        let r = try s.baton("run", def, "--input", input)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(try r.json()["output"] == (try JSONParser.parse(input)))
    }

    @Test("without --virtual-time a Wait takes its time on the real clock")
    func realClock() throws {
        let s = try Scratch()
        let def = try s.write("w.json", #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}"#)
        let began = Date()
        let r = try s.baton("run", def)
        #expect(Date().timeIntervalSince(began) >= 1.0)
        #expect(try r.json()["status"] == "SUCCEEDED")
    }

    @Test("baton bench runs a scenario without the reference and prints its figures; an unknown scenario is one line, exit 2")
    func bench() throws {
        let s = try Scratch()
        let r = try s.baton("bench", "--no-peer", "--seconds", "0.01", "chain1000")
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("chain1000") == true)
        expectOneLineRefusal(try s.baton("bench", "--no-peer", "nonsense"), status: 2, mentioning: ["nonsense"])
    }
}

@Suite("baton run: endless executions")
struct EndlessRunTests {
    // AWS fails an execution whose history reaches 25,000 events (developer guide, "Avoid reaching the history quota").
    @Test("an endless loop ends FAILED at AWS's 25,000-event history quota instead of hanging", arguments: [
        #"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "B"}], "Default": "S"}, "B": {"Type": "Pass", "Next": "A"}, "S": {"Type": "Succeed"}}}"#,
        #"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "W"}], "Default": "S"}, "W": {"Type": "Wait", "Seconds": 60, "Next": "A"}, "S": {"Type": "Succeed"}}}"#,
    ])
    func endlessLoop(definition: String) throws {
        let s = try Scratch()
        let def = try s.write("loop.json", definition)
        let r: ProcessResult
        do {
            r = try s.baton("run", def, "--input", #"{"x": 1}"#, "--virtual-time", "--history", timeout: 10)
        } catch let e as CLIHarnessError {
            Issue.record("baton run never ended: \(e)")
            return
        }
        #expect(r.status == 0)
        let o = try r.json()
        #expect(o["status"] == "FAILED")
        let history = o["history"]?.arrayValue ?? []
        #expect(history.count == 25_000)
        #expect(history.last?["type"] == "ExecutionFailed")
    }
}

@Suite("baton run: mocks by resource kind, names")
struct MockKindTests {
    @Test("an activity is answered by its name, a service integration by SERVICE:ACTION")
    func activityAndService() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"""
            {"StartAt": "Act", "States": {
              "Act": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:worker", "ResultPath": "$.act", "Next": "Sqs"},
              "Sqs": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"},
                      "ResultPath": "$.sqs", "End": true}}}
            """#)
        let mocks = try s.write("m.json", #"{"worker": {"return": "from activity"}, "sqs:sendMessage": {"return": {"MessageId": "1"}}}"#)
        let o = try s.baton("run", def, "--mock-file", mocks, "--virtual-time").json()
        #expect(o == ["status": "SUCCEEDED", "output": ["act": "from activity", "sqs": ["MessageId": "1"]]], "\(o)")
    }

    @Test("--name names the execution in the context object and its ARN")
    func executionName() throws {
        let s = try Scratch()
        let def = try s.write("named.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"n.$": "$$.Execution.Name", "id.$": "$$.Execution.Id", "sm.$": "$$.StateMachine.Name"}, "End": true}}}"#)
        let o = try s.baton("run", def, "--name", "my-run").json()
        #expect(o["output"]?["n"] == "my-run")
        #expect(o["output"]?["id"]?.stringValue?.hasSuffix(":execution:named:my-run") == true, "\(o)")
        #expect(o["output"]?["sm"] == "named")
    }
}

@Suite("baton run: history of service integrations")
struct IntegrationHistoryTests {
    @Test("lambda:invoke is recorded as TaskScheduled/Started/Succeeded with resourceType lambda and resource invoke")
    func lambdaInvokeHistory() throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"""
            {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:echo", "Payload.$": "$"}, "End": true}}}
            """#)
        let mocks = try s.write("m.json", #"{"echo": {"identity": true}}"#)
        let o = try s.baton("run", def, "--input", #"{"k": 1}"#, "--mock-file", mocks, "--virtual-time", "--history").json()
        #expect(o["status"] == "SUCCEEDED")
        #expect(o["output"]?["Payload"] == ["k": 1])
        let history = o["history"]?.arrayValue ?? []
        #expect(history.compactMap { $0["type"]?.stringValue } == [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded",
        ])
        let scheduled = history.first { $0["type"] == "TaskScheduled" }?["taskScheduledEventDetails"]
        #expect(scheduled?["resourceType"] == "lambda")
        #expect(scheduled?["resource"] == "invoke")
        let parameters = try JSONParser.parse(scheduled?["parameters"]?.stringValue ?? "")
        #expect(parameters == ["FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:echo", "Payload": ["k": 1]])
    }
}
