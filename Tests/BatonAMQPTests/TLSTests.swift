import BatonAMQP
import Foundation
import Testing

/// amqps:// against the private test node's TLS listener (self-signed CA made by the suite).
@Suite("BatonAMQP over TLS", .enabled(if: TestBroker.canRunPrivateNodes), .timeLimit(.minutes(2)))
struct TLSTests {
    @Test("an amqps URL with the CA file verifies the broker and carries a confirmed publish and a delivery")
    func amqpsRoundTrip() async throws {
        let node = try #require(try await TestBroker.privateNode())
        let tlsPort = try #require(node.tlsPort)
        let config = try AMQPConfiguration(url: "amqps://guest:guest@localhost:\(tlsPort)/?cacertfile=\(node.caFile)")
        #expect(config.tls?.verifyPeer == true)
        let connection = try await AMQPConnection.connect(config)
        let queue = uniqueName("t.tls")
        try await connection.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
        try await connection.publish(Array("over tls".utf8), routingKey: queue,
                                     properties: AMQPProperties(correlationID: "tls-1"))
        let inbox = Inbox(try await connection.consume(queue: queue))
        let delivery = try #require(await inbox.next())
        #expect(delivery.bodyString == "over tls")
        #expect(delivery.properties.correlationID == "tls-1")
        try delivery.ack()
        await connection.close()
    }

    @Test("without the CA the broker's certificate is refused; verify_none accepts it")
    func peerVerification() async throws {
        let node = try #require(try await TestBroker.privateNode())
        let tlsPort = try #require(node.tlsPort)
        var strict = try AMQPConfiguration(url: "amqps://guest:guest@localhost:\(tlsPort)/")
        strict.timeout = .seconds(5)
        await #expect(throws: AMQPError.self) { _ = try await AMQPConnection.connect(strict) }
        do {
            _ = try await AMQPConnection.connect(strict)
        } catch let error as AMQPError {
            #expect(error.code == .connectionFailed)
        }
        let lax = try AMQPConfiguration(url: "amqps://guest:guest@localhost:\(tlsPort)/?verify=verify_none")
        let connection = try await AMQPConnection.connect(lax)
        #expect(connection.isConnected)
        await connection.close()
    }
}
