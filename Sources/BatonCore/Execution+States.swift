import BatonLanguage

// How each state type runs. Synchronous states (Pass, Choice, Succeed, Fail) complete at once;
// Task, Wait, Parallel and Map park their frame until an event or their children resume it.

extension Execution {
    /// Runs a frame's states until it waits or ends.
    mutating func runFrame(_ id: Int) {
        while status == .running, let phase = frames[id]?.phase, let node = frames[id]?.node {
            let isRetry: Bool
            switch phase {
            case .enter: isRetry = false
            case .execute: isRetry = true
            default: return
            }
            let state = node.state
            if !isRetry { enterState(id, state) }
            do throws(StatesError) {
                try executeState(id, node)
            } catch {
                failState(id, state, error)
            }
        }
    }

    mutating func enterState(_ id: Int, _ state: State) {
        frames[id]?.enteredTime = now
        frames[id]?.retryCounts = []
        guard let input = frames[id]?.rawInput else { return }
        emit(enteredType(state), .stateEntered(name: state.name, input: input), frame: id)
        frames[id]?.enteredEventId = lastEventId
    }

    mutating func executeState(_ id: Int, _ node: CompiledState) throws(StatesError) {
        let state = node.state
        switch state.kind {
        case .pass(let pass):
            let input = try inputAfterInputPath(id, state)
            let result: JSON
            if let r = pass.result {
                result = r
            } else if let params = state.parameters {
                result = try evaluate(params, input: input, frame: id, field: "Parameters")
            } else {
                result = input
            }
            try completeState(id, state, result: result)

        case .task(let task):
            try startTask(id, state, task)

        case .choice(let choice):
            let input = try inputAfterInputPath(id, state)
            var env = environment(id, input: input)
            var chosen: ChoiceBranch?
            for branch in choice.choices {
                if try conditionHolds(branch.condition, env: &env, frame: id) {
                    chosen = branch
                    break
                }
            }
            let next: String
            // The taken rule's Assign and Output, or the state's own when Default is taken.
            let assign: ValueTemplate?
            let outputTemplate: JSON?
            if let chosen {
                next = chosen.next
                assign = chosen.assign
                outputTemplate = chosen.output
            } else if let d = choice.defaultNext {
                next = d
                assign = state.assign
                outputTemplate = state.output
            } else {
                throw StatesError(StatesError.Name.noChoiceMatched,
                                  "No Choice Rule matched and no Default was specified.")
            }
            let assigned: JSONObject
            let output: JSON
            if state.queryLanguage == .jsonata {
                let binding = StatesBinding(input: input)
                assigned = try jsonataAssign(assign, frame: id, binding: binding)
                output = try jsonataOutput(outputTemplate, frame: id, binding: binding)
            } else {
                assigned = try assign.map { a throws(StatesError) in try evaluateAssign(id, a, input: input) } ?? [:]
                output = try outputAfterOutputPath(id, state, input)
            }
            setVariables(id, assigned)
            exitState(id, state, output: output)
            transition(id, .next(next), output: output)

        case .wait(let wait):
            let input = try inputAfterInputPath(id, state)
            frames[id]?.effectiveInput = input
            let due = try waitDue(id, wait, input: input)
            let timer = armTimer(.wait(frame: id), dueAt: due)
            frames[id]?.phase = .waitingTimer(timer)

        case .succeed:
            let input = try inputAfterInputPath(id, state)
            let output = state.queryLanguage == .jsonata
                ? try jsonataOutput(state.output, frame: id, binding: StatesBinding(input: input))
                : try outputAfterOutputPath(id, state, input)
            exitState(id, state, output: output)
            endFrame(id, .success(output))

        case .fail(let fail):
            let env = environment(id, input: frames[id]?.rawInput ?? .null)
            let error = try resolveString(fail.error, env: env, field: "ErrorPath", frame: id)
            let cause = try resolveString(fail.cause, env: env, field: "CausePath", frame: id)
            endFrame(id, .failure(error: error, cause: cause))

        case .parallel(let parallel):
            let input = try inputAfterInputPath(id, state)
            var effective = input
            if let params = state.parameters {
                effective = try evaluate(params, input: input, frame: id, field: state.queryLanguage == .jsonata ? "Arguments" : "Parameters")
            }
            frames[id]?.effectiveInput = input
            _ = parallel
            startParallel(id, node, input: effective)

        case .map(let map):
            let input = try inputAfterInputPath(id, state)
            frames[id]?.effectiveInput = input
            try startMap(id, node, map, input: input)
        }
    }

