import BatonAMQP
import BatonEngine
import Foundation

// GetActivityTask over RabbitMQ: an activity's tasks wait in its queue as the orchestrator published them
// (correlation id = task token, body = input). A poll consumes the queue with prefetch 1 until the first
// delivery or the timeout:
//
//   consume(prefetch 1) --delivery--> basic.cancel --> ack --> (token, input)
//          |
//          +--timeout--> basic.cancel --> nil (a delivery that raced the cancel is requeued)
//
// The wait runs in its own task, so a caller that goes away never leaves a delivery unsettled.

/// Takes activity tasks from their queues, one per poll, waiting up to a timeout.
public final class ActivityPoller: Sendable {
    let connection: AMQPConnection
    let declared = DeclaredQueues()

    public init(connection: AMQPConnection) {
        self.connection = connection
    }

    /// Declares the queue (durable, as the orchestrator declares task queues) unless it exists.
    public func prepare(queue: String) async throws {
        try await declared.ensure(queue, on: connection)
    }

    /// One task of the queue: its token (the message's correlation id) and its body; nil after `timeout` seconds.
    public func next(queue: String, timeout: Double) async throws -> (token: String, body: [UInt8])? {
        try await prepare(queue: queue)
        let connection = self.connection
        let poll = Task { () async throws -> (token: String, body: [UInt8])? in
            let consumer = try await connection.consume(queue: queue, prefetch: 1)
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                await consumer.cancel()
            }
            var taken: AMQPDelivery?
            for try await delivery in consumer {
                if taken == nil, delivery.properties.correlationID != nil {
                    taken = delivery
                    timer.cancel()
                    await consumer.cancel()
                } else {
                    // No token (not a task Baton sent), or a delivery that raced the cancel.
                    try? delivery.reject(requeue: taken != nil)
                }
            }
            timer.cancel()
            guard let d = taken, let token = d.properties.correlationID else { return nil }
            try d.ack()
            return (token, d.body)
        }
        return try await poll.value
    }
}
