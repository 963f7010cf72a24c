/// A message delivered to a consumer, to be settled with `ack`, `nack` or `reject`.
///
/// If the connection or channel it came on is gone, settling it does nothing: the broker has already put
/// the message back in its queue and will deliver it again with `redelivered` set.
public struct AMQPDelivery: Sendable {
    /// The body bytes.
    public let body: [UInt8]
    /// The properties (correlation id, reply-to, headers …).
    public let properties: AMQPProperties
    /// The broker's tag for this delivery on its channel.
    public let deliveryTag: UInt64
    /// Whether the broker delivered this message before (it may have been processed already).
    public let redelivered: Bool
    /// The exchange it was published to.
    public let exchange: String
    /// The routing key it was published with.
    public let routingKey: String
    /// The consumer's tag.
    public let consumerTag: String

    let mailbox: Mailbox
    let channel: UInt16
    let channelEpoch: UInt64

    /// Acknowledges the message (and every earlier unsettled one of this consumer with `multiple`).
    public func ack(multiple: Bool = false) throws(AMQPError) {
        try settle(.ack, multiple: multiple)
    }

    /// Negatively acknowledges: requeued when `requeue`, else dead-lettered or dropped by the queue's policy.
    public func nack(requeue: Bool = true, multiple: Bool = false) throws(AMQPError) {
        try settle(.nack(requeue: requeue), multiple: multiple)
    }

    /// Rejects this one message: requeued when `requeue`, else dead-lettered or dropped.
    public func reject(requeue: Bool = true) throws(AMQPError) {
        try settle(.reject(requeue: requeue), multiple: false)
    }

    private func settle(_ kind: Settlement.Kind, multiple: Bool) throws(AMQPError) {
        let settlement = Settlement(channel: channel, channelEpoch: channelEpoch, deliveryTag: deliveryTag,
                                    multiple: multiple, kind: kind)
        if mailbox.post(.settle(settlement)) != nil {
            throw AMQPError(.closed, "the connection is closed")
        }
    }

    /// The body as UTF-8 text.
    public var bodyString: String { String(decoding: body, as: UTF8.self) }
}
