import BatonEngine
import BatonLanguage
import Foundation
import Testing
@testable import BatonHTTP

/// The JSON 1.0 protocol layer: error shapes, ARNs, pages, timestamps, routing by action.
@Suite("JSON 1.0 protocol")
struct ProtocolTests {
    @Test("an error is {\"__type\", \"message\"} with AWS's name")
    func errorBody() {
        let e = APIError("StateMachineDoesNotExist", "State Machine Does Not Exist: 'arn:x \"q\"'")
        #expect(e.body == #"{"__type":"StateMachineDoesNotExist","message":"State Machine Does Not Exist: 'arn:x \"q\"'"}"#)
        #expect(e.status == 400)
    }

    @Test("engine refusals keep AWS's names; internal codes become ValidationException")
    func engineErrors() {
        #expect(APIError(EngineError(.executionAlreadyExists, "m")).type == "ExecutionAlreadyExists")
        #expect(APIError(EngineError(.taskDoesNotExist, "m")).type == "TaskDoesNotExist")
        #expect(APIError(EngineError(.invalidJSON, "m")).type == "ValidationException")
    }

    @Test("ARNs: state machines, versions, executions, activities; anything else is InvalidArn")
    func arns() throws {
        #expect(try ResourceARN.stateMachine("arn:aws:states:us-east-1:123456789012:stateMachine:m").name == "m")
        #expect(try ResourceARN.stateMachine("arn:aws:states:us-east-1:123456789012:stateMachine:m:3").version == 3)
        #expect(try ResourceARN.activity("arn:aws:states:us-east-1:123456789012:activity:a") == "a")
        #expect(try ResourceARN.execution("arn:aws:states:us-east-1:123456789012:execution:m:e") == "arn:aws:states:us-east-1:123456789012:execution:m:e")
        for bad in ["not-an-arn", "arn:aws:lambda:us-east-1:1:function:f", "arn:aws:states:us-east-1:123456789012:activity:a"] {
            let e = #expect(throws: APIError.self) { try ResourceARN.stateMachine(bad) }
            #expect(e?.type == "InvalidArn")
        }
    }

    @Test("pages: maxResults slices, nextToken continues, a forged token is InvalidToken")
    func pages() throws {
        let all = Array(1...5)
        let first = try Page(token: nil, maxResults: 2).slice(all)
        #expect(Array(first.items) == [1, 2])
        let second = try Page(token: first.next, maxResults: 2).slice(all)
        #expect(Array(second.items) == [3, 4])
        let third = try Page(token: second.next, maxResults: 2).slice(all)
        #expect(Array(third.items) == [5] && third.next == nil)
        #expect(throws: APIError("InvalidToken", "Invalid Token: 'garbage'")) { try Page(token: "garbage", maxResults: nil) }
        #expect(throws: APIError.self) { try Page(token: nil, maxResults: 1001) }
    }

    @Test("timestamps are epoch seconds with milliseconds, a JSON number")
    func timestamps() {
        #expect(JSONText.timestamp(1_732_550_000_123).serialized() == "1732550000.123")
        #expect(JSONText.timestamp(1_732_550_000_005).serialized() == "1732550000.005")
        #expect(JSON.parse("{\"t\":\(JSONText.timestamp(1_000).serialized())}")["t"]?.doubleValue == 1.0)
    }

    @Test("only loopback addresses count as loopback")
    func loopback() {
        #expect(APIResponder.isLoopback("127.0.0.1"))
        #expect(APIResponder.isLoopback("::1"))
        #expect(!APIResponder.isLoopback("10.0.0.2"))
        #expect(!APIResponder.isLoopback(nil))
    }

    static func api() -> StepFunctionsAPI {
        StepFunctionsAPI(orchestrator: Orchestrator(clock: { 1_000 }, seeds: { 7 }), effects: DiscardingEffectSink(),
                         activities: nil)
    }

    @Test("an unknown action is UnknownOperationException; a body that is not an object is SerializationException")
    func routing() async {
        let api = Self.api()
        await #expect(throws: APIError("UnknownOperationException", "Baton does not serve the action 'DescribeMapRun'")) {
            _ = try await api.handle(action: "DescribeMapRun", body: [:])
        }
        let e = await #expect(throws: APIError.self) { _ = try await api.handle(action: "ListStateMachines", body: [1]) }
        #expect(e?.type == "SerializationException")
    }

    @Test("a missing required member is ValidationException naming it")
    func missingMember() async {
        let e = await #expect(throws: APIError.self) {
            _ = try await Self.api().handle(action: "CreateStateMachine", body: ["name": "m", "roleArn": "arn:aws:iam::1:role/r"])
        }
        #expect(e?.type == "ValidationException")
        #expect(e?.message.contains("'definition'") == true)
    }

    @Test("every listed action is routed (none answers UnknownOperationException)")
    func everyAction() async {
        let api = Self.api()
        for action in StepFunctionsAPI.actions {
            do {
                _ = try await api.handle(action: action, body: [:])
            } catch {
                #expect(error.type != "UnknownOperationException", "\(action)")
            }
        }
    }
}
