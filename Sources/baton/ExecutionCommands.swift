import ArgumentParser
import BatonCore
import BatonEngine
import BatonLanguage
import BatonStore
import Foundation

// Reading executions back, in AWS's shapes: describe-execution, list-executions, get-execution-history and
// stop-execution, from a store file (--store; safe beside a running `baton serve`: SQLite readers don't
// block its writer).

/// Where the read commands find executions.
struct ExecutionSourceOptions: ParsableArguments {
    @Option(help: "The SQLite store of a `baton serve --store PATH` (read while it runs, or after).")
    var store: String?

    /// `--endpoint URL`: ask a running `baton serve` over the Step Functions API instead (APIClientCommands.swift).
    @OptionGroup var remote: EndpointOptions

    /// Opens an orchestrator over the store that replays nothing until asked.
    func orchestrator(command: String) async throws(CLIError) -> (Orchestrator, SQLiteStore) {
        guard let store else { throw CLIError("\(command) needs --store PATH or --endpoint URL") }
        guard FileManager.default.fileExists(atPath: store) else { throw CLIError("no store at '\(store)'") }
        let sqlite: SQLiteStore
        do {
            sqlite = try SQLiteStore(path: store)
        } catch {
            throw CLIError(error.message)
        }
        let orchestrator = Orchestrator(journal: sqlite, archive: sqlite,
                                        clock: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) },
                                        seeds: { UInt64.random(in: .min ... .max) })
        return (orchestrator, sqlite)
    }
}

/// Prints a JSON document, pretty, on standard output.
func printJSON(_ json: JSON) {
    print(json.serialized(pretty: true))
}

/// Runs a command body, turning errors into one stderr line and an exit status.
func runCLI(_ name: String, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as CLIError {
        printError("baton \(name): \(e.message)")
        throw ExitCode(e.exitCode)
    } catch let e as EngineError {
        printError("baton \(name): \(e.code.rawValue): \(e.message)")
        throw ExitCode(1)
    }
}

/// DescribeExecution's shape for a record.
func describeJSON(_ r: ExecutionRecord) -> JSON {
    var o: JSONObject = [
        "executionArn": .string(r.executionArn), "stateMachineArn": .string(r.stateMachineArn), "name": .string(r.name),
        "status": .string(r.status.rawValue), "startDate": .string(Timestamps.format(r.startDate)),
    ]
    if let stop = r.stopDate { o["stopDate"] = .string(Timestamps.format(stop)) }
    o["input"] = .string(r.input.serialized())
    o["inputDetails"] = ["included": true]
    if let output = r.output {
        o["output"] = .string(output.serialized())
        o["outputDetails"] = ["included": true]
    }
    if let e = r.error { o["error"] = .string(e) }
    if let c = r.cause { o["cause"] = .string(c) }
    return .object(o)
}

/// `baton describe-execution ARN`.
struct DescribeExecutionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe-execution",
                                                    abstract: "Describe an execution (AWS DescribeExecution's JSON).")
    @Argument(help: "The execution ARN.") var executionArn: String
    @OptionGroup var source: ExecutionSourceOptions

    func run() async throws {
        try await runCLI("describe-execution") {
            if let client = try source.remote.client() { return try await RemoteExecutions.describe(client, executionArn: executionArn) }
            let (orchestrator, _) = try await source.orchestrator(command: "describe-execution")
            guard let r = try await orchestrator.describeExecution(executionArn) else {
                throw CLIError("ExecutionDoesNotExist: Execution Does Not Exist: '\(executionArn)'", exitCode: 1)
            }
            printJSON(describeJSON(r))
        }
    }
}

