/// What a definition is validated against: the kind of state machine and the limits AWS applies.
public struct ValidationOptions: Sendable {
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
    /// Checks the text inside each `{% … %}` of a JSONata state: returns why it is not a JSONata
    /// expression, or nil. BatonLanguage has no JSONata parser of its own; a caller that links one
    /// (the `baton` command, with BatonJSONata) passes it here. Nil: JSONata text is not checked.
    public var jsonataSyntax: (@Sendable (String) -> String?)?

    public init(stateMachineType: StateMachineType = .standard, maxDefinitionBytes: Int = 1_048_576,
                maxDepth: Int = JSONParser.defaultMaxDepth, jsonataSyntax: (@Sendable (String) -> String?)? = nil) {
        self.stateMachineType = stateMachineType
        self.maxDefinitionBytes = maxDefinitionBytes
        self.maxDepth = maxDepth
        self.jsonataSyntax = jsonataSyntax
    }
}
