import BatonLanguage

/// A list of states laid out for the interpreter: states by index, each boxed once so that looking
/// one up costs a reference, not a copy of the whole state.
final class CompiledList: Sendable {
    let states: [CompiledState]
    let indexByName: [String: Int]
    let startIndex: Int?

    init(_ list: StateList) {
        var states: [CompiledState] = []
        var index: [String: Int] = [:]
        let names = list.order.isEmpty ? Array(list.states.keys).sorted() : list.order
        for name in names {
            guard let s = list.states[name], index[name] == nil else { continue }
            index[name] = states.count
            states.append(CompiledState(s))
        }
        self.states = states
        self.indexByName = index
        self.startIndex = index[list.startAt]
    }
}

/// One state with its Parallel branches or Map processor compiled too.
final class CompiledState: Sendable {
    let state: State
    let branches: [CompiledList]
    let processor: CompiledList?

    init(_ state: State) {
        self.state = state
        switch state.kind {
        case .parallel(let p):
            branches = p.branches.map(CompiledList.init)
            processor = nil
        case .map(let m):
            branches = []
            processor = CompiledList(m.processor)
        default:
            branches = []
            processor = nil
        }
    }
}
