/// Why a definition can't be drawn, with a stable code.
public struct GraphError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable codes.
    public enum Code: String, Sendable, Hashable {
        /// The text is not JSON.
        case invalidJSON = "InvalidJSON"
        /// The JSON is not an object with a `States` object.
        case notAStateMachine = "NotAStateMachine"
        /// The requested output format is not one of svg, dot, mermaid, json.
        case unknownFormat = "UnknownFormat"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
