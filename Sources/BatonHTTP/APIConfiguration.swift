import BatonLanguage

/// How `baton serve` serves the Step Functions API; the defaults are AWS's limits and a loopback-only server.
public struct APIConfiguration: Sendable {
    /// The address to listen on (default 127.0.0.1: only this machine can call).
    public var host: String
    /// The port (default 8083; 0 picks a free one).
    public var port: Int
    /// Access key id → secret. When set, every request must carry a valid AWS Signature Version 4 made with
    /// one of them; when nil, only loopback callers are served.
    public var authKeys: [String: String]?
    /// The largest request body accepted, in bytes.
    public var maxRequestBytes: Int
    /// How long GetActivityTask waits for a task (AWS: 60 s).
    public var activityPollSeconds: Double
    /// How long StartSyncExecution waits for the end (AWS's limit for express executions: 5 minutes).
    public var syncTimeoutSeconds: Double
    /// How far a signed request's time may be from now (AWS: 5 minutes).
    public var signatureSkewSeconds: Int64
    /// How definitions are checked (the JSONata syntax check comes from the command line's options).
    public var validation: @Sendable (ValidationOptions.StateMachineType) -> ValidationOptions

    public init(host: String = "127.0.0.1", port: Int = 8083, authKeys: [String: String]? = nil,
                maxRequestBytes: Int = 4 * 1_048_576, activityPollSeconds: Double = 60, syncTimeoutSeconds: Double = 300,
                signatureSkewSeconds: Int64 = 300,
                validation: @escaping @Sendable (ValidationOptions.StateMachineType) -> ValidationOptions = {
                    ValidationOptions(stateMachineType: $0)
                }) {
        self.host = host
        self.port = port
        self.authKeys = authKeys
        self.maxRequestBytes = maxRequestBytes
        self.activityPollSeconds = activityPollSeconds
        self.syncTimeoutSeconds = syncTimeoutSeconds
        self.signatureSkewSeconds = signatureSkewSeconds
        self.validation = validation
    }
}
