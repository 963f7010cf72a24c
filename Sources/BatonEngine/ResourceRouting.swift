import BatonCore
import BatonLanguage

/// Where a task goes and what its worker sees: the queue, the body, and how the answer becomes the
/// task's result.
public struct TaskRoute: Sendable, Hashable {
    /// How a worker's answer becomes the Task state's result.
    public enum ResultShape: Sendable, Hashable {
        /// The answer is the result.
        case asIs
        /// `arn:aws:states:::lambda:invoke`: the answer is the `Payload` of Lambda's response.
        case lambdaInvoke
    }

    /// The worker's queue (and the mock file's key in `baton run`).
    public var queue: String
    /// The message body the worker receives.
    public var body: JSON
    public var shape: ResultShape
}

/// The documented rule from a Task's resource to a queue: by default the function, activity or queue
/// name itself, so an existing RPC server's queue is a resource as it is.
public struct ResourceRouting: Sendable {
    /// Put before every queue name (default none).
    public var queuePrefix: String
    /// Per-name overrides: resource name → queue.
    public var overrides: [String: String]

    public init(queuePrefix: String = "", overrides: [String: String] = [:]) {
        self.queuePrefix = queuePrefix
        self.overrides = overrides
    }

    /// The route of a task, or nil for resources the engine runs itself (`states:startExecution`).
    public func route(resource: TaskResource, input: JSON) -> TaskRoute? {
        switch resource {
        case .lambdaFunction(_, let name), .activity(_, let name), .rpcFunction(_, let name), .queue(_, let name):
            return TaskRoute(queue: queue(name), body: input, shape: .asIs)
        case .service(_, "lambda", "invoke", let pattern):
            let fn = input["FunctionName"]?.stringValue ?? ""
            var payload = input["Payload"] ?? .object([:])
            if case .string(let s) = payload, let parsed = try? JSONParser.parse(s) { payload = parsed }
            // A callback's result is what SendTaskSuccess gives, as it is.
            let shape: TaskRoute.ResultShape = pattern == .waitForTaskToken ? .asIs : .lambdaInvoke
            return TaskRoute(queue: queue(Self.functionName(fn)), body: payload, shape: shape)
        case .service(_, "states", "startExecution", _):
            return nil
        case .service(_, let service, let action, _):
            return TaskRoute(queue: queue("\(service):\(action)"), body: input, shape: .asIs)
        case .unknown(let arn):
            return TaskRoute(queue: queue(arn), body: input, shape: .asIs)
        }
    }

    func queue(_ name: String) -> String { queuePrefix + (overrides[name] ?? name) }

    /// The task's result from a worker's answer.
    public static func result(_ answer: JSON, shape: TaskRoute.ResultShape, now: Millis) -> JSON {
        switch shape {
        case .asIs: return answer
        case .lambdaInvoke: return lambdaInvokeResult(answer, now: now)
        }
    }

    /// `arn:aws:lambda:R:A:function:NAME[:QUALIFIER]`, `NAME:QUALIFIER` or `NAME` → `NAME`.
    public static func functionName(_ text: String) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 7, parts[0] == "arn" { return parts[6] }
        if let i = parts.firstIndex(of: "function"), i + 1 < parts.count { return parts[i + 1] }
        return parts.first ?? text
    }

    /// The result of `arn:aws:states:::lambda:invoke`: the payload wrapped in Lambda's response, as AWS gives it.
    public static func lambdaInvokeResult(_ payload: JSON, now: Millis) -> JSON {
        let length = String(pythonStyleLength(payload))
        let date = JSON.string(Timestamps.format(now))
        let all: JSON = [
            "X-Amz-Executed-Version": ["$LATEST"], "x-amzn-Remapped-Content-Length": ["0"],
            "Connection": ["keep-alive"], "x-amzn-RequestId": "x-amzn-RequestId", "Content-Length": [.string(length)],
            "Date": date, "X-Amzn-Trace-Id": "X-Amzn-Trace-Id", "Content-Type": ["application/json"],
        ]
        let headers: JSON = [
            "Connection": "keep-alive", "Content-Length": .string(length), "Content-Type": "application/json",
            "Date": date, "X-Amz-Executed-Version": "$LATEST", "x-amzn-Remapped-Content-Length": "0",
            "x-amzn-RequestId": "x-amzn-RequestId", "X-Amzn-Trace-Id": "X-Amzn-Trace-Id",
        ]
        return [
            "ExecutedVersion": "$LATEST",
            "Payload": payload,
            "SdkHttpMetadata": ["AllHttpHeaders": all, "HttpHeaders": headers, "HttpStatusCode": 200],
            "SdkResponseMetadata": ["RequestId": "RequestId"],
            "StatusCode": 200,
        ]
    }

    /// The byte length of a payload as a Python Lambda returns it (`json.dumps`, with ", " and ": ").
    static func pythonStyleLength(_ v: JSON) -> Int {
        switch v {
        case .array(let a): return a.isEmpty ? 2 : 2 + a.map(pythonStyleLength).reduce(0, +) + 2 * (a.count - 1)
        case .object(let o):
            if o.isEmpty { return 2 }
            var n = 2 + 2 * (o.count - 1)
            for (k, e) in o { n += JSON.string(k).serialized().utf8.count + 2 + pythonStyleLength(e) }
            return n
        default: return v.serialized().utf8.count
        }
    }

    /// A Lambda error's cause as the Lambda integration reports it: JSON text re-serialised compactly.
    public static func lambdaInvokeCause(_ cause: String?) -> String? {
        cause.flatMap { try? JSONParser.parse($0) }.map { $0.serialized() } ?? cause
    }
}
