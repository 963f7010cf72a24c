/// The deliveries of one queue, as an async sequence; it resumes by itself after a reconnect.
///
/// The sequence ends after `cancel()` or `AMQPConnection.close()`, and throws if the broker cancels the
/// consumer (for example, when its queue is deleted). Dropping the sequence also cancels the consumer.
public struct AMQPConsumer: AsyncSequence, Sendable {
    public typealias Element = AMQPDelivery

    /// The queue consumed.
    public let queue: String
    let id: UInt64
    let stream: AsyncThrowingStream<AMQPDelivery, any Error>
    let mailbox: Mailbox

    public func makeAsyncIterator() -> AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator {
        stream.makeAsyncIterator()
    }

    /// Stops deliveries. Messages already delivered can still be settled; unsettled ones return to the
    /// queue when the channel closes.
    public func cancel() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if let refused = mailbox.post(.cancel(consumerID: id, continuation)) { refused.failClosed() }
        }
    }
}
