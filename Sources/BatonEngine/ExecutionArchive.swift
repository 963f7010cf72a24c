import BatonCore
import BatonLanguage

/// The read side of a durable store: what recovery loads at start, and executions read back once memory
/// no longer holds them. SQLite implements it; PostgreSQL will too.
public protocol ExecutionArchive: Sendable {
    /// Everything a restarted orchestrator needs: the catalog, the entries of every execution that is
    /// still running or has unconfirmed messages (in the order they were recorded), and those messages' keys.
    func recovery() async throws -> RecoverySnapshot
    /// An execution's record (ended ones are complete; running ones have their start only).
    func record(_ executionArn: String) async throws -> ExecutionRecord?
    /// An execution's `started` and `applied` entries, in order.
    func entries(of executionArn: String) async throws -> [JournalEntry]
    /// The execution that issues task tokens with this prefix, if the store has it.
    func executionArn(issuingTokensWithPrefix prefix: String) async throws -> String?
    /// Executions newest first, filtered by state machine ARN and status.
    func records(stateMachineArn: String?, status: ExecutionStatus?, limit: Int) async throws -> [ExecutionRecord]
}

/// What recovery reads from the store.
public struct RecoverySnapshot: Sendable {
    /// Catalog documents: kind, key, document.
    public var catalog: [(kind: String, key: String, document: JSON)]
    /// `started` and `applied` entries of the executions to rebuild, in recorded order.
    public var entries: [JournalEntry]
    /// Keys of messages decided but not confirmed by the broker.
    public var outbox: Set<String>

    public init(catalog: [(kind: String, key: String, document: JSON)], entries: [JournalEntry], outbox: Set<String>) {
        self.catalog = catalog
        self.entries = entries
        self.outbox = outbox
    }
}
