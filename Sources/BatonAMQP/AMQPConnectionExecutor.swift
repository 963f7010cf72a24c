/// Runs Swift concurrency jobs on a connection's own thread, between its socket reads and writes.
///
/// Code that prefers it (`withTaskExecutorPreference(connection.executor)`) and actors that use it as their
/// executor receive deliveries, decide and publish on that one thread: no hand-off between threads per
/// message, which on a small machine costs more than the work itself. Jobs must not block: while one runs, the
/// connection reads and writes nothing. Once a job ran, the thread keeps running jobs after the connection
/// closed, for as long as the process lives (actors bound to the executor outlive their connection).
public final class AMQPConnectionExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    // `mailbox` is immutable and thread-safe.
    private let mailbox: Mailbox

    init(mailbox: Mailbox) {
        self.mailbox = mailbox
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        mailbox.post(job: UnownedJob(job))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Runs a job (connection thread).
    func run(_ job: UnownedJob) {
        job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
    }
}
