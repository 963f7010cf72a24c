import BatonAMQP
import Foundation

// The worker's lifecycle:
//
//   idle ──run()──► running ──stop() / a consumer fails──► stopping ──in-flight tasks done, connection closed──► stopped
//   idle ──stop()──► stopping (run() then returns at once)
//
// Handlers may be registered only while idle. Consumers are cancelled when stopping begins, or as soon as
// they exist if it began while run() was still connecting.

extension Worker {
    /// Where a worker is in its life.
    enum Phase: Sendable, Equatable {
        case idle, running, stopping, stopped
    }

    /// The mutable state of a worker, behind a lock.
    ///
    /// `@unchecked Sendable`: every stored property is only read or written while holding `lock`.
    final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var phase: Phase = .idle
        private var handlers: [(queue: String, handler: Handler)] = []
        private var registrationError: WorkerError?
        private var consumers: [AMQPConsumer] = []
        private var inFlight = 0

        private func locked<T>(_ body: () -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body()
        }

        func register(queue: String, handler: @escaping Handler) {
            locked {
                if phase != .idle {
                    registrationError = registrationError ?? WorkerError(.alreadyRunning, "handle(queue: \(queue)) after run()")
                } else if handlers.contains(where: { $0.queue == queue }) {
                    registrationError = registrationError ?? WorkerError(.duplicateQueue, "two handlers for queue '\(queue)'")
                } else {
                    handlers.append((queue, handler))
                }
            }
        }

        /// Moves idle → running and returns the handlers; nil when stop() came first.
        func begin() throws(WorkerError) -> [(queue: String, handler: Handler)]? {
            let result: Result<[(queue: String, handler: Handler)]?, WorkerError> = locked {
                if let registrationError { return .failure(registrationError) }
                switch phase {
                case .idle:
                    guard !handlers.isEmpty else { return .failure(WorkerError(.noHandlers, "no handler registered")) }
                    phase = .running
                    return .success(handlers)
                case .stopping, .stopped:
                    phase = .stopped
                    return .success(nil)
                case .running:
                    return .failure(WorkerError(.alreadyRunning, "run() called twice"))
                }
            }
            return try result.get()
        }

        /// Remembers a consumer; returns false when stopping has begun (the caller cancels it).
        func add(_ consumer: AMQPConsumer) -> Bool {
            locked {
                consumers.append(consumer)
                return phase == .running
            }
        }

        /// Moves to stopping; returns the consumers to cancel (empty if already stopping or stopped).
        func beginStopping() -> [AMQPConsumer] {
            locked {
                switch phase {
                case .idle:
                    phase = .stopping
                    return []
                case .running:
                    phase = .stopping
                    return consumers
                case .stopping, .stopped:
                    return []
                }
            }
        }

        func finish() { locked { phase = .stopped } }

        var isStopping: Bool { locked { phase == .stopping || phase == .stopped } }

        var currentPhase: Phase { locked { phase } }

        func taskStarted() { locked { inFlight += 1 } }
        func taskEnded() { locked { inFlight -= 1 } }
        var tasksInFlight: Int { locked { inFlight } }
    }
}
