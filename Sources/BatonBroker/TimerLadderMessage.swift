import BatonAMQP
import BatonLanguage

/// A timer that came due, as ``TimerLadder/run(handler:)`` hands it over.
///
/// Delivery is at least once: after a broker crash or a lost connection the same timer can be handed
/// over twice, so a handler must treat a timer it already handled (or one that no longer matters) as a no-op.
public struct FiredTimer: Sendable, Hashable {
    /// The execution that armed the timer.
    public var execution: String
    /// The timer's name within the execution.
    public var timer: String
    /// When it was due, epoch milliseconds.
    public var due: Int64
    /// When it was handed over, epoch milliseconds (by the ladder's clock); never before `due`.
    public var firedAt: Int64
    /// Whether the broker delivered this message before (a duplicate is likely).
    public var redelivered: Bool

    /// Creates a fired timer.
    public init(execution: String, timer: String, due: Int64, firedAt: Int64, redelivered: Bool) {
        self.execution = execution
        self.timer = timer
        self.due = due
        self.firedAt = firedAt
        self.redelivered = redelivered
    }

    /// How late it fired, in milliseconds.
    public var lateness: Int64 { firedAt - due }
}

/// One timer to arm: which execution, which timer, when (epoch milliseconds).
public struct TimerRequest: Sendable, Hashable {
    public var execution: String
    public var timer: String
    public var dueAt: Int64

    /// Creates a timer request.
    public init(execution: String, timer: String, dueAt: Int64) {
        self.execution = execution
        self.timer = timer
        self.dueAt = dueAt
    }
}

/// A timer message that cannot be read; it is published to `<prefix>.dead` with this reason.
public struct TimerMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable name put in `baton-dead-error`.
    public static let code = "InvalidMessage"
    /// One line saying what is wrong.
    public var reason: String

    /// Creates the error.
    public init(reason: String) { self.reason = reason }

    public var description: String { "\(Self.code): \(reason)" }
}

/// The body and headers of a timer message: `{"execution","timer","due"}` plus header `baton-due`.
enum TimerLadderMessage {
    static let dueHeader = "baton-due"
    /// On a hop: when the ladder expects the timer back (publish time + step), to learn what hops cost.
    static let expectedHeader = "baton-hop-expected"

    /// Encodes a timer's body (keys in a fixed order).
    static func body(execution: String, timer: String, due: Int64) -> [UInt8] {
        Array("{\"execution\":\(quote(execution)),\"timer\":\(quote(timer)),\"due\":\(due)}".utf8)
    }

    /// The message for `request`, to `queue` through the default exchange.
    static func message(_ request: TimerRequest, queue: String) -> AMQPMessage {
        AMQPMessage(routingKey: queue,
                    body: body(execution: request.execution, timer: request.timer, due: request.dueAt),
                    properties: AMQPProperties(contentType: "application/json",
                                               headers: [dueHeader: .int64(request.dueAt)],
                                               deliveryMode: .persistent))
    }

    /// Reads a timer body; throws ``TimerMessageError`` when it is not `{"execution": string, "timer": string, "due": integer}`.
    static func decode(_ body: [UInt8]) throws(TimerMessageError) -> TimerRequest {
        let json: JSON
        do {
            json = try JSONParser.parse(bytes: body)
        } catch {
            throw TimerMessageError(reason: "the body is not JSON: \(error)")
        }
        guard json.isObject else { throw TimerMessageError(reason: "the body is not a JSON object") }
        guard let execution = json["execution"]?.stringValue, !execution.isEmpty else {
            throw TimerMessageError(reason: "\"execution\" must be a non-empty string")
        }
        guard let timer = json["timer"]?.stringValue else {
            throw TimerMessageError(reason: "\"timer\" must be a string")
        }
        guard let due = json["due"], due.isIntegral, let value = due.intValue else {
            throw TimerMessageError(reason: "\"due\" must be an integer (epoch milliseconds)")
        }
        return TimerRequest(execution: execution, timer: timer, dueAt: Int64(value))
    }

    private static func quote(_ text: String) -> String { JSON.string(text).serialized() }
}
