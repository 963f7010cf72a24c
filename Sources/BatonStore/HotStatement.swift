import GRDB
import GRDBSQLite

/// A statement the writer runs for every step (an entry, an outbox row), bound and stepped through SQLite's C API:
/// GRDB's argument arrays box every value, which cost more than SQLite's own work for these small rows. GRDB still
/// prepares, caches and finalizes the statement; this only runs it.
struct HotStatement {
    private let statement: Statement
    private let sql: String

    /// The statement for `sql`, from the connection's cache (prepared once per connection).
    init(_ sql: String, _ db: Database) throws {
        statement = try db.cachedStatement(sql: sql)
        self.sql = sql
    }

    /// Binds `values` (text or integer, in order) and runs the statement to its end.
    func run(_ values: HotValue...) throws {
        let s = statement.sqliteStatement
        // Every parameter is bound on every run, so no binding of an earlier run is left to clear.
        precondition(Int(sqlite3_bind_parameter_count(s)) == values.count, "\(sql): \(values.count) values")
        defer { sqlite3_reset(s) }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let code: Int32
            switch value {
            case .text(let text):
                // As GRDB binds text (up to a NUL), so that what this writes reads back through GRDB the same.
                code = text.withCString { sqlite3_bind_text(s, index, $0, -1, Self.transient) }
            case .integer(let n):
                code = sqlite3_bind_int64(s, index, n)
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let db = sqlite3_db_handle(statement.sqliteStatement)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: db.map { String(cString: sqlite3_errmsg($0)) }, sql: sql)
    }

    /// SQLite copies the bound bytes (the Swift string's storage is only borrowed for the call).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A value bound to a ``HotStatement``.
enum HotValue {
    case text(String)
    case integer(Int64)
}
