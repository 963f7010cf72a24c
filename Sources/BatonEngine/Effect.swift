import BatonCore
import BatonLanguage

/// Where a synchronous start's result goes: the start message's `reply_to` and `correlation_id`.
public struct ReplyAddress: Sendable, Hashable, Codable {
    public var replyTo: String
    public var correlationId: String

    public init(replyTo: String, correlationId: String) {
        self.replyTo = replyTo
        self.correlationId = correlationId
    }
}

/// A task to send to a worker, with everything its message carries.
public struct TaskDispatch: Sendable, Hashable {
    public var executionArn: String
    public var request: TaskRequest
    public var route: TaskRoute
    /// When the task times out, epoch milliseconds, if it has a TimeoutSeconds.
    public var deadline: Int64?
    /// W3C trace context of the execution.
    public var traceparent: String
}

/// What the engine asks its transport to do after an event was applied (and recorded).
public enum Effect: Sendable, Hashable {
    case publishTask(TaskDispatch)
    case scheduleTimer(execution: String, timer: String, dueAt: Int64)
    /// The final result of an execution started with a reply address.
    case publishResult(ReplyAddress, body: JSON)
    /// An execution status change for the events exchange.
    case publishEvent(routingKey: String, body: JSON)
}

extension Effect {
    /// The key of this message in the outbox: what is published again after a crash until the broker
    /// confirmed it. Timers have none (every armed timer is scheduled again at start).
    public var outboxKey: String? {
        switch self {
        case .publishTask(let d): return "task:\(d.request.token)"
        case .scheduleTimer: return nil
        case .publishResult(let reply, let body): return "result:\(reply.correlationId)@\(body["executionArn"]?.stringValue ?? "")"
        case .publishEvent(_, let body):
            return "event:\(body["status"]?.stringValue ?? "")@\(body["executionArn"]?.stringValue ?? "")"
        }
    }

    /// The execution the effect belongs to.
    public var executionArn: String {
        switch self {
        case .publishTask(let d): return d.executionArn
        case .scheduleTimer(let execution, _, _): return execution
        case .publishResult(_, let body), .publishEvent(_, let body): return body["executionArn"]?.stringValue ?? ""
        }
    }
}
