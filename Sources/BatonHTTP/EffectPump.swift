import BatonEngine
import Foundation

// Effects leave the request path: an action answers once the orchestrator has recorded its step (durably,
// with a store, whose outbox publishes again after a crash whatever the broker never confirmed), and the
// pump hands the effects of all recent requests to the sink in one batch.
//
//   submit(effects) --queue--> run(): take everything queued --> sink.perform(batch) --> take again …
//
// Over `limit` queued effects (the broker is slow or away) submit refuses and the request performs its
// own effects, so requests slow down instead of memory growing.

/// Batches effects of concurrent requests to the effect sink, off the request path.
final class EffectPump: @unchecked Sendable {
    // The lock guards `queue`, `waiting` and `running`.
    private let lock = NSLock()
    private var queue: [Effect] = []
    private var waiting: CheckedContinuation<Void, Never>?
    private var running = false
    let sink: any EffectSink
    let limit: Int

    init(sink: any EffectSink, limit: Int = 20_000) {
        self.sink = sink
        self.limit = limit
    }

    /// Queues effects for the next batch; false when the pump is not running or is full (perform them yourself).
    func submit(_ effects: [Effect]) -> Bool {
        lock.lock()
        guard running, queue.count < limit else {
            lock.unlock()
            return false
        }
        queue += effects
        let wake = waiting
        waiting = nil
        lock.unlock()
        wake?.resume()
        return true
    }

    /// Hands queued effects to the sink until cancelled, then what is left.
    func run(onError: @escaping @Sendable (any Error) -> Void) async {
        setRunning(true)
        while !Task.isCancelled {
            let batch = await next()
            guard !batch.isEmpty else { continue }
            do {
                try await sink.perform(batch)
            } catch {
                onError(error)
            }
        }
        setRunning(false)
        let rest = take()
        if !rest.isEmpty {
            do { try await sink.perform(rest) } catch { onError(error) }
        }
    }

    /// Everything queued, waiting until something is (or the task is cancelled).
    private func next() async -> [Effect] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                lock.lock()
                if !queue.isEmpty || Task.isCancelled {
                    lock.unlock()
                    c.resume()
                } else {
                    waiting = c
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let wake = waiting
            waiting = nil
            lock.unlock()
            wake?.resume()
        }
        return take()
    }

    private func setRunning(_ value: Bool) {
        lock.withLock { running = value }
    }

    private func take() -> [Effect] {
        lock.withLock {
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            return batch
        }
    }
}
