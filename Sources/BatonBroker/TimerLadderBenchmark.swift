import BatonAMQP
import Foundation
import Logging

/// What `baton bench-timers` measured: how many timers fired, and how late (fired time − due time).
public struct TimerLadderBenchmarkResult: Sendable, Hashable {
    /// Timers scheduled.
    public var count: Int
    /// Timers that never fired before the deadline.
    public var lost: Int
    /// Extra deliveries of timers that had already fired (at-least-once).
    public var duplicates: Int
    /// Timers handed over before their due time (must be 0).
    public var early: Int
    /// Lateness percentiles and maximum, milliseconds.
    public var p50: Int64
    public var p90: Int64
    public var p99: Int64
    public var max: Int64
    /// Mean lateness, milliseconds.
    public var mean: Double
    /// Lateness by delay range: label, timers fired, p50, p99, max (milliseconds).
    public var byDelay: [DelayRange] = []
    /// Seconds it took to publish (and have confirmed) all timers.
    public var scheduleSeconds: Double
    /// Seconds from the first publish to the last timer fired (or the deadline).
    public var totalSeconds: Double

    /// The figures as one line per measure, as `baton bench-timers` prints them.
    public var report: String {
        """
        count      \(count)
        lost       \(lost)
        duplicates \(duplicates)
        early      \(early)
        p50        \(p50) ms
        p90        \(p90) ms
        p99        \(p99) ms
        max        \(max) ms
        mean       \(String(format: "%.1f", mean)) ms
        schedule   \(String(format: "%.2f", scheduleSeconds)) s
        total      \(String(format: "%.1f", totalSeconds)) s
        """ + byDelay.map { "\n  delay \($0.label.padding(toLength: 13, withPad: " ", startingAt: 0)) n=\($0.count)  p50 \($0.p50) ms  p99 \($0.p99) ms  max \($0.max) ms" }.joined()
    }

    /// Lateness of the timers whose delay fell in one range.
    public struct DelayRange: Sendable, Hashable {
        public var label: String
        public var count: Int
        public var p50: Int64
        public var p99: Int64
        public var max: Int64
    }
}

/// The timer-accuracy benchmark: N timers of log-uniform delays through a fresh ladder, lateness measured.
public enum TimerLadderBenchmark {
    /// Schedules `count` timers with delays drawn log-uniformly in `minDelayMilliseconds…maxDelayMilliseconds`
    /// (in batches, each due time reckoned from the clock when its batch is built), fires them through a ladder
    /// with a fresh prefix on the broker at `url`, and measures each timer's first firing.
    public static func run(url: String, count: Int = 10_000, minDelayMilliseconds: Int64 = 10,
                           maxDelayMilliseconds: Int64 = 60_000,
                           configuration: TimerLadderConfiguration = TimerLadderConfiguration(),
                           graceMilliseconds: Int64 = 30_000, batchSize: Int = 250, seed: UInt64 = 1,
                           progress: @escaping @Sendable (String) -> Void = { _ in }) async throws
        -> TimerLadderBenchmarkResult {
        let connection = try await AMQPConnection.connect(try AMQPConfiguration(url: url), name: "baton-bench-timers")
        var configuration = configuration
        configuration.prefix = "\(configuration.prefix).bench.\(UInt32.random(in: 0...UInt32.max))"
        let clock = TimerLadder.wallClock
        let ladder = TimerLadder(connection: connection, configuration: configuration, clock: clock)
        try await ladder.declare()
        let record = FiringRecord(count: count)
        let consumer = Task { try await ladder.run { timer in record.fired(timer) } }

        var random = SplitMix64(seed: seed)
        let low = log(Double(max(1, minDelayMilliseconds)))
        let high = log(Double(max(minDelayMilliseconds, maxDelayMilliseconds)))
        let started = clock()
        var lastDue = started
        var index = 0
        progress("scheduling \(count) timers (\(minDelayMilliseconds) ms – \(maxDelayMilliseconds) ms, log-uniform)")
        while index < count {
            let now = clock()
            let upper = min(count, index + batchSize)
            var batch: [TimerRequest] = []
            batch.reserveCapacity(upper - index)
            for i in index..<upper {
                let delay = Int64(exp(low + (high - low) * random.nextUnit()).rounded())
                let due = now + delay
                lastDue = max(lastDue, due)
                record.setDue(i, due, delay: delay)
                batch.append(TimerRequest(execution: "bench", timer: String(i), dueAt: due))
            }
            for (offset, outcome) in (await ladder.schedule(batch: batch, now: now)).enumerated() {
                if case .failure(let error) = outcome {
                    progress("timer \(index + offset) was not confirmed: \(error)")
                }
            }
            index = upper
        }
        let scheduled = clock()
        progress("scheduled in \(scheduled - started) ms; waiting for the last due time (+\(lastDue - scheduled) ms)")
        while record.firedCount < count, clock() < lastDue + graceMilliseconds {
            try await Task.sleep(for: .milliseconds(50))
        }
        let finished = clock()
        try await Task.sleep(for: .milliseconds(200))   // late duplicates, if any
        consumer.cancel()
        _ = try? await consumer.value
        await connection.close()
        var result = record.result()
        result.scheduleSeconds = Double(scheduled - started) / 1000
        result.totalSeconds = Double(finished - started) / 1000
        return result
    }
}

