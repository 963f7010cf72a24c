import BatonEngine

/// An error of the Step Functions API as AWS's JSON 1.0 protocol sends it: an HTTP status and a body
/// `{"__type": "<Name>", "message": "…"}` with AWS's exact error names.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// AWS's error name (`StateMachineDoesNotExist`, `InvalidSignatureException` …).
    public var type: String
    public var message: String
    /// 400 for a client error, 403 for an authentication failure, 500 for Baton's own failure.
    public var status: Int

    public init(_ type: String, _ message: String, status: Int = 400) {
        self.type = type
        self.message = message
        self.status = status
    }

    /// The API error for an engine refusal: the engine's codes are AWS's names where one exists.
    public init(_ e: EngineError) {
        switch e.code {
        case .invalidJSON, .invalidMessage, .payloadTooLarge:
            self.init("ValidationException", e.message)
        case EngineError.Code(rawValue: "StoreUnavailable"), EngineError.Code(rawValue: "StoreCorrupt"):
            self.init("ServiceUnavailable", e.message, status: 503)
        default:
            self.init(e.code.rawValue, e.message)
        }
    }

    public var description: String { "\(type) (\(status)): \(message)" }

    /// The response body.
    public var body: String {
        var out = "{\"__type\":"
        JSONText.append(type, to: &out)
        out += ",\"message\":"
        JSONText.append(message, to: &out)
        out += "}"
        return out
    }

    static func validation(_ message: String) -> APIError { APIError("ValidationException", message) }

    static func missing(_ field: String) -> APIError {
        validation("1 validation error detected: Value null at '\(field)' failed to satisfy constraint: Member must not be null")
    }

    static func invalidArn(_ arn: String, _ why: String = "Invalid ARN prefix") -> APIError {
        APIError("InvalidArn", "Invalid Arn: '\(why): \(arn)'")
    }

    static func stateMachineDoesNotExist(_ arn: String) -> APIError {
        APIError("StateMachineDoesNotExist", "State Machine Does Not Exist: '\(arn)'")
    }

    static func executionDoesNotExist(_ arn: String) -> APIError {
        APIError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'")
    }
}
