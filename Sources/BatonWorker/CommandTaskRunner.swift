import BatonLanguage
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command once per task — `baton worker -- COMMAND ARGS…`: the input JSON on stdin, the output JSON from stdout.
///
/// The rule:
/// - exit 0 and stdout is JSON → success with that output (empty or blank stdout → `null`);
/// - exit 0 and stdout is not JSON → failure `Worker.InvalidOutput`, cause: the start of what it printed;
/// - non-zero exit (or killed by a signal) → failure. When stdout is a JSON object with a string `error`,
///   that is the error and its string `cause` (else stderr) the cause; otherwise the error is
///   `Worker.CommandFailed` and the cause is stderr, trimmed and cut to `causeLimit` bytes, or
///   "exited with status N" when stderr is empty.
///
/// The command also gets the task in its environment: `BATON_TASK_TOKEN`, `BATON_EXECUTION_ARN`,
/// `BATON_STATE`, `BATON_ATTEMPT`, `BATON_RESOURCE`, `BATON_DEADLINE` (epoch ms), `BATON_QUEUE`.
public struct CommandTaskRunner: Sendable {
    /// The command and its arguments; the first is looked up in `PATH` when it has no slash.
    public var command: [String]
    /// Extra environment variables (added to the worker's own environment).
    public var environment: [String: String]
    /// The longest cause taken from stderr, in bytes (UTF-8); longer stderr keeps its end, after "…".
    public var causeLimit: Int

    /// Creates a runner for a command line.
    public init(command: [String], environment: [String: String] = [:], causeLimit: Int = 4096) {
        self.command = command
        self.environment = environment
        self.causeLimit = causeLimit
    }

    /// A handler that runs the command for each task (for ``Worker/handle(queue:_:)``).
    public var handler: Worker.Handler {
        let runner = self
        return { task in try await runner.run(task) }
    }

    /// Runs the command for one task; returns its output or throws ``TaskFailure`` (or ``WorkerError`` if it can't start).
    public func run(_ task: WorkerTask) async throws -> JSON {
        var env = environment
        env["BATON_TASK_TOKEN"] = task.token
        env["BATON_QUEUE"] = task.queue
        env["BATON_ATTEMPT"] = String(task.attempt)
        if let arn = task.executionArn { env["BATON_EXECUTION_ARN"] = arn }
        if let state = task.state { env["BATON_STATE"] = state }
        if let resource = task.resource { env["BATON_RESOURCE"] = resource }
        if let deadline = task.deadline { env["BATON_DEADLINE"] = String(Int64(deadline.timeIntervalSince1970 * 1000)) }
        let result = try await execute(stdin: Array(task.input.serialized().utf8), extraEnvironment: env)
        return try interpret(result)
    }

    /// What a finished command left behind.
    public struct Outcome: Sendable, Hashable {
        /// The exit status, or the signal number when `signalled`.
        public var status: Int32
        /// Whether a signal ended the command.
        public var signalled: Bool
        public var stdout: [UInt8]
        public var stderr: [UInt8]

        /// Creates an outcome (for tests of ``CommandTaskRunner/interpret(_:)``).
        public init(status: Int32, signalled: Bool = false, stdout: [UInt8], stderr: [UInt8]) {
            self.status = status
            self.signalled = signalled
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Applies the rule above to a finished command: its output, or a ``TaskFailure``.
    public func interpret(_ outcome: Outcome) throws(TaskFailure) -> JSON {
        let stdoutText = String(decoding: outcome.stdout, as: UTF8.self)
        let blank = stdoutText.allSatisfy(\.isWhitespace)
        let parsed: JSON? = blank ? nil : (try? JSONParser.parse(bytes: outcome.stdout))
        let stderr = bounded(String(decoding: outcome.stderr, as: UTF8.self))
        if outcome.status == 0 && !outcome.signalled {
            if blank { return .null }
            if let parsed { return parsed }
            throw TaskFailure(error: TaskFailure.invalidOutput,
                              cause: "the command's output is not JSON: " + bounded(stdoutText, limit: 200))
        }
        if let parsed, let error = parsed["error"]?.stringValue, !error.isEmpty {
            throw TaskFailure(error: error, cause: parsed["cause"]?.stringValue ?? stderr)
        }
        if !stderr.isEmpty { throw TaskFailure(error: TaskFailure.commandFailed, cause: stderr) }
        let what = outcome.signalled ? "was killed by signal \(outcome.status)" : "exited with status \(outcome.status)"
        throw TaskFailure(error: TaskFailure.commandFailed, cause: "\(command.first ?? "the command") \(what)")
    }

    /// Trims whitespace and keeps at most `limit` bytes (the end, which usually holds the reason).
    private func bounded(_ text: String, limit: Int? = nil) -> String {
        let limit = max(1, limit ?? causeLimit)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Array(trimmed.utf8)
        guard bytes.count > limit else { return trimmed }
        var tail = bytes.suffix(limit)
        while let first = tail.first, first & 0xC0 == 0x80 { tail = tail.dropFirst() }   // start on a character
        return "…" + String(decoding: tail, as: UTF8.self)
    }

    /// Runs the command with `stdin` as its input; stdout and stderr are read on their own threads.
    public func execute(stdin: [UInt8], extraEnvironment: [String: String] = [:]) async throws -> Outcome {
        guard let executable = command.first, !executable.isEmpty else {
            throw WorkerError(.commandNotStarted, "no command given")
        }
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging(extraEnvironment) { $1 }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let stdoutReader = PipeReader(output.fileHandleForReading)
        let stderrReader = PipeReader(errors.fileHandleForReading)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: WorkerError(.commandNotStarted, "cannot run \(executable): \(error)"))
                return
            }
            stdoutReader.start()
            stderrReader.start()
            let writer = input.fileHandleForWriting
            Thread.detachNewThread {
                // A command that exits without reading its input must not kill the worker with SIGPIPE.
                signal(SIGPIPE, SIG_IGN)
                try? writer.write(contentsOf: Data(stdin))
                try? writer.close()
            }
        }
        let signalled = process.terminationReason == .uncaughtSignal
        return Outcome(status: status, signalled: signalled, stdout: await stdoutReader.bytes(), stderr: await stderrReader.bytes())
    }
}

/// Reads a pipe to its end on a thread of its own, so a chatty command never blocks on a full pipe.
///
/// `@unchecked Sendable`: `data`, `done` and `waiters` are only touched while holding `lock`.
final class PipeReader: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var data: [UInt8] = []
    private var done = false
    private var waiters: [CheckedContinuation<[UInt8], Never>] = []

    init(_ handle: FileHandle) { self.handle = handle }

    func start() {
        Thread.detachNewThread { [self] in
            let read = (try? handle.readToEnd()) ?? nil
            try? handle.close()
            lock.lock()
            data = read.map { [UInt8]($0) } ?? []
            done = true
            let pending = waiters
            waiters = []
            let result = data
            lock.unlock()
            for waiter in pending { waiter.resume(returning: result) }
        }
    }

    /// Everything read, once the pipe is closed.
    func bytes() async -> [UInt8] {
        await withCheckedContinuation { continuation in
            lock.lock()
            if done {
                let result = data
                lock.unlock()
                continuation.resume(returning: result)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
