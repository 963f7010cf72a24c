/// What a Task state's `Resource` names, classified as AWS classifies it.
public enum TaskResource: Sendable, Hashable {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`: a Lambda function called directly.
    case lambdaFunction(arn: String, name: String)
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`: an activity, polled by workers.
    case activity(arn: String, name: String)
    /// `arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]`: a service integration.
    case service(arn: String, service: String, action: String, pattern: IntegrationPattern)
    /// `arn:aws:rpcmessage:local::function:NAME`: a function on a message queue, as another ASL engine on
    /// RabbitMQ names it.
    case rpcFunction(arn: String, name: String)
    /// `arn:baton:queue:::NAME` (or `baton:queue:NAME`): any queue, Baton's native form.
    case queue(arn: String, name: String)
    /// Anything else.
    case unknown(String)

    /// How a service integration waits for its result.
    public enum IntegrationPattern: String, Sendable, Hashable {
        case requestResponse = ""
        case sync = ".sync"
        case sync2 = ".sync:2"
        case waitForTaskToken = ".waitForTaskToken"
    }

    public init(_ arn: String) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if arn.hasPrefix("baton:queue:"), parts.count >= 3 {
            self = .queue(arn: arn, name: parts[2...].joined(separator: ":"))
            return
        }
        guard parts.count >= 6, parts[0] == "arn" else {
            self = .unknown(arn)
            return
        }
        let service = parts[2]
        switch service {
        case "lambda" where parts[5] == "function" && parts.count >= 7:
            self = .lambdaFunction(arn: arn, name: parts[6])
        case "states" where parts[5] == "activity" && parts.count >= 7:
            self = .activity(arn: arn, name: parts[6])
        case "states" where parts[3].isEmpty && parts[4].isEmpty:
            // arn:aws:states:::SERVICE:ACTION[.pattern]
            let svc = parts[5]
            var action = parts.count >= 7 ? parts[6...].joined(separator: ":") : ""
            var pattern = IntegrationPattern.requestResponse
            for p in [IntegrationPattern.sync2, .sync, .waitForTaskToken] where action.hasSuffix(p.rawValue) {
                pattern = p
                action = String(action.dropLast(p.rawValue.count))
                break
            }
            self = .service(arn: arn, service: svc, action: action, pattern: pattern)
        case "rpcmessage" where parts.count >= 7 && parts[5] == "function":
            self = .rpcFunction(arn: arn, name: parts[6])
        case "baton" where parts.count >= 6 && parts[2] == "baton" && parts[5].hasPrefix("queue"):
            self = .queue(arn: arn, name: parts.count >= 7 ? parts[6...].joined(separator: ":") : "")
        default:
            if parts[1] == "baton" && parts[2] == "queue" {
                self = .queue(arn: arn, name: parts[5...].joined(separator: ":"))
            } else {
                self = .unknown(arn)
            }
        }
    }

    /// The resource ARN as written.
    public var arn: String {
        switch self {
        case .lambdaFunction(let a, _), .activity(let a, _), .service(let a, _, _, _), .rpcFunction(let a, _),
             .queue(let a, _), .unknown(let a):
            return a
        }
    }

    /// True for `.waitForTaskToken` integrations: the result comes by SendTaskSuccess/Failure.
    public var waitsForTaskToken: Bool {
        if case .service(_, _, _, .waitForTaskToken) = self { return true }
        return false
    }

    /// AWS's `resourceType` and `resource` of the TaskScheduled event (`lambda`, `invoke`).
    public var historyResourceTypeAndName: (String, String) {
        switch self {
        case .service(_, let s, let a, let p): return (s, a + p.rawValue)
        case .lambdaFunction(_, let n): return ("lambda", n)
        case .activity(_, let n): return ("activity", n)
        case .rpcFunction(_, let n): return ("rpcmessage", n)
        case .queue(_, let n): return ("queue", n)
        case .unknown(let a): return ("unknown", a)
        }
    }
}
