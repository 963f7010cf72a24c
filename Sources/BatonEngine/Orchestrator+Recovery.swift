import BatonCore
import BatonLanguage

// Recovery and reading back: a restarted orchestrator rebuilds every running execution by replaying its
// journal entries through the pure core (the same events at the same times give the same state), and
// publishes again what the broker never confirmed. Executions no longer in memory are read from the store.

extension Orchestrator {
    /// Rebuilds the state machines and executions a durable store holds; returns the messages decided
    /// before the crash that the broker never confirmed, to publish again. Call once, before serving.
    public func recover() async throws -> [Effect] {
        guard let archive else { return [] }
        let snapshot = try await archive.recovery()
        for (kind, key, document) in snapshot.catalog {
            if kind == "stateMachine" {
                restoreStateMachine(key: key, document: document)
            } else {
                catalog[kind, default: [:]][key] = document
            }
        }
        let effects = replay(snapshot.entries)
        let unconfirmed = effects.filter { effect in
            guard let key = effect.outboxKey, snapshot.outbox.contains(key) else { return false }
            if case .publishTask(let d) = effect {
                return executions[d.executionArn]?.execution.isPending(token: d.request.token) ?? false
            }
            return true
        }
        recoveredEffects += unconfirmed
        return unconfirmed
    }

    /// The unconfirmed messages `recover` found, handed once to the transport that publishes them.
    public func takeRecoveredEffects() -> [Effect] {
        defer { recoveredEffects.removeAll() }
        return recoveredEffects
    }

    func restoreStateMachine(key: String, document: JSON) {
        guard let definition = document["definition"]?.stringValue,
              case .success(let machine) = DefinitionParser.parse(text: definition) else { return }
        let name = document["name"]?.stringValue ?? key
        registry.put(StateMachineRecord(name: name, arn: configuration.stateMachineArn(name), definition: definition,
                                        machine: machine, type: document["type"]?.stringValue ?? "STANDARD",
                                        roleArn: document["roleArn"]?.stringValue ?? configuration.defaultRoleArn,
                                        creationDate: Int64(document["creationDate"]?.intValue ?? 0)))
    }

    /// Applies recorded entries again, in order, without recording them; returns every effect they produce.
    func replay(_ entries: [JournalEntry]) -> [Effect] {
        isReplaying = true
        defer { isReplaying = false }
        var machines: [String: StateMachine] = [:]
        var effects: [Effect] = []
        for entry in entries {
            switch entry {
            case .started(let s):
                guard executions[s.executionArn] == nil else { continue }
                let machine: StateMachine
                if let m = machines[s.definition] {
                    machine = m
                } else if case .success(let m) = DefinitionParser.parse(text: s.definition) {
                    machine = m
                    machines[s.definition] = m
                } else {
                    continue
                }
                let smArn = s.stateMachineArn
                let roleArn = registry.find(s.stateMachine)?.roleArn ?? configuration.defaultRoleArn
                var execution = Self.execution(s, machine: machine, roleArn: roleArn, configuration: configuration)
                let record = ExecutionRecord(executionArn: s.executionArn, stateMachineArn: smArn,
                                             stateMachineName: s.stateMachine, name: s.name, status: .running,
                                             startDate: s.at, input: s.input)
                arnByTokenPrefix[execution.tokenPrefix] = s.executionArn
                runningCount += 1
                let step = execution.start(now: s.at)
                let parent = s.parent.flatMap { p in
                    TaskResource.IntegrationPattern(rawValue: p.pattern).map {
                        ParentLink(executionArn: p.executionArn, token: p.token, pattern: $0)
                    }
                }
                executions[s.executionArn] = LiveExecution(
                    execution: execution, record: record, history: [], timers: [:], shapes: [:],
                    replyTo: s.replyTo.map { [$0] } ?? [], traceparent: Self.traceparent(seed: s.seed), parent: parent)
                effects.append(.publishEvent(routingKey: "execution.RUNNING.\(s.stateMachine)", body: record.eventDetail()))
                effects += absorb(s.executionArn, step, now: s.at)
            case .applied(let arn, let event, let at):
                guard let live = executions[arn] else { continue }
                if case .timerFired(Execution.redriveEventId) = event, live.execution.isRedrivable {
                    let step = live.execution.handle(event, now: at)
                    effects += reopenRedriven(live)
                    effects += absorb(arn, step, now: at)
                    crossEvents.removeAll()
                    pendingJournal.removeAll()
                    continue
                }
                guard live.execution.status == .running else { continue }
                switch event {
                case .timerFired(let id):
                    live.timers[id] = nil
                case .taskSucceeded(let token, _), .taskFailed(let token, _, _):
                    live.shapes[token] = nil
                    live.callbacks.remove(token)
                case .taskHeartbeat, .stopRequested:
                    break
                }
                let step = live.execution.handle(event, now: at)
                executions[arn] = live
                effects += absorb(arn, step, now: at)
            case .replyAdded(let arn, let reply):
                executions[arn]?.replyTo.append(reply)
            case .ended, .outbox, .outboxDone, .catalogPut, .catalogDelete:
                continue
            }
            crossEvents.removeAll()
            pendingJournal.removeAll()
        }
        return effects
    }

