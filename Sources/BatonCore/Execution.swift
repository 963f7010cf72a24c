import BatonLanguage

// The interpreter: one execution of a state machine as a pure value.
//
//   start(now)                       -> ExecutionStarted, states run until every path waits
//   handle(.taskSucceeded, now)      -> the waiting Task completes; its path runs on
//   handle(.taskFailed, now)         -> Retry (a timer), Catch (a transition) or the path fails
//   handle(.taskHeartbeat, now)      -> the task's heartbeat timer is re-armed
//   handle(.timerFired, now)         -> a Wait ends, a retry starts, a task times out; stale ids are ignored
//   handle(.stopRequested, now)      -> ExecutionAborted
//
// A "frame" is one path through a list of states: the machine itself, a Parallel branch or a Map
// iteration. Frames that wait for a task, a timer or their children are parked; everything else
// runs at once. Parallel and Map keep a "join" that collects their children's results.
// No clock, randomness or I/O: time comes in as `now`, randomness from the execution's seed.

/// One execution of a state machine: feed it events, get history events and commands back.
public struct Execution: Sendable {
    public let machine: StateMachine
    /// Fixed at the start, but for `redriveCount`, which a redrive raises.
    public internal(set) var info: ExecutionInfo
    public let limits: ExecutionLimits
    public private(set) var status: ExecutionStatus = .running
    /// The result once the execution has ended.
    public private(set) var result: ExecutionResult?

    var frames = FrameTable()
    var joins: [Int: Join] = [:]
    var tasks: [String: PendingTask] = [:]
    var timers: [String: TimerPurpose] = [:]
    var nextJoinId = 0
    var nextSerial = 0
    var lastEventId = 0
    var random: DeterministicRandom
    /// The start of every task token this execution issues (random, from its seed).
    public let tokenPrefix: String
    var now: Millis = 0
    var step = Step()
    var runnable: [Int] = []
    /// The parts of the context object that never change, built once.
    var contextExecution: JSON
    let contextStateMachine: JSON
    /// Where a redrive resumes: the top-level path as it was when the execution failed (Execution+Redrive.swift).
    var redrivePoint: RedrivePoint?
    /// JSONata expressions compiled on first use (a memo: sharing it between copies is harmless).
    let jsonataCache = JSONataCache()

    public init(machine: StateMachine, info: ExecutionInfo, limits: ExecutionLimits = .init()) {
        self.machine = machine
        self.info = info
        self.limits = limits
        var random = DeterministicRandom(seed: info.seed)
        var prefix = ""
        for _ in 0..<2 {
            let v = random.next()
            let hex = String(v, radix: 16)
            prefix += String(repeating: "0", count: 16 - hex.count) + hex
        }
        self.tokenPrefix = prefix
        self.random = random
        contextExecution = [
            "Id": .string(info.executionArn),
            "Input": info.input,
            "StartTime": .string(Timestamps.format(info.startTime)),
            "Name": .string(info.name),
            "RoleArn": .string(info.roleArn),
            "RedriveCount": .int(info.redriveCount),
        ]
        contextStateMachine = ["Id": .string(info.stateMachineArn), "Name": .string(info.stateMachineName)]
    }

    /// Starts the execution: records ExecutionStarted and runs until every path waits or it ends.
    public mutating func start(now: Millis) -> Step {
        begin(now)
        emit(.executionStarted, .executionStarted(input: info.input, roleArn: info.roleArn,
                                                   stateMachineArn: info.stateMachineArn), frame: nil)
        if let t = machine.timeoutSeconds {
            armTimer(.executionTimeout, dueAt: now + Millis(t) * 1000)
        }
        let list = CompiledList(machine.states)
        guard let start = list.startIndex else {
            finishExecution(ExecutionResult(status: .failed, error: StatesError.Name.runtime,
                                            cause: "StartAt '\(machine.states.startAt)' names no state"), frame: nil)
            return end()
        }
        let root = newFrame(list: list, start: start, parent: nil, variables: [:], input: info.input)
        runnable.append(root)
        drain()
        return end()
    }

    /// Applies one event and runs until every path waits again or the execution ends.
    public mutating func handle(_ event: ExecutionEvent, now: Millis) -> Step {
        begin(now)
        if case .timerFired(let id) = event, id == Self.redriveEventId {
            // RedriveExecution (Execution+Redrive.swift), journaled as this reserved timer id.
            guard isRedrivable, let point = redrivePoint else { return end() }
            status = .running
            result = nil
            redrivePoint = nil
            resume(from: point)
            drain()
            return end()
        }
        guard status == .running else { return end() }
        switch event {
        case .taskSucceeded(let token, let output):
            taskSucceeded(token: token, output: output)
        case .taskFailed(let token, let error, let cause):
            taskFailed(token: token, error: error, cause: cause, timedOut: false)
        case .taskHeartbeat(let token):
            taskHeartbeat(token: token)
        case .timerFired(let id):
            timerFired(id)
        case .stopRequested(let error, let cause):
            finishExecution(ExecutionResult(status: .aborted, error: error, cause: cause), frame: nil)
        }
        drain()
        return end()
    }

    /// The tokens of the tasks the execution waits for.
    public var pendingTaskTokens: [String] { Array(tasks.keys) }

    /// True while the execution waits for the task with this token.
    public func isPending(token: String) -> Bool { tasks[token] != nil }