    /// Finishes a state that produced `result`: ResultSelector, Assign, ResultPath, OutputPath, then on.
    mutating func completeState(_ id: Int, _ state: State, result: JSON, selector: Bool = false) throws(StatesError) {
        guard let rawInput = frames[id]?.rawInput else { return }
        if state.queryLanguage == .jsonata {
            // JSONata: Assign and Output see $states.input and (for work states) $states.result.
            let binding = StatesBinding(input: rawInput, result: selector ? result : nil)
            let assigned = try jsonataAssign(state.assign, frame: id, binding: binding)
            let output = try state.output == nil && !selector ? result : jsonataOutput(state.output, frame: id, binding: binding)
            try checkSize(output, state: state.name)
            setVariables(id, assigned)
            exitState(id, state, output: output)
            if let t = state.transition { transition(id, t, output: output) } else { endFrame(id, .success(output)) }
            return
        }
        var result = result
        if selector, let sel = state.resultSelector {
            result = try evaluate(sel, input: result, frame: id, field: "ResultSelector")
        }
        // Assign is evaluated on the result, but the variables change only after OutputPath has read them.
        var assigned: JSONObject = [:]
        if let assign = state.assign {
            assigned = try evaluateAssign(id, assign, input: result)
        }
        var output: JSON
        switch state.resultPath {
        case .discard:
            output = rawInput
        case .path(let p):
            output = p.text == "$" ? result : try p.setting(result, in: rawInput)
        }
        output = try outputAfterOutputPath(id, state, output)
        try checkSize(output, state: state.name)
        setVariables(id, assigned)
        exitState(id, state, output: output)
        if let t = state.transition {
            transition(id, t, output: output)
        } else {
            endFrame(id, .success(output))
        }
    }

    mutating func exitState(_ id: Int, _ state: State, output: JSON) {
        if let t = exitedType(state) {
            emit(t, .stateExited(name: state.name, output: output), frame: id)
        }
    }

    /// Moves a frame to its next state, or ends it.
    mutating func transition(_ id: Int, _ t: Transition, output: JSON) {
        switch t {
        case .next(let name):
            guard let index = frames[id]?.list.indexByName[name] else {
                endFrame(id, .failure(error: StatesError.Name.runtime, cause: "State '\(name)' does not exist"))
                return
            }
            frames[id]?.stateIndex = index
            frames[id]?.rawInput = output
            frames[id]?.phase = .enter
            frames[id]?.effectiveInput = .null
        case .end:
            endFrame(id, .success(output))
        }
    }

    /// How a frame ended.
    enum FrameOutcome {
        case success(JSON)
        case failure(error: String?, cause: String?)
    }

    /// Ends a frame: the execution when it is the root, else its part of a Parallel or Map.
    mutating func endFrame(_ id: Int, _ outcome: FrameOutcome) {
        guard frames[id] != nil else { return }
        guard let parent = frames[id]?.parent else {
            switch outcome {
            case .success(let output):
                finishExecution(ExecutionResult(status: .succeeded, output: output), frame: id)
            case .failure(let error, let cause):
                finishExecution(ExecutionResult(status: .failed, error: error, cause: cause), frame: id)
            }
            return
        }
        frames[id]?.phase = .waitingJoin(-1)
        switch outcome {
        case .success(let output):
            childSucceeded(id, parent, output: output)
        case .failure(let error, let cause):
            childFailed(id, parent, error: error, cause: cause)
        }
    }

