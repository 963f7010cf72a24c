import BatonCore
import BatonEngine
import BatonLanguage
import Foundation

/// What `baton bench-store` measured: steps recorded durably per second, commits, and the CPU each step cost.
public struct StoreBenchmarkResult: Sendable {
    public var executions: Int
    public var steps: Int
    public var seconds: Double
    public var commits: Int
    public var entries: Int
    /// Process CPU (user + system) over the run, seconds: the store's writer and the driver recording entries.
    public var cpuSeconds: Double
    public var fileBytes: Int64

    /// The figures, one line, as `baton bench-store` prints them.
    public var report: String {
        let perStep = steps > 0 ? cpuSeconds * 1_000_000 / Double(steps) : 0
        return String(format: "store executions=%d steps=%d secs=%.1f steps/s=%.0f commits/s=%.0f entries/commit=%.1f cpu_us/step=%.1f file=%.1fMiB",
                      executions, steps, seconds, Double(steps) / seconds, Double(commits) / seconds,
                      commits > 0 ? Double(entries) / Double(commits) : 0, perStep, Double(fileBytes) / 1_048_576)
    }
}

/// Drives a store the way the orchestrator does for sequential Task workflows, with nothing else running: N
/// executions in flight, each recording its start, then one step per task answer (the applied event plus the next
/// message in the outbox), then its end; every message is marked confirmed once its step is durable. Each
/// execution waits for its previous step's ticket, as the orchestrator waits before sending a step's messages.
public final class StoreBenchmark: @unchecked Sendable {
    private let store: SQLiteStore
    private let inFlight: Int
    private let tasksPerExecution: Int
    private let deadline: Date
    private let runID = String(UInt32.random(in: .min ... .max), radix: 16)

    // The lock guards everything below it.
    private let lock = NSCondition()
    private var started = 0
    private var finished = 0
    private var steps = 0
    private var active = 0

    private static let stateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:bench10"
    private static let output: JSON = ["orderId": "A-1001", "amount": .int(42), "items": .array([.string("x"), .string("y")])]

    private init(store: SQLiteStore, inFlight: Int, tasksPerExecution: Int, seconds: Double) {
        self.store = store
        self.inFlight = inFlight
        self.tasksPerExecution = tasksPerExecution
        self.deadline = Date().addingTimeInterval(seconds)
    }

    /// Runs the benchmark against a store at `path` (created; deleted afterwards unless `keep`).
    public static func run(path: String, durability: SQLiteStore.Durability, commitDelayMicroseconds: Int = 1000, inFlight: Int,
                           tasksPerExecution: Int, seconds: Double, keep: Bool = false) throws -> StoreBenchmarkResult {
        let store = try SQLiteStore(path: path, durability: durability, commitDelayMicroseconds: commitDelayMicroseconds)
        defer {
            store.close()
            if !keep { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        }
        let bench = StoreBenchmark(store: store, inFlight: inFlight, tasksPerExecution: tasksPerExecution, seconds: seconds)
        let before = (store.statistics, cpuSeconds())
        let start = Date()
        bench.lock.lock()
        bench.active = inFlight
        bench.lock.unlock()
        for _ in 0..<inFlight { bench.startExecution() }
        bench.lock.lock()
        while bench.active > 0 { bench.lock.wait() }
        let (executions, steps) = (bench.finished, bench.steps)
        bench.lock.unlock()
        let elapsed = Date().timeIntervalSince(start)
        let after = (store.statistics, cpuSeconds())
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        return StoreBenchmarkResult(executions: executions, steps: steps, seconds: elapsed,
                                    commits: after.0.commits - before.0.commits, entries: after.0.entries - before.0.entries,
                                    cpuSeconds: after.1 - before.1, fileBytes: size)
    }

    private func startExecution() {
        lock.lock()
        started += 1
        let n = started
        lock.unlock()
        let arn = "arn:aws:states:us-east-1:123456789012:execution:bench10:\(runID)-\(n)-\(UUID().uuidString)"
        let prefix = String(UInt64.random(in: .min ... .max), radix: 36)
        let firstKey = "task:\(prefix).1"
        let start = StartedExecution(executionArn: arn, stateMachine: "bench10", stateMachineArn: Self.stateMachineArn,
                                     definition: "{\"StartAt\":\"T0\",\"States\":{}}", name: "\(runID)-\(n)", input: .emptyObject,
                                     seed: UInt64.random(in: .min ... .max), at: Self.now(), replyTo: nil, parent: nil,
                                     tokenPrefix: prefix)
        let ticket = store.record([.started(start), .outbox(key: firstKey, executionArn: arn)])
        ticket.whenComplete { _ in self.answered(arn, prefix: prefix, task: 1, confirmed: firstKey) }
    }

    /// The answer to task `task` arrives: its message was confirmed long ago, and the step is recorded.
    private func answered(_ arn: String, prefix: String, task: Int, confirmed: String) {
        _ = store.record([.outboxDone(key: confirmed)])
        let event = ExecutionEvent.taskSucceeded(token: "\(prefix).\(task)", output: Self.output)
        let at = Self.now()
        if task < tasksPerExecution {
            let next = "task:\(prefix).\(task + 1)"
            store.record([.applied(executionArn: arn, event: event, at: at), .outbox(key: next, executionArn: arn)])
                .whenComplete { _ in
                    self.countStep()
                    self.answered(arn, prefix: prefix, task: task + 1, confirmed: next)
                }
        } else {
            let record = ExecutionRecord(executionArn: arn, stateMachineArn: Self.stateMachineArn, stateMachineName: "bench10",
                                         name: String(arn.split(separator: ":").last ?? ""), status: .succeeded,
                                         startDate: at - 10, stopDate: at, input: .emptyObject, output: Self.output)
            let key = "event:SUCCEEDED@\(arn)"
            store.record([.applied(executionArn: arn, event: event, at: at), .ended(record),
                          .outbox(key: key, executionArn: arn)])
                .whenComplete { _ in
                    _ = self.store.record([.outboxDone(key: key)])
                    self.countStep()
                    self.ended()
                }
        }
    }

    private func countStep() {
        lock.lock()
        steps += 1
        lock.unlock()
    }

    private func ended() {
        lock.lock()
        finished += 1
        let more = Date() < deadline
        if !more {
            active -= 1
            lock.broadcast()
        }
        lock.unlock()
        if more { startExecution() }
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }
}
