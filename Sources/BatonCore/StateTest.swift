import BatonLanguage

// TestState: one state run alone on an input, as AWS's TestState API runs it.
//
//   the state (alone, or picked by name from a whole machine)
//     -> a machine of that state plus a parked stub (a one-second Wait) for every state it may go to
//     -> run by the interpreter: a Task is answered by the mock, the tested Wait ends at once, a Retry's
//        timer stops the run (RETRIABLE), a stub's timer stops it (the next state is known)
//     -> SUCCEEDED (output, nextState), CAUGHT_ERROR (a Catch took the error), RETRIABLE, or FAILED
//
// Nothing is published and no time passes: a Task state needs a mock (its result, or an error).

/// AWS's TestState: runs one state on an input and reports its output, next state and status.
public enum StateTest {
    /// What a mocked Task answers.
    public enum Mock: Sendable {
        case result(JSON)
        case error(error: String, cause: String?)
    }

    /// How the state ended (AWS's TestExecutionStatus).
    public enum Status: String, Sendable {
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        case retriable = "RETRIABLE"
        case caughtError = "CAUGHT_ERROR"
    }

    /// What TestState answers.
    public struct Outcome: Sendable {
        public var status: Status
        public var output: JSON?
        public var error: String?
        public var cause: String?
        public var nextState: String?
        /// AWS's inspectionData (for DEBUG and TRACE): the data at each step, as JSON text.
        public var inspection: JSONObject
    }

    /// Why TestState refused the request (AWS's error names).
    public struct Refusal: Error, Sendable {
        /// `InvalidDefinition` or `ValidationException`.
        public var code: String
        public var message: String
    }

    /// Runs `definition` (a state, or a machine with `stateName` or its StartAt) on `input`.
    public static func run(definition: JSON, stateName: String?, input: JSON, variables: [String: JSON] = [:],
                           mock: Mock?, roleArn: String, region: String, now: Millis,
                           options: ValidationOptions = .init()) -> Result<Outcome, Refusal> {
        let name: String
        let stateJSON: JSON
        var queryLanguage: JSON?
        if let states = definition["States"]?.objectValue {
            guard let picked = stateName ?? definition["StartAt"]?.stringValue, let s = states[picked] else {
                return .failure(Refusal(code: "InvalidDefinition",
                                        message: "The state '\(stateName ?? "")' is not in the definition's States"))
            }
            name = picked
            stateJSON = s
            queryLanguage = definition["QueryLanguage"]
        } else {
            name = stateName ?? "TestState"
            stateJSON = definition
        }
        guard case .object(let stateObject) = stateJSON else {
            return .failure(Refusal(code: "InvalidDefinition", message: "The state must be a JSON object"))
        }
        var states: JSONObject = [name: stateJSON]
        var stubs: Set<String> = []
        for target in transitionTargets(stateObject) where target != name && states[target] == nil {
            states[target] = ["Type": "Wait", "Seconds": 1, "End": true]
            stubs.insert(target)
        }
        var machineJSON: JSONObject = ["StartAt": .string(name), "States": .object(states)]
        if let queryLanguage { machineJSON["QueryLanguage"] = queryLanguage }
        let machine: StateMachine
        switch DefinitionParser.parse(json: .object(machineJSON), options: options) {
        case .success(let m): machine = m
        case .failure(let invalid):
            let text = invalid.diagnostics.map(\.description).joined(separator: "; ")
            return .failure(Refusal(code: "InvalidDefinition", message: "Invalid State Machine Definition: '\(text)'"))
        }
        guard let state = machine.states[name] else {
            return .failure(Refusal(code: "InvalidDefinition", message: "The state '\(name)' is not in the definition"))
        }
        switch state.kind {
        case .task where mock == nil:
            return .failure(Refusal(code: "ValidationException",
                                    message: "Baton's TestState does not call the resource: give a mock (result or errorOutput) for a Task state"))
        case .parallel, .map:
            if mock != nil {
                return .failure(Refusal(code: "ValidationException",
                                        message: "Baton's TestState mocks Task states only; a \(state.typeName) state runs its own states"))
            }
            if containsTask(state) {
                return .failure(Refusal(code: "ValidationException",
                                        message: "Baton's TestState cannot run the Task states inside a \(state.typeName) state"))
            }
        default:
            break
        }
        let arn = "arn:aws:states:\(region):123456789012:stateMachine:TestState"
        let info = ExecutionInfo(executionArn: "arn:aws:states:\(region):123456789012:execution:TestState:test",
                                 name: "test", stateMachineArn: arn, stateMachineName: "TestState", roleArn: roleArn,
                                 region: region, startTime: now, input: input, seed: 1)
        var runner = Runner(execution: Execution(machine: machine, info: info,
                                                 limits: ExecutionLimits(maxHistoryEvents: 1_000)),
                            name: name, stubs: stubs, mock: mock)
        runner.run(variables: variables, now: now)
        return .success(runner.outcome(state: state, input: input, variables: variables))
    }

