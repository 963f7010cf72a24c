import BatonCore
import BatonEngine
import BatonLanguage
@testable import BatonStore
import Foundation
import GRDB
import Testing

/// The SQLite store under the orchestrator: what one process recorded, a new process recovers exactly.
@Suite("The SQLite store and recovery")
struct SQLiteStoreTests {
    static let two = #"""
        {"StartAt":"A","States":{
          "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:a","Next":"B"},
          "B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b",
               "Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":1}],"End":true}}}
        """#

    final class Clock: @unchecked Sendable {
        var now: Int64 = 1_700_000_000_000
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("baton-store-\(UUID().uuidString).sqlite").path
    }

    static func orchestrator(_ store: SQLiteStore, clock: Clock = Clock(), retained: Int = 10_000) -> Orchestrator {
        Orchestrator(configuration: EngineConfiguration(retainedFinishedExecutions: retained), journal: store, archive: store,
                     clock: { clock.now }, seeds: { UInt64.random(in: .min ... .max) })
    }

    static func tasks(_ effects: [Effect]) -> [TaskDispatch] {
        effects.compactMap { if case .publishTask(let d) = $0 { d } else { nil } }
    }

    /// A store at a new path, an orchestrator on it, and an execution of `two` named `name` started, its start
    /// published: the execution and the task of its first state.
    static func startedTwo(_ name: String) async throws
        -> (path: String, store: SQLiteStore, orchestrator: Orchestrator, record: ExecutionRecord, first: TaskDispatch) {
        let path = temporaryPath()
        let store = try SQLiteStore(path: path)
        let orchestrator = Self.orchestrator(store)
        try await orchestrator.save(name: "two", definition: two)
        let (record, started) = try await orchestrator.start(.init(stateMachine: "two", name: name))
        orchestrator.published(started)
        return (path, store, orchestrator, record, try #require(tasks(started).first))
    }

    @Test("full durability syncs every commit: the writer runs synchronous=FULL (opening the pool alone leaves NORMAL); normal runs NORMAL")
    func durabilityReachesTheWriter() throws {
        let full = try SQLiteStore(path: Self.temporaryPath())
        #expect(try full.synchronousSetting() == 2)
        let normal = try SQLiteStore(path: Self.temporaryPath(), durability: .normal)
        #expect(try normal.synchronousSetting() == 1)
    }

    @Test("a running execution recorded by one orchestrator is rebuilt by the next, and finishes with the right output")
    func recoversARunningExecution() async throws {
        let path = Self.temporaryPath()
        let clock = Clock()
        let first = try SQLiteStore(path: path)
        let a = Self.orchestrator(first, clock: clock)
        try await a.save(name: "two", definition: Self.two)
        let (record, started) = try await a.start(.init(stateMachine: "two", name: "e1", input: ["n": 1]))
        a.published(started)
        let taskA = try #require(Self.tasks(started).first)
        clock.now += 10
        let next = try #require(try await a.taskAnswered(token: taskA.request.token, .succeeded(["n": 2]), from: .reply))
        let taskB = try #require(Self.tasks(next).first)
        clock.now += 10
        // B fails once: a retry timer is armed. The process "dies" here, B's retry not yet published.
        _ = try #require(try await a.taskAnswered(token: taskB.request.token, .failed(error: "Boom", cause: "c"), from: .reply))
        let historyBefore = await a.history(record.executionArn)?.map(\.type)
        first.close()

        let second = try SQLiteStore(path: path)
        let b = Self.orchestrator(second, clock: clock)
        let unconfirmed = try await b.recover()
        #expect(await b.stateMachine("two") != nil, "the state machine comes back from the catalog")
        #expect(await b.running == 1)
        #expect(await b.history(record.executionArn)?.map(\.type) == historyBefore)
        #expect(Self.tasks(unconfirmed).isEmpty, "B's first dispatch was never marked published but B is no longer pending")
        let armed = await b.armedTimers()
        #expect(armed.count == 1, "the retry timer is armed again")
        clock.now += 1_000
        let timer = try #require(armed.first).timer
        let retry = try #require(try await b.timerFired(execution: record.executionArn, timer: timer))
        let taskB2 = try #require(Self.tasks(retry).first)
        #expect(taskB2.request.stateName == "B" && taskB2.request.attempt == 1)
        _ = try await b.taskAnswered(token: taskB2.request.token, .succeeded(["n": 3]), from: .reply)
        let done = try #require(await b.describe(record.executionArn))
        #expect(done.status == .succeeded)
        #expect(done.output == ["n": 3])
        second.close()
    }

    @Test("messages decided but never confirmed are handed out again after a restart; confirmed ones are not")
    func republishesOnlyUnconfirmed() async throws {
        let path = Self.temporaryPath()
        let store = try SQLiteStore(path: path)
        let a = Self.orchestrator(store)
        try await a.save(name: "two", definition: Self.two)
        let (_, confirmed) = try await a.start(.init(stateMachine: "two", name: "confirmed"))
        a.published(confirmed)
        let (_, lost) = try await a.start(.init(stateMachine: "two", name: "lost"))
        let lostToken = try #require(Self.tasks(lost).first).request.token
        try await store.record([]).wait()
        store.close()

        let again = try SQLiteStore(path: path)
        let b = Self.orchestrator(again)
        let unconfirmed = try await b.recover()
        #expect(Self.tasks(unconfirmed).map(\.request.token) == [lostToken])
        #expect(unconfirmed.contains { if case .publishEvent(let key, let body) = $0 {
            key == "execution.RUNNING.two" && body["name"] == "lost" } else { false } })
        #expect(!unconfirmed.contains { $0.executionArn.hasSuffix(":confirmed") })
        again.close()
    }

    @Test("an ended execution memory has forgotten is described, listed and its history rebuilt from the store")
    func readsBackForgottenExecutions() async throws {
        let store = try SQLiteStore(path: Self.temporaryPath())
        let clock = Clock()
        let o = Self.orchestrator(store, clock: clock, retained: 1)
        try await o.save(name: "two", definition: Self.two)
        var arns: [String] = []
        for i in 0..<3 {
            clock.now += 1_000
            let (r, e) = try await o.start(.init(stateMachine: "two", name: "x\(i)", input: ["i": .int(i)]))
            arns.append(r.executionArn)
            let t1 = try #require(Self.tasks(e).first)
            let e2 = try #require(try await o.taskAnswered(token: t1.request.token, .succeeded(["i": .int(i)]), from: .reply))
            let t2 = try #require(Self.tasks(e2).first)
            _ = try await o.taskAnswered(token: t2.request.token, .succeeded(["done": .int(i)]), from: .reply)
        }
        #expect(await o.describe(arns[0]) == nil, "memory keeps only the most recent ended execution")
        let r0 = try #require(try await o.describeExecution(arns[0]))
        #expect(r0.status == .succeeded && r0.output == ["done": 0] && r0.input == ["i": 0])
        let history = try #require(try await o.executionHistory(arns[0])).map(\.type.rawValue)
        #expect(history.first == "ExecutionStarted" && history.last == "ExecutionSucceeded")
        #expect(history.filter { $0 == "LambdaFunctionSucceeded" }.count == 2)
        let listed = try await o.executionRecords(stateMachine: "two", status: .succeeded)
        #expect(listed.map(\.name) == ["x2", "x1", "x0"], "newest first")
        // A repeated named start with the same input finds the stored execution instead of running it again.
        let (again, effects) = try await o.start(.init(stateMachine: "two", name: "x0", input: ["i": 0]))
        #expect(again.status == .succeeded && effects.isEmpty)
        await #expect(throws: EngineError.self) {
            _ = try await o.start(.init(stateMachine: "two", name: "x0", input: ["i": 99]))
        }
        store.close()
    }

    @Test("a redriven execution that was running when the process died is running again after recovery")
    func recoversARedrive() async throws {
        let (path, store, a, record, first) = try await Self.startedTwo("r1")
        _ = try await a.taskAnswered(token: first.request.token, .failed(error: "Nope", cause: nil), from: .reply)
        #expect(await a.describe(record.executionArn)?.status == .failed)
        let (_, redriven) = try await a.redrive(executionArn: record.executionArn)
        let again = try #require(Self.tasks(redriven).first)
        #expect(again.request.stateName == "A")
        store.close()

        let reopened = try SQLiteStore(path: path)
        let b = Self.orchestrator(reopened)
        let unconfirmed = try await b.recover()
        #expect(await b.running == 1)
        #expect(try await b.describeExecution(record.executionArn)?.status == .running)
        #expect(Self.tasks(unconfirmed).map(\.request.token) == [again.request.token])
        let afterA = try #require(try await b.taskAnswered(token: again.request.token, .succeeded(["a": 1]), from: .reply))
        #expect(Self.tasks(afterA).map(\.request.stateName) == ["B"], "the redriven run goes on where it was")
        reopened.close()
    }

    @Test("an execution that failed before a restart can be redriven after it")
    func redrivesAfterARestart() async throws {
        let (path, store, a, record, first) = try await Self.startedTwo("f1")
        let failed = try #require(try await a.taskAnswered(token: first.request.token, .failed(error: "Nope", cause: nil), from: .reply))
        a.published(failed)
        store.close()

        let reopened = try SQLiteStore(path: path)
        let b = Self.orchestrator(reopened)
        _ = try await b.recover()
        #expect(await b.running == 0)
        let (_, effects) = try await b.redrive(executionArn: record.executionArn)
        #expect(Self.tasks(effects).map(\.request.stateName) == ["A"])
        #expect(try await b.describeExecution(record.executionArn)?.status == .running)
        reopened.close()
    }

    @Test("a late answer to an execution that ended before a restart is known as issued, not unknown")
    func lateAnswerAfterRestartIsStale() async throws {
        let (path, store, a, _, t1) = try await Self.startedTwo("late")
        let e2 = try #require(try await a.taskAnswered(token: t1.request.token, .succeeded([:]), from: .reply))
        a.published(e2)
        let t2 = try #require(Self.tasks(e2).first)
        a.published(try #require(try await a.taskAnswered(token: t2.request.token, .succeeded([:]), from: .reply)))
        store.close()

        let reopened = try SQLiteStore(path: path)
        let b = Self.orchestrator(reopened)
        _ = try await b.recover()
        await #expect(throws: EngineError.self) {
            _ = try await b.taskAnswered(token: t1.request.token, .succeeded([:]), from: .reply)
        }
        #expect(await b.isIssued(token: t1.request.token))
        #expect(!(await b.isIssued(token: "0123456789abcdef0123456789abcdef-1")))
        reopened.close()
    }

    @Test("entries recorded together by many callers share transactions (group commit)")
    func groupCommit() async throws {
        let store = try SQLiteStore(path: Self.temporaryPath())
        let tickets = (0..<2_000).map { i in
            store.record([.catalogPut(kind: "test", key: "k\(i)", document: ["i": .int(i)])])
        }
        for t in tickets { try await t.wait() }
        let stats = store.statistics
        #expect(stats.entries == 2_000)
        #expect(stats.commits < 2_000, "\(stats.commits) commits for 2,000 records")
        store.close()
    }

    @Test("after a large commit, the next waits the commit delay and takes what arrived meanwhile in one transaction")
    func commitDelayGathersUnderLoad() async throws {
        let store = try SQLiteStore(path: Self.temporaryPath(), commitDelayMicroseconds: 1_000_000)
        let catalog = { (i: Int) in JournalEntry.catalogPut(kind: "test", key: "k\(i)", document: .int(i)) }
        // A large commit marks load.
        try await store.record((1...40).map(catalog)).wait()
        let before = store.statistics
        // The next entry waits for company: ten callers recording right after it share its commit.
        let tickets = (41...50).map { store.record([catalog($0)]) }
        for t in tickets { try await t.wait() }
        let after = store.statistics
        #expect(after.commits - before.commits == 1)
        #expect(after.entries - before.entries == 10)
        store.close()
    }

    @Test("at rest a lone entry is committed without the commit delay (a minute here: it would show)")
    func loneEntryIsNotDelayed() async throws {
        let store = try SQLiteStore(path: Self.temporaryPath(), commitDelayMicroseconds: 60_000_000)
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<3 {
            try await store.record([.catalogPut(kind: "test", key: "k\(i)", document: .int(i))]).wait()
        }
        #expect(clock.now - start < .seconds(30))
        store.close()
    }

    @Test("while the database is locked nothing is reported saved; once it is free the write goes through")
    func lockedDatabaseHoldsTheTicket() async throws {
        let path = Self.temporaryPath()
        let store = try SQLiteStore(path: path, busyTimeoutSeconds: 0.1)
        try await store.record([.catalogPut(kind: "t", key: "first", document: 1)]).wait()
        let other = try DatabaseQueue(path: path)
        let locked = Task.detached {
            try other.inDatabase { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                Thread.sleep(forTimeInterval: 1.0)
                try db.execute(sql: "COMMIT")
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let ticket = store.record([.catalogPut(kind: "t", key: "second", document: 2)])
        let finished = Task { try await ticket.wait(); return Date() }
        try await locked.value
        let released = Date()
        let saved = try await finished.value
        #expect(saved >= released, "the ticket completed only after the lock was released")
        let count = try await other.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM catalog WHERE kind = 't'") }
        #expect(count == 2)
        store.close()
    }

    @Test("reopening applies no migration twice and keeps what was stored")
    func reopenKeepsData() async throws {
        let path = Self.temporaryPath()
        let a = try SQLiteStore(path: path)
        try await a.record([.catalogPut(kind: "stateMachine", key: "m",
                                        document: ["name": "m", "definition": .string(Self.two)])]).wait()
        a.close()
        let b = try SQLiteStore(path: path)
        let snapshot = try await b.recovery()
        #expect(snapshot.catalog.map(\.key) == ["m"])
        let migrations = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(migrations == ["1-executions-entries-outbox-catalog", "2-token-prefix", "3-entries-by-execution-rowid",
                               "4-outbox-without-rowid"])
        b.close()
    }

    @Test("a store from before the outbox became one B-tree keeps its unconfirmed messages through the upgrade")
    func outboxSurvivesItsMigration() async throws {
        let path = Self.temporaryPath()
        let old = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(old, upTo: "3-entries-by-execution-rowid")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO outbox (key, arn) VALUES ('task:kept', 'arn:aws:states:us-east-1:1:execution:m:e')")
        }
        try old.close()
        let store = try SQLiteStore(path: path)
        #expect(try await store.recovery().outbox == ["task:kept"])
        let table = try await DatabaseQueue(path: path).read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'outbox'")
        }
        #expect(table?.contains("WITHOUT ROWID") == true)
        store.close()
    }

    @Test("keys and names with non-ASCII characters, and empty ones, are stored byte for byte")
    func textIsStoredExactly() async throws {
        let path = Self.temporaryPath()
        let store = try SQLiteStore(path: path)
        let keys: Set = ["task:é-😀-名前", "", "result:tab\tquote\"x"]
        try await store.record(keys.map { .outbox(key: $0, executionArn: "") }).wait()
        #expect(try await store.recovery().outbox == keys)
        try await store.record([.outboxDone(key: "task:é-😀-名前")]).wait()
        #expect(try await store.recovery().outbox == keys.subtracting(["task:é-😀-名前"]))
        store.close()
    }

    @Test("the store benchmark records whole executions, many steps per commit, and reports them")
    func storeBenchmarkRuns() throws {
        let result = try StoreBenchmark.run(path: Self.temporaryPath(), durability: .normal, inFlight: 8,
                                            tasksPerExecution: 3, seconds: 0.3)
        #expect(result.executions > 0)
        #expect(result.steps == result.executions * 3)
        #expect(result.commits > 0 && result.entries > result.commits)
        #expect(result.report.hasPrefix("store executions=\(result.executions) steps=\(result.steps) "))
    }
}
