import ArgumentParser
import BatonBroker
import Foundation

/// `baton bench-timers`: timer accuracy of the delay ladder — N timers of mixed delays, lateness percentiles.
struct BenchTimersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-timers",
        abstract: "Measure how late broker timers fire (release build recommended).",
        discussion: """
            Schedules --count timers with delays drawn log-uniformly between 10 ms and --max-delay-ms through a fresh
            timer ladder, and prints how many fired, how many were lost, and the lateness (fired time − due time)
            percentiles. Without --amqp-url it starts a private RabbitMQ node with scripts/rabbitmq-node.sh and
            deletes it afterwards.
            """
    )

    @Option(help: "How many timers to schedule.")
    var count: Int = 10_000

    @Option(name: .customLong("max-delay-ms"), help: "The longest delay, milliseconds.")
    var maxDelayMs: Int64 = 60_000

    @Option(name: .customLong("min-delay-ms"), help: "The shortest delay, milliseconds.")
    var minDelayMs: Int64 = 10

    @Option(name: .customLong("amqp-url"), help: "A broker to use instead of a private node.")
    var amqpURL: String?

    @Flag(help: "Use classic queues (at-most-once dead-lettering) instead of quorum queues.")
    var classic = false

    @Option(help: "Seed of the delays.")
    var seed: UInt64 = 1

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard minDelayMs > 0, maxDelayMs >= minDelayMs else {
            throw ValidationError("--min-delay-ms must be positive and at most --max-delay-ms")
        }
    }

    func run() async throws {
        var node: TimerLadderBenchmarkBroker?
        if amqpURL == nil {
            let started = try TimerLadderBenchmarkBroker()
            FileHandle.standardError.write(Data("starting a private RabbitMQ node on port \(started.port)…\n".utf8))
            node = started
            do { try started.start() } catch {
                started.purge()
                throw error
            }
        }
        defer { node?.purge() }
        let url = amqpURL ?? node?.url ?? ""
        var ladder = TimerLadderConfiguration()
        if classic { ladder.queueKind = .classic }
        let result = try await TimerLadderBenchmark.run(
            url: url, count: count, minDelayMilliseconds: minDelayMs, maxDelayMilliseconds: maxDelayMs,
            configuration: ladder, seed: seed,
            progress: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
        print("timers: \(count), delays \(minDelayMs) ms – \(maxDelayMs) ms log-uniform, \(classic ? "classic" : "quorum") queues")
        print(result.report)
        if result.lost > 0 || result.early > 0 { throw ExitCode(1) }
    }
}
