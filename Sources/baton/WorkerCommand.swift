import ArgumentParser
import BatonWorker
import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `baton worker`: any command is a worker — run once per task, input JSON on stdin, output JSON on stdout.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Answer the tasks of a queue by running a command once per task.",
        discussion: """
            The task's input JSON is written to the command's stdin; what it prints on stdout is the task's \
            output (blank output is null).

            Exit 0 with output that is not JSON fails the task with Worker.InvalidOutput. A non-zero exit \
            fails it with Worker.CommandFailed and stderr as the cause, unless stdout is a JSON object \
            {"error": "Name", "cause": "text"}, which names the error itself.

            The command's environment has BATON_TASK_TOKEN, BATON_EXECUTION_ARN, BATON_STATE, BATON_ATTEMPT, \
            BATON_RESOURCE, BATON_DEADLINE and BATON_QUEUE. SIGINT or SIGTERM stops taking tasks, lets the \
            running commands finish and exits 0; a second signal exits at once.
            """
    )

    @Option(help: "The queue to consume (declared durable if missing).")
    var queue: String

    @Option(name: .customLong("amqp-url"), help: "The broker (default: $BATON_AMQP_URL, else amqp://localhost).")
    var amqpURL: String?

    @Option(help: "How many commands run at once.")
    var concurrency: Int = 1

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("Give the command after --, e.g. baton worker --queue echo -- cat") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func run() async throws {
        var logger = Logger(label: "baton.worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let url = amqpURL ?? ProcessInfo.processInfo.environment["BATON_AMQP_URL"] ?? "amqp://localhost"
        let worker: Worker
        do {
            worker = try Worker(url: url, concurrency: concurrency, logger: logger)
        } catch {
            printError("baton worker: invalid --amqp-url: \(error)")
            throw ExitCode(2)
        }
        worker.handle(queue: queue, CommandTaskRunner(command: command).handler)
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { count in
            if count == 1 { worker.stop() } else { Foundation.exit(130) }
        }
        defer { signals.cancel() }
        do {
            try await worker.run()
        } catch {
            printError("baton worker: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Calls `action` with a running count each time one of `signals` arrives (their default action is disabled meanwhile).
private final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], action: @escaping @Sendable (Int) -> Void) {
        let queue = DispatchQueue(label: "baton.worker.signals")
        let counter = SignalCounter()
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { action(counter.increment()) }
            source.resume()
            return source
        }
    }

    func cancel() { for source in sources { source.cancel() } }
}

/// A count touched only on the signal queue.
///
/// `@unchecked Sendable`: `count` is only touched while holding `lock`.
private final class SignalCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
