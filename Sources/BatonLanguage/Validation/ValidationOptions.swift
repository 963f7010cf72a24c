/// What a definition is validated against: the kind of state machine and the limits AWS applies.
public struct ValidationOptions: Sendable, Hashable {
    /// STANDARD or EXPRESS: EXPRESS machines reject `.sync`, `.waitForTaskToken` and activities.
    public enum StateMachineType: String, Sendable, Hashable {
        case standard = "STANDARD"
        case express = "EXPRESS"
    }

    public var stateMachineType: StateMachineType
    /// The largest definition text accepted, in UTF-8 bytes (AWS: 1,048,576).
    public var maxDefinitionBytes: Int
    /// The deepest JSON nesting accepted before reading stops with a clean error.
    public var maxDepth: Int

    public init(stateMachineType: StateMachineType = .standard, maxDefinitionBytes: Int = 1_048_576,
                maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.stateMachineType = stateMachineType
        self.maxDefinitionBytes = maxDefinitionBytes
        self.maxDepth = maxDepth
    }
}
