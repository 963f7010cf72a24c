import BatonCore
import BatonLanguage

/// How a mocked task answers: its input back, a fixed value, or an error.
enum MockAnswer: Equatable {
    case identity
    case value(JSON)
    case failure(error: String, cause: String?)
}

/// The answers of `--mock-file`: per function, activity or queue name, one answer or a list for
/// successive calls (the last one repeats).
struct MockAnswers {
    private var answers: [String: [MockAnswer]]
    private var calls: [String: Int] = [:]

    init(answers: [String: [MockAnswer]] = [:]) {
        self.answers = answers
    }

    /// Reads `{"NAME": {"identity": true} | {"return": V} | {"error": E, "cause": C} | [ … ]}`.
    init(json: JSON) throws(CLIError) {
        guard case .object(let o) = json else {
            throw CLIError("the mock file must hold a JSON object of task names to answers, not \(json.typeName)")
        }
        var answers: [String: [MockAnswer]] = [:]
        for (name, spec) in o {
            switch spec {
            case .array(let list):
                guard !list.isEmpty else { throw CLIError("mock '\(name)': the list of answers is empty") }
                var parsed: [MockAnswer] = []
                for (k, one) in list.enumerated() {
                    parsed.append(try Self.answer(one, "mock '\(name)' answer \(k)"))
                }
                answers[name] = parsed
            default:
                answers[name] = [try Self.answer(spec, "mock '\(name)'")]
            }
        }
        self.answers = answers
    }

    private static func answer(_ spec: JSON, _ what: String) throws(CLIError) -> MockAnswer {
        guard case .object(let o) = spec else {
            throw CLIError("\(what): expected an object with \"identity\", \"return\" or \"error\", got \(spec.typeName)")
        }
        if o["identity"] == .bool(true) { return .identity }
        if let v = o["return"] { return .value(v) }
        if let e = o["error"] {
            guard case .string(let error) = e else { throw CLIError("\(what): \"error\" must be a string") }
            switch o["cause"] {
            case nil, .null?: return .failure(error: error, cause: nil)
            case .string(let c)?: return .failure(error: error, cause: c)
            case let other?: return .failure(error: error, cause: other.serialized())
            }
        }
        throw CLIError("\(what): expected \"identity\": true, \"return\" or \"error\"")
    }

    /// The next answer for `name`, or nil when the mock file has none.
    mutating func next(for name: String) -> MockAnswer? {
        guard let list = answers[name] else { return nil }
        let n = calls[name, default: 0]
        calls[name] = n + 1
        return list[min(n, list.count - 1)]
    }

    /// Answers a task request as the resource would, shaping Lambda results as AWS does.
    mutating func answer(_ request: TaskRequest, now: Millis) -> ExecutionEvent {
        let token = request.token
        switch request.resource {
        case .lambdaFunction(_, let name):
            return plain(token, name: name, input: request.input)
        case .service(_, "lambda", "invoke", _):
            let fn = request.input["FunctionName"]?.stringValue ?? ""
            let name = Self.functionName(fn)
            var payload = request.input["Payload"] ?? .object([:])
            if case .string(let s) = payload, let parsed = try? JSONParser.parse(s) { payload = parsed }
            guard let answer = next(for: name) else { return noMock(token, name) }
            switch answer {
            case .failure(let error, let cause):
                // The Lambda integration re-serialises a JSON cause compactly, as AWS's Java service does.
                let compact = cause.flatMap { try? JSONParser.parse($0) }.map { $0.serialized() } ?? cause
                return .taskFailed(token: token, error: error, cause: compact)
            case .identity:
                return .taskSucceeded(token: token, output: Self.lambdaInvokeResult(payload, now: now))
            case .value(let v):
                return .taskSucceeded(token: token, output: Self.lambdaInvokeResult(v, now: now))
            }
        case .activity(_, let name), .rpcFunction(_, let name), .queue(_, let name):
            return plain(token, name: name, input: request.input)
        case .service(let arn, let service, let action, _):
            if answers[arn] != nil { return plain(token, name: arn, input: request.input) }
            return plain(token, name: "\(service):\(action)", input: request.input)
        case .unknown(let arn):
            return plain(token, name: arn, input: request.input)
        }
    }

    private mutating func plain(_ token: String, name: String, input: JSON) -> ExecutionEvent {
        guard let answer = next(for: name) else { return noMock(token, name) }
        switch answer {
        case .identity: return .taskSucceeded(token: token, output: input)
        case .value(let v): return .taskSucceeded(token: token, output: v)
        case .failure(let error, let cause): return .taskFailed(token: token, error: error, cause: cause)
        }
    }

    private func noMock(_ token: String, _ name: String) -> ExecutionEvent {
        .taskFailed(token: token, error: StatesError.Name.taskFailed,
                    cause: "No mock answer for the task resource '\(name)': add it to the mock file.")
    }

    /// `arn:aws:lambda:R:A:function:NAME[:QUALIFIER]`, `NAME:QUALIFIER` or `NAME` → `NAME`.
    static func functionName(_ text: String) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 7, parts[0] == "arn" { return parts[6] }
        if let i = parts.firstIndex(of: "function"), i + 1 < parts.count { return parts[i + 1] }
        return parts.first ?? text
    }

    /// The result of `arn:aws:states:::lambda:invoke`: the payload wrapped in Lambda's response.
    static func lambdaInvokeResult(_ payload: JSON, now: Millis) -> JSON {
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

    /// The byte length of the payload as a Python Lambda returns it (`json.dumps`, with ", " and ": ").
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
}
