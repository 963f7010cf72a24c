import BatonAMQP
import BatonBroker
import BatonEngine
import Foundation
import Testing

@Suite("The orchestrator's own queues on a real broker", .timeLimit(.minutes(2)))
struct TopologyTests {
    /// Declares `queue` from a client; true when the broker accepted the arguments as equivalent.
    private func accepts(_ client: AMQPConnection, _ queue: AMQPQueue) async throws -> Bool {
        do {
            try await client.declare(AMQPTopology(queues: [queue]))
            return true
        } catch let e as AMQPError where e.code == .preconditionFailed {
            return false
        }
    }

    @Test("with classicQueueVersion 2 Baton's own queues are declared version 2; one that exists without it is kept as it is")
    func ownQueuesAreVersionTwoAndOldOnesAreKept() async throws {
        let url = try await OrchestratorBroker.url()
        let prefix = "topo-\(UInt32.random(in: 0...UInt32.max))"
        let client = try await AMQPConnection.connect(try AMQPConfiguration(url: url), name: "topology-client")
        let connection = try await AMQPConnection.connect(try AMQPConfiguration(url: url), name: "topology-service")
        // An earlier Baton's replies queue: no x-queue-version.
        try await client.declare(AMQPTopology(queues: [AMQPQueue(name: "\(prefix).replies")]))
        let configuration = BrokerConfiguration(prefix: prefix, classicQueueVersion: 2)
        let service = BrokerService(
            connection: connection, orchestrator: Orchestrator(clock: { 0 }, seeds: { 0 }), configuration: configuration,
            timers: TimerLadder(connection: connection, configuration: TimerLadderConfiguration(prefix: prefix, queueKind: .classic)))

        try await service.declare()

        for name in [configuration.startQueue, configuration.controlQueue, configuration.deadQueue] {
            #expect(try await accepts(client, AMQPQueue(name: name, classicVersion: 2)), "\(name) is version 2")
            #expect(try await !accepts(client, AMQPQueue(name: name)), "\(name) is not declared without a version")
        }
        #expect(try await accepts(client, AMQPQueue(name: configuration.repliesQueue)), "the old replies queue is kept")
        // The events exchange was declared too, after the fallback: as a topic exchange, so declaring it as a direct
        // one is refused (were it missing, that declaration would create it and succeed).
        await #expect(throws: AMQPError.self) {
            try await client.declare(AMQPTopology(exchanges: [AMQPExchange(name: configuration.eventsExchange, kind: .direct)]))
        }

        // A second start (a restart) declares the same again without error.
        try await service.declare()
        await connection.close()
        await client.close()
    }
}
