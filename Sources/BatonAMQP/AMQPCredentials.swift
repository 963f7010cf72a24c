/// A user name and password for SASL PLAIN; printing, dumping or logging it never shows the password.
public struct AMQPCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The user name.
    public var user: String
    /// The password. Never printed.
    public var password: String

    /// Creates credentials.
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// RabbitMQ's default account, which only works from localhost.
    public static let guest = AMQPCredentials(user: "guest", password: "guest")

    public var description: String { "AMQPCredentials(user: \(user), password: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["user": user, "password": "<redacted>"]) }
}
