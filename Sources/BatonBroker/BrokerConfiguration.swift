import BatonAMQP

/// How the orchestrator uses RabbitMQ: names, prefetch, triggers.
public struct BrokerConfiguration: Sendable {
    /// Put before every queue and exchange name (default `baton`).
    public var prefix: String
    /// Unsettled deliveries per consumer.
    public var prefetch: UInt16
    /// Exchanges and routing keys that start a state machine with the message body as input.
    public var triggers: [Trigger]
    /// How often the sweep looks for overdue timers, in milliseconds.
    public var sweepIntervalMilliseconds: Int64
    /// `x-queue-version` of Baton's own classic queues (start, replies, control, dead, triggers); nil declares
    /// them without it. Version 2 needs RabbitMQ 3.10+ (older brokers ignore it); queues that already exist
    /// with another version are used as they are.
    public var classicQueueVersion: Int?

    /// Binds an existing exchange and routing key to a state machine.
    public struct Trigger: Sendable, Hashable {
        public var exchange: String
        public var routingKey: String
        public var stateMachine: String

        public init(exchange: String, routingKey: String, stateMachine: String) {
            self.exchange = exchange
            self.routingKey = routingKey
            self.stateMachine = stateMachine
        }

        /// Reads `EXCHANGE:ROUTING_KEY=STATE_MACHINE`.
        public init?(parsing text: String) {
            guard let eq = text.lastIndex(of: "="), let colon = text[..<eq].firstIndex(of: ":") else { return nil }
            let exchange = String(text[..<colon])
            let key = String(text[text.index(after: colon)..<eq])
            let machine = String(text[text.index(after: eq)...])
            guard !exchange.isEmpty, !machine.isEmpty else { return nil }
            self.init(exchange: exchange, routingKey: key, stateMachine: machine)
        }
    }

    public init(prefix: String = "baton", prefetch: UInt16 = 64, triggers: [Trigger] = [],
                sweepIntervalMilliseconds: Int64 = 1_000, classicQueueVersion: Int? = nil) {
        self.prefix = prefix
        self.prefetch = prefetch
        self.triggers = triggers
        self.sweepIntervalMilliseconds = sweepIntervalMilliseconds
        self.classicQueueVersion = classicQueueVersion
    }

    public var startQueue: String { "\(prefix).start" }
    public var repliesQueue: String { "\(prefix).replies" }
    public var controlQueue: String { "\(prefix).control" }
    public var deadQueue: String { "\(prefix).dead" }
    public var eventsExchange: String { "\(prefix).events" }

    /// The queue a trigger's messages land in.
    public func triggerQueue(_ t: Trigger) -> String { "\(prefix).trigger.\(t.stateMachine)" }

    /// The orchestrator's own queues and exchanges (the timer ladder declares its own).
    public func topology() -> AMQPTopology {
        var queues = [startQueue, repliesQueue, controlQueue, deadQueue].map { AMQPQueue(name: $0, classicVersion: classicQueueVersion) }
        let exchanges = [AMQPExchange(name: eventsExchange, kind: .topic)]
        var bindings: [AMQPBinding] = []
        for t in triggers {
            // The trigger's exchange is the user's and must exist; only its queue and binding are ours.
            queues.append(AMQPQueue(name: triggerQueue(t), classicVersion: classicQueueVersion))
            bindings.append(AMQPBinding(queue: triggerQueue(t), exchange: t.exchange, routingKey: t.routingKey))
        }
        return AMQPTopology(exchanges: exchanges, queues: queues, bindings: bindings)
    }
}
