import ArgumentParser
import BatonStore
import Foundation

/// `baton bench-store`: the durable store alone — steps recorded per second and the CPU each costs.
struct BenchStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-store",
        abstract: "Measure the SQLite store alone (release build recommended): durable steps/s and CPU per step.",
        discussion: """
            Drives a fresh store as the orchestrator does for sequential Task workflows, without a broker: N executions
            in flight, each recording its start, one step per task (the applied answer and the next message in the
            outbox, later marked confirmed) and its end, every step waiting for its group commit.
            """
    )

    @Option(help: "The store file to create (default: a temporary file, deleted afterwards).")
    var store: String?

    @Option(name: .customLong("store-durability"), help: "full (fsync every commit) or normal (fsync at checkpoints).")
    var durability: String = "full"

    @Option(name: .customLong("store-commit-delay-us"), help: "As for 'baton serve': how long a commit under load waits for more steps.")
    var commitDelayMicroseconds: Int = 1000

    @Option(name: .customLong("in-flight"), help: "Executions recording at once.")
    var inFlight: Int = 64

    @Option(name: .customLong("tasks-per-execution"), help: "Task steps per execution.")
    var tasksPerExecution: Int = 10

    @Option(help: "How long to run, in seconds.")
    var seconds: Double = 5

    func validate() throws {
        guard SQLiteStore.Durability(rawValue: durability) != nil else { throw ValidationError("--store-durability must be full or normal") }
        guard SQLiteStore.commitDelayRange.contains(commitDelayMicroseconds) else {
            throw ValidationError("--store-commit-delay-us must be in \(SQLiteStore.commitDelayRange)")
        }
        guard inFlight > 0, tasksPerExecution > 0, seconds > 0 else {
            throw ValidationError("--in-flight, --tasks-per-execution and --seconds must be positive")
        }
    }

    func run() throws {
        let path = store ?? NSTemporaryDirectory() + "baton-bench-store-\(getpid()).sqlite"
        do {
            let result = try StoreBenchmark.run(path: path, durability: SQLiteStore.Durability(rawValue: durability) ?? .full,
                                                commitDelayMicroseconds: commitDelayMicroseconds, inFlight: inFlight,
                                                tasksPerExecution: tasksPerExecution, seconds: seconds, keep: store != nil)
            print(result.report)
        } catch {
            throw CLIError("baton bench-store: \(error)")
        }
    }
}
