import ArgumentParser
import BatonAMQP
import BatonBroker
import BatonEngine
import BatonLanguage
import BatonStore
import Foundation
import Logging
import ServiceLifecycle

/// `baton serve`: the orchestrator over RabbitMQ, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the orchestrator over RabbitMQ until SIGINT/SIGTERM.",
        discussion: """
            Registers the state machines in --definitions (file name = state machine name), starts executions
            from messages on <prefix>.start and the --trigger bindings, sends tasks to their queues and applies
            the replies. On SIGINT/SIGTERM it stops consuming, finishes the messages in hand, and exits 0.
            The AMQP URL may also come from BATON_AMQP_URL; credentials from BATON_AMQP_USER/BATON_AMQP_PASSWORD.
            """
    )

    @Option(name: .customLong("amqp-url"), help: "The broker, amqp:// or amqps:// (default: $BATON_AMQP_URL or amqp://127.0.0.1:5672).")
    var amqpURL: String?

    @Option(help: "A folder of state machine definitions (*.json, *.asl.json); the file name is the state machine's name.")
    var definitions: String?

    @Option(help: "The SQLite file that keeps executions durable (created on first use). Without it, executions live only in memory.")
    var store: String?

    @Option(name: .customLong("store-durability"), help: "full: fsync every commit (survives power loss); normal: survives any process crash, fsync at checkpoints.")
    var storeDurability: String = "full"

    @Option(name: .customLong("store-commit-delay-us"),
            help: "Under load, how long a commit waits to gather more steps (microseconds, 0 = never; a lone step never waits).")
    var storeCommitDelayMicroseconds: Int = 1000

    @Option(help: "The prefix of Baton's queues and exchanges.")
    var prefix: String = "baton"

    @Option(name: .customLong("trigger"), help: "EXCHANGE:ROUTING_KEY=STATE_MACHINE: messages routed there start that state machine with the body as input (repeatable).")
    var triggers: [String] = []

    @Option(help: "The region in ARNs.")
    var region: String = "us-east-1"

    @Option(help: "The account in ARNs.")
    var account: String = "123456789012"

    @Option(help: "Unsettled deliveries per consumer.")
    var prefetch: UInt16 = 64

    @Option(name: .customLong("classic-queue-version"),
            help: "Declare Baton's own queues (start, replies, control, dead, triggers) as classic queues of this version (RabbitMQ 3.10+). 2: more throughput under load, more latency per message when idle (BENCHMARKS.md).")
    var classicQueueVersion: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @OptionGroup(title: "Step Functions API")
    var api: APIServeOptions

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            printError("baton serve: --log-level must be one of trace, debug, info, notice, warning, error, critical")
            throw ExitCode(2)
        }
        if let v = classicQueueVersion, v != 1 && v != 2 {
            printError("baton serve: --classic-queue-version must be 1 or 2")
            throw ExitCode(2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "baton")
        do {
            let service = try await makeService(logger: logger)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: service)]
            if let http = try api.makeService(broker: service.broker, logger: logger) { services.append(.init(service: http)) }
            let group = ServiceGroup(configuration: .init(services: services,
                                                          gracefulShutdownSignals: [.sigterm, .sigint],
                                                          logger: logger))
            try await group.run()
            logger.info("baton serve stopped")
        } catch let e as CLIError {
            printError("baton serve: \(e.message)")
            throw ExitCode(e.exitCode)
        }
    }

    func makeService(logger: Logger) async throws -> OrchestratorService {
        let env = ProcessInfo.processInfo.environment
        let url = amqpURL ?? env["BATON_AMQP_URL"] ?? "amqp://127.0.0.1:5672"
        let amqp: AMQPConfiguration
        do {
            amqp = try AMQPConfiguration(url: url)
        } catch {
            throw CLIError("invalid --amqp-url \(AMQPConfiguration.redacting(url: url)): \(error)")
        }
        var parsedTriggers: [BrokerConfiguration.Trigger] = []
        for t in triggers {
            guard let trigger = BrokerConfiguration.Trigger(parsing: t) else {
                throw CLIError("--trigger must be EXCHANGE:ROUTING_KEY=STATE_MACHINE, not '\(t)'")
            }
            parsedTriggers.append(trigger)
        }
        var sqlite: SQLiteStore?
        if let store {
            guard let durability = SQLiteStore.Durability(rawValue: storeDurability) else {
                throw CLIError("--store-durability must be full or normal, not '\(storeDurability)'")
            }
            guard SQLiteStore.commitDelayRange.contains(storeCommitDelayMicroseconds) else {
                throw CLIError("--store-commit-delay-us must be in \(SQLiteStore.commitDelayRange), not \(storeCommitDelayMicroseconds)")
            }
            do {
                sqlite = try SQLiteStore(path: store, durability: durability, commitDelayMicroseconds: storeCommitDelayMicroseconds,
                                         logger: Logger(label: "baton.store"))
            } catch {
                throw CLIError(error.message)
            }
        } else {
            logger.warning("no --store: executions live in memory only and are lost if this process stops")
        }
        let amqpLogger = AMQPLogger(minimumLevel: .info) { lvl, message, metadata in
            var l = Logger(label: "baton.amqp")
            l.logLevel = level(lvl)
            l.log(level: level(lvl), "\(message)", metadata: metadata.mapValues { .string($0) })
        }
        let connection: AMQPConnection
        do {
            connection = try await AMQPConnection.connect(amqp, logger: amqpLogger, name: "baton-orchestrator")
        } catch {
            throw CLIError("cannot connect to \(AMQPConfiguration.redacting(url: url)): \(error)")
        }
        // The orchestrator runs on the connection's thread: a message is received, applied and answered there
        // without a hand-off between threads.
        let orchestrator = Orchestrator(configuration: EngineConfiguration(region: region, account: account),
                                        journal: sqlite ?? InMemoryJournal(), archive: sqlite,
                                        executor: connection.executor,
                                        clock: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) },
                                        seeds: { UInt64.random(in: .min ... .max) })
        if let sqlite {
            do {
                let unconfirmed = try await orchestrator.recover()
                let running = await orchestrator.running
                logger.info("store opened", metadata: ["path": "\(sqlite.path)", "running": "\(running)",
                                                       "unconfirmedMessages": "\(unconfirmed.count)"])
            } catch {
                throw CLIError("cannot recover from the store '\(sqlite.path)': \(error)")
            }
        }
        if let definitions {
            try await registerDefinitions(in: definitions, orchestrator: orchestrator, logger: logger)
        }
        for t in parsedTriggers where await orchestrator.stateMachine(t.stateMachine) == nil {
            throw CLIError("--trigger names state machine '\(t.stateMachine)', which is not in --definitions")
        }
        let timers = TimerLadder(connection: connection, configuration: TimerLadderConfiguration(prefix: prefix),
                                 logger: Logger(label: "baton.timers"))
        let broker = BrokerService(connection: connection, orchestrator: orchestrator,
                                   configuration: BrokerConfiguration(prefix: prefix, prefetch: prefetch, triggers: parsedTriggers,
                                                                      classicQueueVersion: classicQueueVersion),
                                   timers: timers, logger: Logger(label: "baton.broker"))
        let machines = await orchestrator.stateMachines.count
        logger.info("connected", metadata: ["amqp": "\(AMQPConfiguration.redacting(url: url))", "stateMachines": "\(machines)"])
        return OrchestratorService(broker: broker, store: sqlite, logger: logger)
    }

    func registerDefinitions(in dir: String, orchestrator: Orchestrator, logger: Logger) async throws {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw CLIError("cannot read --definitions '\(dir)': \(error.localizedDescription)")
        }
        for file in files {
            var name = String(file.dropLast(".json".count))
            if name.hasSuffix(".asl") { name = String(name.dropLast(4)) }
            let bytes = try readFile("\(dir)/\(file)", what: "definition")
            let result: Result<StateMachineRecord, EngineError> = await orchestrator.registering(
                name: name, definition: String(decoding: bytes, as: UTF8.self))
            switch result {
            case .success:
                logger.info("state machine registered", metadata: ["name": "\(name)"])
            case .failure(let e):
                throw CLIError("\(dir)/\(file): \(e.message)", exitCode: 1)
            }
        }
    }
}

/// A swift-log level for an AMQP logger level.
private func level(_ l: AMQPLogger.Level) -> Logger.Level {
    switch l {
    case .trace: .trace
    case .debug: .debug
    case .info: .info
    case .notice: .notice
    case .warning: .warning
    case .error: .error
    }
}

/// The orchestrator as a ServiceLifecycle service: runs until graceful shutdown, then closes the connection.
struct OrchestratorService: Service {
    let broker: BrokerService
    let store: SQLiteStore?
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await broker.run()
            }
        } catch is CancellationError {
            // Graceful shutdown: the consumers were cancelled and the messages in hand finished.
        }
        await broker.connection.close()
        if let store {
            // The writer commits what is still pending, then stops.
            store.close()
            let (commits, entries) = store.statistics
            logger.info("store closed", metadata: ["path": "\(store.path)", "commits": "\(commits)", "entries": "\(entries)"])
        }
    }
}
