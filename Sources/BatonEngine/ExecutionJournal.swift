import BatonCore
import BatonLanguage

/// One fact the engine records before it acts on it: an execution started, an event was applied to it at
/// a time, or a catalog document (a state machine, an activity, tags…) was written or deleted. Replaying
/// the entries of an execution through the pure core rebuilds it exactly.
public enum JournalEntry: Sendable {
    case started(executionArn: String, stateMachine: String, name: String, input: JSON, seed: UInt64, at: Int64,
                 replyTo: ReplyAddress?)
    case applied(executionArn: String, event: ExecutionEvent, at: Int64)
    /// A catalog document written (kind: `stateMachine`, `activity`, `tags`, …; key: usually an ARN).
    case catalogPut(kind: String, key: String, document: JSON)
    case catalogDelete(kind: String, key: String)
}

/// Where the engine records what it did, durably before the incoming message is acked. SQLite and
/// PostgreSQL journals implement it; the in-memory one serves tests and a broker-only deployment.
public protocol ExecutionJournal: Sendable {
    func append(_ entries: [JournalEntry]) async throws
}

/// A journal that keeps entries in memory (lost when the process ends).
public actor InMemoryJournal: ExecutionJournal {
    public private(set) var entries: [JournalEntry] = []

    public init() {}

    public func append(_ entries: [JournalEntry]) async throws {
        self.entries.append(contentsOf: entries)
    }
}
