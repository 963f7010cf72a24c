/// Where a timer goes next, decided from its due time and the clock alone (no I/O).
///
///     remaining = due − now
///     remaining ≤ 0                      → fire
///     0 < remaining ≤ hold               → hold (the consumer waits `remaining` ms, then fires)
///     remaining > hold                   → step s = largest step ≤ remaining − allowance
///                                          (the smallest step if none; the largest if all fit)
///
/// A timer never fires early: it is handed over only once `now ≥ due`.
public enum TimerLadderRoute: Sendable, Hashable {
    /// Due: hand it to the handler now.
    case fire
    /// Due in this many milliseconds, too soon for a step: wait in process, then fire.
    case hold(milliseconds: Int64)
    /// Publish it to the delay queue of this many milliseconds.
    case step(milliseconds: Int64)

    /// The route of a timer due at `due` when the clock reads `now` (both epoch milliseconds).
    public static func decide(due: Int64, now: Int64, configuration: TimerLadderConfiguration) -> TimerLadderRoute {
        let (remaining, overflow) = due.subtractingReportingOverflow(now)
        if overflow { return due < now ? .fire : .step(milliseconds: configuration.steps.last ?? 1) }
        if remaining <= 0 { return .fire }
        if remaining <= max(0, configuration.holdMilliseconds) { return .hold(milliseconds: remaining) }
        let steps = configuration.steps
        let budget = remaining - max(0, configuration.hopAllowanceMilliseconds)
        guard let smallest = steps.first else { return .hold(milliseconds: remaining) }
        let step = steps.last(where: { $0 <= budget }) ?? smallest
        return .step(milliseconds: step)
    }
}
