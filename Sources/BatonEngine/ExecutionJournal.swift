import BatonCore
import BatonLanguage
import Foundation

/// One fact the engine records before it acts on it. Replaying an execution's `started` and `applied`
/// entries, in order, through the pure core rebuilds it exactly, history included.
public enum JournalEntry: Sendable {
    /// An execution started (with the definition it runs, so a later update of the machine doesn't change it).
    case started(StartedExecution)
    case applied(executionArn: String, event: ExecutionEvent, at: Int64)
    /// A repeated start of a running execution asked for its result too.
    case replyAdded(executionArn: String, replyTo: ReplyAddress)
    /// An execution ended: its final record, for reading it back without replaying it.
    case ended(ExecutionRecord)
    /// A message decided by this step that is not yet confirmed by the broker (key: `Effect.outboxKey`).
    case outbox(key: String, executionArn: String)
    /// The broker confirmed the message: it need not be published again after a crash.
    case outboxDone(key: String)
    /// A catalog document written (kind: `stateMachine`, `activity`, `tags`, …; key: usually a name or ARN).
    case catalogPut(kind: String, key: String, document: JSON)
    case catalogDelete(kind: String, key: String)
}

/// What a `started` entry records.
public struct StartedExecution: Sendable {
    public var executionArn: String
    public var stateMachine: String
    public var stateMachineArn: String
    public var definition: String
    public var name: String
    public var input: JSON
    public var seed: UInt64
    public var at: Int64
    public var replyTo: ReplyAddress?
    /// For a child started by `states:startExecution`: the parent's execution, task token and pattern.
    public var parent: ParentReference?
    /// The prefix of every task token the execution issues (finds it from a late answer).
    public var tokenPrefix: String

    public init(executionArn: String, stateMachine: String, stateMachineArn: String, definition: String, name: String,
                input: JSON, seed: UInt64, at: Int64, replyTo: ReplyAddress?, parent: ParentReference?,
                tokenPrefix: String = "") {
        self.tokenPrefix = tokenPrefix
        self.executionArn = executionArn
        self.stateMachine = stateMachine
        self.stateMachineArn = stateMachineArn
        self.definition = definition
        self.name = name
        self.input = input
        self.seed = seed
        self.at = at
        self.replyTo = replyTo
        self.parent = parent
    }
}

/// The task of a parent execution that started a child (`arn:aws:states:::states:startExecution`).
public struct ParentReference: Sendable, Hashable {
    public var executionArn: String
    public var token: String
    /// The integration pattern's suffix: "" (request-response), ".sync", ".sync:2" or ".waitForTaskToken".
    public var pattern: String

    public init(executionArn: String, token: String, pattern: String) {
        self.executionArn = executionArn
        self.token = token
        self.pattern = pattern
    }
}

/// Where the engine records what it did. `record` takes entries synchronously, in the order of the calls
/// (the orchestrator calls it without suspending, so the log's order is the order things happened), and
/// the ticket completes once they are durable — never before the tickets of earlier calls. SQLite and
/// PostgreSQL stores implement it.
public protocol ExecutionJournal: Sendable {
    func record(_ entries: [JournalEntry]) -> JournalTicket
    /// False for a journal that keeps nothing: the engine then builds no entries for it.
    var keepsEntries: Bool { get }
}

extension ExecutionJournal {
    public var keepsEntries: Bool { true }
}

/// Completes when the entries it stands for are durable (or fails with the store's error).
public final class JournalTicket: @unchecked Sendable {
    // The lock guards `outcome` and `callbacks`.
    private let lock = NSLock()
    private var outcome: Result<Void, any Error>?
    private var callbacks: [@Sendable (Result<Void, any Error>) -> Void] = []

    public init() {}

    /// A ticket that is already complete.
    public static let done: JournalTicket = {
        let t = JournalTicket()
        t.complete(.success(()))
        return t
    }()

    /// Completes the ticket and calls whoever waits for it (only the first completion counts).
    public func complete(_ result: Result<Void, any Error>) {
        lock.lock()
        guard outcome == nil else { lock.unlock(); return }
        outcome = result
        let called = callbacks
        callbacks.removeAll()
        lock.unlock()
        for c in called { c(result) }
    }

    /// Calls `body` once the entries are durable (or the journal failed): at once when they already are, else on
    /// the thread that completes the ticket (the store's writer), so `body` must be quick and must not block.
    public func whenComplete(_ body: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        lock.lock()
        if let outcome {
            lock.unlock()
            body(outcome)
        } else {
            callbacks.append(body)
            lock.unlock()
        }
    }

    private var currentOutcome: Result<Void, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return outcome
    }

    /// Waits until the entries are durable (without suspending when they already are).
    public func wait() async throws {
        if let known = currentOutcome { return try known.get() }
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            whenComplete { c.resume(with: $0) }
        }
    }
}

/// The journal of a run without a store: it records nothing, so executions live only as long as the process.
public struct InMemoryJournal: ExecutionJournal {
    public init() {}

    public func record(_ entries: [JournalEntry]) -> JournalTicket { .done }

    public var keepsEntries: Bool { false }
}