    /// Every state name the state may go to: Next, Default, each Choice's Next, each Catch's Next.
    static func transitionTargets(_ state: JSONObject) -> [String] {
        var out: [String] = []
        if let n = state["Next"]?.stringValue { out.append(n) }
        if let d = state["Default"]?.stringValue { out.append(d) }
        for c in state["Choices"]?.arrayValue ?? [] { if let n = c["Next"]?.stringValue { out.append(n) } }
        for c in state["Catch"]?.arrayValue ?? [] { if let n = c["Next"]?.stringValue { out.append(n) } }
        return out
    }

    static func containsTask(_ state: State) -> Bool {
        func any(_ list: StateList) -> Bool { list.states.values.contains(where: containsTask) }
        switch state.kind {
        case .task: return true
        case .parallel(let p): return p.branches.contains(where: any)
        case .map(let m): return any(m.processor)
        default: return false
        }
    }

    /// Drives the one-state execution until the state is done.
    struct Runner {
        var execution: Execution
        let name: String
        let stubs: Set<String>
        let mock: Mock?
        var events: [HistoryEvent] = []
        var retryDelay: Millis?
        var mockedResult: JSON?
        var finalVariables: [String: JSON]?

        mutating func run(variables: [String: JSON], now: Millis) {
            execution.begin(now)
            execution.emit(.executionStarted, .executionStarted(input: execution.info.input, roleArn: execution.info.roleArn,
                                                                 stateMachineArn: execution.info.stateMachineArn), frame: nil)
            let list = CompiledList(execution.machine.states)
            guard let start = list.startIndex else { return }
            let root = execution.newFrame(list: list, start: start, parent: nil, variables: variables, input: execution.info.input)
            execution.runnable.append(root)
            execution.drain()
            var step = execution.end()
            for _ in 0..<100 {
                events += step.events
                var next: ExecutionEvent?
                for command in step.commands {
                    switch command {
                    case .publishTask(let request):
                        switch mock {
                        case .result(let r)?:
                            mockedResult = r
                            next = .taskSucceeded(token: request.token, output: r)
                        case .error(let e, let c)?:
                            next = .taskFailed(token: request.token, error: e, cause: c)
                        case nil:
                            next = .taskFailed(token: request.token, error: StatesError.Name.taskFailed, cause: "no mock")
                        }
                    case .startTimer(let id, let due):
                        switch execution.timers[id] {
                        case .wait(let frame)?:
                            if let f = execution.frames[frame], stubs.contains(f.stateName), frame == root {
                                finalVariables = f.variables
                                return
                            }
                            next = .timerFired(id: id)
                        case .retry?:
                            retryDelay = due - now
                            finalVariables = execution.frames[root]?.variables
                            return
                        default:
                            break
                        }
                    case .finish:
                        finalVariables = execution.redrivePoint?.frame.variables
                        return
                    }
                }
                guard let event = next else { return }
                step = execution.handle(event, now: now)
            }
        }

