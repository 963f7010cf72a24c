import Foundation

/// The hand-off between callers (any thread) and the connection thread: a locked command queue plus a wake-up pipe,
/// and the connection status the thread publishes.
///
/// `@unchecked Sendable`: every mutable field is read and written only while holding `lock`; the pipe file
/// descriptors are immutable after `init` and writing one byte is thread-safe.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var commands: [Command] = []
    private var wakePending = false
    private var closed = false
    private var connected = false
    private var generation: UInt64 = 0
    private var connectedWaiters: [CheckedContinuation<Bool, Never>] = []
    /// Swift concurrency jobs for the connection thread (``AMQPConnectionExecutor``).
    private var jobs: [UnownedJob] = []
    /// Whether any job was ever posted: the thread then serves jobs for good after the connection closed.
    private var executorUsed = false
    /// The connection thread, once it runs: what it posts itself needs no wake-up.
    private var owner: pthread_t?
    /// Read end, polled by the connection thread.
    let wakeReadFD: Int32
    private let wakeWriteFD: Int32

    init() throws(AMQPError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw AMQPError(.protocolError, "cannot create the wake-up pipe (errno \(errno))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        wakeReadFD = fds[0]
        wakeWriteFD = fds[1]
    }

    deinit {
        close(wakeReadFD)
        close(wakeWriteFD)
    }

    /// Queues commands for the connection thread; returns them back if the connection is closed.
    func post(_ new: [Command]) -> [Command] {
        lock.lock()
        if closed {
            lock.unlock()
            return new
        }
        commands.append(contentsOf: new)
        let mustWake = claimWakeLocked()
        lock.unlock()
        if mustWake { wake() }
        return []
    }

    /// Whether the poster must wake the connection thread (`lock` held): not when a wake-up is already on its way,
    /// nor when the poster is the connection thread itself (it checks `hasWork` before sleeping).
    private func claimWakeLocked() -> Bool {
        if wakePending { return false }
        if let owner, pthread_equal(owner, pthread_self()) != 0 { return false }
        wakePending = true
        return true
    }

    /// Marks the calling thread as the connection thread.
    func adoptCurrentThread() {
        lock.lock()
        owner = pthread_self()
        lock.unlock()
    }

    /// Queues a job for the connection thread. Never refused: once a job was posted, the thread keeps running
    /// jobs after the connection closed, for as long as the process lives.
    func post(job: UnownedJob) {
        lock.lock()
        jobs.append(job)
        executorUsed = true
        let mustWake = claimWakeLocked()
        lock.unlock()
        if mustWake { wake() }
    }

    /// Takes the queued jobs (connection thread).
    func takeJobs() -> [UnownedJob] {
        lock.lock()
        defer { lock.unlock() }
        guard !jobs.isEmpty else { return [] }
        let taken = jobs
        jobs = []
        return taken
    }

    /// Whether commands or jobs wait (connection thread: checked before sleeping, since what it posted itself
    /// did not wake it).
    var hasWork: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !commands.isEmpty || !jobs.isEmpty
    }

    /// Whether any job was ever posted.
    var hasRunJobs: Bool {
        lock.lock()
        defer { lock.unlock() }
        return executorUsed
    }

    /// Queues one command; returns it back if the connection is closed.
    func post(_ command: Command) -> Command? {
        post([command]).first
    }

    /// Takes every queued command (connection thread).
    func take() -> [Command] {
        lock.lock()
        defer { lock.unlock() }
        wakePending = false
        let taken = commands
        commands = []
        return taken
    }

    /// Empties the wake-up pipe (connection thread).
    func drainWakeups() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeReadFD, &buffer, buffer.count) > 0 {}
    }

    /// Wakes the connection thread.
    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)
    }

    /// Marks the connection up (with its generation) or down, resuming waiters when up.
    func setConnected(_ isConnected: Bool, generation: UInt64) {
        lock.lock()
        connected = isConnected
        self.generation = generation
        let waiters = isConnected ? connectedWaiters : []
        if isConnected { connectedWaiters = [] }
        lock.unlock()
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Refuses every later post and returns what was still queued (connection thread, at exit).
    func shut() -> [Command] {
        lock.lock()
        closed = true
        connected = false
        let rest = commands
        commands = []
        let waiters = connectedWaiters
        connectedWaiters = []
        lock.unlock()
        for waiter in waiters { waiter.resume(returning: false) }
        return rest
    }

    /// (connected, generation, closed) at this instant.
    var status: (connected: Bool, generation: UInt64, closed: Bool) {
        lock.lock()
        defer { lock.unlock() }
        return (connected, generation, closed)
    }

    /// Waits until connected; false if the connection was closed instead.
    func waitUntilConnected() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            lock.lock()
            if connected {
                lock.unlock()
                continuation.resume(returning: true)
            } else if closed {
                lock.unlock()
                continuation.resume(returning: false)
            } else {
                connectedWaiters.append(continuation)
                lock.unlock()
            }
        }
    }
}