    func enteredType(_ state: State) -> HistoryEventType {
        switch state.kind {
        case .pass: return .passStateEntered
        case .task: return .taskStateEntered
        case .choice: return .choiceStateEntered
        case .wait: return .waitStateEntered
        case .succeed: return .succeedStateEntered
        case .fail: return .failStateEntered
        case .parallel: return .parallelStateEntered
        case .map: return .mapStateEntered
        }
    }

    func exitedType(_ state: State) -> HistoryEventType? {
        switch state.kind {
        case .pass: return .passStateExited
        case .task: return .taskStateExited
        case .choice: return .choiceStateExited
        case .wait: return .waitStateExited
        case .succeed: return .succeedStateExited
        case .fail: return nil
        case .parallel: return .parallelStateExited
        case .map: return .mapStateExited
        }
    }

    // MARK: Wait

    mutating func waitDue(_ id: Int, _ wait: WaitState, input: JSON) throws(StatesError) -> Millis {
        let env = environment(id, input: input)
        switch wait.duration {
        case .seconds(.value(let s)):
            return now + Millis(s * 1000)
        case .seconds(.path(let p)):
            guard let v = p.evaluate(in: env) else {
                throw StatesError.runtime("Invalid path '\(p.text)' : No results for path: \(normalized(p))")
            }
            guard let d = v.doubleValue, v.isIntegral else {
                throw StatesError.runtime("The SecondsPath parameter cannot be parsed as a long value: \(p.text) == \(v.serialized())")
            }
            guard d >= 0 else {
                throw StatesError.runtime("The SecondsPath parameter references a negative value: \(p.text) == \(v.serialized())")
            }
            guard d <= 99_999_999 else { throw StatesError.runtime("Wait state delay is too long.") }
            return now + Millis(d) * 1000
        case .seconds(.jsonata(let text)):
            let expr = JSONataBridge.expression(text) ?? text
            let v = try evaluateJSONata(expr, field: "Seconds", frame: id, binding: StatesBinding(input: input))
            guard let n = v.intValue, n >= 0 else {
                throw StatesError(StatesError.Name.queryEvaluationError,
                                  "The JSONata expression '\(expr)' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '\(v.typeName)' for value: \(v.serialized())")
            }
            guard n <= 99_999_999 else { throw StatesError.runtime("Wait state delay is too long.") }
            return now + Millis(n) * 1000
        case .timestamp(let source):
            guard let text = try resolveString(source, env: env, field: "TimestampPath", frame: id) else {
                throw StatesError.runtime("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string")
            }
            guard let due = Timestamps.parse(text) else {
                if case .jsonata = source {
                    throw StatesError(StatesError.Name.queryEvaluationError,
                                      "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: \(text)")
                }
                let pathText: String
                if case .path(let p) = source { pathText = p.text } else { pathText = "Timestamp" }
                throw StatesError.runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \(pathText) == \(text)")
            }
            guard due - now <= 99_999_999 * 1000 else { throw StatesError.runtime("Wait state delay is too long.") }
            return due
        }
    }

    mutating func waitEnded(_ id: Int) {
        guard let f = frames[id] else { return }
        let state = f.node.state
        do throws(StatesError) {
            let assigned: JSONObject
            let output: JSON
            if state.queryLanguage == .jsonata {
                let binding = StatesBinding(input: f.effectiveInput)
                assigned = try jsonataAssign(state.assign, frame: id, binding: binding)
                output = try jsonataOutput(state.output, frame: id, binding: binding)
            } else {
                assigned = try state.assign.map { a throws(StatesError) in try evaluateAssign(id, a, input: f.effectiveInput) } ?? [:]
                output = try outputAfterOutputPath(id, state, f.effectiveInput)
            }
            setVariables(id, assigned)
            exitState(id, state, output: output)
            if let t = state.transition { transition(id, t, output: output) } else { endFrame(id, .success(output)) }
        } catch {
            failState(id, state, error)
        }
        runnable.append(id)
    }
}
