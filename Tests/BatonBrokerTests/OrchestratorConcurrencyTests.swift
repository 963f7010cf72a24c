import BatonBroker
import BatonEngine
import BatonLanguage
import Foundation
import Testing

/// The orchestrator is an actor whose calls suspend while the journal records an event; calls that arrive
/// together (the broker hands replies over concurrently) must each see the others' changes.
@Suite("The orchestrator under concurrent calls (no broker)", .timeLimit(.minutes(1)))
struct OrchestratorConcurrencyTests {
    static let mapDefinition = #"""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{
          "ProcessorConfig":{"Mode":"INLINE"},"StartAt":"T","States":{
            "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:item","End":true}}}}}}
        """#

    /// A journal that takes a millisecond per write, as a durable one (SQLite, PostgreSQL) does.
    final class SlowJournal: ExecutionJournal, Sendable {
        func record(_ entries: [JournalEntry]) -> JournalTicket {
            let ticket = JournalTicket()
            Task {
                try? await Task.sleep(for: .milliseconds(1))
                ticket.complete(.success(()))
            }
            return ticket
        }
    }

    static func orchestrator() async throws -> Orchestrator {
        let o = Orchestrator(journal: SlowJournal(), clock: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) },
                             seeds: { UInt64.random(in: .min ... .max) })
        try await o.register(name: "map", definition: mapDefinition)
        return o
    }

    @Test("40 Map iterations answered at the same time: every answer counts and the execution succeeds")
    func concurrentAnswers() async throws {
        let orchestrator = try await Self.orchestrator()
        let items = JSON.array((0..<40).map { JSON.int($0) })
        let (record, effects) = try await orchestrator.start(.init(stateMachine: "map", name: "m1", input: items))
        let tokens = effects.compactMap { effect -> (String, JSON)? in
            if case .publishTask(let d) = effect { return (d.request.token, d.request.input) }
            return nil
        }
        #expect(tokens.count == 40)
        let finished = try await withThrowingTaskGroup(of: [Effect]?.self) { group in
            for (token, input) in tokens {
                group.addTask { try await orchestrator.taskAnswered(token: token, .succeeded(input)) }
            }
            var all: [Effect] = []
            for try await e in group { all += e ?? [] }
            return all
        }
        let status = await orchestrator.describe(record.executionArn)?.status
        #expect(status == .succeeded, "status \(String(describing: status)) after all 40 answers")
        #expect(finished.contains { if case .publishEvent(let key, _) = $0 { key == "execution.SUCCEEDED.map" } else { false } })
        #expect(await orchestrator.describe(record.executionArn)?.output == items)
    }

    @Test("two starts with the same name arriving together make one execution")
    func concurrentStarts() async throws {
        let orchestrator = try await Self.orchestrator()
        let request = Orchestrator.StartRequest(stateMachine: "map", name: "same", input: [1, 2])
        let tasks = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let (_, effects) = try await orchestrator.start(request)
                    return effects.filter { if case .publishTask = $0 { true } else { false } }.count
                }
            }
            var n = 0
            for try await c in group { n += c }
            return n
        }
        #expect(await orchestrator.listExecutions(stateMachine: "map").count == 1)
        #expect(tasks == 2, "8 identical starts published \(tasks) tasks; one execution publishes 2")
        #expect(await orchestrator.running == 1)
    }
}
