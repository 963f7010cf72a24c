/// Exchanges, queues and bindings to declare; declaring the same topology twice changes nothing.
///
/// A connection remembers every topology it declared and declares it again after reconnecting.
public struct AMQPTopology: Sendable, Hashable {
    public var exchanges: [AMQPExchange]
    public var queues: [AMQPQueue]
    public var bindings: [AMQPBinding]

    /// Creates a topology; declared in the order exchanges, queues, bindings.
    public init(exchanges: [AMQPExchange] = [], queues: [AMQPQueue] = [], bindings: [AMQPBinding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// Whether there is nothing to declare.
    public var isEmpty: Bool { exchanges.isEmpty && queues.isEmpty && bindings.isEmpty }
}

/// An exchange declaration.
public struct AMQPExchange: Sendable, Hashable {
    /// The routing algorithm.
    public enum Kind: String, Sendable, Hashable {
        case direct, fanout, topic, headers
    }

    public var name: String
    public var kind: Kind
    public var durable: Bool
    public var autoDelete: Bool
    public var `internal`: Bool
    public var arguments: AMQPTable

    /// Creates a durable exchange declaration.
    public init(name: String, kind: Kind, durable: Bool = true, autoDelete: Bool = false, internal: Bool = false,
                arguments: AMQPTable = [:]) {
        self.name = name
        self.kind = kind
        self.durable = durable
        self.autoDelete = autoDelete
        self.internal = `internal`
        self.arguments = arguments
    }
}

/// A queue declaration, with RabbitMQ's optional arguments as typed fields.
public struct AMQPQueue: Sendable, Hashable {
    /// `x-queue-type`.
    public enum QueueType: String, Sendable, Hashable {
        case classic, quorum, stream
    }

    /// `x-dead-letter-strategy` (quorum queues).
    public enum DeadLetterStrategy: String, Sendable, Hashable {
        case atMostOnce = "at-most-once"
        case atLeastOnce = "at-least-once"
    }

    /// `x-overflow`: what happens when the queue is full.
    public enum Overflow: String, Sendable, Hashable {
        case dropHead = "drop-head"
        case rejectPublish = "reject-publish"
        case rejectPublishDeadLetter = "reject-publish-dlx"
    }

    public var name: String
    public var durable: Bool
    public var exclusive: Bool
    public var autoDelete: Bool
    public var type: QueueType?
    /// `x-dead-letter-exchange` (`""` is the default exchange).
    public var deadLetterExchange: String?
    /// `x-dead-letter-routing-key`.
    public var deadLetterRoutingKey: String?
    public var deadLetterStrategy: DeadLetterStrategy?
    public var overflow: Overflow?
    /// `x-message-ttl`, in milliseconds.
    public var messageTTLMilliseconds: Int64?
    /// `x-max-length`.
    public var maxLength: Int64?
    /// `x-expires`, in milliseconds: delete the queue after it has been unused this long.
    public var expiresMilliseconds: Int64?
    /// `x-queue-version` of a classic queue: 2 is the storage of RabbitMQ 3.10+ that syncs to disk far less
    /// often under confirms (older brokers ignore the argument).
    public var classicVersion: Int?
    /// Any other arguments; typed fields above win on a clash.
    public var extraArguments: AMQPTable

    /// Creates a durable, non-exclusive queue declaration.
    public init(name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
                type: QueueType? = nil, deadLetterExchange: String? = nil, deadLetterRoutingKey: String? = nil,
                deadLetterStrategy: DeadLetterStrategy? = nil, overflow: Overflow? = nil,
                messageTTLMilliseconds: Int64? = nil, maxLength: Int64? = nil, expiresMilliseconds: Int64? = nil,
                classicVersion: Int? = nil, extraArguments: AMQPTable = [:]) {
        self.name = name
        self.durable = durable
        self.exclusive = exclusive
        self.autoDelete = autoDelete
        self.type = type
        self.deadLetterExchange = deadLetterExchange
        self.deadLetterRoutingKey = deadLetterRoutingKey
        self.deadLetterStrategy = deadLetterStrategy
        self.overflow = overflow
        self.messageTTLMilliseconds = messageTTLMilliseconds
        self.maxLength = maxLength
        self.expiresMilliseconds = expiresMilliseconds
        self.classicVersion = classicVersion
        self.extraArguments = extraArguments
    }

    /// The `x-…` arguments sent with `queue.declare`.
    public var arguments: AMQPTable {
        var args = extraArguments
        if let type { args["x-queue-type"] = .string(type.rawValue) }
        if let deadLetterExchange { args["x-dead-letter-exchange"] = .string(deadLetterExchange) }
        if let deadLetterRoutingKey { args["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
        if let deadLetterStrategy { args["x-dead-letter-strategy"] = .string(deadLetterStrategy.rawValue) }
        if let overflow { args["x-overflow"] = .string(overflow.rawValue) }
        if let messageTTLMilliseconds { args["x-message-ttl"] = .int64(messageTTLMilliseconds) }
        if let maxLength { args["x-max-length"] = .int64(maxLength) }
        if let expiresMilliseconds { args["x-expires"] = .int64(expiresMilliseconds) }
        if let classicVersion { args["x-queue-version"] = .int64(Int64(classicVersion)) }
        return args
    }
}

/// A binding of a queue to an exchange.
public struct AMQPBinding: Sendable, Hashable {
    public var queue: String
    public var exchange: String
    public var routingKey: String
    public var arguments: AMQPTable

    /// Creates a binding.
    public init(queue: String, exchange: String, routingKey: String = "", arguments: AMQPTable = [:]) {
        self.queue = queue
        self.exchange = exchange
        self.routingKey = routingKey
        self.arguments = arguments
    }
}
