/// One problem with a definition, as AWS's ValidateStateMachineDefinition reports it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad it is: errors make the definition invalid; warnings don't.
    public enum Severity: String, Sendable, Hashable {
        case error = "ERROR"
        case warning = "WARNING"
    }

    /// AWS's stable code: `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, `DUPLICATE_STATE_NAME` …
    public var code: String
    /// Where in the definition, as AWS writes it (`/States/Pass/Next`, `/States/T/Catch[0]`); nil when
    /// AWS gives none (a definition that is not a JSON object).
    public var location: String?
    public var message: String
    public var severity: Severity

    public init(code: String, location: String?, message: String, severity: Severity = .error) {
        self.code = code
        self.location = location
        self.message = message
        self.severity = severity
    }

    /// `LOCATION CODE: MESSAGE`, the line `baton validate` prints.
    public var description: String { "\(location ?? "/") \(code): \(message)" }

    /// The codes AWS uses.
    public enum Code {
        public static let schemaValidationFailed = "SCHEMA_VALIDATION_FAILED"
        public static let invalidJSONDescription = "INVALID_JSON_DESCRIPTION"
        public static let missingTransitionTarget = "MISSING_TRANSITION_TARGET"
        /// Not used: AWS reports an unreachable state as MISSING_TRANSITION_TARGET ("State \"X\" is not reachable.").
        public static let unreachableState = "UNREACHABLE_STATE"
        public static let duplicateStateName = "DUPLICATE_STATE_NAME"
        /// Not used: AWS's documented code for this is MISSING_END_STATE.
        public static let noTerminalState = "NO_TERMINAL_STATE"
        /// AWS's documented code for a state list none of whose states can end it.
        public static let missingEndState = "MISSING_END_STATE"
        public static let invalidStateName = "INVALID_STATE_NAME"
        public static let invalidLabelName = "INVALID_LABEL_NAME"
        public static let duplicateLabelName = "DUPLICATE_LABEL_NAME"
        public static let invalidResource = "INVALID_RESOURCE"
        public static let tooDeeplyNested = "TOO_DEEPLY_NESTED"
    }
}

/// The diagnostics of a definition that failed to parse or validate.
public struct InvalidDefinition: Error, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