/// `baton list-executions [--state-machine NAME] [--status S]`.
struct ListExecutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-executions",
                                                    abstract: "List executions, newest first (AWS ListExecutions's JSON).")
    @Option(name: .customLong("state-machine"), help: "A state machine name or ARN.") var stateMachine: String?
    @Option(help: "RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.") var status: String?
    @Option(name: .customLong("max-items"), help: "At most this many.") var maxItems: Int = 1_000
    @OptionGroup var source: ExecutionSourceOptions

    func run() async throws {
        try await runCLI("list-executions") {
            if let client = try source.remote.client() {
                return try await RemoteExecutions.list(client, stateMachine: stateMachine, status: status?.uppercased(), maxItems: maxItems)
            }
            var filter: ExecutionStatus?
            if let status {
                guard let s = ExecutionStatus(rawValue: status.uppercased()) else {
                    throw CLIError("--status must be RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED, not '\(status)'")
                }
                filter = s
            }
            let (orchestrator, _) = try await source.orchestrator(command: "list-executions")
            var smArn = stateMachine
            if let name = stateMachine, !name.hasPrefix("arn:") {
                smArn = orchestrator.configuration.stateMachineArn(name)
            }
            let records = try await orchestrator.executionRecords(stateMachine: smArn, status: filter, limit: max(1, maxItems))
            printJSON(["executions": .array(records.map { r in
                var o: JSONObject = ["executionArn": .string(r.executionArn), "stateMachineArn": .string(r.stateMachineArn),
                                     "name": .string(r.name), "status": .string(r.status.rawValue),
                                     "startDate": .string(Timestamps.format(r.startDate))]
                if let stop = r.stopDate { o["stopDate"] = .string(Timestamps.format(stop)) }
                return .object(o)
            })])
        }
    }
}

/// `baton get-execution-history ARN`.
struct GetExecutionHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get-execution-history",
                                                    abstract: "An execution's history events (AWS GetExecutionHistory's JSON).")
    @Argument(help: "The execution ARN.") var executionArn: String
    @Flag(name: .customLong("reverse-order"), help: "Newest event first.") var reverseOrder = false
    @OptionGroup var source: ExecutionSourceOptions

    func run() async throws {
        try await runCLI("get-execution-history") {
            if let client = try source.remote.client() {
                return try await RemoteExecutions.history(client, executionArn: executionArn, reverse: reverseOrder)
            }
            let (orchestrator, _) = try await source.orchestrator(command: "get-execution-history")
            guard var events = try await orchestrator.executionHistory(executionArn) else {
                throw CLIError("ExecutionDoesNotExist: Execution Does Not Exist: '\(executionArn)'", exitCode: 1)
            }
            if reverseOrder { events.reverse() }
            printJSON(["events": .array(events.map { $0.awsJSON() })])
        }
    }
}

/// `baton stop-execution ARN [--error E] [--cause C]`, applied to the store: the execution is ABORTED there,
/// and a `baton serve` started on the store afterwards publishes what the stop decided.
struct StopExecutionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop-execution", abstract: "Stop a running execution (AWS StopExecution).",
        discussion: "With --store, the orchestrator must not be running on that store: stop it first, or send a stop control message to a running one (README).")
    @Argument(help: "The execution ARN.") var executionArn: String
    @Option(help: "The error of the stop.") var error: String?
    @Option(help: "The cause of the stop.") var cause: String?
    @OptionGroup var source: ExecutionSourceOptions

    func run() async throws {
        try await runCLI("stop-execution") {
            if let client = try source.remote.client() {
                return try await RemoteExecutions.stop(client, executionArn: executionArn, error: error, cause: cause)
            }
            let (orchestrator, store) = try await source.orchestrator(command: "stop-execution")
            _ = try await orchestrator.recover()
            guard let before = try await orchestrator.describeExecution(executionArn) else {
                throw CLIError("ExecutionDoesNotExist: Execution Does Not Exist: '\(executionArn)'", exitCode: 1)
            }
            if before.status == .running {
                _ = try await orchestrator.stop(executionArn: executionArn, error: error, cause: cause)
            }
            let after = try await orchestrator.describeExecution(executionArn) ?? before
            store.close()
            printJSON(["stopDate": .string(Timestamps.format(after.stopDate ?? after.startDate))])
        }
    }
}
