import BatonLanguage

/// One event of an execution's history, with AWS's type names and detail shapes, so that
/// GetExecutionHistory is a projection of it.
public struct HistoryEvent: Sendable {
    public var id: Int
    public var previousEventId: Int
    public var timestamp: Millis
    public var type: HistoryEventType
    public var details: Details

    public init(id: Int, previousEventId: Int, timestamp: Millis, type: HistoryEventType, details: Details) {
        self.id = id
        self.previousEventId = previousEventId
        self.timestamp = timestamp
        self.type = type
        self.details = details
    }

    /// The details an event type carries.
    public enum Details: Sendable {
        case none
        case executionStarted(input: JSON, roleArn: String, stateMachineArn: String)
        case executionSucceeded(output: JSON)
        /// ExecutionFailed, ExecutionAborted, ExecutionTimedOut, *Failed, *TimedOut.
        case failure(error: String?, cause: String?)
        case stateEntered(name: String, input: JSON)
        case stateExited(name: String, output: JSON)
        case taskScheduled(resourceType: String, resource: String, region: String, parameters: JSON,
                           timeoutInSeconds: Int?, heartbeatInSeconds: Int?)
        case taskStarted(resourceType: String, resource: String)
        case taskSucceeded(resourceType: String, resource: String, output: JSON)
        case taskFailed(resourceType: String, resource: String, error: String?, cause: String?)
        case lambdaScheduled(resource: String, input: JSON, timeoutInSeconds: Int?)
        case lambdaSucceeded(output: JSON)
        case activityScheduled(resource: String, input: JSON, timeoutInSeconds: Int?, heartbeatInSeconds: Int?)
        case activitySucceeded(output: JSON)
        case mapStateStarted(length: Int)
        case mapIteration(name: String, index: Int)
        case mapRunStarted(mapRunArn: String)
        /// ExecutionRedriven: the execution runs again from where it failed (RedriveExecution).
        case executionRedriven(redriveCount: Int)
    }

    /// The event as GetExecutionHistory returns it.
    public func awsJSON() -> JSON {
        var o: JSONObject = [
            "timestamp": .string(Timestamps.format(timestamp)),
            "type": .string(type.rawValue),
            "id": .int(id),
            "previousEventId": .int(previousEventId),
        ]
        if let (key, value) = detailsJSON() { o[key] = value }
        return .object(o)
    }

    private static func payload(_ key: String, _ value: JSON) -> JSONObject {
        [key: .string(value.serialized()), key + "Details": ["truncated": false]]
    }

    private static func errorCause(_ error: String?, _ cause: String?) -> JSONObject {
        var o = JSONObject()
        if let error { o["error"] = .string(error) }
        if let cause { o["cause"] = .string(cause) }
        return o
    }

    private func detailsJSON() -> (String, JSON)? {
        switch details {
        case .none:
            return nil
        case .executionStarted(let input, let role, let sm):
            var o = Self.payload("input", input)
            o["roleArn"] = .string(role)
            o["stateMachineArn"] = .string(sm)
            return ("executionStartedEventDetails", .object(o))
        case .executionSucceeded(let output):
            return ("executionSucceededEventDetails", .object(Self.payload("output", output)))
        case .failure(let error, let cause):
            return (type.detailsKey, .object(Self.errorCause(error, cause)))
        case .stateEntered(let name, let input):
            var o: JSONObject = ["name": .string(name)]
            o.merge(Self.payload("input", input)) { a, _ in a }
            return ("stateEnteredEventDetails", .object(o))
        case .stateExited(let name, let output):
            var o: JSONObject = ["name": .string(name)]
            o.merge(Self.payload("output", output)) { a, _ in a }
            return ("stateExitedEventDetails", .object(o))
        case .taskScheduled(let rt, let r, let region, let params, let timeout, let heartbeat):
            var o: JSONObject = ["resourceType": .string(rt), "resource": .string(r), "region": .string(region),
                                 "parameters": .string(params.serialized())]
            if let timeout { o["timeoutInSeconds"] = .int(timeout) }
            if let heartbeat { o["heartbeatInSeconds"] = .int(heartbeat) }
            return ("taskScheduledEventDetails", .object(o))
        case .taskStarted(let rt, let r):
            return ("taskStartedEventDetails", ["resourceType": .string(rt), "resource": .string(r)])
        case .taskSucceeded(let rt, let r, let output):
            var o: JSONObject = ["resourceType": .string(rt), "resource": .string(r)]
            o.merge(Self.payload("output", output)) { a, _ in a }
            return ("taskSucceededEventDetails", .object(o))
        case .taskFailed(let rt, let r, let error, let cause):
            var o: JSONObject = ["resourceType": .string(rt), "resource": .string(r)]
            o.merge(Self.errorCause(error, cause)) { a, _ in a }
            return (type.detailsKey, .object(o))
        case .lambdaScheduled(let r, let input, let timeout):
            var o: JSONObject = ["resource": .string(r)]
            o.merge(Self.payload("input", input)) { a, _ in a }
            if let timeout { o["timeoutInSeconds"] = .int(timeout) }
            return ("lambdaFunctionScheduledEventDetails", .object(o))
        case .lambdaSucceeded(let output):
            return ("lambdaFunctionSucceededEventDetails", .object(Self.payload("output", output)))
        case .activityScheduled(let r, let input, let timeout, let heartbeat):
            var o: JSONObject = ["resource": .string(r)]
            o.merge(Self.payload("input", input)) { a, _ in a }
            if let timeout { o["timeoutInSeconds"] = .int(timeout) }
            if let heartbeat { o["heartbeatInSeconds"] = .int(heartbeat) }
            return ("activityScheduledEventDetails", .object(o))
        case .activitySucceeded(let output):
            return ("activitySucceededEventDetails", .object(Self.payload("output", output)))
        case .mapStateStarted(let length):
            return ("mapStateStartedEventDetails", ["length": .int(length)])
        case .mapIteration(let name, let index):
            return (type.detailsKey, ["name": .string(name), "index": .int(index)])
        case .mapRunStarted(let arn):
            return ("mapRunStartedEventDetails", ["mapRunArn": .string(arn)])
        case .executionRedriven(let count):
            return ("executionRedrivenEventDetails", ["redriveCount": .int(count)])
        }
    }
}