        func outcome(state: State, input: JSON, variables: [String: JSON]) -> Outcome {
            var exitOutput: JSON?
            var nextState: String?
            var failure: (String?, String?)?
            for e in events {
                switch e.details {
                case .stateEntered(let n, _):
                    if exitOutput != nil, nextState == nil { nextState = n }
                case .stateExited(let n, let output) where n == name && exitOutput == nil:
                    exitOutput = output
                case .failure(let error, let cause) where failure == nil && !e.type.endsExecution:
                    failure = (error, cause)
                case .taskFailed(_, _, let error, let cause) where failure == nil:
                    failure = (error, cause)
                default:
                    break
                }
            }
            var inspection = inspectionData(state: state, input: input)
            if let v = finalVariables ?? (exitOutput == nil ? nil : variables), !v.isEmpty {
                var sorted = JSONObject()
                for key in v.keys.sorted() { sorted[key] = v[key] }
                inspection["variables"] = .string(JSON.object(sorted).serialized())
            }
            if let delay = retryDelay {
                var details: JSONObject = ["retryBackoffIntervalSeconds": .int(Int((delay + 999) / 1000))]
                if let error = failure?.0, let index = retriers(state).firstIndex(where: { $0.errorEquals.matchesError(error) }) {
                    details["retryIndex"] = .int(index)
                }
                inspection["errorDetails"] = .object(details)
                return Outcome(status: .retriable, output: nil, error: failure?.0, cause: failure?.1, nextState: nil,
                               inspection: inspection)
            }
            if let result = execution.result, result.status != .succeeded, exitOutput == nil {
                return Outcome(status: .failed, output: nil, error: result.error, cause: result.cause, nextState: nil,
                               inspection: inspection)
            }
            if let failure, let output = exitOutput {
                if let error = failure.0, let index = catchers(state).firstIndex(where: { $0.errorEquals.matchesError(error) }) {
                    inspection["errorDetails"] = ["catchIndex": .int(index)]
                }
                return Outcome(status: .caughtError, output: output, error: failure.0, cause: failure.1, nextState: nextState,
                               inspection: inspection)
            }
            return Outcome(status: .succeeded, output: exitOutput ?? execution.result?.output, error: nil, cause: nil,
                           nextState: nextState, inspection: inspection)
        }

        func retriers(_ state: State) -> [Retrier] {
            switch state.kind {
            case .task(let t): return t.retry
            case .parallel(let p): return p.retry
            case .map(let m): return m.retry
            default: return []
            }
        }

        func catchers(_ state: State) -> [Catcher] {
            switch state.kind {
            case .task(let t): return t.catchers
            case .parallel(let p): return p.catchers
            case .map(let m): return m.catchers
            default: return []
            }
        }

        /// The data at each step of the state's input and output processing, as AWS's inspectionData shows it.
        func inspectionData(state: State, input: JSON) -> JSONObject {
            var o: JSONObject = ["input": .string(input.serialized())]
            var probe = Execution(machine: execution.machine, info: execution.info, limits: execution.limits)
            let list = CompiledList(probe.machine.states)
            guard let start = list.startIndex else { return o }
            let id = probe.newFrame(list: list, start: start, parent: nil, variables: [:], input: input)
            if state.queryLanguage == .jsonata {
                for e in events {
                    if case .taskScheduled(_, _, _, let parameters, _, _) = e.details { o["afterArguments"] = .string(parameters.serialized()) }
                }
                if let r = mockedResult { o["result"] = .string(r.serialized()) }
                return o
            }
            guard let afterInputPath = try? probe.inputAfterInputPath(id, state) else { return o }
            o["afterInputPath"] = .string(afterInputPath.serialized())
            var result: JSON?
            for e in events {
                switch e.details {
                case .taskScheduled(_, _, _, let parameters, _, _), .activityScheduled(_, let parameters, _, _),
                     .lambdaScheduled(_, let parameters, _):
                    o["afterParameters"] = .string(parameters.serialized())
                default: break
                }
            }
            if case .pass(let pass) = state.kind {
                if let r = pass.result {
                    result = r
                } else if let params = state.parameters,
                          let evaluated = try? probe.evaluate(params, input: afterInputPath, frame: id, field: "Parameters") {
                    o["afterParameters"] = .string(evaluated.serialized())
                    result = evaluated
                } else {
                    result = afterInputPath
                }
            } else if let r = mockedResult {
                result = r
            }
            guard var value = result else { return o }
            o["result"] = .string(value.serialized())
            if let selector = state.resultSelector, let selected = try? probe.evaluate(selector, input: value, frame: id, field: "ResultSelector") {
                value = selected
                o["afterResultSelector"] = .string(value.serialized())
            }
            switch state.resultPath {
            case .discard: value = input
            case .path(let p):
                if p.text != "$", let set = try? p.setting(value, in: input) { value = set }
            }
            o["afterResultPath"] = .string(value.serialized())
            return o
        }
    }
}
