// Publisher-confirm bookkeeping for one channel in confirm mode.
//
//   event                         effect
//   ---------------------------   ----------------------------------------------------------
//   published(waiter)             next sequence number (1, 2, 3 …) is assigned to the waiter
//   ack(tag, multiple: false)     the waiter of `tag` succeeds
//   ack(tag, multiple: true)      every waiter with sequence number ≤ tag succeeds
//   nack(tag, multiple)           same selection, the waiters fail (broker refused)
//   reset()                       every waiter is returned (to fail: outcome unknown); numbering restarts at 1
//   expire(now)                   waiters whose deadline passed are returned (to fail: no confirm in time)
//
// Acks for unknown tags (already settled, or from before a reset) are ignored.

/// Tracks unconfirmed publishes by sequence number, settling them on `basic.ack` / `basic.nack` (handles `multiple`).
struct ConfirmTracker<Waiter> {
    private var nextSequence: UInt64 = 1
    /// Waiters and their deadlines by sequence number.
    private var pending: [UInt64: (waiter: Waiter, deadline: ContinuousClock.Instant)] = [:]
    /// Sequence numbers in publish order; entries already settled are skipped lazily.
    private var order: [UInt64] = []
    private var orderStart = 0

    /// How many publishes await a confirm.
    var count: Int { pending.count }

    /// The sequence number the next publish will get.
    var upcomingSequence: UInt64 { nextSequence }

    /// Records a publish that must be confirmed before `deadline` and returns its sequence number.
    mutating func published(_ waiter: Waiter, deadline: ContinuousClock.Instant = .now + .seconds(86_400)) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        pending[sequence] = (waiter, deadline)
        order.append(sequence)
        return sequence
    }

    /// Settles what a `basic.ack` or `basic.nack` covers and returns those waiters, oldest first.
    mutating func settle(tag: UInt64, multiple: Bool) -> [Waiter] {
        guard multiple else {
            guard let entry = pending.removeValue(forKey: tag) else { return [] }
            compact()
            return [entry.waiter]
        }
        var settled: [Waiter] = []
        while orderStart < order.count, order[orderStart] <= tag {
            if let entry = pending.removeValue(forKey: order[orderStart]) { settled.append(entry.waiter) }
            orderStart += 1
        }
        compact()
        return settled
    }

    /// Forgets everything (the channel or connection is gone) and returns the unsettled waiters, oldest first.
    mutating func reset() -> [Waiter] {
        var unsettled: [Waiter] = []
        for sequence in order[orderStart...] {
            if let entry = pending.removeValue(forKey: sequence) { unsettled.append(entry.waiter) }
        }
        nextSequence = 1
        pending = [:]
        order = []
        orderStart = 0
        return unsettled
    }

    /// Removes and returns the waiters whose deadline is before `now`, oldest first.
    /// Deadlines grow with the sequence number, so only the oldest entries are looked at.
    mutating func expire(now: ContinuousClock.Instant) -> [Waiter] {
        var expired: [Waiter] = []
        while orderStart < order.count {
            let sequence = order[orderStart]
            if let entry = pending[sequence] {
                guard entry.deadline < now else { break }
                pending[sequence] = nil
                expired.append(entry.waiter)
            }
            orderStart += 1
        }
        compact()
        return expired
    }

    /// The earliest deadline among unsettled publishes.
    var nextDeadline: ContinuousClock.Instant? {
        var index = orderStart
        while index < order.count {
            if let entry = pending[order[index]] { return entry.deadline }
            index += 1
        }
        return nil
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
