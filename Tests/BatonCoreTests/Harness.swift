import BatonCore
import BatonLanguage
import Testing

/// Errors of the test harness itself (a definition that does not parse, a missing task …).
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Parses definition text, failing the test with every diagnostic when it is not valid.
func parseMachine(_ text: String) throws -> StateMachine {
    switch DefinitionParser.parse(text: text) {
    case .success(let machine):
        return machine
    case .failure(let invalid):
        throw HarnessError("definition does not parse: \(invalid.diagnostics.map(\.description).joined(separator: "; "))")
    }
}

/// Parses JSON text used as an input or an expected value.
func json(_ text: String) throws -> JSON {
    try JSONParser.parse(text)
}

/// One execution driven by hand: every event is fed explicitly, time is a parameter, nothing sleeps.
/// It records the whole history, every command, the tasks published and not answered yet, and the
/// timers armed and not fired yet.
struct Drive {
    static let t0: Millis = 1_700_000_000_000

    var execution: Execution
    var now: Millis
    var history: [HistoryEvent] = []
    var commands: [Command] = []
    /// Tasks published and not answered yet, in publication order.
    var openTasks: [TaskRequest] = []
    /// Timers armed and not fired yet, in arming order.
    var openTimers: [(id: String, dueAt: Millis)] = []
    /// The largest number of tasks that were ever outstanding at once.
    var maxOpenTasks = 0
    /// The last step returned by the interpreter.
    var lastStep = Step()

    init(_ definition: String, input: JSON = .object([:]), seed: UInt64 = 7, start: Millis = Drive.t0,
         limits: ExecutionLimits = .init(), name: String = "exec-1") throws {
        let machine = try parseMachine(definition)
        let info = ExecutionInfo(
            executionArn: "arn:aws:states:us-east-1:123456789012:execution:Machine:\(name)",
            name: name,
            stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:Machine",
            stateMachineName: "Machine",
            roleArn: "arn:aws:iam::123456789012:role/test",
            startTime: start, input: input, seed: seed)
        execution = Execution(machine: machine, info: info, limits: limits)
        now = start
        absorb(execution.start(now: start))
    }

    var status: ExecutionStatus { execution.status }
    var result: ExecutionResult? { execution.result }
    var types: [String] { history.map(\.type.rawValue) }
    var output: JSON? { execution.result?.output }

    mutating func absorb(_ step: Step) {
        lastStep = step
        history.append(contentsOf: step.events)
        commands.append(contentsOf: step.commands)
        for c in step.commands {
            switch c {
            case .publishTask(let r): openTasks.append(r)
            case .startTimer(let id, let due): openTimers.append((id, due))
            case .finish: break
            }
        }
        maxOpenTasks = max(maxOpenTasks, openTasks.count)
    }

    /// Feeds one event at `at` (default: the current time) and returns what it produced.
    @discardableResult
    mutating func send(_ event: ExecutionEvent, at: Millis? = nil) -> Step {
        if let at { now = at }
        let step = execution.handle(event, now: now)
        absorb(step)
        return step
    }

    /// The oldest unanswered task (optionally of a given state).
    func task(_ state: String? = nil) throws -> TaskRequest {
        guard let t = openTasks.first(where: { state == nil || $0.stateName == state }) else {
            throw HarnessError("no open task\(state.map { " of state \($0)" } ?? ""); open: \(openTasks.map(\.stateName))")
        }
        return t
    }

    private mutating func close(_ token: String) {
        openTasks.removeAll { $0.token == token }
    }

    /// Answers the oldest open task (of `state`) with `output`.
    @discardableResult
    mutating func succeed(_ state: String? = nil, output: JSON? = nil, at: Millis? = nil) throws -> Step {
        let t = try task(state)
        close(t.token)
        return send(.taskSucceeded(token: t.token, output: output ?? t.input), at: at)
    }

    /// Fails the oldest open task (of `state`).
    @discardableResult
    mutating func fail(_ state: String? = nil, error: String, cause: String? = nil, at: Millis? = nil) throws -> Step {
        let t = try task(state)
        close(t.token)
        return send(.taskFailed(token: t.token, error: error, cause: cause), at: at)
    }

    /// The timers armed by the last step.
    var lastTimers: [(id: String, dueAt: Millis)] {
        lastStep.commands.compactMap { if case .startTimer(let id, let due) = $0 { (id, due) } else { nil } }
    }

    /// The tasks published by the last step.
    var lastTasks: [TaskRequest] {
        lastStep.commands.compactMap { if case .publishTask(let r) = $0 { r } else { nil } }
    }

    /// Fires the armed timer that is due first, at its due time (a virtual clock).
    @discardableResult
    mutating func fireNextTimer() throws -> (id: String, dueAt: Millis) {
        guard let next = openTimers.enumerated().min(by: { $0.element.dueAt < $1.element.dueAt }) else {
            throw HarnessError("no timer armed")
        }
        openTimers.remove(at: next.offset)
        send(.timerFired(id: next.element.id), at: max(now, next.element.dueAt))
        return next.element
    }

    /// Fires one specific timer at `at` (default: its due time).
    mutating func fire(_ id: String, at: Millis? = nil) {
        let due = openTimers.first { $0.id == id }?.dueAt ?? now
        openTimers.removeAll { $0.id == id }
        send(.timerFired(id: id), at: at ?? max(now, due))
    }

    /// Events of one type in the whole history.
    func events(_ type: HistoryEventType) -> [HistoryEvent] {
        history.filter { $0.type == type }
    }

    /// The history as GetExecutionHistory would return it, in text: the determinism fingerprint.
    var historyText: String {
        history.map { $0.awsJSON().serialized() }.joined(separator: "\n")
    }
}

extension HistoryEvent {
    /// The `name` of a StateEntered/StateExited event.
    var stateName: String? {
        switch details {
        case .stateEntered(let name, _), .stateExited(let name, _): return name
        default: return nil
        }
    }

    /// The input of a StateEntered event or the output of a StateExited event.
    var payload: JSON? {
        switch details {
        case .stateEntered(_, let v), .stateExited(_, let v): return v
        default: return nil
        }
    }
}
