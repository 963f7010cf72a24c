import GRDB

/// The store's tables, created and changed by numbered migrations applied at start.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("1-executions-entries-outbox-catalog") { db in
            // Definitions, each text once: executions keep the definition they started with.
            try db.execute(sql: """
                CREATE TABLE definitions (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
                CREATE TABLE executions (
                    arn TEXT PRIMARY KEY,
                    state_machine_arn TEXT NOT NULL,
                    state_machine TEXT NOT NULL,
                    name TEXT NOT NULL,
                    status TEXT NOT NULL,
                    start_ms INTEGER NOT NULL,
                    stop_ms INTEGER,
                    input TEXT NOT NULL,
                    record TEXT
                );
                CREATE INDEX executions_by_status ON executions (status, start_ms);
                CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_ms);
                -- Every started/applied entry in the order it happened: replaying them rebuilds an execution.
                CREATE TABLE entries (
                    id INTEGER PRIMARY KEY,
                    arn TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX entries_by_execution ON entries (arn, id);
                -- Messages decided but not yet confirmed by the broker: published again at start.
                CREATE TABLE outbox (key TEXT PRIMARY KEY, arn TEXT NOT NULL);
                -- State machines, activities, tags, versions…: documents by kind and key.
                CREATE TABLE catalog (kind TEXT NOT NULL, key TEXT NOT NULL, document TEXT NOT NULL, PRIMARY KEY (kind, key));
                """)
        }
        m.registerMigration("2-token-prefix") { db in
            // Finds an ended execution from a late answer's token (stale, not unknown).
            try db.execute(sql: """
                ALTER TABLE executions ADD COLUMN token_prefix TEXT;
                CREATE INDEX executions_by_token_prefix ON executions (token_prefix);
                """)
        }
        m.registerMigration("3-entries-by-execution-rowid") { db in
            // Entries indexed by their execution's rowid, not its ARN: executions running together have
            // neighbouring rowids, so a group commit's entries land in a few index pages instead of one random page
            // each (the ARN ends in a random name), which made every commit write hundreds of pages.
            try db.execute(sql: """
                ALTER TABLE entries ADD COLUMN exec INTEGER;
                UPDATE entries SET exec = (SELECT rowid FROM executions WHERE executions.arn = entries.arn);
                DROP INDEX entries_by_execution;
                CREATE INDEX entries_by_exec ON entries (exec, id);
                """)
        }
        m.registerMigration("4-outbox-without-rowid") { db in
            // The outbox as one B-tree keyed by the message key (a rowid table with a text primary key is two): every
            // step inserts a row and a confirm deletes it, so each B-tree less is pages less in every commit.
            try db.execute(sql: """
                CREATE TABLE outbox_new (key TEXT PRIMARY KEY, arn TEXT NOT NULL) WITHOUT ROWID;
                INSERT INTO outbox_new (key, arn) SELECT key, arn FROM outbox;
                DROP TABLE outbox;
                ALTER TABLE outbox_new RENAME TO outbox;
                """)
        }
        return m
    }
}
