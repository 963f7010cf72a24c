import BatonCore
import BatonLanguage

// The orchestrator: every running execution, driven by what arrives from outside.
//
//   start(request)            -> a new Execution (or the existing one, for a repeated name) runs until it waits
//   taskAnswered(token, …)    -> the waiting task completes or fails; unknown token: TaskDoesNotExist;
//                                a task that already ended: nil (stale: a duplicate or a late answer)
//   timerFired(execution, id) -> a Wait ends, a retry starts, a task times out; a timer no longer armed: nil
//   stop(executionArn, …)     -> the execution is aborted
//   overdueTimers(now)        -> timers past due by the sweep margin that the broker has not delivered
//
// Each call applies one event to the pure core, records it in the journal, and returns the effects
// (tasks to publish, timers to schedule, results and events to send) for the transport to carry out.
//
// The actor is reentrant at every `await`: each call reads, applies and writes an execution's state in
// one synchronous stretch and only then awaits the journal, so concurrent calls (many replies of one
// Map at once, two starts with one name) never work on a stale copy.

/// Runs executions: starts them, feeds them answers and timers, and says what to send.
public actor Orchestrator {
    nonisolated public let configuration: EngineConfiguration
    nonisolated public let routing: ResourceRouting
    var registry: StateMachineRegistry
    let journal: any ExecutionJournal
    /// Where ended executions are read back from when memory no longer holds them (a durable store).
    let archive: (any ExecutionArchive)?
    let clock: @Sendable () -> Int64
    let seeds: @Sendable () -> UInt64

    var executions: [String: LiveExecution] = [:]
    var arnByTokenPrefix: [String: String] = [:]
    /// Ended executions, oldest first, for forgetting beyond `retainedFinishedExecutions`.
    var finishedOrder: [String] = []
    var finishedHead = 0
    var runningCount = 0
    /// Catalog documents by kind and key (Orchestrator+Catalog).
    var catalog: [String: [String: JSON]] = [:]

    /// An execution in memory: the core's state and what the engine keeps beside it. A class, so that
    /// applying an event changes the execution in place: a struct copied out of the dictionary and written
    /// back would copy the whole execution (history, frames, joins) on every event.
    final class LiveExecution {
        var execution: Execution
        var record: ExecutionRecord
        var history: [HistoryEvent]
        /// Armed timers and when they are due: what the sweep checks.
        var timers: [String: Int64]
        /// How each pending task's answer becomes its result.
        var shapes: [String: TaskRoute.ResultShape]
        /// Tokens of pending `.waitForTaskToken` tasks: only SendTask* completes them, as in AWS.
        var callbacks: Set<String> = []
        var replyTo: [ReplyAddress]
        var traceparent: String
        /// Set for a child started by `arn:aws:states:::states:startExecution`: the parent's waiting task.
        var parent: ParentLink?

        init(execution: Execution, record: ExecutionRecord, history: [HistoryEvent], timers: [String: Int64],
             shapes: [String: TaskRoute.ResultShape], callbacks: Set<String> = [], replyTo: [ReplyAddress],
             traceparent: String, parent: ParentLink? = nil) {
            self.execution = execution
            self.record = record
            self.history = history
            self.timers = timers
            self.shapes = shapes
            self.callbacks = callbacks
            self.replyTo = replyTo
            self.traceparent = traceparent
            self.parent = parent
        }
    }

    /// The task of a parent execution that waits for a child (`.sync`, `.sync:2`).
    struct ParentLink {
        var executionArn: String
        var token: String
        var pattern: TaskResource.IntegrationPattern
    }

    /// Events for executions other than the one being absorbed (a child's end for its parent), applied
    /// once the current step is written back.
    var crossEvents: [(String, ExecutionEvent)] = []
    /// Journal entries of children started while absorbing a step, appended with the step's own entry.
    var pendingJournal: [JournalEntry] = []
    /// Callers waiting in process for an execution to end (StartSyncExecution; Orchestrator+API.swift).
    var endWaiters: [String: [EndWaiter]] = [:]
    /// True while recovery replays the journal: children and cross events come from their own entries.
    var isReplaying = false
    /// Messages recovery found unconfirmed, until the transport takes them.
    var recoveredEffects: [Effect] = []
    /// Where the actor runs: the executor given (the transport's own thread, so messages are handled without a
    /// hand-off between threads), else a default actor executor of its own.
    nonisolated let executor: (any SerialExecutor)?
    nonisolated let defaultHost = DefaultExecutorHost()

    nonisolated public var unownedExecutor: UnownedSerialExecutor {
        executor?.asUnownedSerialExecutor() ?? defaultHost.unownedExecutor
    }

    /// - Parameter executor: where the actor runs (nil: Swift's default, on the shared pool).
    public init(configuration: EngineConfiguration = .init(), registry: StateMachineRegistry = .init(),
                routing: ResourceRouting = .init(), journal: any ExecutionJournal = InMemoryJournal(),
                archive: (any ExecutionArchive)? = nil, executor: (any SerialExecutor)? = nil,
                clock: @escaping @Sendable () -> Int64, seeds: @escaping @Sendable () -> UInt64) {
        self.configuration = configuration
        self.registry = registry
        self.routing = routing
        self.journal = journal
        self.archive = archive
        self.executor = executor
        self.clock = clock
        self.seeds = seeds
    }

    // MARK: State machines

    /// Registers (or replaces) a state machine from its definition text.
    @discardableResult
    public func register(name: String, definition: String, type: String = "STANDARD",
                         roleArn: String? = nil) throws(EngineError) -> StateMachineRecord {
        let machine: StateMachine
        switch DefinitionParser.parse(text: definition) {
        case .success(let m): machine = m
        case .failure(let invalid):
            let text = invalid.diagnostics.map(\.description).joined(separator: "; ")
            throw EngineError(.invalidDefinition, "Invalid State Machine Definition: '\(text)'")
        }
        let record = StateMachineRecord(name: name, arn: configuration.stateMachineArn(name), definition: definition,
                                        machine: machine, type: type, roleArn: roleArn ?? configuration.defaultRoleArn,
                                        creationDate: clock())
        registry.put(record)
        _ = journal.record([.catalogPut(kind: "stateMachine", key: name, document: Self.catalogDocument(record))])
        return record
    }

    /// Registers a state machine and waits until the store holds it (the API answers only then).
    @discardableResult
    public func save(name: String, definition: String, type: String = "STANDARD",
                     roleArn: String? = nil) async throws -> StateMachineRecord {
        let record = try register(name: name, definition: definition, type: type, roleArn: roleArn)
        try await journal.record([]).wait()
        return record
    }

    /// How a state machine is kept in the catalog.
    static func catalogDocument(_ r: StateMachineRecord) -> JSON {
        ["name": .string(r.name), "definition": .string(r.definition), "type": .string(r.type),
         "roleArn": .string(r.roleArn), "creationDate": .int(Int(r.creationDate))]
    }

    /// `register` with its outcome as a value.
    public func registering(name: String, definition: String, type: String = "STANDARD",
                            roleArn: String? = nil) -> Result<StateMachineRecord, EngineError> {
        do {
            return .success(try register(name: name, definition: definition, type: type, roleArn: roleArn))
        } catch {
            return .failure(error)
        }
    }

    public func stateMachine(_ nameOrArn: String) -> StateMachineRecord? { registry.find(nameOrArn) }

    public var stateMachines: [StateMachineRecord] { registry.all }

    // MARK: Executions

    /// A request to start an execution.
    public struct StartRequest: Sendable {
        public var stateMachine: String
        public var name: String?
        public var input: JSON
        public var replyTo: ReplyAddress?

        public init(stateMachine: String, name: String? = nil, input: JSON = .emptyObject, replyTo: ReplyAddress? = nil) {
            self.stateMachine = stateMachine
            self.name = name
            self.input = input
            self.replyTo = replyTo
        }
    }

    /// Starts an execution, or answers for the existing one when the name was used with the same input.
    public func start(_ request: StartRequest) async throws -> (ExecutionRecord, [Effect]) {
        guard let sm = registry.find(request.stateMachine) else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(request.stateMachine)'")
        }
        let seed = seeds()
        var seedRandom = DeterministicRandom(seed: seed)
        let name = request.name ?? seedRandom.uuid()
        guard Self.isValidName(name) else {
            throw EngineError(.invalidName, "Invalid Name: '\(name)'")
        }
        let arn = configuration.executionArn(machine: sm.name, name: name)
        if executions[arn] == nil, request.name != nil, let archive,
           let archived = try await archive.record(arn), executions[arn] == nil {
            // A named execution memory no longer holds (ended long ago, or started before a restart).
            guard archived.input == request.input else {
                throw EngineError(.executionAlreadyExists, "Execution Already Exists: '\(arn)'")
            }
            let effects: [Effect] = request.replyTo.map { [.publishResult($0, body: archived.resultBody())] } ?? []
            return (archived, archived.status == .running ? [] : effects)
        }
        if let existing = executions[arn] {
            guard existing.record.input == request.input else {
                throw EngineError(.executionAlreadyExists, "Execution Already Exists: '\(arn)'")
            }
            var effects: [Effect] = []
            if let reply = request.replyTo {
                if existing.record.status == .running {
                    existing.replyTo.append(reply)
                    executions[arn] = existing
                    try await journal.record([.replyAdded(executionArn: arn, replyTo: reply)]).wait()
                } else {
                    effects.append(.publishResult(reply, body: existing.record.resultBody()))
                }
            }
            return (existing.record, effects)
        }
        let now = clock()
        let info = ExecutionInfo(executionArn: arn, name: name, stateMachineArn: sm.arn, stateMachineName: sm.name,
                                 roleArn: sm.roleArn, region: configuration.region, startTime: now,
                                 input: request.input, seed: seed)
        var execution = Execution(machine: sm.machine, info: info, limits: configuration.limits)
        let record = ExecutionRecord(executionArn: arn, stateMachineArn: sm.arn, stateMachineName: sm.name, name: name,
                                     status: .running, startDate: now, input: request.input)
        let trace = Self.traceparent(seed: seed)
        arnByTokenPrefix[execution.tokenPrefix] = arn
        runningCount += 1
        let step = execution.start(now: now)
        executions[arn] = LiveExecution(execution: execution, record: record, history: [], timers: [:], shapes: [:],
                                        replyTo: request.replyTo.map { [$0] } ?? [], traceparent: trace)
        var effects: [Effect] = [.publishEvent(routingKey: "execution.RUNNING.\(sm.name)", body: record.eventDetail())]
        effects += settle(arn, step, now: now)
        let current = executions[arn]?.record ?? record
        try await journalize([.started(StartedExecution(executionArn: arn, stateMachine: sm.name, stateMachineArn: sm.arn, definition: sm.definition,
                                                        name: name, input: request.input, seed: seed, at: now,
                                                        replyTo: request.replyTo, parent: nil,
                                                        tokenPrefix: execution.tokenPrefix))], effects)
        return (current, effects)
    }

    /// How a worker answered a task.
    public enum TaskAnswer: Sendable {
        case succeeded(JSON)
        case failed(error: String, cause: String?)
        case heartbeat
    }

    /// Where an answer came from: a worker's reply on the replies queue, or SendTask* (control, API).
    public enum AnswerSource: Sendable {
        case reply
        case callback
    }

    /// Applies a worker's answer. Throws TaskDoesNotExist for a token no execution issued; returns nil
    /// when the task already ended (a duplicate or late answer), which changes nothing, and for a direct
    /// reply to a `.waitForTaskToken` task other than a heartbeat (only SendTask* completes those).
    public func taskAnswered(token: String, _ answer: TaskAnswer, from source: AnswerSource = .callback) async throws -> [Effect]? {
        guard let (effects, ticket) = try applyAnswer(token: token, answer, from: source) else { return nil }
        try await ticket.wait()
        return effects
    }

    /// Applies many answers in one call (the replies the broker delivered together), recording them in
    /// order; returns each one's outcome, as `taskAnswered` would, once all are durable.
    public func tasksAnswered(_ answers: [(token: String, answer: TaskAnswer)], from source: AnswerSource)
        async throws -> [Result<[Effect]?, EngineError>] {
        let (outcomes, durable) = applyAnswers(answers, from: source)
        try await durable.wait()
        return outcomes
    }

    /// `tasksAnswered` without the wait: the outcomes now, and a ticket that completes once they are durable
    /// (their effects must not be carried out, nor their messages acked, before).
    public func applyAnswers(_ answers: [(token: String, answer: TaskAnswer)], from source: AnswerSource)
        -> ([Result<[Effect]?, EngineError>], JournalTicket) {
        var outcomes: [Result<[Effect]?, EngineError>] = []
        outcomes.reserveCapacity(answers.count)
        var tickets: [JournalTicket] = []
        for (token, answer) in answers {
            do {
                if let (effects, ticket) = try applyAnswer(token: token, answer, from: source) {
                    outcomes.append(.success(effects))
                    tickets.append(ticket)
                } else {
                    outcomes.append(.success(nil))
                }
            } catch {
                outcomes.append(.failure(error))
            }
        }
        // The journal completes tickets in the order it took the entries: the last one stands for all.
        return (outcomes, tickets.last ?? .done)
    }

    /// Applies one answer and records it, without waiting: the effects and the ticket of the record.
    func applyAnswer(token: String, _ answer: TaskAnswer, from source: AnswerSource) throws(EngineError)
        -> ([Effect], JournalTicket)? {
        guard let arn = executionArn(ofToken: token), let live = executions[arn] else {
            throw EngineError(.taskDoesNotExist, "Task Does Not Exist: no execution issued this token")
        }
        guard live.execution.status == .running, live.execution.isPending(token: token) else { return nil }
        if source == .reply, live.callbacks.contains(token) {
            guard case .heartbeat = answer else { return nil }
        }
        let now = clock()
        let event: ExecutionEvent
        switch answer {
        case .succeeded(let output):
            let shape = live.shapes[token] ?? .asIs
            event = .taskSucceeded(token: token, output: ResourceRouting.result(output, shape: shape, now: now))
        case .failed(let error, let cause):
            let shape = live.shapes[token] ?? .asIs
            event = .taskFailed(token: token, error: error,
                                cause: shape == .lambdaInvoke ? ResourceRouting.lambdaInvokeCause(cause) : cause)
        case .heartbeat:
            event = .taskHeartbeat(token: token)
        }
        if case .heartbeat = answer {} else {
            live.shapes[token] = nil
            live.callbacks.remove(token)
        }
        let step = live.execution.handle(event, now: now)
        let effects = settle(arn, step, now: now)
        return (effects, record([.applied(executionArn: arn, event: event, at: now)], effects))
    }

    /// Applies a timer that came due. Returns nil when it no longer matters (a duplicate, or its task
    /// already answered), which changes nothing.
    public func timerFired(execution arn: String, timer: String) async throws -> [Effect]? {
        guard let live = executions[arn], live.timers.removeValue(forKey: timer) != nil,
              live.execution.status == .running, live.execution.isArmed(timer: timer) else { return nil }
        let now = clock()
        let step = live.execution.handle(.timerFired(id: timer), now: now)
        executions[arn] = live
        let effects = settle(arn, step, now: now)
        try await journalize([.applied(executionArn: arn, event: .timerFired(id: timer), at: now)], effects)
        return effects
    }

    /// Stops a running execution (ABORTED).
    public func stop(executionArn arn: String, error: String?, cause: String?) async throws -> [Effect] {
        guard let live = executions[arn] else {
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(arn)'")
        }
        guard live.execution.status == .running else { return [] }
        let now = clock()
        let event = ExecutionEvent.stopRequested(error: error, cause: cause)
        let step = live.execution.handle(event, now: now)
        executions[arn] = live
        let effects = settle(arn, step, now: now)
        try await journalize([.applied(executionArn: arn, event: event, at: now)], effects)
        return effects
    }

    /// Timers due more than the sweep margin ago that are still armed: the broker lost or delayed them.
    public func overdueTimers() -> [(execution: String, timer: String)] {
        let limit = clock() - configuration.timerSweepMarginMilliseconds
        var out: [(String, String)] = []
        for (arn, live) in executions where live.execution.status == .running {
            for (id, due) in live.timers where due < limit { out.append((arn, id)) }
        }
        return out
    }

    /// Every armed timer: what a restarted transport schedules again.
    public func armedTimers() -> [(execution: String, timer: String, dueAt: Int64)] {
        var out: [(String, String, Int64)] = []
        for (arn, live) in executions where live.execution.status == .running {
            for (id, due) in live.timers { out.append((arn, id, due)) }
        }
        return out
    }

    public func describe(_ arn: String) -> ExecutionRecord? { executions[arn]?.record }

    public func history(_ arn: String) -> [HistoryEvent]? { executions[arn]?.history }

    public func listExecutions(stateMachine: String? = nil, status: ExecutionStatus? = nil) -> [ExecutionRecord] {
        let smArn = stateMachine.flatMap { registry.find($0)?.arn }
        return executions.values.map(\.record)
            .filter { (smArn == nil || $0.stateMachineArn == smArn) && (status == nil || $0.status == status) }
            .sorted { $0.startDate > $1.startDate }
    }

    /// How many executions are running now.
    public var running: Int { runningCount }

    // MARK: Effects

    /// Records the entries of this call, those of other executions it changed, and the messages it decided
    /// (the outbox), in one go and in order, then waits until they are durable.
    func journalize(_ entries: [JournalEntry], _ effects: [Effect]) async throws {
        try await record(entries, effects).wait()
    }

    /// `journalize` without the wait: takes its place in the journal's order now.
    func record(_ entries: [JournalEntry], _ effects: [Effect]) -> JournalTicket {
        guard journal.keepsEntries else {
            pendingJournal.removeAll()
            return .done
        }
        var all = entries + pendingJournal
        pendingJournal.removeAll()
        for effect in effects {
            if let key = effect.outboxKey { all.append(.outbox(key: key, executionArn: effect.executionArn)) }
        }
        return journal.record(all)
    }

    /// The transport published these effects with confirms: they need not be published again after a crash.
    /// Not waited for: losing this mark only means publishing them once more.
    nonisolated public func published(_ effects: [Effect]) {
        guard journal.keepsEntries else { return }
        let done = effects.compactMap { $0.outboxKey.map { JournalEntry.outboxDone(key: $0) } }
        if !done.isEmpty { _ = journal.record(done) }
    }

    /// Records what a step produced and turns its commands into effects.
    func absorb(_ arn: String, _ step: Step, now: Int64) -> [Effect] {
        guard let live = executions[arn] else { return [] }
        live.history.append(contentsOf: step.events)
        var effects: [Effect] = []
        var finished = false
        for command in step.commands {
            switch command {
            case .publishTask(let request):
                guard let route = routing.route(resource: request.resource, input: request.input) else {
                    if case .service(_, "states", "startExecution", let pattern) = request.resource {
                        if !isReplaying { effects += startChild(parent: arn, request: request, pattern: pattern, now: now) }
                    } else {
                        crossEvents.append((arn, .taskFailed(token: request.token, error: StatesError.Name.taskFailed,
                                                             cause: "The resource '\(request.resource.arn)' is not supported by Baton.")))
                    }
                    continue
                }
                live.shapes[request.token] = route.shape
                if request.resource.waitsForTaskToken { live.callbacks.insert(request.token) }
                let deadline = request.timeoutSeconds.map { now + Int64($0) * 1000 }
                effects.append(.publishTask(TaskDispatch(executionArn: arn, request: request, route: route,
                                                         deadline: deadline, traceparent: live.traceparent)))
            case .startTimer(let id, let due):
                live.timers[id] = due
                effects.append(.scheduleTimer(execution: arn, timer: id, dueAt: due))
            case .finish(let result):
                live.record.status = result.status
                live.record.stopDate = now
                finished = true
                live.record.output = result.output
                live.record.error = result.error
                live.record.cause = result.cause
                live.timers.removeAll()
                live.shapes.removeAll()
                live.callbacks.removeAll()
                runningCount -= 1
                effects.append(.publishEvent(routingKey: "execution.\(result.status.rawValue).\(live.record.stateMachineName)",
                                             body: live.record.eventDetail()))
                for reply in live.replyTo {
                    effects.append(.publishResult(reply, body: live.record.resultBody()))
                }
                live.replyTo.removeAll()
                notifyEnded(arn, live.record)
                if !isReplaying { pendingJournal.append(.ended(live.record)) }
                if let parent = live.parent, parent.pattern == .sync || parent.pattern == .sync2 {
                    crossEvents.append((parent.executionArn, Self.childOutcome(live.record, token: parent.token,
                                                                               sync2: parent.pattern == .sync2)))
                }
            }
        }
        executions[arn] = live
        if finished {
            finishedOrder.append(arn)
            forgetOldFinished()
        }
        return effects
    }

    /// Forgets the oldest ended executions beyond the retention limit (their late answers become unknown tokens).
    func forgetOldFinished() {
        while finishedOrder.count - finishedHead > configuration.retainedFinishedExecutions {
            let arn = finishedOrder[finishedHead]
            finishedHead += 1
            if let gone = executions.removeValue(forKey: arn) {
                arnByTokenPrefix[gone.execution.tokenPrefix] = nil
            }
        }
        if finishedHead > 4096 && finishedHead * 2 > finishedOrder.count {
            finishedOrder.removeFirst(finishedHead)
            finishedHead = 0
        }
    }

    /// Absorbs a step, then applies the events it caused in other executions (and theirs in turn).
    func settle(_ arn: String, _ step: Step, now: Int64) -> [Effect] {
        var effects = absorb(arn, step, now: now)
        while !crossEvents.isEmpty {
            let (target, event) = crossEvents.removeFirst()
            guard let live = executions[target], live.execution.status == .running else { continue }
            let next = live.execution.handle(event, now: now)
            executions[target] = live
            pendingJournal.append(.applied(executionArn: target, event: event, at: now))
            effects += absorb(target, next, now: now)
        }
        return effects
    }

    /// Starts a child execution for `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`.
    func startChild(parent: String, request: TaskRequest, pattern: TaskResource.IntegrationPattern,
                            now: Int64) -> [Effect] {
        let params = request.input
        guard let target = params["StateMachineArn"]?.stringValue, let sm = registry.find(target) else {
            crossEvents.append((parent, .taskFailed(token: request.token, error: "StepFunctions.StateMachineDoesNotExistException",
                                                    cause: "State Machine Does Not Exist: '\(params["StateMachineArn"]?.stringValue ?? "")'")))
            return []
        }
        var input = params["Input"] ?? .emptyObject
        if case .string(let text) = input, let parsed = try? JSONParser.parse(text) { input = parsed }
        let seed = seeds()
        var seedRandom = DeterministicRandom(seed: seed)
        let name = params["Name"]?.stringValue ?? seedRandom.uuid()
        let arn = configuration.executionArn(machine: sm.name, name: name)
        guard executions[arn] == nil, Self.isValidName(name) else {
            crossEvents.append((parent, .taskFailed(token: request.token, error: "StepFunctions.ExecutionAlreadyExistsException",
                                                    cause: "Execution Already Exists: '\(arn)'")))
            return []
        }
        let info = ExecutionInfo(executionArn: arn, name: name, stateMachineArn: sm.arn, stateMachineName: sm.name,
                                 roleArn: sm.roleArn, region: configuration.region, startTime: now, input: input, seed: seed)
        var execution = Execution(machine: sm.machine, info: info, limits: configuration.limits)
        let record = ExecutionRecord(executionArn: arn, stateMachineArn: sm.arn, stateMachineName: sm.name, name: name,
                                     status: .running, startDate: now, input: input)
        arnByTokenPrefix[execution.tokenPrefix] = arn
        runningCount += 1
        let step = execution.start(now: now)
        executions[arn] = LiveExecution(execution: execution, record: record, history: [], timers: [:], shapes: [:],
                                        replyTo: [], traceparent: Self.traceparent(seed: seed),
                                        parent: ParentLink(executionArn: parent, token: request.token, pattern: pattern))
        pendingJournal.append(.started(StartedExecution(
            executionArn: arn, stateMachine: sm.name, stateMachineArn: sm.arn, definition: sm.definition, name: name, input: input, seed: seed,
            at: now, replyTo: nil, parent: ParentReference(executionArn: parent, token: request.token, pattern: pattern.rawValue),
            tokenPrefix: execution.tokenPrefix)))
        if pattern == .requestResponse {
            crossEvents.append((parent, .taskSucceeded(token: request.token, output: [
                "ExecutionArn": .string(arn), "StartDate": .string(Timestamps.format(now)),
            ])))
        }
        var effects: [Effect] = [.publishEvent(routingKey: "execution.RUNNING.\(sm.name)", body: record.eventDetail())]
        effects += absorb(arn, step, now: now)
        return effects
    }

    /// What a `.sync` parent's task gets when its child ends: DescribeExecution's shape, or a failure.
    static func childOutcome(_ r: ExecutionRecord, token: String, sync2: Bool) -> ExecutionEvent {
        var o: JSONObject = [
            "ExecutionArn": .string(r.executionArn),
            "Input": sync2 ? r.input : .string(r.input.serialized()),
            "InputDetails": ["Included": true],
            "Name": .string(r.name),
            "RedriveCount": 0,
            "RedriveStatus": "NOT_REDRIVABLE",
            "StartDate": .int(Int(r.startDate)),
            "StateMachineArn": .string(r.stateMachineArn),
            "Status": .string(r.status.rawValue),
            "StopDate": .int(Int(r.stopDate ?? r.startDate)),
        ]
        if r.status == .succeeded {
            o["Output"] = sync2 ? (r.output ?? .null) : .string((r.output ?? .null).serialized())
            o["OutputDetails"] = ["Included": true]
            return .taskSucceeded(token: token, output: .object(o))
        }
        if let e = r.error { o["Error"] = .string(e) }
        if let c = r.cause { o["Cause"] = .string(c) }
        return .taskFailed(token: token, error: StatesError.Name.taskFailed, cause: JSON.object(o).serialized())
    }

    func executionArn(ofToken token: String) -> String? {
        guard let dash = token.firstIndex(of: "-") else { return nil }
        return arnByTokenPrefix[String(token[..<dash])]
    }

    /// AWS's rule for execution names: 1–80 characters, none of whitespace, wildcards, brackets or control characters.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 80 else { return false }
        let forbidden = Set("<>{}[]?*\"#%\\^|~`$&,;:/ \t\n\r")
        return !name.contains { forbidden.contains($0) || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }
    }

    /// A W3C `traceparent` with a trace id and span id drawn from the execution's seed.
    static func traceparent(seed: UInt64) -> String {
        var random = DeterministicRandom(seed: seed ^ 0x7472_6163_6570_6172)
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return "00-\(hex(random.next()))\(hex(random.next()))-\(hex(random.next()))-01"
    }
}

/// An empty actor whose default executor an ``Orchestrator`` without an executor of its own runs on.
final actor DefaultExecutorHost {}