/// Due times and first firings by timer index.
///
/// `@unchecked Sendable`: every stored property is read and written only while holding `lock`.
final class FiringRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var due: [Int64]
    private var delay: [Int64]
    private var firedAt: [Int64?]
    private var fired = 0
    private var duplicates = 0

    init(count: Int) {
        due = Array(repeating: 0, count: count)
        delay = Array(repeating: 0, count: count)
        firedAt = Array(repeating: nil, count: count)
    }

    func setDue(_ index: Int, _ value: Int64, delay length: Int64) {
        lock.lock(); due[index] = value; delay[index] = length; lock.unlock()
    }

    func fired(_ timer: FiredTimer) {
        guard let index = Int(timer.timer) else { return }
        lock.lock(); defer { lock.unlock() }
        guard due.indices.contains(index) else { return }
        if firedAt[index] == nil {
            firedAt[index] = timer.firedAt
            fired += 1
        } else {
            duplicates += 1
        }
    }

    var firedCount: Int {
        lock.lock(); defer { lock.unlock() }
        return fired
    }

    func result() -> TimerLadderBenchmarkResult {
        lock.lock(); defer { lock.unlock() }
        var lateness: [Int64] = []
        lateness.reserveCapacity(due.count)
        let ranges: [(String, ClosedRange<Int64>)] = [("< 100 ms", 0...99), ("100 ms – 1 s", 100...999),
                                                      ("1 s – 10 s", 1_000...9_999), (">= 10 s", 10_000...Int64.max)]
        var byRange = Array(repeating: [Int64](), count: ranges.count)
        for (index, when) in firedAt.enumerated() {
            guard let when else { continue }
            lateness.append(when - due[index])
            if let r = ranges.firstIndex(where: { $0.1.contains(delay[index]) }) { byRange[r].append(when - due[index]) }
        }
        lateness.sort()
        func percentile(_ values: [Int64], _ p: Double) -> Int64 {
            guard !values.isEmpty else { return 0 }
            let rank = Int((p * Double(values.count)).rounded(.up)) - 1
            return values[Swift.max(0, Swift.min(values.count - 1, rank))]
        }
        func percentile(_ p: Double) -> Int64 { percentile(lateness, p) }
        let breakdown = ranges.indices.map { r in
            let values = byRange[r].sorted()
            return TimerLadderBenchmarkResult.DelayRange(label: ranges[r].0, count: values.count,
                                                         p50: percentile(values, 0.5), p99: percentile(values, 0.99),
                                                         max: values.last ?? 0)
        }
        let total = lateness.reduce(0.0) { $0 + Double($1) }
        return TimerLadderBenchmarkResult(count: due.count, lost: due.count - lateness.count, duplicates: duplicates,
                                          early: lateness.filter { $0 < 0 }.count,
                                          p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99),
                                          max: lateness.last ?? 0,
                                          mean: lateness.isEmpty ? 0 : total / Double(lateness.count),
                                          byDelay: breakdown, scheduleSeconds: 0, totalSeconds: 0)
    }
}

/// A small seeded generator, so a benchmark's delays can be reproduced.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
