import BatonLanguage

// Task states: publish the task with an unguessable token, arm its timeout and heartbeat timers,
// and complete, retry or fail when the answer or a timer arrives. Answers for unknown or stale
// tokens change nothing.

extension Execution {
    mutating func startTask(_ id: Int, _ state: State, _ task: TaskState) throws(StatesError) {
        let input = try inputAfterInputPath(id, state)
        frames[id]?.effectiveInput = input
        let resource = TaskResource(task.resource)
        let attempt = frames[id]?.retryCounts.reduce(0, +) ?? 0
        let token = newToken()
        var parameters = input
        if let params = state.parameters {
            parameters = try evaluate(params, input: input, frame: id, field: state.queryLanguage == .jsonata ? "Arguments" : "Parameters", taskToken: token)
        }
        let env = environment(id, input: input)
        let timeout = try seconds(task.timeoutSeconds, env: env, field: "TimeoutSecondsPath", frame: id)
        let heartbeat = try seconds(task.heartbeatSeconds, env: env, field: "HeartbeatSecondsPath", frame: id)
        try checkSize(parameters, state: state.name)

        let (resourceType, resourceName) = resource.historyResourceTypeAndName
        switch resource {
        case .lambdaFunction(let arn, _):
            emit(.lambdaFunctionScheduled, .lambdaScheduled(resource: arn, input: parameters, timeoutInSeconds: timeout), frame: id)
            emit(.lambdaFunctionStarted, .none, frame: id)
        case .activity(let arn, _):
            emit(.activityScheduled, .activityScheduled(resource: arn, input: parameters, timeoutInSeconds: timeout,
                                                        heartbeatInSeconds: heartbeat), frame: id)
        default:
            emit(.taskScheduled, .taskScheduled(resourceType: resourceType, resource: resourceName, region: info.region,
                                                parameters: parameters, timeoutInSeconds: timeout,
                                                heartbeatInSeconds: heartbeat), frame: id)
            emit(.taskStarted, .taskStarted(resourceType: resourceType, resource: resourceName), frame: id)
        }

        var pending = PendingTask(frame: id, resource: resource, heartbeatSeconds: heartbeat)
        if let timeout {
            _ = armTimer(.taskTimeout(token: token), dueAt: now + Millis(timeout) * 1000)
        }
        if let heartbeat {
            pending.heartbeatTimer = armTimer(.heartbeat(token: token), dueAt: now + Millis(heartbeat) * 1000)
        }
        tasks[token] = pending
        frames[id]?.phase = .waitingTask(token)
        step.commands.append(.publishTask(TaskRequest(
            token: token, resource: resource, input: parameters, stateName: state.name, attempt: attempt,
            timeoutSeconds: timeout, heartbeatSeconds: heartbeat)))
    }

    /// A positive whole number of seconds from TimeoutSeconds(Path) / HeartbeatSeconds(Path).
    mutating func seconds(_ source: NumberSource?, env: PathEnvironment, field: String, frame id: Int) throws(StatesError) -> Int? {
        guard let v = try resolveNumber(source, env: env, field: field, frame: id) else { return nil }
        guard let n = v.intValue, n > 0 else {
            throw StatesError.runtime("The \(field) field refers to value \(v.serialized()) which is not a valid positive integer")
        }
        return n
    }

    mutating func newToken() -> String {
        "\(tokenPrefix)-\(serial())-\(String(random.next() & 0xFFFF_FFFF, radix: 16))"
    }

    mutating func taskSucceeded(token: String, output: JSON) {
        guard let task = tasks.removeValue(forKey: token), let f = frames[task.frame] else { return }
        let state = f.node.state
        let id = task.frame
        switch task.resource {
        case .lambdaFunction: emit(.lambdaFunctionSucceeded, .lambdaSucceeded(output: output), frame: id)
        case .activity: emit(.activitySucceeded, .activitySucceeded(output: output), frame: id)
        default:
            let (rt, r) = task.resource.historyResourceTypeAndName
            emit(.taskSucceeded, .taskSucceeded(resourceType: rt, resource: r, output: output), frame: id)
        }
        do throws(StatesError) {
            try checkSize(output, state: state.name)
            try completeState(id, state, result: output, selector: true)
        } catch {
            failState(id, state, error)
        }
        runnable.append(id)
    }

    mutating func taskFailed(token: String, error: String, cause: String?, timedOut: Bool, heartbeat: Bool = false) {
        guard let task = tasks.removeValue(forKey: token), let f = frames[task.frame] else { return }
        let state = f.node.state
        let id = task.frame
        let (rt, r) = task.resource.historyResourceTypeAndName
        switch (task.resource, timedOut) {
        case (.lambdaFunction, false): emit(.lambdaFunctionFailed, .failure(error: error, cause: cause), frame: id)
        case (.lambdaFunction, true): emit(.lambdaFunctionTimedOut, .failure(error: error, cause: cause), frame: id)
        case (.activity, false): emit(.activityFailed, .failure(error: error, cause: cause), frame: id)
        case (.activity, true): emit(.activityTimedOut, .failure(error: error, cause: cause), frame: id)
        case (_, false): emit(.taskFailed, .taskFailed(resourceType: rt, resource: r, error: error, cause: cause), frame: id)
        case (_, true): emit(.taskTimedOut, .taskFailed(resourceType: rt, resource: r, error: error, cause: cause), frame: id)
        }
        failState(id, state, StatesError(error, cause ?? ""), hasCause: cause != nil, fromTask: true,
                  alsoMatches: heartbeat ? StatesError.Name.heartbeatTimeout : nil)
        runnable.append(id)
    }

    mutating func taskHeartbeat(token: String) {
        guard var task = tasks[token], let hb = task.heartbeatSeconds else { return }
        if let old = task.heartbeatTimer { timers[old] = nil }
        task.heartbeatTimer = armTimer(.heartbeat(token: token), dueAt: now + Millis(hb) * 1000)
        tasks[token] = task
    }

    mutating func timerFired(_ timerId: String) {
        guard let purpose = timers.removeValue(forKey: timerId) else { return }
        switch purpose {
        case .wait(let id):
            guard let f = frames[id], case .waitingTimer(let t) = f.phase, t == timerId else { return }
            waitEnded(id)
        case .retry(let id):
            guard let f = frames[id], case .waitingTimer(let t) = f.phase, t == timerId else { return }
            frames[id]?.phase = .execute
            runnable.append(id)
        case .taskTimeout(let token):
            guard tasks[token] != nil else { return }
            taskFailed(token: token, error: StatesError.Name.timeout, cause: nil, timedOut: true)
        case .heartbeat(let token):
            guard let task = tasks[token], task.heartbeatTimer == timerId else { return }
            // AWS records a missed heartbeat as TaskTimedOut with States.Timeout (recorded against AWS).
            taskFailed(token: token, error: StatesError.Name.timeout, cause: nil, timedOut: true, heartbeat: true)
        case .executionTimeout:
            finishExecution(ExecutionResult(status: .timedOut, error: StatesError.Name.timeout,
                                            cause: "The execution has timed out."), frame: nil)
        }
    }
}
