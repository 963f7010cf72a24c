import BatonLanguage

// When a state fails: the first Retry entry whose ErrorEquals matches decides — retry after a
// timer while attempts remain, else fall through to Catch; the first matching Catch entry moves
// on with the error as data; otherwise the frame fails (and with it the execution, a Parallel
// branch or a Map iteration). States.Runtime is never retried or caught.

extension Execution {
    /// Errors the interpreter raises itself carry AWS's prefix naming the state and its entry event.
    func prefixed(_ e: StatesError, _ id: Int) -> StatesError {
        switch e.error {
        case StatesError.Name.runtime, StatesError.Name.queryEvaluationError:
            let f = frames[id]
            let prefix = "An error occurred while executing the state '\(f?.stateName ?? "")' (entered at the event id #\(f?.enteredEventId ?? 0)). "
            return StatesError(e.error, prefix + e.cause)
        default:
            return e
        }
    }

    /// `alsoMatches` names a second error that Retry and Catch may name for this failure (a missed heartbeat
    /// is reported as States.Timeout yet matched by States.HeartbeatTimeout too).
    mutating func failState(_ id: Int, _ state: State, _ raw: StatesError, hasCause: Bool = true, fromTask: Bool = false,
                            alsoMatches: String? = nil) {
        guard let f = frames[id] else { return }
        let e = fromTask ? raw : prefixed(raw, id)
        let cause: String? = hasCause ? e.cause : nil
        let (retriers, catchers) = handlers(state)
        if e.error != StatesError.Name.runtime {
            if f.retryCounts.count != retriers.count {
                frames[id]?.retryCounts = Array(repeating: 0, count: retriers.count)
            }
            func matches(_ names: [String]) -> Bool {
                names.matchesError(e.error) || (alsoMatches.map { names.contains($0) } ?? false)
            }
            if let index = retriers.firstIndex(where: { matches($0.errorEquals) }) {
                let r = retriers[index]
                let count = frames[id]?.retryCounts[index] ?? 0
                if count < r.maxAttempts {
                    frames[id]?.retryCounts[index] = count + 1
                    let delay = retryDelay(r, attempt: count)
                    let timer = armTimer(.retry(frame: id), dueAt: now + delay)
                    frames[id]?.phase = .waitingTimer(timer)
                    return
                }
            }
            if let c = catchers.first(where: { matches($0.errorEquals) }) {
                var errorOutput: JSONObject = ["Error": .string(e.error)]
                if let cause { errorOutput["Cause"] = .string(cause) }
                do throws(StatesError) {
                    var output: JSON
                    if state.queryLanguage == .jsonata {
                        let binding = StatesBinding(input: f.rawInput, errorOutput: .object(errorOutput))
                        let assigned = try jsonataAssign(c.assign, frame: id, binding: binding)
                        output = try c.output.map { o throws(StatesError) in
                            try evaluateJSONataTemplate(o, field: "Output", frame: id, binding: binding)
                        } ?? .object(errorOutput)
                        setVariables(id, assigned)
                    } else {
                        switch c.resultPath {
                        case .discard: output = f.rawInput
                        case .path(let p): output = p.text == "$" ? .object(errorOutput) : try p.setting(.object(errorOutput), in: f.rawInput)
                        }
                        if let assign = c.assign { try assignVariables(id, assign, input: .object(errorOutput)) }
                    }
                    exitState(id, state, output: output)
                    transition(id, .next(c.next), output: output)
                } catch {
                    endFrame(id, .failure(error: error.error, cause: prefixed(error, id).cause))
                }
                return
            }
        }
        endFrame(id, .failure(error: e.error, cause: cause))
    }

    func handlers(_ state: State) -> ([Retrier], [Catcher]) {
        switch state.kind {
        case .task(let t): return (t.retry, t.catchers)
        case .parallel(let p): return (p.retry, p.catchers)
        case .map(let m): return (m.retry, m.catchers)
        default: return ([], [])
        }
    }

    /// IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds, with FULL jitter drawn from the seed.
    mutating func retryDelay(_ r: Retrier, attempt: Int) -> Millis {
        var seconds = Double(r.intervalSeconds)
        for _ in 0..<attempt { seconds *= r.backoffRate }
        if let cap = r.maxDelaySeconds { seconds = min(seconds, Double(cap)) }
        seconds = min(seconds, 31_622_400)
        if r.jitterStrategy == .full { seconds *= random.nextUnit() }
        return Millis((seconds * 1000).rounded())
    }
}
