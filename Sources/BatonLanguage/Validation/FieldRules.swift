/// Which fields each state type accepts in each query language, as AWS's schema has them.
enum FieldRules {
    static let stateTypes = ["Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map"]

    static let topLevel: Set<String> = ["Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"]
    static let stateList: Set<String> = ["Comment", "StartAt", "States"]
    static let processor: Set<String> = ["Comment", "StartAt", "States", "ProcessorConfig"]

    private static let common: Set<String> = ["Type", "Comment", "QueryLanguage"]
    private static let transition: Set<String> = ["Next", "End"]
    private static let jsonPathIO: Set<String> = ["InputPath", "OutputPath"]

    /// The fields a state of `type` may have when its query language is `language` (computed once).
    static func allowed(type: String, language: QueryLanguage) -> Set<String> {
        (language == .jsonPath ? jsonPathFields : jsonataFields)[type] ?? common
    }

    private static let jsonPathFields: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: stateTypes.map { ($0, computeAllowed(type: $0, language: .jsonPath)) })
    private static let jsonataFields: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: stateTypes.map { ($0, computeAllowed(type: $0, language: .jsonata)) })

    private static func computeAllowed(type: String, language: QueryLanguage) -> Set<String> {
        switch language {
        case .jsonPath:
            switch type {
            case "Pass":
                return common.union(transition).union(jsonPathIO)
                    .union(["Parameters", "ResultPath", "Result", "Assign"])
            case "Task":
                return common.union(transition).union(jsonPathIO).union([
                    "Resource", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "TimeoutSeconds",
                    "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign",
                ])
            case "Choice":
                return common.union(jsonPathIO).union(["Choices", "Default", "Assign"])
            case "Wait":
                return common.union(transition).union(jsonPathIO)
                    .union(["Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"])
            case "Succeed":
                return common.union(jsonPathIO)
            case "Fail":
                return common.union(["Error", "ErrorPath", "Cause", "CausePath"])
            case "Parallel":
                return common.union(transition).union(jsonPathIO).union([
                    "Branches", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Assign",
                ])
            case "Map":
                return common.union(transition).union(jsonPathIO).union([
                    "ItemsPath", "ItemReader", "ItemSelector", "Parameters", "ItemBatcher", "ResultWriter",
                    "ResultSelector", "ResultPath", "Retry", "Catch", "MaxConcurrency", "MaxConcurrencyPath",
                    "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount",
                    "ToleratedFailureCountPath", "Iterator", "ItemProcessor", "Label", "Assign",
                ])
            default:
                return common
            }
        case .jsonata:
            switch type {
            case "Pass":
                return common.union(transition).union(["Output", "Assign"])
            case "Task":
                return common.union(transition).union([
                    "Resource", "Arguments", "Output", "Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds",
                    "Credentials", "Assign",
                ])
            case "Choice":
                return common.union(["Choices", "Default", "Output", "Assign"])
            case "Wait":
                return common.union(transition).union(["Seconds", "Timestamp", "Output", "Assign"])
            case "Succeed":
                return common.union(["Output"])
            case "Fail":
                return common.union(["Error", "Cause"])
            case "Parallel":
                return common.union(transition).union(["Branches", "Arguments", "Output", "Retry", "Catch", "Assign"])
            case "Map":
                return common.union(transition).union([
                    "Items", "ItemReader", "ItemSelector", "ItemBatcher", "ResultWriter", "Output", "Retry", "Catch",
                    "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount", "ItemProcessor",
                    "Label", "Assign",
                ])
            default:
                return common
            }
        }
    }

    /// Fields of a Retry entry.
    static let retrier: Set<String> = [
        "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment",
    ]

    /// Fields of a Catch entry in each query language.
    static func catcher(_ language: QueryLanguage) -> Set<String> {
        switch language {
        case .jsonPath: return ["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"]
        case .jsonata: return ["ErrorEquals", "Next", "Output", "Assign", "Comment"]
        }
    }

    /// Fields of a Choices entry in JSONata mode.
    static let jsonataChoice: Set<String> = ["Condition", "Next", "Assign", "Output", "Comment"]
}
