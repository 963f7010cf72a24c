/// A message to publish: body, destination and properties.
public struct AMQPMessage: Sendable, Hashable {
    /// The exchange; `""` is the default exchange, which routes by queue name.
    public var exchange: String
    /// The routing key (a queue name on the default exchange).
    public var routingKey: String
    /// The body bytes.
    public var body: [UInt8]
    /// The properties.
    public var properties: AMQPProperties

    /// Creates a message.
    public init(exchange: String = "", routingKey: String, body: [UInt8], properties: AMQPProperties = .init()) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
    }
}