    // MARK: Reading back

    /// True when the token was issued by an execution (in memory or in the store): an answer to it that
    /// `taskAnswered` refuses as unknown is then a late answer to a task that ended, to log and drop.
    public func isIssued(token: String) async -> Bool {
        guard let dash = token.firstIndex(of: "-") else { return false }
        let prefix = String(token[..<dash])
        if arnByTokenPrefix[prefix] != nil { return true }
        guard let archive else { return false }
        return ((try? await archive.executionArn(issuingTokensWithPrefix: prefix)) ?? nil) != nil
    }

    /// DescribeExecution: from memory, else from the store.
    public func describeExecution(_ arn: String) async throws -> ExecutionRecord? {
        if let live = executions[arn] { return live.record }
        return try await archive?.record(arn)
    }

    /// GetExecutionHistory: from memory, else rebuilt from the store's entries.
    public func executionHistory(_ arn: String) async throws -> [HistoryEvent]? {
        if let live = executions[arn] { return live.history }
        guard let archive else { return nil }
        let entries = try await archive.entries(of: arn)
        guard !entries.isEmpty else { return nil }
        return Self.history(replaying: entries, configuration: configuration)
    }

    /// ListExecutions: memory and store together, newest first.
    public func executionRecords(stateMachine: String? = nil, status: ExecutionStatus? = nil,
                                 limit: Int = 1_000) async throws -> [ExecutionRecord] {
        var byArn: [String: ExecutionRecord] = [:]
        if let archive {
            let smArn = stateMachine.map { registry.find($0)?.arn ?? $0 }
            for r in try await archive.records(stateMachineArn: smArn, status: status, limit: limit) { byArn[r.executionArn] = r }
        }
        for r in listExecutions(stateMachine: stateMachine, status: status) { byArn[r.executionArn] = r }
        return Array(byArn.values.sorted { $0.startDate > $1.startDate }.prefix(limit))
    }

    /// The core's execution as a `started` entry recorded it, before its start step.
    static func execution(_ s: StartedExecution, machine: StateMachine, roleArn: String,
                          configuration: EngineConfiguration) -> Execution {
        let info = ExecutionInfo(executionArn: s.executionArn, name: s.name, stateMachineArn: s.stateMachineArn,
                                 stateMachineName: s.stateMachine, roleArn: roleArn, region: configuration.region,
                                 startTime: s.at, input: s.input, seed: s.seed)
        return Execution(machine: machine, info: info, limits: configuration.limits)
    }

    /// The history of an execution rebuilt from its entries alone (no engine state touched).
    public static func history(replaying entries: [JournalEntry], configuration: EngineConfiguration) -> [HistoryEvent] {
        var execution: Execution?
        var history: [HistoryEvent] = []
        for entry in entries {
            switch entry {
            case .started(let s):
                guard execution == nil, case .success(let machine) = DefinitionParser.parse(text: s.definition) else { continue }
                var e = Self.execution(s, machine: machine, roleArn: configuration.defaultRoleArn, configuration: configuration)
                history += e.start(now: s.at).events
                execution = e
            case .applied(_, let event, let at):
                guard var e = execution else { continue }
                var isRedrive = false
                if case .timerFired(Execution.redriveEventId) = event { isRedrive = e.isRedrivable }
                guard e.status == .running || isRedrive else { continue }
                history += e.handle(event, now: at).events
                execution = e
            default:
                continue
            }
        }
        return history
    }
}
