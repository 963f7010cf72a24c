import BatonEngine
import BatonLanguage
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BatonHTTP

/// The API over real HTTP on a free port: what the conformance harness does not cover.
@Suite("API over HTTP", .serialized)
struct ServerTests {
    static let role = "arn:aws:iam::123456789012:role/x"

    static func machine(_ sfn: StepFunctionsClient, _ name: String, _ definition: String, type: String = "STANDARD") async throws -> String {
        let r = try await sfn.call("CreateStateMachine", ["name": .string(name), "definition": .string(definition),
                                                          "roleArn": .string(role), "type": .string(type)])
        return r["stateMachineArn"]?.stringValue ?? ""
    }

    static func waitDone(_ sfn: StepFunctionsClient, _ arn: String) async throws -> JSON {
        for _ in 0..<200 {
            let d = try await sfn.call("DescribeExecution", ["executionArn": .string(arn)])
            if d["status"]?.stringValue != "RUNNING" { return d }
            try await Task.sleep(for: .milliseconds(20))
        }
        return .null
    }

    @Test("an activity Task: GetActivityTask returns its token and input; SendTaskSuccess finishes the execution")
    func activityRoundTrip() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let sfn = server.client()
        let created = try await sfn.call("CreateActivity", ["name": "resize"])
        let activity = try #require(created["activityArn"]?.stringValue)
        #expect(activity == "arn:aws:states:us-east-1:123456789012:activity:resize")
        #expect(try await sfn.call("CreateActivity", ["name": "resize"])["activityArn"]?.stringValue == activity)
        #expect(try await sfn.call("DescribeActivity", ["activityArn": .string(activity)])["name"] == "resize")
        let listed = try await sfn.call("ListActivities", [:])["activities"]?.arrayValue ?? []
        #expect(listed.map { $0["activityArn"]?.stringValue } == [activity])

