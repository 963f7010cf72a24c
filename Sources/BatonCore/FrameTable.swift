/// The live frames of an execution by id, in a slab whose slots are reused: reading a field of a
/// frame borrows it in place (a dictionary would copy the whole frame on every read).
struct FrameTable: Sendable {
    private var slots: [Frame?] = []
    private var free: [Int] = []

    /// Stores a new frame and returns its id.
    mutating func insert(_ frame: Frame) -> Int {
        if let id = free.popLast() {
            slots[id] = frame
            return id
        }
        slots.append(frame)
        return slots.count - 1
    }

    /// Forgets a frame; its id may be given to a later frame.
    mutating func remove(_ id: Int) {
        guard id >= 0, id < slots.count, slots[id] != nil else { return }
        slots[id] = nil
        free.append(id)
    }

    mutating func removeAll() {
        slots.removeAll()
        free.removeAll()
    }

    subscript(id: Int) -> Frame? {
        _read {
            if id >= 0 && id < slots.count { yield slots[id] } else { yield nil }
        }
        _modify {
            if id >= 0 && id < slots.count {
                yield &slots[id]
            } else {
                var none: Frame?
                yield &none
            }
        }
    }
}
