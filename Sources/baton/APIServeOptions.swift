import ArgumentParser
import BatonBroker
import BatonEngine
import BatonHTTP
import BatonLanguage
import Foundation
import Logging
import ServiceLifecycle

/// The options of `baton serve` for the Step Functions API, and the service they make.
struct APIServeOptions: ParsableArguments {
    @Option(name: .customLong("http-port"), help: "The port of the AWS Step Functions API (0: any free port).")
    var httpPort: Int = 8083

    @Option(name: .customLong("http-host"), help: "The address the API listens on. Without --auth-keys only loopback callers are served.")
    var httpHost: String = "127.0.0.1"

    @Option(name: .customLong("auth-keys"), help: "A file of access key ids and secrets (JSON object, or 'ID SECRET' lines): every API request must then carry a valid AWS Signature Version 4 made with one of them.")
    var authKeys: String?

    @Flag(name: .customLong("no-http"), help: "Serve no HTTP API.")
    var noHTTP = false

    /// The API service beside the orchestrator's, or nil with --no-http.
    func makeService(broker: BrokerService, logger: Logger) throws(CLIError) -> APIService? {
        guard !noHTTP else { return nil }
        guard (0...65535).contains(httpPort) else { throw CLIError("--http-port must be between 0 and 65535") }
        var keys: [String: String]?
        if let authKeys {
            let bytes = try readFile(authKeys, what: "auth keys file")
            do {
                keys = try AuthKeys.parse(String(decoding: bytes, as: UTF8.self))
            } catch {
                throw CLIError("--auth-keys \(authKeys): \(error.message)")
            }
        } else if !APIServeOptions.isLoopback(httpHost) {
            logger.warning("the API listens beyond loopback without --auth-keys: only loopback callers are served",
                           metadata: ["host": "\(httpHost)"])
        }
        let configuration = APIConfiguration(host: httpHost, port: httpPort, authKeys: keys,
                                             validation: { ValidationOptions.baton($0) })
        let api = StepFunctionsAPI(orchestrator: broker.orchestrator, effects: BrokerEffectSink(broker: broker),
                                   activities: BrokerActivitySource(poller: ActivityPoller(connection: broker.connection)),
                                   configuration: configuration)
        return APIService(server: APIServer(api: api, configuration: configuration, logger: Logger(label: "baton.api"),
                                            fallback: ConsoleRoutes(api: api, signedCallsOnly: keys != nil).fallback),
                          logger: logger)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}

/// The API server as a ServiceLifecycle service. When its port is taken the orchestrator goes on without the
/// API (an error in the log says so) rather than stopping: scripts that run several `baton serve` side by side
/// keep working.
struct APIService: Service {
    let server: APIServer
    let logger: Logger

    func run() async throws {
        do {
            try await server.run()
        } catch where "\(error)".contains("Address already in use") {
            logger.error("the Step Functions API cannot listen: its port is taken; serving without it (see --http-port, --no-http)",
                         metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
        }
    }
}

/// The API's effects go out through the broker, like the consumers'.
struct BrokerEffectSink: EffectSink {
    let broker: BrokerService

    func perform(_ effects: [Effect]) async throws {
        try await broker.carryOut(effects)
    }
}

/// GetActivityTask takes tasks from the activity's queue on the broker.
struct BrokerActivitySource: ActivityTaskSource {
    let poller: ActivityPoller

    func prepare(queue: String) async throws {
        try await poller.prepare(queue: queue)
    }

    func nextTask(queue: String, timeout: Double) async throws -> ActivityTask? {
        guard let (token, body) = try await poller.next(queue: queue, timeout: timeout) else { return nil }
        return ActivityTask(token: token, input: String(decoding: body, as: UTF8.self))
    }
}