/// Work handed to the connection thread.
enum Command: Sendable {
    case publish(AMQPMessage, PublishCompletion)
    case declare(AMQPTopology, CheckedContinuation<Void, any Error>)
    case inspect(queue: String, CheckedContinuation<AMQPQueueInfo, any Error>)
    case consume(ConsumerSpec, CheckedContinuation<Void, any Error>)
    case cancel(consumerID: UInt64, CheckedContinuation<Void, Never>?)
    case settle(Settlement)
    case close(CheckedContinuation<Void, Never>?)

    /// Fails the command's waiter because the connection is closed.
    func failClosed() {
        let error = AMQPError(.closed, "the connection is closed")
        switch self {
        case .publish(_, let completion): completion.complete(.failure(error))
        case .declare(_, let continuation): continuation.resume(throwing: error)
        case .inspect(_, let continuation): continuation.resume(throwing: error)
        case .consume(let spec, let continuation):
            spec.continuation.finish(throwing: error)
            continuation.resume(throwing: error)
        case .cancel(_, let continuation): continuation?.resume()
        case .settle: break
        case .close(let continuation): continuation?.resume()
        }
    }
}

/// How a publish reports its confirm.
enum PublishCompletion: Sendable {
    case single(CheckedContinuation<Void, any Error>)
    case batch(PublishBatch, index: Int)

    func complete(_ result: Result<Void, AMQPError>) {
        switch self {
        case .single(let continuation): continuation.resume(with: result.mapError { $0 as any Error })
        case .batch(let batch, let index): batch.complete(index, result)
        }
    }
}

/// Collects the confirms of a batch and reports them once all are in (on the connection thread).
///
/// `@unchecked Sendable`: `results` and `remaining` are only touched while holding `lock`.
final class PublishBatch: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Void, AMQPError>]
    private var remaining: Int
    private let done: @Sendable ([Result<Void, AMQPError>]) -> Void

    init(count: Int, done: @escaping @Sendable ([Result<Void, AMQPError>]) -> Void) {
        results = Array(repeating: .success(()), count: count)
        remaining = count
        self.done = done
    }

    func complete(_ index: Int, _ result: Result<Void, AMQPError>) {
        lock.lock()
        results[index] = result
        remaining -= 1
        let finished = remaining == 0
        let final = finished ? results : []
        lock.unlock()
        if finished { done(final) }
    }
}

/// What `consume` asks for.
struct ConsumerSpec: Sendable {
    let id: UInt64
    let queue: String
    let prefetch: UInt16
    let exclusive: Bool
    let arguments: AMQPTable
    let continuation: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation
}

/// An ack, nack or reject of one delivery (or of all up to it, with `multiple`).
struct Settlement: Sendable {
    enum Kind: Sendable {
        case ack
        case nack(requeue: Bool)
        case reject(requeue: Bool)
    }

    let channel: UInt16
    let channelEpoch: UInt64
    let deliveryTag: UInt64
    let multiple: Bool
    let kind: Kind
}
