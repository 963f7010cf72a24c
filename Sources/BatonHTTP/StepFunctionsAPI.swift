import BatonCore
import BatonEngine
import BatonLanguage
import Foundation

// The Step Functions actions, each a function from the request's members to the response's:
//
//   X-Amz-Target: AWSStepFunctions.<Action>  ->  handle(action:body:)  ->  JSON  |  APIError (AWS's __type)
//
// State machines, executions and task answers go through the orchestrator (which journals them, so a
// durable store restores them); what the API keeps beside them (descriptions, tags, activities,
// versions) are catalog documents. Effects the orchestrator returns are handed to the effect sink (the
// broker) before the action answers.

/// The AWS Step Functions API over the orchestrator.
public final class StepFunctionsAPI: Sendable {
    public let orchestrator: Orchestrator
    let effects: any EffectSink
    let pump: EffectPump
    let activities: (any ActivityTaskSource)?
    let configuration: APIConfiguration
    let clock: @Sendable () -> Int64

    /// Catalog kinds the API writes.
    enum Kind {
        static let stateMachineMeta = "api.stateMachine"
        static let version = "api.stateMachineVersion"
        static let activity = "api.activity"
        static let tags = "api.tags"
    }

    public init(orchestrator: Orchestrator, effects: any EffectSink, activities: (any ActivityTaskSource)?,
                configuration: APIConfiguration = .init(),
                clock: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }) {
        self.orchestrator = orchestrator
        self.effects = effects
        self.pump = EffectPump(sink: effects)
        self.activities = activities
        self.configuration = configuration
        self.clock = clock
    }

    var region: String { orchestrator.configuration.region }
    var account: String { orchestrator.configuration.account }

    func stateMachineArn(_ name: String) -> String { orchestrator.configuration.stateMachineArn(name) }
    func activityArn(_ name: String) -> String { "arn:aws:states:\(region):\(account):activity:\(name)" }

    /// Every action this API serves.
    public static let actions: [String] = [
        "CreateStateMachine", "UpdateStateMachine", "DescribeStateMachine", "DescribeStateMachineForExecution",
        "ListStateMachines", "DeleteStateMachine", "ValidateStateMachineDefinition", "StartExecution",
        "StartSyncExecution", "DescribeExecution", "ListExecutions", "GetExecutionHistory", "StopExecution",
        "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat", "CreateActivity", "DescribeActivity",
        "ListActivities", "DeleteActivity", "GetActivityTask", "TagResource", "UntagResource", "ListTagsForResource",
        "PublishStateMachineVersion", "ListStateMachineVersions", "DeleteStateMachineVersion", "RedriveExecution",
        "TestState",
    ]

    /// Runs one action on a request body; throws an APIError with AWS's name.
    public func handle(action: String, body: JSON) async throws(APIError) -> JSON {
        do {
            let input = try RequestInput(body)
            switch action {
            case "CreateStateMachine": return try await createStateMachine(input)
            case "UpdateStateMachine": return try await updateStateMachine(input)
            case "DescribeStateMachine": return try await describeStateMachine(input)
            case "DescribeStateMachineForExecution": return try await describeStateMachineForExecution(input)
            case "ListStateMachines": return try await listStateMachines(input)
            case "DeleteStateMachine": return try await deleteStateMachine(input)
            case "ValidateStateMachineDefinition": return try validateDefinition(input)
            case "StartExecution": return try await startExecution(input)
            case "StartSyncExecution": return try await startSyncExecution(input)
            case "DescribeExecution": return try await describeExecution(input)
            case "ListExecutions": return try await listExecutions(input)
            case "GetExecutionHistory": return try await executionHistory(input)
            case "StopExecution": return try await stopExecution(input)
            case "RedriveExecution": return try await redriveExecution(input)
            case "SendTaskSuccess": return try await sendTaskSuccess(input)
            case "SendTaskFailure": return try await sendTaskFailure(input)
            case "SendTaskHeartbeat": return try await sendTaskHeartbeat(input)
            case "CreateActivity": return try await createActivity(input)
            case "DescribeActivity": return try await describeActivity(input)
            case "ListActivities": return try await listActivities(input)
            case "DeleteActivity": return try await deleteActivity(input)
            case "GetActivityTask": return try await getActivityTask(input)
            case "TagResource": return try await tagResource(input)
            case "UntagResource": return try await untagResource(input)
            case "ListTagsForResource": return try await listTags(input)
            case "PublishStateMachineVersion": return try await publishVersion(input)
            case "ListStateMachineVersions": return try await listVersions(input)
            case "DeleteStateMachineVersion": return try await deleteVersion(input)
            case "TestState": return try testState(input)
            default:
                throw APIError("UnknownOperationException", "Baton does not serve the action '\(action)'")
            }
        } catch let e as APIError {
            throw e
        } catch let e as EngineError {
            throw APIError(e)
        } catch {
            throw APIError("InternalFailure", "\(error)", status: 500)
        }
    }

    /// Hands effects to the transport: to the pump while `runEffects` runs, else directly (a failure there is
    /// Baton's, 503; the action itself was recorded).
    func perform(_ list: [Effect]) async throws {
        guard !list.isEmpty, !pump.submit(list) else { return }
        do {
            try await effects.perform(list)
        } catch {
            throw APIError("ServiceUnavailable", "the broker did not take the messages: \(error)", status: 503)
        }
    }

    /// Publishes the effects of actions in batches, off the request path, until cancelled (the server runs it).
    public func runEffects(onError: @escaping @Sendable (any Error) -> Void) async {
        await pump.run(onError: onError)
    }

    /// Parses JSON text given in a request member (input, output, definition …).
    static func parseJSON(_ text: String, error: String, what: String) throws(APIError) -> JSON {
        do {
            return try JSONParser.parse(text)
        } catch let e {
            throw APIError(error, "\(what): '\(e)'")
        }
    }
}
