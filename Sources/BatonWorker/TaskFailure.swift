/// A task's failure as the worker reports it: an error name (matched by Retry and Catch) and a cause.
///
/// Throw it from a handler to send a `baton-status: failed` reply with body `{"error", "cause"}`.
/// Any other error thrown by a handler is reported with its Swift type name as `error` and its
/// description as `cause` (see ``TaskFailure/init(describing:)``).
public struct TaskFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error name, as `ErrorEquals` matches it (for example `ImageTooLarge`).
    public var error: String
    /// A human-readable explanation.
    public var cause: String

    /// Creates a failure with an error name and a cause.
    public init(error: String, cause: String = "") {
        self.error = error
        self.cause = cause
    }

    /// The failure reported for an arbitrary error: `TaskFailure` itself, or the error's type name and description.
    public init(describing thrown: any Error) {
        if let failure = thrown as? TaskFailure {
            self = failure
        } else {
            self.init(error: String(describing: type(of: thrown)), cause: String(describing: thrown))
        }
    }

    public var description: String { cause.isEmpty ? error : "\(error): \(cause)" }

    /// The command exited with a non-zero status (`baton worker`).
    public static let commandFailed = "Worker.CommandFailed"
    /// The command or handler produced output that is not JSON.
    public static let invalidOutput = "Worker.InvalidOutput"
    /// The output is larger than a reply may be (``WorkerConfiguration/maxReplyBytes``).
    public static let dataLimitExceeded = "States.DataLimitExceeded"
    /// The task request's body was not JSON.
    public static let invalidInput = "Worker.InvalidInput"
}
