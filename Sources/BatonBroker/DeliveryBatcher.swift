import BatonAMQP
import Foundation

/// Gathers the deliveries that arrive while earlier ones are being handled, so that a few drains handle
/// them in batches: one orchestrator call, one publish and one round of acks for many replies instead of
/// one each. With nothing in hand a delivery starts a drain at once (no added latency).
final class DeliveryBatcher: @unchecked Sendable {
    // The lock guards `buffer` and `draining`.
    private let lock = NSLock()
    private var buffer: [AMQPDelivery] = []
    private var draining = 0
    private let maxDrains: Int
    private let maxBatch: Int

    init(maxDrains: Int, maxBatch: Int) {
        self.maxDrains = maxDrains
        self.maxBatch = maxBatch
    }

    /// Buffers a delivery; true when the caller must start a drain (fewer than `maxDrains` are running).
    func add(_ delivery: AMQPDelivery) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(delivery)
        guard draining < maxDrains else { return false }
        draining += 1
        return true
    }

    /// The next batch for a drain, or nil when nothing is buffered (the drain then ends).
    func take() -> [AMQPDelivery]? {
        lock.lock()
        defer { lock.unlock() }
        guard !buffer.isEmpty else {
            draining -= 1
            return nil
        }
        if buffer.count <= maxBatch {
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        let batch = Array(buffer.prefix(maxBatch))
        buffer.removeFirst(maxBatch)
        return batch
    }
}
