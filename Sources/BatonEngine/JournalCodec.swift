import BatonCore
import BatonLanguage

// How journal values are written as JSON in a store (SQLite, PostgreSQL): one place, so every backend
// writes and reads the same documents.

/// JSON forms of the values a journal stores.
public enum JournalCodec {
    /// An event applied to an execution: `{"t":"succeeded","token":…,"output":…}` and so on.
    public static func encode(_ event: ExecutionEvent) -> JSON {
        switch event {
        case .taskSucceeded(let token, let output):
            return ["t": "succeeded", "token": .string(token), "output": output]
        case .taskFailed(let token, let error, let cause):
            return ["t": "failed", "token": .string(token), "error": .string(error), "cause": cause.map(JSON.string) ?? .null]
        case .taskHeartbeat(let token):
            return ["t": "heartbeat", "token": .string(token)]
        case .timerFired(let id):
            return ["t": "timer", "id": .string(id)]
        case .stopRequested(let error, let cause):
            return ["t": "stop", "error": error.map(JSON.string) ?? .null, "cause": cause.map(JSON.string) ?? .null]
        }
    }

    public static func decodeEvent(_ json: JSON) throws(EngineError) -> ExecutionEvent {
        func string(_ key: String) throws(EngineError) -> String {
            guard let s = json[key]?.stringValue else { throw corrupt("event without \(key)") }
            return s
        }
        switch json["t"]?.stringValue {
        case "succeeded": return .taskSucceeded(token: try string("token"), output: json["output"] ?? .null)
        case "failed": return .taskFailed(token: try string("token"), error: try string("error"), cause: json["cause"]?.stringValue)
        case "heartbeat": return .taskHeartbeat(token: try string("token"))
        case "timer": return .timerFired(id: try string("id"))
        case "stop": return .stopRequested(error: json["error"]?.stringValue, cause: json["cause"]?.stringValue)
        default: throw corrupt("unknown event kind \(json["t"]?.serialized() ?? "none")")
        }
    }

    /// An ended execution's record.
    public static func encode(_ r: ExecutionRecord) -> JSON {
        [
            "executionArn": .string(r.executionArn), "stateMachineArn": .string(r.stateMachineArn),
            "stateMachineName": .string(r.stateMachineName), "name": .string(r.name), "status": .string(r.status.rawValue),
            "startDate": .int(Int(r.startDate)), "stopDate": r.stopDate.map { .int(Int($0)) } ?? .null,
            "input": r.input, "output": r.output ?? .null,
            "error": r.error.map(JSON.string) ?? .null, "cause": r.cause.map(JSON.string) ?? .null,
            "hasOutput": .bool(r.output != nil),
        ]
    }

    public static func decodeRecord(_ json: JSON) throws(EngineError) -> ExecutionRecord {
        guard let arn = json["executionArn"]?.stringValue, let sm = json["stateMachineArn"]?.stringValue,
              let smName = json["stateMachineName"]?.stringValue, let name = json["name"]?.stringValue,
              let status = json["status"]?.stringValue.flatMap(ExecutionStatus.init(rawValue:)),
              let start = json["startDate"]?.intValue else { throw corrupt("execution record incomplete") }
        return ExecutionRecord(executionArn: arn, stateMachineArn: sm, stateMachineName: smName, name: name, status: status,
                               startDate: Int64(start), stopDate: json["stopDate"]?.intValue.map(Int64.init),
                               input: json["input"] ?? .emptyObject,
                               output: json["hasOutput"] == .bool(true) ? json["output"] : nil,
                               error: json["error"]?.stringValue, cause: json["cause"]?.stringValue)
    }

    public static func encode(_ r: ReplyAddress) -> JSON {
        ["replyTo": .string(r.replyTo), "correlationId": .string(r.correlationId)]
    }

    public static func decodeReply(_ json: JSON) -> ReplyAddress? {
        guard let to = json["replyTo"]?.stringValue, let id = json["correlationId"]?.stringValue else { return nil }
        return ReplyAddress(replyTo: to, correlationId: id)
    }

    public static func encode(_ p: ParentReference) -> JSON {
        ["executionArn": .string(p.executionArn), "token": .string(p.token), "pattern": .string(p.pattern)]
    }

    public static func decodeParent(_ json: JSON) -> ParentReference? {
        guard let arn = json["executionArn"]?.stringValue, let token = json["token"]?.stringValue,
              let pattern = json["pattern"]?.stringValue else { return nil }
        return ParentReference(executionArn: arn, token: token, pattern: pattern)
    }

    static func corrupt(_ what: String) -> EngineError {
        EngineError(.storeCorrupt, "The store holds an entry Baton cannot read: \(what)")
    }
}
