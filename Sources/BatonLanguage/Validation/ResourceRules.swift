/// Which Task `Resource` ARNs AWS recognizes: Lambda functions, activities, the optimized service
/// integrations with the patterns each supports, and AWS SDK integrations.
enum ResourceRules {
    /// How a Task waits for a service integration.
    enum Pattern: Equatable {
        case requestResponse
        case sync
        case sync2
        case waitForTaskToken
    }

    /// What a Resource ARN names.
    enum Kind: Equatable {
        case lambdaFunction
        case activity
        case service(service: String, action: String, pattern: Pattern)
        case sdk(service: String, action: String, pattern: Pattern)
    }

    private typealias Patterns = Set<String>  // "", ".sync", ".sync:2", ".waitForTaskToken"
    private static let rr: Patterns = [""]
    private static let rrWait: Patterns = ["", ".waitForTaskToken"]
    private static let all: Patterns = ["", ".sync", ".waitForTaskToken"]
    private static let rrSync: Patterns = ["", ".sync"]

    /// The optimized integrations: service → action → the patterns it supports.
    private static let optimized: [String: [String: Patterns]] = [
        "lambda": ["invoke": rrWait],
        "sqs": ["sendMessage": rrWait],
        "sns": ["publish": rrWait],
        "events": ["putEvents": rrWait],
        "apigateway": ["invoke": rrWait],
        "http": ["invoke": rr],
        "dynamodb": ["getItem": rr, "putItem": rr, "deleteItem": rr, "updateItem": rr],
        "states": ["startExecution": ["", ".sync", ".sync:2", ".waitForTaskToken"]],
        "batch": ["submitJob": all],
        "ecs": ["runTask": all],
        "glue": ["startJobRun": all],
        "databrew": ["startJobRun": rrSync],
        "athena": [
            "startQueryExecution": rrSync, "stopQueryExecution": rr, "getQueryExecution": rr,
            "getQueryResults": rr,
        ],
        "codebuild": [
            "startBuild": rrSync, "stopBuild": rr, "batchDeleteBuilds": rr, "batchGetReports": rr,
            "startBuildBatch": rrSync, "stopBuildBatch": rr, "retryBuildBatch": rrSync, "retryBuild": rrSync,
            "deleteBuildBatch": rr,
        ],
        "sagemaker": [
            "createTrainingJob": rrSync, "createTransformJob": rrSync, "createHyperParameterTuningJob": rrSync,
            "createLabelingJob": rrSync, "createProcessingJob": rrSync, "createModel": rr, "createEndpoint": rr,
            "createEndpointConfig": rr, "updateEndpoint": rr, "startPipelineExecution": ["", ".sync"],
        ],
        "elasticmapreduce": [
            "createCluster": rrSync, "terminateCluster": rrSync, "addStep": rrSync, "cancelStep": rr,
            "setClusterTerminationProtection": rr, "modifyInstanceFleetByName": rr,
            "modifyInstanceGroupByName": rr,
        ],
        "emr-containers": ["startJobRun": rrSync, "createVirtualCluster": rr, "deleteVirtualCluster": rrSync],
        "emr-serverless": [
            "createApplication": rrSync, "startApplication": rrSync, "stopApplication": rrSync,
            "deleteApplication": rrSync, "startJobRun": rrSync, "cancelJobRun": rrSync,
        ],
        "eks": [
            "createCluster": rrSync, "deleteCluster": rrSync, "createFargateProfile": rrSync,
            "deleteFargateProfile": rrSync, "createNodegroup": rrSync, "deleteNodegroup": rrSync,
            "runJob": rrSync, "call": rr,
        ],
        "bedrock": ["invokeModel": rr, "createModelCustomizationJob": rrSync],
        "mediaconvert": ["createJob": rrSync],
        "glue-databrew": ["startJobRun": rrSync],
    ]

    /// The kind of resource, or nil when AWS would not recognize the ARN.
    static func classify(_ arn: String) -> Kind? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 6, parts[0] == "arn", !parts[1].isEmpty else { return nil }
        let service = parts[2], region = parts[3], account = parts[4]
        switch service {
        case "lambda":
            // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
            guard parts.count == 7 || parts.count == 8, !region.isEmpty, !account.isEmpty, parts[5] == "function",
                  !parts[6].isEmpty, parts.count == 7 || !parts[7].isEmpty
            else { return nil }
            return .lambdaFunction
        case "states":
            if parts[5] == "activity" {
                guard parts.count == 7, !region.isEmpty, !account.isEmpty, !parts[6].isEmpty else { return nil }
                return .activity
            }
            guard region.isEmpty, account.isEmpty else { return nil }
            if parts[5] == "aws-sdk" {
                // arn:aws:states:::aws-sdk:SERVICE:ACTION[.waitForTaskToken]
                guard parts.count == 8, isServiceName(parts[6]) else { return nil }
                let (action, suffix) = splitPattern(parts[7])
                guard isActionName(action), suffix == "" || suffix == ".waitForTaskToken" else { return nil }
                return .sdk(service: parts[6], action: action, pattern: pattern(suffix))
            }
            // arn:aws:states:::SERVICE:ACTION[.sync[:2]|.waitForTaskToken]
            var actionText = parts.count >= 7 ? parts[6] : ""
            if parts.count == 8 {
                guard parts[7] == "2" else { return nil }
                actionText += ":2"
            } else if parts.count > 8 {
                return nil
            }
            let (action, suffix) = splitPattern(actionText)
            guard let actions = optimized[parts[5]], let patterns = actions[action], patterns.contains(suffix)
            else { return nil }
            return .service(service: parts[5], action: action, pattern: pattern(suffix))
        default:
            return nil
        }
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE…` in shape, whatever the service.
    static func looksLikeARN(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count >= 6 && parts[0] == "arn" && !parts[1].isEmpty && !parts[2].isEmpty
            && !parts[5...].joined(separator: ":").isEmpty
    }

    private static func splitPattern(_ text: String) -> (String, String) {
        if let dot = text.firstIndex(of: ".") {
            return (String(text[..<dot]), String(text[dot...]))
        }
        return (text, "")
    }

    private static func pattern(_ suffix: String) -> Pattern {
        switch suffix {
        case ".sync": return .sync
        case ".sync:2": return .sync2
        case ".waitForTaskToken": return .waitForTaskToken
        default: return .requestResponse
        }
    }

    private static func isServiceName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }

    private static func isActionName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first >= "a" && first <= "z" else { return false }
        return s.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9")
        }
    }
}
