import BatonCore
import BatonEngine
import BatonLanguage
import Foundation
import GRDB
import Logging

// The embedded durable store. The orchestrator hands it entries in order (`record`, never blocking); one
// writer thread takes everything that has piled up since its last commit and writes it in one transaction
// (group commit), then completes the tickets of those entries — so under load one fsync serves many
// messages. A write that fails (disk full, database locked) is retried until it succeeds; nothing waiting
// on it is acked meanwhile.

/// Executions, their journal, the outbox and the catalog in one SQLite file (WAL).
public final class SQLiteStore: ExecutionJournal, ExecutionArchive, @unchecked Sendable {
    /// How hard each commit is pushed to disk.
    public enum Durability: String, Sendable {
        /// fsync on every commit: survives a power cut (SQLite `synchronous=FULL`).
        case full
        /// fsync at checkpoints: survives any crash of the process, not of the machine (`synchronous=NORMAL`).
        case normal
    }

    public let path: String
    /// How long a commit under load waits to gather more entries (microseconds; 0: never).
    public let commitDelayMicroseconds: Int
    /// The commit delays a store accepts (microseconds): up to a minute.
    public static let commitDelayRange = 0...60_000_000
    /// A commit of at least this many entries means load: the next one may wait `commitDelayMicroseconds`.
    static let loadedCommitEntries = 32
    let pool: DatabasePool
    let logger: Logger

    /// Ids of definition texts already stored: filled before the writer starts, then the writer's alone.
    private var definitionIds: [String: Int64] = [:]
    /// Rowids of running executions by ARN (the writer thread's alone, like `definitionIds`).
    private var executionRowids: [String: Int64] = [:]

    // The lock guards everything below it.
    private let lock = NSCondition()
    private var pending: [JournalEntry] = []
    private var tickets: [JournalTicket] = []
    private var closed = false
    /// The writer waits for entries (only then does `record` wake it).
    private var writerIdle = false
    private var writer: Thread?
    private var commitCount = 0
    private var committedEntryCount = 0

