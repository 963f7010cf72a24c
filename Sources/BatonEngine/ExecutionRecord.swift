import BatonCore
import BatonLanguage

/// What DescribeExecution tells about an execution.
public struct ExecutionRecord: Sendable {
    public var executionArn: String
    public var stateMachineArn: String
    public var stateMachineName: String
    public var name: String
    public var status: ExecutionStatus
    public var startDate: Int64
    public var stopDate: Int64?
    public var input: JSON
    public var output: JSON?
    public var error: String?
    public var cause: String?

    public init(executionArn: String, stateMachineArn: String, stateMachineName: String, name: String,
                status: ExecutionStatus, startDate: Int64, stopDate: Int64? = nil, input: JSON, output: JSON? = nil,
                error: String? = nil, cause: String? = nil) {
        self.executionArn = executionArn
        self.stateMachineArn = stateMachineArn
        self.stateMachineName = stateMachineName
        self.name = name
        self.status = status
        self.startDate = startDate
        self.stopDate = stopDate
        self.input = input
        self.output = output
        self.error = error
        self.cause = cause
    }

    /// The body of the execution status change event (EventBridge's detail shape).
    public func eventDetail() -> JSON {
        [
            "executionArn": .string(executionArn),
            "stateMachineArn": .string(stateMachineArn),
            "name": .string(name),
            "status": .string(status.rawValue),
            "startDate": .int(Int(startDate)),
            "stopDate": stopDate.map { .int(Int($0)) } ?? .null,
            "input": .string(input.serialized()),
            "output": output.map { .string($0.serialized()) } ?? .null,
            "error": error.map(JSON.string) ?? .null,
            "cause": cause.map(JSON.string) ?? .null,
        ]
    }

    /// The body of a synchronous start's result message.
    public func resultBody() -> JSON {
        var o: JSONObject = ["executionArn": .string(executionArn), "status": .string(status.rawValue)]
        if status == .succeeded {
            o["output"] = output ?? .null
        } else {
            o["error"] = error.map(JSON.string) ?? .null
            o["cause"] = cause.map(JSON.string) ?? .null
        }
        return .object(o)
    }
}