/// AWS's history event types.
public enum HistoryEventType: String, Sendable, Hashable, CaseIterable {
    case executionStarted = "ExecutionStarted"
    case executionSucceeded = "ExecutionSucceeded"
    case executionFailed = "ExecutionFailed"
    case executionAborted = "ExecutionAborted"
    case executionTimedOut = "ExecutionTimedOut"
    case executionRedriven = "ExecutionRedriven"
    case passStateEntered = "PassStateEntered", passStateExited = "PassStateExited"
    case taskStateEntered = "TaskStateEntered", taskStateExited = "TaskStateExited", taskStateAborted = "TaskStateAborted"
    case choiceStateEntered = "ChoiceStateEntered", choiceStateExited = "ChoiceStateExited"
    case waitStateEntered = "WaitStateEntered", waitStateExited = "WaitStateExited", waitStateAborted = "WaitStateAborted"
    case succeedStateEntered = "SucceedStateEntered", succeedStateExited = "SucceedStateExited"
    case failStateEntered = "FailStateEntered"
    case parallelStateEntered = "ParallelStateEntered", parallelStateExited = "ParallelStateExited"
    case parallelStateStarted = "ParallelStateStarted", parallelStateSucceeded = "ParallelStateSucceeded"
    case parallelStateFailed = "ParallelStateFailed", parallelStateAborted = "ParallelStateAborted"
    case mapStateEntered = "MapStateEntered", mapStateExited = "MapStateExited", mapStateStarted = "MapStateStarted"
    case mapStateSucceeded = "MapStateSucceeded", mapStateFailed = "MapStateFailed", mapStateAborted = "MapStateAborted"
    case mapIterationStarted = "MapIterationStarted", mapIterationSucceeded = "MapIterationSucceeded"
    case mapIterationFailed = "MapIterationFailed", mapIterationAborted = "MapIterationAborted"
    case mapRunStarted = "MapRunStarted", mapRunSucceeded = "MapRunSucceeded", mapRunFailed = "MapRunFailed"
    case taskScheduled = "TaskScheduled", taskStarted = "TaskStarted", taskSucceeded = "TaskSucceeded"
    case taskFailed = "TaskFailed", taskTimedOut = "TaskTimedOut", taskSubmitted = "TaskSubmitted"
    case lambdaFunctionScheduled = "LambdaFunctionScheduled", lambdaFunctionStarted = "LambdaFunctionStarted"
    case lambdaFunctionSucceeded = "LambdaFunctionSucceeded", lambdaFunctionFailed = "LambdaFunctionFailed"
    case lambdaFunctionTimedOut = "LambdaFunctionTimedOut"
    case activityScheduled = "ActivityScheduled", activityStarted = "ActivityStarted"
    case activitySucceeded = "ActivitySucceeded", activityFailed = "ActivityFailed"
    case activityTimedOut = "ActivityTimedOut"

    /// True for the event that ends an execution.
    public var endsExecution: Bool {
        switch self {
        case .executionSucceeded, .executionFailed, .executionTimedOut, .executionAborted: return true
        default: return false
        }
    }

    /// The key of this type's details object (`PassStateEntered` → `stateEnteredEventDetails`).
    public var detailsKey: String {
        let raw = rawValue
        if raw.hasSuffix("StateEntered") { return "stateEnteredEventDetails" }
        if raw.hasSuffix("StateExited") { return "stateExitedEventDetails" }
        return raw.prefix(1).lowercased() + raw.dropFirst() + "EventDetails"
    }
}
