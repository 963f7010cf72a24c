import OrderedCollections

/// A runtime error of an execution, named as AWS names it (`States.Runtime`, `States.TaskFailed`, or a
/// worker's own name) with its cause text.
public struct StatesError: Error, Sendable, Hashable {
    public var error: String
    public var cause: String

    public init(_ error: String, _ cause: String) {
        self.error = error
        self.cause = cause
    }

    public static func runtime(_ cause: String) -> StatesError { .init(Name.runtime, cause) }
    public static func intrinsicFailure(_ cause: String) -> StatesError { .init(Name.intrinsicFailure, cause) }
    public static func parameterPathFailure(_ cause: String) -> StatesError { .init(Name.parameterPathFailure, cause) }

    /// The predefined error names of the Amazon States Language.
    public enum Name {
        public static let all = "States.ALL"
        public static let heartbeatTimeout = "States.HeartbeatTimeout"
        public static let timeout = "States.Timeout"
        public static let taskFailed = "States.TaskFailed"
        public static let permissions = "States.Permissions"
        public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
        public static let parameterPathFailure = "States.ParameterPathFailure"
        public static let queryEvaluationError = "States.QueryEvaluationError"
        public static let branchFailed = "States.BranchFailed"
        public static let noChoiceMatched = "States.NoChoiceMatched"
        public static let intrinsicFailure = "States.IntrinsicFailure"
        public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
        public static let itemReaderFailed = "States.ItemReaderFailed"
        public static let resultWriterFailed = "States.ResultWriterFailed"
        public static let runtime = "States.Runtime"
        public static let dataLimitExceeded = "States.DataLimitExceeded"
    }
}

/// A small deterministic random source (SplitMix64): the core derives every random choice from the
/// execution's seed so that replaying a history gives the same results.
public struct DeterministicRandom: Sendable, Hashable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A random version-4 UUID string in lower case.
    public mutating func uuid() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let a = next(), b = next()
        for k in 0..<8 {
            bytes[k] = UInt8((a >> (8 * UInt64(k))) & 0xFF)
            bytes[8 + k] = UInt8((b >> (8 * UInt64(k))) & 0xFF)
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }
}

/// What a path or intrinsic function is evaluated against: the state's input (`$`), the context
/// object (`$$`) and the execution's variables (`$name`).
public struct PathEnvironment: Sendable {
    public var input: JSON
    public var context: JSON
    public var variables: [String: JSON]

    public init(input: JSON, context: JSON = .object([:]), variables: [String: JSON] = [:]) {
        self.input = input
        self.context = context
        self.variables = variables
    }
}
