import BatonAMQP
import BatonLanguage

/// A worker's answer to a task request, as docs/wire-protocol.md pins it (header `baton-status`).
public enum TaskReply: Sendable, Hashable {
    /// The task succeeded with this output (`baton-status: succeeded`, the body is the output).
    case succeeded(JSON)
    /// The task failed (`baton-status: failed`, body `{"error", "cause"}`).
    case failed(TaskFailure)
    /// The worker is still at it (`baton-status: heartbeat`, body `{}`, ignored by Baton).
    case heartbeat

    /// The header that marks a reply's kind.
    public static let statusHeader = "baton-status"

    /// The value of the `baton-status` header.
    public var status: String {
        switch self {
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .heartbeat: "heartbeat"
        }
    }

    /// The body as JSON.
    public var body: JSON {
        switch self {
        case .succeeded(let output): output
        case .failed(let failure): ["error": .string(failure.error), "cause": .string(failure.cause)]
        case .heartbeat: [:]
        }
    }

    /// The message answering a request: to `replyTo` on the default exchange, with its `correlation_id`, persistent.
    public func message(replyTo: String, correlationID: String) -> AMQPMessage {
        let properties = AMQPProperties(contentType: "application/json",
                                        headers: [Self.statusHeader: .string(status)],
                                        deliveryMode: .persistent, correlationID: correlationID)
        return AMQPMessage(exchange: "", routingKey: replyTo, body: Array(body.serialized().utf8), properties: properties)
    }
}
