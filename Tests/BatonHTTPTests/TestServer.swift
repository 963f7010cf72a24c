import BatonEngine
import BatonLanguage
import Foundation
@testable import BatonHTTP

/// An in-process stand-in for the broker: tasks the orchestrator publishes wait in memory queues, where
/// GetActivityTask finds them. Timers are not carried (the tests use no Wait state).
actor MemoryBroker: EffectSink, ActivityTaskSource {
    private var queues: [String: [ActivityTask]] = [:]
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    private(set) var published: [Effect] = []

    func perform(_ effects: [Effect]) async throws {
        published += effects
        for case .publishTask(let d) in effects {
            queues[d.route.queue, default: []].append(ActivityTask(token: d.request.token, input: d.route.body.serialized()))
            for w in waiters.removeValue(forKey: d.route.queue) ?? [] { w.resume() }
        }
    }

    func prepare(queue: String) async throws {
        if queues[queue] == nil { queues[queue] = [] }
    }

    func nextTask(queue: String, timeout: Double) async throws -> ActivityTask? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if var q = queues[queue], !q.isEmpty {
                let task = q.removeFirst()
                queues[queue] = q
                return task
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            let wake = Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(Int64(left * 1000)))
                await self?.wakeAll(queue)
            }
            await withCheckedContinuation { waiters[queue, default: []].append($0) }
            wake.cancel()
        }
    }

    private func wakeAll(_ queue: String) {
        for w in waiters.removeValue(forKey: queue) ?? [] { w.resume() }
    }
}

/// A real HTTP server on a free port over an in-memory orchestrator, for one test.
struct TestServer {
    let orchestrator: Orchestrator
    let broker: MemoryBroker
    let port: Int
    let task: Task<Void, any Error>

    var url: URL { URL(string: "http://127.0.0.1:\(port)/")! }

    /// A client of this server, signed with `credentials` when given.
    func client(credentials: (accessKey: String, secret: String)? = nil) -> StepFunctionsClient {
        StepFunctionsClient(endpoint: url, credentials: credentials, timeout: 20)
    }

    static func start(authKeys: [String: String]? = nil, activityPollSeconds: Double = 5) async throws -> TestServer {
        let orchestrator = Orchestrator(clock: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) },
                                        seeds: { UInt64.random(in: .min ... .max) })
        let broker = MemoryBroker()
        let configuration = APIConfiguration(port: 0, authKeys: authKeys, activityPollSeconds: activityPollSeconds)
        let api = StepFunctionsAPI(orchestrator: orchestrator, effects: broker, activities: broker, configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = APIServer(api: api, configuration: configuration, onRunning: { continuation.yield($0) })
        let task = Task { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw APIError("TestServer", "the server did not start") }
        return TestServer(orchestrator: orchestrator, broker: broker, port: port, task: task)
    }

    func stop() {
        task.cancel()
    }
}

/// Shortcuts for JSON in tests.
extension JSON {
    /// Parses JSON text (a test's literal); `.null` when it is not JSON.
    static func parse(_ text: String) -> JSON { (try? JSONParser.parse(text)) ?? .null }
}

/// Calls and expects an API error; returns it (nil when the call succeeded).
func apiError(_ body: () async throws -> Void) async -> StepFunctionsClient.Failure? {
    do {
        try await body()
        return nil
    } catch let f as StepFunctionsClient.Failure {
        return f
    } catch {
        return StepFunctionsClient.Failure(status: -1, type: "\(error)", message: "")
    }
}
