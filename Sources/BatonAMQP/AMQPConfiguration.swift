/// Where and how to connect: broker address, credentials, TLS, heartbeat, timeouts and reconnect backoff.
///
/// Build it from a URL with `init(url:environment:)`; its `description` is the URL with the password redacted.
public struct AMQPConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Host name or address.
    public var host: String = "localhost"
    /// TCP port (5672 for `amqp://`, 5671 for `amqps://`).
    public var port: Int = 5672
    /// Virtual host.
    public var virtualHost: String = "/"
    /// User and password.
    public var credentials: AMQPCredentials = .guest
    /// TLS settings; `nil` means a plain TCP connection.
    public var tls: AMQPTLSConfiguration?
    /// Heartbeat interval requested from the broker, in whole seconds; 0 disables heartbeats.
    public var heartbeatSeconds: Int = 10
    /// Time allowed to open the socket, finish the handshake, and for each synchronous AMQP method.
    public var timeout: Duration = .seconds(10)
    /// How long a publish waits for its confirm before failing with `publishTimedOut` (the broker may still take it).
    public var confirmTimeout: Duration = .seconds(30)
    /// Shown by the broker (management UI, `rabbitmqctl list_connections client_properties`) for this connection.
    public var connectionName: String?
    /// Maximum frame size proposed to the broker.
    public var frameMax: Int = 131_072
    /// How long to wait between reconnection attempts.
    public var reconnect: AMQPReconnectPolicy = .init()

    /// Creates a configuration with the defaults (guest@localhost:5672, vhost "/").
    public init() {}

    public var description: String { AMQPURLParser.render(self) }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["url": description]) }
}

/// TLS settings for an `amqps://` connection (rabbitmq-c's OpenSSL socket).
public struct AMQPTLSConfiguration: Sendable, Hashable {
    /// PEM file with the CA certificates to trust; `nil` uses none (then disable `verifyPeer` for self-signed brokers).
    public var caCertificatePath: String?
    /// PEM client certificate for mutual TLS.
    public var clientCertificatePath: String?
    /// PEM private key of the client certificate.
    public var clientKeyPath: String?
    /// Verify the broker's certificate chain.
    public var verifyPeer: Bool = true
    /// Verify that the certificate names the host.
    public var verifyHostname: Bool = true

    /// Creates TLS settings that verify the peer and its host name.
    public init(caCertificatePath: String? = nil, clientCertificatePath: String? = nil, clientKeyPath: String? = nil,
                verifyPeer: Bool = true, verifyHostname: Bool = true) {
        self.caCertificatePath = caCertificatePath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
        self.verifyPeer = verifyPeer
        self.verifyHostname = verifyHostname
    }
}

/// Exponential backoff between reconnection attempts, with jitter.
public struct AMQPReconnectPolicy: Sendable, Hashable {
    /// Delay before the first retry.
    public var initialDelay: Duration = .milliseconds(100)
    /// Upper bound of the delay.
    public var maximumDelay: Duration = .seconds(5)
    /// Factor applied after each failed attempt.
    public var multiplier: Double = 2

    /// Creates a policy (100 ms, doubling, at most 5 s by default).
    public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(5), multiplier: Double = 2) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
    }

    /// The delay before attempt `attempt` (0-based), without jitter.
    public func delay(attempt: Int) -> Duration {
        var delay = initialDelay
        var n = 0
        while n < attempt && delay < maximumDelay {
            delay = delay * multiplier
            n += 1
        }
        return min(delay, maximumDelay)
    }
}
