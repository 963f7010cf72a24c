/// Why the engine refused a request, with AWS's stable error names.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// AWS's error names where one exists (`StateMachineDoesNotExist`, `TaskDoesNotExist` …).
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidJSON = Code(rawValue: "InvalidJSON")
        public static let invalidMessage = Code(rawValue: "InvalidMessage")
        public static let invalidName = Code(rawValue: "InvalidName")
        public static let invalidDefinition = Code(rawValue: "InvalidDefinition")
        public static let stateMachineDoesNotExist = Code(rawValue: "StateMachineDoesNotExist")
        public static let stateMachineAlreadyExists = Code(rawValue: "StateMachineAlreadyExists")
        public static let executionDoesNotExist = Code(rawValue: "ExecutionDoesNotExist")
        public static let executionAlreadyExists = Code(rawValue: "ExecutionAlreadyExists")
        public static let taskDoesNotExist = Code(rawValue: "TaskDoesNotExist")
        public static let taskTimedOut = Code(rawValue: "TaskTimedOut")
        public static let payloadTooLarge = Code(rawValue: "PayloadTooLarge")
        /// The store holds something this version of Baton cannot read.
        public static let storeCorrupt = Code(rawValue: "StoreCorrupt")
        /// The store cannot be opened or written.
        public static let storeUnavailable = Code(rawValue: "StoreUnavailable")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
