import BatonAMQP

/// How a ``TimerLadder`` names its queues, which delay steps it declares and how it routes a timer.
///
/// Defaults: prefix `baton`; steps 8 ms, 16 ms … 2^27 ms (about 37 hours); quorum queues with
/// at-least-once dead-lettering and `reject-publish`; a timer due within 40 ms is held by the consumer
/// instead of taking another step.
///
/// Why 8 ms … 2^27 ms: one hop (expire, dead-letter, consume, publish with confirm) costs a few
/// milliseconds, so steps shorter than that would be all overhead; the consumer covers the last tens
/// of milliseconds by holding the message itself. At the top, a timer longer than the largest step
/// simply takes it again (a one-year Wait hops ~235 times through 37-hour steps), while every extra
/// step is one more quorum queue (a Raft group) on the broker.
public struct TimerLadderConfiguration: Sendable, Hashable {
    /// The queue flavour of the ladder and of the fired-timers queue.
    public enum QueueKind: String, Sendable, Hashable {
        /// Quorum queues with `x-dead-letter-strategy: at-least-once` and `x-overflow: reject-publish`:
        /// no timer is lost when the broker crashes; one may fire twice.
        case quorum
        /// Durable classic queues: dead-lettering is at-most-once, so a broker crash can lose timers.
        case classic
    }

    /// The name prefix: queues `<prefix>.delay.<ms>`, `<prefix>.timers`, `<prefix>.dead`.
    public var prefix: String
    /// Exponent of the smallest step (steps are 2^n ms).
    public var smallestStepExponent: Int
    /// Exponent of the largest step.
    public var largestStepExponent: Int
    /// The queue flavour.
    public var queueKind: QueueKind
    /// A timer due within this many milliseconds is not put on another step: the consumer holds it
    /// (unacknowledged) and hands it over at its due time.
    public var holdMilliseconds: Int64
    /// What one hop is expected to cost: a timer takes the largest step ≤ remaining − this allowance,
    /// so that it comes back a little early (then held) rather than late.
    public var hopAllowanceMilliseconds: Int64
    /// Unacknowledged deliveries of `<prefix>.timers` at once (held timers count).
    public var prefetch: UInt16

    /// Creates a configuration; see the type's documentation for the defaults.
    public init(prefix: String = "baton", smallestStepExponent: Int = 3, largestStepExponent: Int = 27,
                queueKind: QueueKind = .quorum, holdMilliseconds: Int64 = 40, hopAllowanceMilliseconds: Int64 = 6,
                prefetch: UInt16 = 1000) {
        self.prefix = prefix
        self.smallestStepExponent = smallestStepExponent
        self.largestStepExponent = largestStepExponent
        self.queueKind = queueKind
        self.holdMilliseconds = holdMilliseconds
        self.hopAllowanceMilliseconds = hopAllowanceMilliseconds
        self.prefetch = prefetch
    }

    /// The step lengths in milliseconds, smallest first.
    public var steps: [Int64] {
        let low = max(0, min(smallestStepExponent, 40))
        let high = max(low, min(largestStepExponent, 40))
        return (low...high).map { Int64(1) << Int64($0) }
    }

    /// The queue that holds timers waiting `milliseconds`.
    public func delayQueue(milliseconds: Int64) -> String { "\(prefix).delay.\(milliseconds)" }

    /// The queue of fired timers (the ladder's exit, consumed by ``TimerLadder/run(handler:)``).
    public var timersQueue: String { "\(prefix).timers" }

    /// Where malformed timer messages go.
    public var deadQueue: String { "\(prefix).dead" }
}
