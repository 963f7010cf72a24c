import BatonEngine

/// Carries out what the orchestrator decided (tasks, timers, results, events): the broker in `baton serve`.
public protocol EffectSink: Sendable {
    /// Publishes the effects; returns once the transport has them (with confirms, for RabbitMQ).
    func perform(_ effects: [Effect]) async throws
}

/// Where GetActivityTask takes an activity's tasks from: the activity's queue.
public protocol ActivityTaskSource: Sendable {
    /// Makes sure the activity's queue exists (CreateActivity), so a worker can poll before any task is sent.
    func prepare(queue: String) async throws
    /// Waits up to `timeout` seconds for one task on the queue and takes it; nil when none came.
    func nextTask(queue: String, timeout: Double) async throws -> ActivityTask?
}

/// A task handed to an activity worker: the token SendTask* answers with, and the task's input.
public struct ActivityTask: Sendable, Hashable {
    public var token: String
    /// The input as JSON text.
    public var input: String

    public init(token: String, input: String) {
        self.token = token
        self.input = input
    }
}

/// An effect sink that does nothing (tests, and `baton serve` never: it always has the broker).
public struct DiscardingEffectSink: EffectSink {
    public init() {}
    public func perform(_ effects: [Effect]) async throws {}
}
