import BatonLanguage

// RedriveExecution: an execution that failed, timed out or was aborted runs again from the top-level
// state where it stopped; the states before it are not run again.
//
//   finishExecution(not SUCCEEDED)   -> the top-level path is kept as the redrive point
//   handle(.redrive) while redrivable -> ExecutionRedriven; RedriveCount + 1; the state where the path stopped
//                                        is entered again with the input and variables it had, its retries
//                                        counted from zero; an execution timeout starts again
//   handle(.redrive) otherwise        -> nothing
//
// A Parallel or inline Map that failed runs again whole, as in AWS; so does a distributed Map (AWS runs only
// its unsuccessful child executions again).
// The redrive is journaled as the reserved timer id `redriveEventId`, so replaying a journal repeats it
// with no new event kind in the stores.

/// The top-level path of an execution as it was when the execution stopped.
struct RedrivePoint: Sendable {
    var frame: Frame
}

extension ExecutionEvent {
    /// RedriveExecution: run a failed, timed-out or aborted execution again from where it stopped.
    public static var redrive: ExecutionEvent { .timerFired(id: Execution.redriveEventId) }
}

extension Execution {
    /// The timer id that stands for a redrive in journals (no armed timer ever has it: those are `t<n>`).
    public static let redriveEventId = "baton.redrive"

    /// True when the execution ended FAILED, TIMED_OUT or ABORTED and can run again from where it stopped.
    public var isRedrivable: Bool {
        switch status {
        case .failed, .timedOut, .aborted: return redrivePoint != nil
        case .running, .succeeded: return false
        }
    }

    /// The top-level path, kept when the execution ends other than SUCCEEDED (the root is always frame 0:
    /// the first frame an execution creates, alive until the execution ends).
    func makeRedrivePoint() -> RedrivePoint? {
        guard let root = frames[0], root.parent == nil else { return nil }
        return RedrivePoint(frame: root)
    }

    /// Re-enters the state where the top-level path stopped (called with the status back to RUNNING).
    mutating func resume(from point: RedrivePoint) {
        info.redriveCount += 1
        if case .object(var o) = contextExecution {
            o["RedriveCount"] = .int(info.redriveCount)
            contextExecution = .object(o)
        }
        emit(.executionRedriven, .executionRedriven(redriveCount: info.redriveCount), frame: nil)
        if let t = machine.timeoutSeconds {
            _ = armTimer(.executionTimeout, dueAt: now + Millis(t) * 1000)
        }
        var frame = point.frame
        frame.phase = .enter
        frame.effectiveInput = .null
        frame.retryCounts = []
        frame.lastEventId = lastEventId
        frames.removeAll()
        joins.removeAll()
        runnable.append(frames.insert(frame))
    }
}
