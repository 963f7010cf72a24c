// Publisher-confirm bookkeeping for one channel in confirm mode.
//
//   event                         effect
//   ---------------------------   ----------------------------------------------------------
//   published(waiter)             next sequence number (1, 2, 3 …) is assigned to the waiter
//   ack(tag, multiple: false)     the waiter of `tag` succeeds
//   ack(tag, multiple: true)      every waiter with sequence number ≤ tag succeeds
//   nack(tag, multiple)           same selection, the waiters fail (broker refused)
//   reset()                       every waiter is returned (to fail: outcome unknown); numbering restarts at 1
//
// Acks for unknown tags (already settled, or from before a reset) are ignored.

/// Tracks unconfirmed publishes by sequence number, settling them on `basic.ack` / `basic.nack` (handles `multiple`).
struct ConfirmTracker<Waiter> {
    private var nextSequence: UInt64 = 1
    /// Waiters by sequence number.
    private var pending: [UInt64: Waiter] = [:]
    /// Sequence numbers in publish order; entries already settled are skipped lazily.
    private var order: [UInt64] = []
    private var orderStart = 0

    /// How many publishes await a confirm.
    var count: Int { pending.count }

    /// The sequence number the next publish will get.
    var upcomingSequence: UInt64 { nextSequence }

    /// Records a publish and returns its sequence number.
    mutating func published(_ waiter: Waiter) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        pending[sequence] = waiter
        order.append(sequence)
        return sequence
    }

    /// Settles what a `basic.ack` or `basic.nack` covers and returns those waiters, oldest first.
    mutating func settle(tag: UInt64, multiple: Bool) -> [Waiter] {
        guard multiple else {
            guard let waiter = pending.removeValue(forKey: tag) else { return [] }
            compact()
            return [waiter]
        }
        var settled: [Waiter] = []
        while orderStart < order.count, order[orderStart] <= tag {
            if let waiter = pending.removeValue(forKey: order[orderStart]) { settled.append(waiter) }
            orderStart += 1
        }
        compact()
        return settled
    }

    /// Forgets everything (the channel or connection is gone) and returns the unsettled waiters, oldest first.
    mutating func reset() -> [Waiter] {
        var unsettled: [Waiter] = []
        for sequence in order[orderStart...] {
            if let waiter = pending.removeValue(forKey: sequence) { unsettled.append(waiter) }
        }
        nextSequence = 1
        pending = [:]
        order = []
        orderStart = 0
        return unsettled
    }

    private mutating func compact() {
        while orderStart < order.count, pending[order[orderStart]] == nil { orderStart += 1 }
        if orderStart == order.count {
            order.removeAll(keepingCapacity: true)
            orderStart = 0
        } else if orderStart > 1024, orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }
}