    /// Opens (creating it if needed) the store at `path` and applies pending migrations.
    public init(path: String, durability: Durability = .full, busyTimeoutSeconds: Double = 5,
                commitDelayMicroseconds: Int = 1000, logger: Logger = Logger(label: "baton.store")) throws(EngineError) {
        self.path = path
        self.commitDelayMicroseconds = min(max(commitDelayMicroseconds, Self.commitDelayRange.lowerBound), Self.commitDelayRange.upperBound)
        self.logger = logger
        var config = Configuration()
        config.busyMode = .timeout(busyTimeoutSeconds)
        config.label = "baton.store"
        let sync = durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            // A commit appends every page it changed to the WAL; checkpointing (copying the WAL into the database
            // file) after every ~1,000 pages, SQLite's default, meant a checkpoint nearly every group commit. Every
            // 16,384 pages (64 MiB of WAL) copies each hot page once for many commits.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            // The indexes' hot pages stay in memory (64 MiB per connection at most).
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // After the pool is open: opening it sets WAL mode with `synchronous = NORMAL`, over whatever
            // `prepareDatabase` set. Only the writer connection commits, so only it needs the setting.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(sync)") }
            try SQLiteSchema.migrator.migrate(pool)
            definitionIds = try pool.read { db in
                var ids: [String: Int64] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT id, text FROM definitions") {
                    ids[row["text"] as String] = row["id"] as Int64
                }
                return ids
            }
        } catch {
            throw EngineError(.storeUnavailable, "cannot open the store '\(path)': \(error)")
        }
        // The writer holds the store until `close` ends its loop.
        let thread = Thread { self.writeLoop() }
        thread.name = "baton-store-writer"
        writer = thread
        thread.start()
    }

    /// Writes what is pending and stops the writer.
    public func close() {
        lock.lock()
        closed = true
        lock.broadcast()
        lock.unlock()
    }

    /// The writer connection's `PRAGMA synchronous` (2 = FULL, 1 = NORMAL).
    public func synchronousSetting() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Transactions committed so far, and the entries they held: their ratio is the group commit's gain.
    public var statistics: (commits: Int, entries: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (commitCount, committedEntryCount)
    }

    // MARK: ExecutionJournal

    public func record(_ entries: [JournalEntry]) -> JournalTicket {
        let ticket = JournalTicket()
        lock.lock()
        pending.append(contentsOf: entries)
        tickets.append(ticket)
        if writerIdle { lock.signal() }
        lock.unlock()
        return ticket
    }

    private func writeLoop() {
        var failures = 0
        var lastBatch = 0
        while true {
            lock.lock()
            while pending.isEmpty && tickets.isEmpty && !closed {
                writerIdle = true
                lock.wait()
                writerIdle = false
            }
            if pending.isEmpty && tickets.isEmpty && closed {
                lock.unlock()
                return
            }
            // Under load (the last commit was large, fewer entries are waiting now), wait a moment for more: one commit,
            // one fsync and one wake-up serve more steps. A lone entry is never delayed.
            if commitDelayMicroseconds > 0, lastBatch >= Self.loadedCommitEntries, pending.count < lastBatch, !closed {
                lock.unlock()
                Thread.sleep(forTimeInterval: Double(commitDelayMicroseconds) / 1_000_000)
                lock.lock()
            }
            let batch = pending
            lastBatch = batch.count
            let waiting = tickets
            pending.removeAll(keepingCapacity: true)
            tickets.removeAll(keepingCapacity: true)
            lock.unlock()
            while true {
                do {
                    try pool.write { db in try self.write(batch, db) }
                    failures = 0
                    break
                } catch {
                    failures += 1
                    // Never complete a ticket for entries that were not saved: whoever waits does not ack.
                    logger.error("store write failed; retrying", metadata: ["error": "\(error)", "entries": "\(batch.count)",
                                                                             "attempt": "\(failures)"])
                    Thread.sleep(forTimeInterval: min(2.0, 0.05 * Double(failures)))
                }
            }
            lock.lock()
            commitCount += 1
            committedEntryCount += batch.count
            lock.unlock()
            for t in waiting { t.complete(.success(())) }
        }
    }

    private func write(_ batch: [JournalEntry], _ db: Database) throws {
        for entry in batch {
            switch entry {
            case .started(let s):
                let defId = try definitionId(s.definition, db)
                var body: JSONObject = [
                    "stateMachine": .string(s.stateMachine), "stateMachineArn": .string(s.stateMachineArn),
                    "definition": .int(Int(defId)), "name": .string(s.name), "input": s.input,
                    "seed": .string(String(s.seed)),
                ]
                if let r = s.replyTo { body["replyTo"] = JournalCodec.encode(r) }
                if let p = s.parent { body["parent"] = JournalCodec.encode(p) }
                if !s.tokenPrefix.isEmpty { body["tokenPrefix"] = .string(s.tokenPrefix) }
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO executions (arn, state_machine_arn, state_machine, name, status, start_ms, input, token_prefix)
                    VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?)
                    """).execute(arguments: [s.executionArn, s.stateMachineArn, s.stateMachine, s.name, s.at,
                                             s.input.serialized(), s.tokenPrefix])
                // A new row: its rowid is known without a lookup (a repeated start finds the existing row later).
                if db.changesCount == 1 { executionRowids[s.executionArn] = db.lastInsertedRowID }
                try insertEntry(s.executionArn, at: s.at, kind: "started", body: JSON.object(body).serialized(), db)
            case .applied(let arn, let event, let at):
                try insertEntry(arn, at: at, kind: "applied", body: JournalCodec.encode(event).serialized(), db)
                if case .timerFired(Execution.redriveEventId) = event {
                    // A redrive: the execution runs again (and is recovered as running after a crash).
                    try db.cachedStatement(sql: "UPDATE executions SET status = 'RUNNING', stop_ms = NULL, record = NULL WHERE arn = ?")
                        .execute(arguments: [arn])
                }
            case .replyAdded(let arn, let reply):
                try insertEntry(arn, at: 0, kind: "reply", body: JournalCodec.encode(reply).serialized(), db)
            case .ended(let r):
                try db.cachedStatement(sql: "UPDATE executions SET status = ?, stop_ms = ?, record = ? WHERE arn = ?")
                    .execute(arguments: [r.status.rawValue, r.stopDate, JournalCodec.encode(r).serialized(), r.executionArn])
                executionRowids[r.executionArn] = nil
            case .outbox(let key, let arn):
                try HotStatement("INSERT OR REPLACE INTO outbox (key, arn) VALUES (?, ?)", db).run(.text(key), .text(arn))
            case .outboxDone(let key):
                try HotStatement("DELETE FROM outbox WHERE key = ?", db).run(.text(key))
            case .catalogPut(let kind, let key, let document):
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO catalog (kind, key, document) VALUES (?, ?, ?)")
                    .execute(arguments: [kind, key, document.serialized()])
            case .catalogDelete(let kind, let key):
                try db.cachedStatement(sql: "DELETE FROM catalog WHERE kind = ? AND key = ?").execute(arguments: [kind, key])
            }
        }
    }

    private func insertEntry(_ arn: String, at: Int64, kind: String, body: String, _ db: Database) throws {
        try HotStatement("INSERT INTO entries (arn, exec, at, kind, body) VALUES (?, ?, ?, ?, ?)", db)
            .run(.text(arn), .integer(try executionRowid(arn, db)), .integer(at), .text(kind), .text(body))
    }

    /// The rowid of an execution's row, which its entries are indexed by (only the writer thread calls this;
    /// running executions are cached, ended ones forgotten).
    private func executionRowid(_ arn: String, _ db: Database) throws -> Int64 {
        if let known = executionRowids[arn] { return known }
        guard let id = try Int64.fetchOne(db, sql: "SELECT rowid FROM executions WHERE arn = ?", arguments: [arn]) else {
            throw EngineError(.storeUnavailable, "an entry of \(arn), whose start was never recorded")
        }
        executionRowids[arn] = id
        return id
    }

    /// The id of a definition's text, inserting it the first time (only the writer thread calls this).
    private func definitionId(_ text: String, _ db: Database) throws -> Int64 {
        if let known = definitionIds[text] { return known }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO definitions (text) VALUES (?)").execute(arguments: [text])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM definitions WHERE text = ?", arguments: [text]) else {
            throw EngineError(.storeUnavailable, "definition not stored")
        }
        definitionIds[text] = id
        return id
    }

    // MARK: ExecutionArchive

    public func recovery() async throws -> RecoverySnapshot {
        try await pool.read { db in
            var catalog: [(kind: String, key: String, document: JSON)] = []
            for row in try Row.fetchAll(db, sql: "SELECT kind, key, document FROM catalog ORDER BY kind, key") {
                catalog.append((row["kind"], row["key"], try Self.parse(row["document"] as String)))
            }
            let definitions = try Self.definitions(db)
            var entries: [JournalEntry] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT arn, at, kind, body FROM entries
                WHERE exec IN (SELECT rowid FROM executions WHERE status = 'RUNNING'
                               UNION SELECT executions.rowid FROM executions JOIN outbox ON outbox.arn = executions.arn)
                ORDER BY id
                """)
            while let row = try rows.next() {
                entries.append(try Self.entry(row, definitions: definitions))
            }
            let outbox = Set(try String.fetchAll(db, sql: "SELECT key FROM outbox"))
            return RecoverySnapshot(catalog: catalog, entries: entries, outbox: outbox)
        }
    }

    public func record(_ executionArn: String) async throws -> ExecutionRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM executions WHERE arn = ?", arguments: [executionArn]).map(Self.record)
        }
    }

    public func entries(of executionArn: String) async throws -> [JournalEntry] {
        try await pool.read { db in
            let definitions = try Self.definitions(db)
            return try Row.fetchAll(db, sql: """
                SELECT arn, at, kind, body FROM entries WHERE exec = (SELECT rowid FROM executions WHERE arn = ?) ORDER BY id
                """,
                                    arguments: [executionArn]).map { try Self.entry($0, definitions: definitions) }
        }
    }

    public func executionArn(issuingTokensWithPrefix prefix: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT arn FROM executions WHERE token_prefix = ?", arguments: [prefix])
        }
    }

    public func records(stateMachineArn: String?, status: ExecutionStatus?, limit: Int) async throws -> [ExecutionRecord] {
        try await pool.read { db in
            var sql = "SELECT * FROM executions"
            var clauses: [String] = []
            var args: StatementArguments = []
            if let stateMachineArn {
                clauses.append("state_machine_arn = ?")
                args += [stateMachineArn]
            }
            if let status {
                clauses.append("status = ?")
                args += [status.rawValue]
            }
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY start_ms DESC LIMIT ?"
            args += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: args).map(Self.record)
        }
    }

    // MARK: Reading rows

    static func definitions(_ db: Database) throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, text FROM definitions") { out[row["id"]] = row["text"] }
        return out
    }

    static func parse(_ text: String) throws -> JSON {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw EngineError(.storeCorrupt, "The store holds JSON Baton cannot read: \(error)")
        }
    }

    static func entry(_ row: Row, definitions: [Int64: String]) throws -> JournalEntry {
        let arn: String = row["arn"]
        let at: Int64 = row["at"]
        let body = try parse(row["body"] as String)
        switch row["kind"] as String {
        case "started":
            guard let sm = body["stateMachine"]?.stringValue, let smArn = body["stateMachineArn"]?.stringValue,
                  let defId = body["definition"]?.intValue, let definition = definitions[Int64(defId)],
                  let name = body["name"]?.stringValue, let seed = body["seed"]?.stringValue.flatMap({ UInt64($0) }) else {
                throw EngineError(.storeCorrupt, "The store holds a start of \(arn) Baton cannot read")
            }
            return .started(StartedExecution(executionArn: arn, stateMachine: sm, stateMachineArn: smArn,
                                             definition: definition, name: name, input: body["input"] ?? .emptyObject,
                                             seed: seed, at: at, replyTo: body["replyTo"].flatMap(JournalCodec.decodeReply),
                                             parent: body["parent"].flatMap(JournalCodec.decodeParent),
                                             tokenPrefix: body["tokenPrefix"]?.stringValue ?? ""))
        case "reply":
            guard let reply = JournalCodec.decodeReply(body) else {
                throw EngineError(.storeCorrupt, "The store holds a reply address of \(arn) Baton cannot read")
            }
            return .replyAdded(executionArn: arn, replyTo: reply)
        default:
            return .applied(executionArn: arn, event: try JournalCodec.decodeEvent(body), at: at)
        }
    }

    static func record(_ row: Row) throws -> ExecutionRecord {
        if let text = row["record"] as String? {
            return try JournalCodec.decodeRecord(try parse(text))
        }
        return ExecutionRecord(executionArn: row["arn"], stateMachineArn: row["state_machine_arn"],
                               stateMachineName: row["state_machine"], name: row["name"],
                               status: ExecutionStatus(rawValue: row["status"]) ?? .running,
                               startDate: row["start_ms"], input: try parse(row["input"] as String))
    }
}
