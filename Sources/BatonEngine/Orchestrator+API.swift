import BatonCore
import BatonLanguage
import Foundation

// What the Step Functions API needs of the orchestrator beyond starting and answering executions:
// deleting a state machine, waiting in process for an execution to end (StartSyncExecution),
// RedriveExecution, and reading executions with what DescribeExecution shows of redrives.

extension EngineError.Code {
    public static let invalidArn = EngineError.Code(rawValue: "InvalidArn")
    public static let invalidToken = EngineError.Code(rawValue: "InvalidToken")
    public static let invalidExecutionInput = EngineError.Code(rawValue: "InvalidExecutionInput")
    public static let invalidOutput = EngineError.Code(rawValue: "InvalidOutput")
    public static let executionNotRedrivable = EngineError.Code(rawValue: "ExecutionNotRedrivable")
    public static let stateMachineTypeNotSupported = EngineError.Code(rawValue: "StateMachineTypeNotSupported")
    public static let activityDoesNotExist = EngineError.Code(rawValue: "ActivityDoesNotExist")
    public static let validationException = EngineError.Code(rawValue: "ValidationException")
}

/// What DescribeExecution tells beyond the record: the redrives.
public struct ExecutionDetails: Sendable {
    public var record: ExecutionRecord
    public var redriveCount: Int
    /// When the last redrive happened (epoch milliseconds).
    public var redriveDate: Int64?
    /// True when RedriveExecution would run it again now.
    public var redrivable: Bool
}

/// One caller waiting in process for an execution to end; resumed once, by the end or by cancellation.
final class EndWaiter: @unchecked Sendable {
    // The lock guards `continuation` and `outcome`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<ExecutionRecord?, Never>?
    private var outcome: ExecutionRecord??

    func wait() async -> ExecutionRecord? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<ExecutionRecord?, Never>) in
                lock.lock()
                if let outcome {
                    lock.unlock()
                    c.resume(returning: outcome)
                } else {
                    continuation = c
                    lock.unlock()
                }
            }
        } onCancel: {
            finish(nil)
        }
    }

    /// Resumes the waiter (only the first call counts).
    func finish(_ record: ExecutionRecord?) {
        lock.lock()
        guard outcome == nil else { lock.unlock(); return }
        outcome = .some(record)
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume(returning: record)
    }
}

extension Orchestrator {
    // MARK: State machines

    /// Deletes a state machine (memory and store): no new execution can start; running ones go on.
    /// Returns false when there was none of that name.
    @discardableResult
    public func deregister(name: String) async throws -> Bool {
        guard registry.find(name) != nil else { return false }
        registry.remove(name: name)
        try await journal.record([.catalogDelete(kind: "stateMachine", key: name)]).wait()
        return true
    }

    /// AWS's rule for names of state machines, executions and activities (1–80 characters, no whitespace,
    /// wildcards, brackets or control characters).
    public nonisolated static func isValidResourceName(_ name: String) -> Bool { isValidName(name) }

    // MARK: Waiting for an end

    /// Waits until the execution ends and returns its record; nil when it is unknown or the waiting task
    /// is cancelled.
    public func waitUntilEnded(_ arn: String) async -> ExecutionRecord? {
        guard let live = executions[arn] else { return nil }
        guard live.record.status == .running else { return live.record }
        let waiter = EndWaiter()
        endWaiters[arn, default: []].append(waiter)
        return await waiter.wait()
    }

    /// Resumes whoever waits for this execution's end (called when it ends).
    func notifyEnded(_ arn: String, _ record: ExecutionRecord) {
        guard !endWaiters.isEmpty, let waiters = endWaiters.removeValue(forKey: arn) else { return }
        for w in waiters { w.finish(record) }
    }

    // MARK: Redrive

    /// RedriveExecution: runs a FAILED, TIMED_OUT or ABORTED standard execution again from the state where it
    /// stopped. Returns the redrive's time and the effects to carry out.
    public func redrive(executionArn arn: String) async throws -> (redriveDate: Int64, effects: [Effect]) {
        if executions[arn] == nil, let archive {
            // Ended before a restart, or forgotten: rebuild it from the store first.
            let entries = try await archive.entries(of: arn)
            if executions[arn] == nil, !entries.isEmpty { _ = replay(entries) }
        }
        guard let live = executions[arn] else {
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(arn)'")
        }
        if registry.find(live.record.stateMachineName)?.type == "EXPRESS" {
            throw EngineError(.executionNotRedrivable, "Execution is not redrivable: express executions cannot be redriven")
        }
        guard live.execution.isRedrivable else {
            throw EngineError(.executionNotRedrivable,
                              "Execution is not redrivable: its status is \(live.record.status.rawValue)")
        }
        let now = clock()
        let step = live.execution.handle(.redrive, now: now)
        var effects = reopenRedriven(live)
        effects += settle(arn, step, now: now)
        try await journalize([.applied(executionArn: arn, event: .redrive, at: now)], effects)
        return (now, effects)
    }

    /// What a redrive does beside the core (here and when replaying one): the record runs again, the
    /// execution counts as running and is no longer among the ended ones to forget; its RUNNING event.
    func reopenRedriven(_ live: LiveExecution) -> [Effect] {
        let arn = live.record.executionArn
        Self.reopen(&live.record)
        runningCount += 1
        if finishedHead < finishedOrder.count, let i = finishedOrder[finishedHead...].firstIndex(of: arn) {
            finishedOrder.remove(at: i)
        }
        return [.publishEvent(routingKey: "execution.RUNNING.\(live.record.stateMachineName)", body: live.record.eventDetail())]
    }

    /// A record running again after a redrive (what replaying `ExecutionEvent.redrive` does to a record too).
    public static func reopen(_ record: inout ExecutionRecord) {
        record.status = .running
        record.stopDate = nil
        record.output = nil
        record.error = nil
        record.cause = nil
    }

    // MARK: Reading

    /// DescribeExecution: the record and its redrives, from memory or, for an ended execution memory no
    /// longer holds, from the store.
    public func executionDetails(_ arn: String) async throws -> ExecutionDetails? {
        if let live = executions[arn] {
            var redriveDate: Int64?
            if live.execution.info.redriveCount > 0 {
                redriveDate = live.history.last(where: { $0.type == .executionRedriven })?.timestamp
            }
            let express = registry.find(live.record.stateMachineName)?.type == "EXPRESS"
            return ExecutionDetails(record: live.record, redriveCount: live.execution.info.redriveCount,
                                    redriveDate: redriveDate, redrivable: live.execution.isRedrivable && !express)
        }
        if let archive, let record = try await archive.record(arn) {
            return ExecutionDetails(record: record, redriveCount: 0, redriveDate: nil, redrivable: false)
        }
        return nil
    }

    /// The definition and type an execution runs (its state machine's, while it is registered).
    public func stateMachineOfExecution(_ arn: String) async throws -> StateMachineRecord? {
        if let live = executions[arn] { return registry.find(live.record.stateMachineName) }
        if let archive, let r = try await archive.record(arn) { return registry.find(r.stateMachineName) }
        return nil
    }
}
