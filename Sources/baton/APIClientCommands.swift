import ArgumentParser
import BatonCore
import BatonHTTP
import BatonLanguage
import Foundation

// The command line as a client of a running `baton serve` (--endpoint URL): the same JSON the AWS CLI
// prints for the same calls. Credentials for a server with --auth-keys come from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, the region from AWS_REGION / AWS_DEFAULT_REGION, as the AWS CLI reads them.

/// Where a command sends its API calls.
struct EndpointOptions: ParsableArguments {
    @Option(help: "The URL of a running `baton serve` API (for example http://127.0.0.1:8083).")
    var endpoint: String?

    /// The client for --endpoint, or nil when it is not given.
    func client() throws(CLIError) -> StepFunctionsClient? {
        guard let endpoint else { return nil }
        guard let url = URL(string: endpoint), let scheme = url.scheme, scheme == "http" || scheme == "https", url.host != nil else {
            throw CLIError("--endpoint must be an http:// or https:// URL, not '\(endpoint)'")
        }
        return Self.client(url)
    }

    static func client(_ url: URL) -> StepFunctionsClient {
        let env = ProcessInfo.processInfo.environment
        let region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? "us-east-1"
        var credentials: (accessKey: String, secret: String)?
        if let key = env["AWS_ACCESS_KEY_ID"], let secret = env["AWS_SECRET_ACCESS_KEY"], !key.isEmpty {
            credentials = (key, secret)
        }
        return StepFunctionsClient(endpoint: url, region: region, credentials: credentials)
    }
}

/// Calls one action on the endpoint and prints its answer (pretty JSON); an API error is one stderr line, exit 1.
func callEndpoint(_ client: StepFunctionsClient, command: String, action: String, _ body: JSON) async throws {
    do {
        let answer = try await client.call(action, body)
        printOut(readableDates(answer).serialized(pretty: true))
    } catch let f as StepFunctionsClient.Failure {
        printError("baton \(command): \(f.type): \(f.message)")
        throw ExitCode(1)
    } catch let e as URLError {
        printError("baton \(command): cannot reach \(client.endpoint.absoluteString): \(e.localizedDescription)")
        throw ExitCode(2)
    }
}

/// The API's timestamps (epoch seconds) as ISO 8601 text, as the AWS CLI prints them.
func readableDates(_ json: JSON) -> JSON {
    switch json {
    case .object(let o):
        var out = JSONObject()
        for (k, v) in o {
            if k.hasSuffix("Date") || k == "timestamp", let seconds = v.doubleValue {
                out[k] = .string(Timestamps.format(Int64((seconds * 1000).rounded())))
            } else {
                out[k] = readableDates(v)
            }
        }
        return .object(out)
    case .array(let a):
        return .array(a.map(readableDates))
    default:
        return json
    }
}

/// The endpoint calls of the read commands (describe-execution, list-executions, get-execution-history,
/// stop-execution), for `--endpoint`.
enum RemoteExecutions {
    static func describe(_ client: StepFunctionsClient, executionArn: String) async throws {
        try await callEndpoint(client, command: "describe-execution", action: "DescribeExecution",
                               ["executionArn": .string(executionArn)])
    }

    /// ListExecutions of a machine given by name or ARN (a name is looked up with ListStateMachines), all pages
    /// up to `maxItems`.
    static func list(_ client: StepFunctionsClient, stateMachine: String?, status: String?, maxItems: Int) async throws {
        guard let stateMachine else {
            throw CLIError("list-executions --endpoint needs --state-machine NAME or ARN (the API lists one machine's executions)")
        }
        var arn = stateMachine
        if !stateMachine.hasPrefix("arn:") {
            let machines = try await pages(client, "ListStateMachines", [:], key: "stateMachines", max: .max)
            guard let found = machines.first(where: { $0["name"]?.stringValue == stateMachine })?["stateMachineArn"]?.stringValue else {
                throw CLIError("StateMachineDoesNotExist: no state machine named '\(stateMachine)'", exitCode: 1)
            }
            arn = found
        }
        var body: JSONObject = ["stateMachineArn": .string(arn)]
        if let status { body["statusFilter"] = .string(status) }
        let executions = try await pages(client, "ListExecutions", body, key: "executions", max: maxItems)
        printOut(readableDates(["executions": .array(executions)]).serialized(pretty: true))
    }

    static func history(_ client: StepFunctionsClient, executionArn: String, reverse: Bool) async throws {
        let events = try await pages(client, "GetExecutionHistory",
                                     ["executionArn": .string(executionArn), "reverseOrder": .bool(reverse)],
                                     key: "events", max: .max)
        printOut(readableDates(["events": .array(events)]).serialized(pretty: true))
    }

    /// Every item of a paged list action (following nextToken), up to `max`.
    static func pages(_ client: StepFunctionsClient, _ action: String, _ body: JSONObject, key: String,
                      max: Int) async throws -> [JSON] {
        var items: [JSON] = []
        var request = body
        do {
            while items.count < max {
                let page = try await client.call(action, .object(request))
                items += page[key]?.arrayValue ?? []
                guard let next = page["nextToken"]?.stringValue else { break }
                request["nextToken"] = .string(next)
            }
        } catch let f as StepFunctionsClient.Failure {
            throw CLIError("\(f.type): \(f.message)", exitCode: 1)
        }
        return Array(items.prefix(max))
    }

    static func stop(_ client: StepFunctionsClient, executionArn: String, error: String?, cause: String?) async throws {
        var body: JSONObject = ["executionArn": .string(executionArn)]
        if let error { body["error"] = .string(error) }
        if let cause { body["cause"] = .string(cause) }
        try await callEndpoint(client, command: "stop-execution", action: "StopExecution", .object(body))
    }
}

/// `baton start-execution --endpoint URL --state-machine-arn ARN [--name N] [--input JSON | --input-file F]`.
struct StartExecutionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start-execution",
        abstract: "Start an execution on a running `baton serve` (AWS StartExecution's JSON).")

    @Option(name: .customLong("state-machine-arn"), help: "The state machine's ARN.")
    var stateMachineArn: String

    @Option(help: "The execution's name (default: a UUID).")
    var name: String?

    @Option(help: "The input JSON (default {}).")
    var input: String?

    @Option(name: .customLong("input-file"), help: "A file holding the input JSON.")
    var inputFile: String?

    @Flag(help: "Wait for the end (StartSyncExecution; EXPRESS state machines).")
    var sync = false

    @OptionGroup var endpoint: EndpointOptions

    func run() async throws {
        do {
            guard let client = try endpoint.client() else {
                throw CLIError("start-execution needs --endpoint URL (a running `baton serve`)")
            }
            var text = input ?? "{}"
            if let inputFile { text = String(decoding: try readFile(inputFile, what: "input"), as: UTF8.self) }
            var body: JSONObject = ["stateMachineArn": .string(stateMachineArn), "input": .string(text)]
            if let name { body["name"] = .string(name) }
            try await callEndpoint(client, command: "start-execution", action: sync ? "StartSyncExecution" : "StartExecution",
                                   .object(body))
        } catch let e as CLIError {
            printError("baton start-execution: \(e.message)")
            throw ExitCode(e.exitCode)
        }
    }
}