    /// True while a timer with this id still matters.
    public func isArmed(timer id: String) -> Bool { timers[id] != nil }

    mutating func begin(_ now: Millis) {
        self.now = max(now, self.now)
        step = Step()
    }

    mutating func end() -> Step {
        let s = step
        step = Step()
        return s
    }

    /// Runs runnable frames until none is left.
    mutating func drain() {
        while let id = runnable.popLast() {
            guard status == .running else {
                runnable.removeAll()
                return
            }
            runFrame(id)
        }
    }

    // MARK: Bookkeeping

    mutating func emit(_ type: HistoryEventType, _ details: HistoryEvent.Details, frame: Int?) {
        guard status == .running else { return }
        if let frame, frames[frame]?.silent == true { return }
        let id = lastEventId + 1
        if id >= limits.maxHistoryEvents, !type.endsExecution {
            // The history quota (an endless loop): the last event an execution may have is its ExecutionFailed.
            finishExecution(ExecutionResult(status: .failed, error: StatesError.Name.runtime,
                                            cause: "The execution reached the maximum number of history events (\(limits.maxHistoryEvents))."),
                            frame: nil)
            return
        }
        var previous = lastEventId
        if let frame, let last = frames[frame]?.lastEventId { previous = last }
        lastEventId = id
        step.events.append(HistoryEvent(id: id, previousEventId: previous, timestamp: now, type: type, details: details))
        if let frame { frames[frame]?.lastEventId = id }
    }

    mutating func serial() -> Int {
        nextSerial += 1
        return nextSerial
    }

    mutating func armTimer(_ purpose: TimerPurpose, dueAt: Millis) -> String {
        let id = "t\(serial())"
        timers[id] = purpose
        step.commands.append(.startTimer(id: id, dueAt: dueAt))
        return id
    }

    mutating func newFrame(list: CompiledList, start: Int, parent: Frame.Parent?, variables: [String: JSON], input: JSON,
                           mapItem: Frame.MapItem? = nil) -> Int {
        var f = Frame(list: list, parent: parent, variables: variables, stateIndex: start, rawInput: input)
        f.mapItem = mapItem
        f.lastEventId = lastEventId
        return frames.insert(f)
    }

    mutating func finishExecution(_ result: ExecutionResult, frame: Int?) {
        guard status == .running else { return }
        switch result.status {
        case .succeeded:
            emit(.executionSucceeded, .executionSucceeded(output: result.output ?? .null), frame: frame)
        case .failed:
            emit(.executionFailed, .failure(error: result.error, cause: result.cause), frame: frame)
        case .timedOut:
            emit(.executionTimedOut, .failure(error: result.error, cause: result.cause), frame: frame)
        case .aborted:
            emit(.executionAborted, .failure(error: result.error, cause: result.cause), frame: frame)
        case .running:
            return
        }
        status = result.status
        self.result = result
        step.commands.append(.finish(result))
        if result.status != .succeeded { redrivePoint = makeRedrivePoint() }
        frames.removeAll()
        joins.removeAll()
        tasks.removeAll()
        timers.removeAll()
    }
}

/// One path through a list of states: the machine, a Parallel branch or a Map iteration.
struct Frame: Sendable {
    struct Parent: Sendable {
        var join: Int
        var index: Int
    }

    struct MapItem: Sendable {
        var index: Int
        var value: JSON
    }

    enum Phase: Sendable {
        /// About to enter `stateName` with `rawInput` (records StateEntered).
        case enter
        /// About to run `stateName` again (a retry: no new StateEntered).
        case execute
        case waitingTask(String)
        case waitingTimer(String)
        case waitingJoin(Int)
    }

    var list: CompiledList
    var parent: Parent?
    var variables: [String: JSON]
    /// The current state's index in `list`.
    var stateIndex: Int
    var rawInput: JSON
    var phase: Phase = .enter
    var mapItem: MapItem?
    /// The state's input after InputPath (and Parameters where it applies), kept while it waits.
    var effectiveInput: JSON = .null
    var enteredEventId = 0
    var enteredTime: Millis = 0
    var retryCounts: [Int] = []
    var lastEventId = 0
    /// True inside a distributed Map, whose iterations are child executions with their own history.
    var silent = false

    /// The current state.
    var node: CompiledState { list.states[stateIndex] }
    var stateName: String { list.states[stateIndex].state.name }
}

/// A task handed to a worker and not answered yet.
struct PendingTask: Sendable {
    var frame: Int
    var resource: TaskResource
    var heartbeatSeconds: Int?
    var heartbeatTimer: String?
}

/// What a timer means when it fires.
enum TimerPurpose: Sendable {
    case wait(frame: Int)
    case retry(frame: Int)
    case taskTimeout(token: String)
    case heartbeat(token: String)
    case executionTimeout
}

/// The children of a running Parallel or Map state and what they produced so far.
/// Mutated in place (`joins[id]?.…`) so that a Map of many items never copies its arrays.
struct Join: Sendable {
    struct MapRun: Sendable {
        var items: [JSON]
        var nextIndex = 0
        var maxConcurrency: Int
        var running = 0
        var failures = 0
        var toleratedCount: Int?
        var toleratedPercentage: Double?
        var distributed: Bool
    }

    var owner: Int
    /// The Map's items and progress; nil for a Parallel.
    var map: MapRun?
    var results: [JSON?]
    var remaining: Int
    var children: Set<Int> = []
}
