/// A Step Functions ARN, `arn:aws:states:REGION:ACCOUNT:TYPE:NAME[:QUALIFIER]`, read as AWS reads it.
struct ResourceARN: Sendable, Hashable {
    var region: String
    var account: String
    /// `stateMachine`, `execution`, `express`, `activity`, `mapRun`.
    var type: String
    /// The parts after the type (a machine's name and version; an execution's machine and name …).
    var names: [String]

    /// Parses an ARN; the error is InvalidArn with AWS's wording.
    static func parse(_ text: String) throws(APIError) -> ResourceARN {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 7, parts[0] == "arn", parts[1].hasPrefix("aws") else {
            throw APIError.invalidArn(text)
        }
        guard parts[2] == "states" else { throw APIError.invalidArn(text, "Invalid service") }
        guard !parts[3].isEmpty, !parts[4].isEmpty else { throw APIError.invalidArn(text, "Invalid region or account") }
        guard parts.dropFirst(6).allSatisfy({ !$0.isEmpty }) else { throw APIError.invalidArn(text, "Invalid resource name") }
        return ResourceARN(region: parts[3], account: parts[4], type: parts[5], names: Array(parts.dropFirst(6)))
    }

    /// A state machine ARN: its name and, for a version ARN, the version.
    static func stateMachine(_ text: String) throws(APIError) -> (name: String, version: Int?) {
        let arn = try parse(text)
        guard arn.type == "stateMachine", arn.names.count <= 2 else {
            throw APIError.invalidArn(text, "Resource type not valid in this context")
        }
        if arn.names.count == 2 {
            guard let v = Int(arn.names[1]), v > 0 else {
                throw APIError.validation("Baton supports state machine versions, not aliases: '\(text)'")
            }
            return (arn.names[0], v)
        }
        return (arn.names[0], nil)
    }

    /// An execution ARN (checked, returned as it is).
    static func execution(_ text: String) throws(APIError) -> String {
        let arn = try parse(text)
        guard arn.type == "execution" || arn.type == "express", arn.names.count >= 2 else {
            throw APIError.invalidArn(text, "Resource type not valid in this context")
        }
        return text
    }

    /// An activity ARN: the activity's name.
    static func activity(_ text: String) throws(APIError) -> String {
        let arn = try parse(text)
        guard arn.type == "activity", arn.names.count == 1 else {
            throw APIError.invalidArn(text, "Resource type not valid in this context")
        }
        return arn.names[0]
    }
}
