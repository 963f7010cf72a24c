import BatonAMQP
import BatonLanguage
import Foundation

/// One task request handed to a handler: its input, its token and the headers Baton sent with it.
public struct WorkerTask: Sendable {
    /// The task's effective input (the request body).
    public var input: JSON
    /// The task token (the request's `correlation_id`).
    public var token: String
    /// The queue the request came from.
    public var queue: String
    /// `baton-execution-arn`, if present.
    public var executionArn: String?
    /// `baton-state`: the Task state's name, if present.
    public var state: String?
    /// `baton-attempt`: 0 for the first attempt, 1, 2 … for retries (0 when absent).
    public var attempt: Int
    /// `baton-resource`: the state's `Resource` as written, if present.
    public var resource: String?
    /// `baton-deadline`: when the task times out, if it has a TimeoutSeconds.
    public var deadline: Date?
    /// `baton-heartbeat-seconds`: how often Baton expects a heartbeat, if at all.
    public var heartbeatInterval: Duration?
    /// `traceparent`: the W3C trace context of the execution, if present.
    public var traceparent: String?
    /// Whether the broker delivered this request before (a previous worker may have handled it).
    public var redelivered: Bool
    /// Every header as received.
    public var headers: AMQPTable

    let sendHeartbeat: @Sendable () async throws -> Void

    /// Creates a task by hand (for tests of handlers); `heartbeat()` calls `onHeartbeat`.
    public init(input: JSON, token: String, queue: String = "", executionArn: String? = nil, state: String? = nil,
                attempt: Int = 0, resource: String? = nil, deadline: Date? = nil, heartbeatInterval: Duration? = nil,
                traceparent: String? = nil, redelivered: Bool = false, headers: AMQPTable = [:],
                onHeartbeat: @escaping @Sendable () async throws -> Void = {}) {
        self.input = input
        self.token = token
        self.queue = queue
        self.executionArn = executionArn
        self.state = state
        self.attempt = attempt
        self.resource = resource
        self.deadline = deadline
        self.heartbeatInterval = heartbeatInterval
        self.traceparent = traceparent
        self.redelivered = redelivered
        self.headers = headers
        self.sendHeartbeat = onHeartbeat
    }

    /// Publishes a `baton-status: heartbeat` reply now (resets the task's HeartbeatSeconds) and waits for its confirm.
    public func heartbeat() async throws {
        try await sendHeartbeat()
    }

    /// Time left until the deadline (negative once past it), or nil without a deadline.
    public var timeRemaining: Duration? {
        guard let deadline else { return nil }
        let seconds = deadline.timeIntervalSinceNow
        return .milliseconds(Int64((seconds * 1000).rounded(.down)))
    }
}

extension WorkerTask {
    /// Header names of a task request (docs/wire-protocol.md).
    public enum Header {
        public static let executionArn = "baton-execution-arn"
        public static let state = "baton-state"
        public static let attempt = "baton-attempt"
        public static let resource = "baton-resource"
        public static let deadline = "baton-deadline"
        public static let heartbeatSeconds = "baton-heartbeat-seconds"
        public static let traceparent = "traceparent"
    }

    /// Reads a task from a request's properties and already parsed body.
    init(input: JSON, token: String, queue: String, properties: AMQPProperties, redelivered: Bool,
         onHeartbeat: @escaping @Sendable () async throws -> Void) {
        let headers = properties.headers ?? [:]
        func number(_ name: String) -> Double? {
            guard let value = headers[name] else { return nil }
            if let int = value.intValue { return Double(int) }
            switch value {
            case .double(let d): return d
            case .float(let f): return Double(f)
            default: return value.stringValue.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            }
        }
        var heartbeat: Duration?
        if let seconds = number(Header.heartbeatSeconds), seconds > 0, seconds.isFinite {
            heartbeat = .milliseconds(Int64(seconds * 1000))
        }
        var deadline: Date?
        if let millis = number(Header.deadline), millis.isFinite {
            deadline = Date(timeIntervalSince1970: millis / 1000)
        }
        self.init(input: input, token: token, queue: queue,
                  executionArn: headers[Header.executionArn]?.stringValue,
                  state: headers[Header.state]?.stringValue,
                  attempt: number(Header.attempt).map { Int(exactly: $0.rounded(.down)) ?? 0 } ?? 0,
                  resource: headers[Header.resource]?.stringValue,
                  deadline: deadline, heartbeatInterval: heartbeat,
                  traceparent: headers[Header.traceparent]?.stringValue,
                  redelivered: redelivered, headers: headers, onHeartbeat: onHeartbeat)
    }
}
