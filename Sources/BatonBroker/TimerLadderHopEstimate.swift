import Foundation

/// How long hops take beyond their step, learned from the timers that come back, so a busy broker makes the
/// ladder aim earlier (and hold longer) instead of firing late.
///
///     record(overshoot)  → mean += (x − mean)/16;  deviation += (|x − mean| − deviation)/16
///     allowance          = clamp(configured, ⌈mean + 4·deviation⌉, 250 ms)
///     hold               = max(configured hold, allowance + smallest step)
public struct TimerLadderHopEstimate: Sendable, Hashable {
    /// The smoothed overshoot, milliseconds.
    public private(set) var mean: Double = 0
    /// The smoothed absolute deviation of the overshoot, milliseconds.
    public private(set) var deviation: Double = 0
    /// Hops observed.
    public private(set) var samples: Int = 0

    /// The largest allowance it will ever suggest.
    public static let ceiling: Int64 = 250

    /// An estimate with no samples.
    public init() {}

    /// Records that a hop came back `overshoot` ms after its step's TTL (negative counts as 0).
    public mutating func record(overshoot: Int64) {
        let x = Double(max(0, min(overshoot, 10_000)))
        if samples == 0 {
            mean = x
        } else {
            let error = x - mean
            mean += error / 16
            deviation += (abs(error) - deviation) / 16
        }
        samples += 1
    }

    /// The routing settings to use now: `configuration` with the learned allowance and hold.
    public func adjusted(_ configuration: TimerLadderConfiguration) -> TimerLadderConfiguration {
        var adjusted = configuration
        let learned = Int64((mean + 4 * deviation).rounded(.up))
        adjusted.hopAllowanceMilliseconds = min(Self.ceiling, max(configuration.hopAllowanceMilliseconds, learned))
        let smallest = configuration.steps.first ?? 0
        adjusted.holdMilliseconds = max(configuration.holdMilliseconds, adjusted.hopAllowanceMilliseconds + smallest)
        return adjusted
    }
}

/// A ``TimerLadderHopEstimate`` behind a lock.
///
/// `@unchecked Sendable`: `estimate` is only read or written while holding `lock`.
final class TimerLadderHopTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var estimate = TimerLadderHopEstimate()

    func record(overshoot: Int64) {
        lock.lock(); estimate.record(overshoot: overshoot); lock.unlock()
    }

    var current: TimerLadderHopEstimate {
        lock.lock(); defer { lock.unlock() }
        return estimate
    }
}
