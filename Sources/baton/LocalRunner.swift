import BatonCore
import BatonLanguage
import Foundation

/// Runs one execution in process: tasks answered by mocks, timers on a virtual clock or the real one.
struct LocalRunner {
    /// How time passes: at once (virtual) or for real.
    enum Clock {
        case virtual(start: Millis)
        case real
    }

    var mocks: MockAnswers
    var clock: Clock
    var keepHistory: Bool
    var limits = ExecutionLimits()

    /// The end of a local run.
    struct Outcome {
        var result: ExecutionResult?
        var history: [HistoryEvent]
        var transitions: Int
    }

    static func wallClock() -> Millis {
        Millis((Date().timeIntervalSince1970 * 1000).rounded())
    }

    mutating func run(machine: StateMachine, info: ExecutionInfo) -> Outcome {
        var now: Millis
        switch clock {
        case .virtual(let start): now = start
        case .real: now = Self.wallClock()
        }
        var info = info
        info.startTime = now
        var execution = Execution(machine: machine, info: info, limits: limits)
        var history: [HistoryEvent] = []
        var transitions = 0
        var replies: [ExecutionEvent] = []
        var replyHead = 0
        var timers = TimerQueue()

        func absorb(_ step: Step) {
            for e in step.events {
                if e.type.rawValue.hasSuffix("StateEntered") { transitions += 1 }
            }
            if keepHistory { history.append(contentsOf: step.events) }
            for c in step.commands {
                switch c {
                case .publishTask(let request):
                    replies.append(mocks.answer(request, now: now))
                case .startTimer(let id, let due):
                    timers.insert(id: id, dueAt: due)
                case .finish:
                    break
                }
            }
        }

        absorb(execution.start(now: now))
        while execution.status == .running {
            if replyHead < replies.count {
                let event = replies[replyHead]
                replyHead += 1
                if replyHead > 1024 {
                    replies.removeFirst(replyHead)
                    replyHead = 0
                }
                absorb(execution.handle(event, now: now))
            } else if let timer = timers.popFirst() {
                switch clock {
                case .virtual:
                    now = max(now, timer.dueAt)
                case .real:
                    let wait = timer.dueAt - Self.wallClock()
                    if wait > 0 { Thread.sleep(forTimeInterval: Double(wait) / 1000) }
                    now = max(now, Self.wallClock())
                }
                absorb(execution.handle(.timerFired(id: timer.id), now: now))
            } else {
                break
            }
        }
        return Outcome(result: execution.result, history: history, transitions: transitions)
    }
}

/// Pending timers in due order (ties in arming order).
struct TimerQueue {
    private var items: [(dueAt: Millis, seq: Int, id: String)] = []
    private var seq = 0

    mutating func insert(id: String, dueAt: Millis) {
        seq += 1
        let item = (dueAt: dueAt, seq: seq, id: id)
        var lo = 0, hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid].dueAt > dueAt || (items[mid].dueAt == dueAt && items[mid].seq > seq) { hi = mid } else { lo = mid + 1 }
        }
        items.insert(item, at: lo)
    }

    mutating func popFirst() -> (id: String, dueAt: Millis)? {
        guard !items.isEmpty else { return nil }
        let first = items.removeFirst()
        return (first.id, first.dueAt)
    }
}