        let sm = try await Self.machine(sfn, "act", """
            {"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"\(activity)","End":true}}}
            """)
        let ex = try await sfn.call("StartExecution", ["stateMachineArn": .string(sm), "input": "{\"size\":3}"])
        let execution = try #require(ex["executionArn"]?.stringValue)
        let task = try await sfn.call("GetActivityTask", ["activityArn": .string(activity), "workerName": "w1"])
        let token = try #require(task["taskToken"]?.stringValue)
        #expect(JSON.parse(task["input"]?.stringValue ?? "") == ["size": 3])
        _ = try await sfn.call("SendTaskHeartbeat", ["taskToken": .string(token)])
        _ = try await sfn.call("SendTaskSuccess", ["taskToken": .string(token), "output": "{\"done\":true}"])
        let d = try await Self.waitDone(sfn, execution)
        #expect(d["status"] == "SUCCEEDED")
        #expect(JSON.parse(d["output"]?.stringValue ?? "") == ["done": true])
        let types = (try await sfn.call("GetExecutionHistory", ["executionArn": .string(execution)])["events"]?.arrayValue ?? [])
            .compactMap { $0["type"]?.stringValue }
        #expect(types == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivitySucceeded",
                          "TaskStateExited", "ExecutionSucceeded"])

        let again = await apiError { _ = try await sfn.call("SendTaskSuccess", ["taskToken": .string(token), "output": "{}"]) }
        #expect(again?.type == "TaskTimedOut")
        let bad = await apiError { _ = try await sfn.call("SendTaskSuccess", ["taskToken": "nodash", "output": "{}"]) }
        #expect(bad?.type == "InvalidToken")
        let unknown = await apiError { _ = try await sfn.call("SendTaskFailure", ["taskToken": "ffff-1-2"]) }
        #expect(unknown?.type == "TaskDoesNotExist")
        let notJSON = await apiError { _ = try await sfn.call("SendTaskSuccess", ["taskToken": .string(token), "output": "{x"]) }
        #expect(notJSON?.type == "InvalidOutput")

        _ = try await sfn.call("DeleteActivity", ["activityArn": .string(activity)])
        let gone = await apiError { _ = try await sfn.call("DescribeActivity", ["activityArn": .string(activity)]) }
        #expect(gone?.type == "ActivityDoesNotExist")
        let poll = await apiError { _ = try await sfn.call("GetActivityTask", ["activityArn": .string(activity)]) }
        #expect(poll?.type == "ActivityDoesNotExist")
    }

    @Test("GetActivityTask with no task waits its poll time and answers without a token")
    func activityPollTimeout() async throws {
        let server = try await TestServer.start(activityPollSeconds: 0.3)
        defer { server.stop() }
        let sfn = server.client()
        let activity = try #require(try await sfn.call("CreateActivity", ["name": "idle"])["activityArn"]?.stringValue)
        let started = Date()
        let r = try await sfn.call("GetActivityTask", ["activityArn": .string(activity)])
        #expect(r["taskToken"] == nil)
        #expect(Date().timeIntervalSince(started) >= 0.25)
    }

    @Test("SendTaskFailure fails the execution; RedriveExecution runs it again from the failed state only")
    func redrive() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let sfn = server.client()
        let activity = try #require(try await sfn.call("CreateActivity", ["name": "flaky"])["activityArn"]?.stringValue)
        let sm = try await Self.machine(sfn, "redrive", """
            {"StartAt":"Prepare","States":{
              "Prepare":{"Type":"Pass","Result":"prepared","ResultPath":"$.p","Next":"Work"},
              "Work":{"Type":"Task","Resource":"\(activity)","End":true}}}
            """)
        let execution = try #require(try await sfn.call("StartExecution", ["stateMachineArn": .string(sm), "name": "r1"])["executionArn"]?.stringValue)
        let notYet = await apiError { _ = try await sfn.call("RedriveExecution", ["executionArn": .string(execution)]) }
        #expect(notYet?.type == "ExecutionNotRedrivable")

        let first = try await sfn.call("GetActivityTask", ["activityArn": .string(activity)])
        _ = try await sfn.call("SendTaskFailure", ["taskToken": first["taskToken"] ?? "", "error": "Flaky.Error", "cause": "first try"])
        let failed = try await Self.waitDone(sfn, execution)
        #expect(failed["status"] == "FAILED" && failed["error"] == "Flaky.Error")
        #expect(failed["redriveStatus"] == "REDRIVABLE" && failed["redriveCount"] == 0)

        let redriven = try await sfn.call("RedriveExecution", ["executionArn": .string(execution)])
        #expect(redriven["redriveDate"]?.doubleValue != nil)
        #expect(try await sfn.call("DescribeExecution", ["executionArn": .string(execution)])["status"] == "RUNNING")
        let second = try await sfn.call("GetActivityTask", ["activityArn": .string(activity)])
        #expect(JSON.parse(second["input"]?.stringValue ?? "") == ["p": "prepared"])
        _ = try await sfn.call("SendTaskSuccess", ["taskToken": second["taskToken"] ?? "", "output": "{\"ok\":1}"])
        let done = try await Self.waitDone(sfn, execution)
        #expect(done["status"] == "SUCCEEDED")
        #expect(done["redriveCount"] == 1 && done["redriveDate"] != nil)
        #expect(done["error"] == nil)
        let types = (try await sfn.call("GetExecutionHistory", ["executionArn": .string(execution)])["events"]?.arrayValue ?? [])
            .compactMap { $0["type"]?.stringValue }
        #expect(types.filter { $0 == "PassStateEntered" }.count == 1, "the state that succeeded is not run again")
        #expect(types.filter { $0 == "TaskStateEntered" }.count == 2)
        #expect(types.contains("ExecutionRedriven"))
        #expect(types.last == "ExecutionSucceeded")
        let twice = await apiError { _ = try await sfn.call("RedriveExecution", ["executionArn": .string(execution)]) }
        #expect(twice?.type == "ExecutionNotRedrivable")
        let ghost = await apiError {
            _ = try await sfn.call("RedriveExecution", ["executionArn": "arn:aws:states:us-east-1:123456789012:execution:redrive:ghost"])
        }
        #expect(ghost?.type == "ExecutionDoesNotExist")
    }

    @Test("TestState: Pass, Choice, a mocked Task, a caught error, a retriable error, a Fail state")
    func testState() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let sfn = server.client()
        func test(_ definition: String, input: String = "{}", mock: JSON? = nil, level: String = "INFO") async throws -> JSON {
            var body: JSONObject = ["definition": .string(definition), "roleArn": .string(Self.role), "input": .string(input),
                                    "inspectionLevel": .string(level)]
            if let mock { body["mock"] = mock }
            return try await sfn.call("TestState", .object(body))
        }
        let pass = try await test(#"{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a, 2)"},"ResultPath":"$.r","Next":"After"}"#,
                                  input: #"{"a":1}"#, level: "DEBUG")
        #expect(pass["status"] == "SUCCEEDED" && pass["nextState"] == "After")
        #expect(JSON.parse(pass["output"]?.stringValue ?? "") == ["a": 1, "r": ["sum": 3]])
        #expect(pass["inspectionData"]?["afterParameters"] == #"{"sum":3}"#)
        #expect(pass["inspectionData"]?["afterResultPath"] == #"{"a":1,"r":{"sum":3}}"#)

        let choice = try await test(#"{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":5,"Next":"Big"}],"Default":"Small"}"#,
                                    input: #"{"n":9}"#)
        #expect(choice["status"] == "SUCCEEDED" && choice["nextState"] == "Big")

        let task = #"{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a","ResultSelector":{"v.$":"$.value"},"End":true}"#
        let mocked = try await test(task, mock: ["result": #"{"value":42}"#])
        #expect(mocked["status"] == "SUCCEEDED" && mocked["nextState"] == nil)
        #expect(JSON.parse(mocked["output"]?.stringValue ?? "") == ["v": 42])
        let noMock = await apiError { _ = try await test(task) }
        #expect(noMock?.type == "ValidationException")

        let caught = try await test(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handler"}],"End":true}"#,
                                    mock: ["errorOutput": ["error": "Boom", "cause": "it broke"]], level: "DEBUG")
        #expect(caught["status"] == "CAUGHT_ERROR" && caught["nextState"] == "Handler")
        #expect(caught["error"] == "Boom" && caught["cause"] == "it broke")
        #expect(caught["inspectionData"]?["errorDetails"]?["catchIndex"] == 0)

        let retriable = try await test(#"{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a","Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":3}],"End":true}"#,
                                       mock: ["errorOutput": ["error": "Boom"]], level: "DEBUG")
        #expect(retriable["status"] == "RETRIABLE" && retriable["error"] == "Boom")
        #expect(retriable["inspectionData"]?["errorDetails"]?["retryIndex"] == 0)

        let fail = try await test(#"{"Type":"Fail","Error":"My.Error","Cause":"because"}"#)
        #expect(fail["status"] == "FAILED" && fail["error"] == "My.Error" && fail["cause"] == "because")

        let fromMachine = try await sfn.call("TestState", [
            "definition": #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Result":7,"End":true}}}"#,
            "stateName": "B", "roleArn": .string(Self.role),
        ])
        #expect(fromMachine["output"] == "7")
        let invalid = await apiError { _ = try await test(#"{"Type":"Bogus"}"#) }
        #expect(invalid?.type == "InvalidDefinition")
    }

    @Test("SigV4 over HTTP: the right secret is served; a wrong secret, no signature and an old request get 403")
    func signatures() async throws {
        let server = try await TestServer.start(authKeys: ["AKIDTEST": "s3cret"])
        defer { server.stop() }
        let ok = try await server.client(credentials: ("AKIDTEST", "s3cret")).call("ListStateMachines", [:])
        #expect(ok["stateMachines"] == [])
        let wrong = await apiError { _ = try await server.client(credentials: ("AKIDTEST", "nope")).call("ListStateMachines", [:]) }
        #expect(wrong?.status == 403 && wrong?.type == "InvalidSignatureException")
        let stranger = await apiError { _ = try await server.client(credentials: ("AKIDOTHER", "s3cret")).call("ListStateMachines", [:]) }
        #expect(stranger?.status == 403 && stranger?.type == "UnrecognizedClientException")
        let unsigned = await apiError { _ = try await server.client().call("ListStateMachines", [:]) }
        #expect(unsigned?.status == 403 && unsigned?.type == "MissingAuthenticationTokenException")

        // A request captured and replayed six minutes later.
        let body = Array("{}".utf8)
        let signed = SigV4.sign(SigV4.Request(method: "POST", path: "/", headers: [
            (name: "Host", value: "127.0.0.1:\(server.port)"), (name: "Content-Type", value: "application/x-amz-json-1.0"),
            (name: "X-Amz-Target", value: "AWSStepFunctions.ListStateMachines"),
        ], body: body), accessKey: "AKIDTEST", secret: "s3cret", region: "us-east-1", now: Date().addingTimeInterval(-360))
        var request = URLRequest(url: server.url)
        request.httpMethod = "POST"
        for (n, v) in signed.headers where n != "Host" { request.setValue(v, forHTTPHeaderField: n) }
        request.httpBody = Data(body)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 403)
        #expect(JSON.parse(String(decoding: data, as: UTF8.self))["__type"] == "InvalidSignatureException")
    }

    @Test("StartSyncExecution answers with the end; versions are published, listed, described and run; tags")
    func syncVersionsTags() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let sfn = server.client()
        let express = try await Self.machine(sfn, "quick", #"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"ResultPath":"$.r","End":true}}}"#,
                                             type: "EXPRESS")
        let sync = try await sfn.call("StartSyncExecution", ["stateMachineArn": .string(express), "input": "{\"x\":2}"])
        #expect(sync["status"] == "SUCCEEDED" && JSON.parse(sync["output"]?.stringValue ?? "") == ["x": 2, "r": 1])
        #expect(sync["billingDetails"]?["billedDurationInMilliseconds"]?.intValue ?? 0 >= 100)

        let standard = try await Self.machine(sfn, "std", #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#)
        let refused = await apiError { _ = try await sfn.call("StartSyncExecution", ["stateMachineArn": .string(standard)]) }
        #expect(refused?.type == "StateMachineTypeNotSupported")

        let v1 = try #require(try await sfn.call("PublishStateMachineVersion", ["stateMachineArn": .string(standard), "description": "first"])["stateMachineVersionArn"]?.stringValue)
        #expect(v1 == standard + ":1")
        #expect(try await sfn.call("PublishStateMachineVersion", ["stateMachineArn": .string(standard)])["stateMachineVersionArn"]?.stringValue == v1)
        _ = try await sfn.call("UpdateStateMachine", ["stateMachineArn": .string(standard),
                                                      "definition": #"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}"#])
        let v2 = try await sfn.call("PublishStateMachineVersion", ["stateMachineArn": .string(standard)])["stateMachineVersionArn"]?.stringValue
        #expect(v2 == standard + ":2")
        let versions = try await sfn.call("ListStateMachineVersions", ["stateMachineArn": .string(standard)])["stateMachineVersions"]?.arrayValue ?? []
        #expect(versions.map { $0["stateMachineVersionArn"]?.stringValue } == [v2, v1])
        let described = try await sfn.call("DescribeStateMachine", ["stateMachineArn": .string(v1)])
        #expect(described["description"] == "first" && JSON.parse(described["definition"]?.stringValue ?? "")["StartAt"] == "P")
        let onV1 = try #require(try await sfn.call("StartExecution", ["stateMachineArn": .string(v1)])["executionArn"]?.stringValue)
        let d = try await Self.waitDone(sfn, onV1)
        #expect(d["status"] == "SUCCEEDED" && d["stateMachineVersionArn"]?.stringValue == v1)
        let names = (try await sfn.call("ListStateMachines", [:])["stateMachines"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names == ["quick", "std"])

        _ = try await sfn.call("TagResource", ["resourceArn": .string(standard), "tags": [["key": "team", "value": "a"]]])
        _ = try await sfn.call("TagResource", ["resourceArn": .string(standard), "tags": [["key": "env", "value": "dev"]]])
        _ = try await sfn.call("UntagResource", ["resourceArn": .string(standard), "tagKeys": ["team"]])
        #expect(try await sfn.call("ListTagsForResource", ["resourceArn": .string(standard)])["tags"] == [["key": "env", "value": "dev"]])
        let missing = await apiError { _ = try await sfn.call("ListTagsForResource", ["resourceArn": .string(standard + "-ghost")]) }
        #expect(missing?.type == "ResourceNotFound")

        _ = try await sfn.call("DeleteStateMachine", ["stateMachineArn": .string(standard)])
        let gone = await apiError { _ = try await sfn.call("DescribeStateMachine", ["stateMachineArn": .string(v2 ?? "")]) }
        #expect(gone?.type == "StateMachineDoesNotExist")
    }

    @Test("ValidateStateMachineDefinition reports the validator's diagnostics with AWS's codes and locations")
    func validate() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let r = try await server.client().call("ValidateStateMachineDefinition", [
            "definition": #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nope"}}}"#,
        ])
        #expect(r["result"] == "FAIL")
        let first = r["diagnostics"]?.arrayValue?.first
        #expect(first?["code"] == "MISSING_TRANSITION_TARGET" && first?["severity"] == "ERROR")
        #expect(first?["location"] == "/States/A/Next")
        #expect(try await server.client().call("ValidateStateMachineDefinition", [
            "definition": #"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#,
        ]) == ["result": "OK", "diagnostics": [], "truncated": false])
    }
}
