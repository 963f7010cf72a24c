import BatonCore
import BatonEngine
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

    /// Answers a task request as its worker would, with the queue and result shapes the orchestrator uses.
    mutating func answer(_ request: TaskRequest, now: Millis, routing: ResourceRouting = .init()) -> ExecutionEvent {
        let token = request.token
        guard let route = routing.route(resource: request.resource, input: request.input) else {
            return noMock(token, request.resource.arn)
        }
        var name = route.queue
        if case .service(let arn, _, _, _) = request.resource, answers[arn] != nil { name = arn }
        guard let answer = next(for: name) else { return noMock(token, name) }
        switch answer {
        case .identity:
            return .taskSucceeded(token: token, output: ResourceRouting.result(route.body, shape: route.shape, now: now))
        case .value(let v):
            return .taskSucceeded(token: token, output: ResourceRouting.result(v, shape: route.shape, now: now))
        case .failure(let error, let cause):
            return .taskFailed(token: token, error: error,
                               cause: route.shape == .lambdaInvoke ? ResourceRouting.lambdaInvokeCause(cause) : cause)
        }
    }

    private func noMock(_ token: String, _ name: String) -> ExecutionEvent {
        .taskFailed(token: token, error: StatesError.Name.taskFailed,
                    cause: "No mock answer for the task resource '\(name)': add it to the mock file.")
    }
}
