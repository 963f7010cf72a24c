import BatonCore

/// How the engine names things and what it allows; a plain value with AWS-like defaults.
public struct EngineConfiguration: Sendable {
    /// The region in ARNs (default `us-east-1`).
    public var region: String
    /// The account in ARNs (default `123456789012`).
    public var account: String
    /// The role ARN reported in the context object when a state machine has none.
    public var defaultRoleArn: String
    /// Payload limits the interpreter enforces.
    public var limits: ExecutionLimits
    /// The largest start, reply or control message accepted, in bytes.
    public var maxMessageBytes: Int
    /// How far past its due time a timer the broker has not delivered is fired by the sweep.
    public var timerSweepMarginMilliseconds: Int64
    /// How many ended executions stay in memory for DescribeExecution and idempotent starts; older ones
    /// are forgotten first (a durable journal keeps them all).
    public var retainedFinishedExecutions: Int

    public init(region: String = "us-east-1", account: String = "123456789012",
                defaultRoleArn: String = "arn:aws:iam::123456789012:role/baton",
                limits: ExecutionLimits = .init(), maxMessageBytes: Int = 1_048_576,
                timerSweepMarginMilliseconds: Int64 = 2_000, retainedFinishedExecutions: Int = 10_000) {
        self.region = region
        self.account = account
        self.defaultRoleArn = defaultRoleArn
        self.limits = limits
        self.maxMessageBytes = maxMessageBytes
        self.timerSweepMarginMilliseconds = timerSweepMarginMilliseconds
        self.retainedFinishedExecutions = retainedFinishedExecutions
    }

    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`.
    public func stateMachineArn(_ name: String) -> String {
        "arn:aws:states:\(region):\(account):stateMachine:\(name)"
    }

    /// `arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME`.
    public func executionArn(machine: String, name: String) -> String {
        "arn:aws:states:\(region):\(account):execution:\(machine):\(name)"
    }
}
