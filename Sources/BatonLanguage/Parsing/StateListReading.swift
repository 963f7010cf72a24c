extension DefinitionReader {
    /// The whole machine: top-level fields, then its states.
    mutating func readMachine(_ json: JSON) -> StateMachine? {
        guard case .object(let top) = json else {
            issues.schema("Definition must be a valid JSON object", at: "")
            return nil
        }
        checkFields(top, allowed: FieldRules.topLevel, at: "")
        if let text = string(top, "QueryLanguage", at: "") {
            if let language = QueryLanguage(rawValue: text) {
                machineLanguage = language
            } else {
                issues.schema("The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]",
                              at: "/QueryLanguage")
            }
        }
        let comment = string(top, "Comment", at: "")
        let version = string(top, "Version", at: "")
        let timeout = integer(top, "TimeoutSeconds", in: 1...99_999_999, at: "")
        let states = readStateList(top, at: "", fields: nil)
        guard let states else { return nil }
        return StateMachine(comment: comment, version: version, timeoutSeconds: timeout, queryLanguage: machineLanguage,
                            states: states)
    }

    /// A StartAt/States pair (the machine, a branch, an item processor) at `location`, with its own
    /// transition checks: targets exist in the same list, every state is reachable, one can end.
    /// `fields`: the fields allowed besides those of the machine (nil for the machine itself).
    mutating func readStateList(_ object: JSONObject, at location: String, fields: Set<String>?) -> StateList? {
        if let fields { checkFields(object, allowed: fields, at: location) }
        checkRequired(object, ["States", "StartAt"], at: location)
        let startAt = string(object, "StartAt", at: location)
        guard let statesObject = self.object(object, "States", at: location) else { return nil }
        let statesLocation = Pointer.join(location, "States")
        if statesObject.isEmpty {
            issues.schema("The field 'States' should be non-empty", at: statesLocation)
        }
        var states: [String: State] = [:]
        var order: [String] = []
        for (name, value) in statesObject {
            let stateLocation = Pointer.join(statesLocation, name)
            checkStateName(name, at: stateLocation)
            if let state = readState(name: name, value, at: stateLocation) {
                states[name] = state
                order.append(name)
            }
        }
        if let startAt, statesObject[startAt] == nil {
            issues.add(Diagnostic.Code.missingTransitionTarget, "Missing 'StartAt' target: \(startAt)",
                       at: Pointer.join(location, "StartAt"))
        }
        // Reachability and termination are judged only when every state could be read.
        let graphComplete = states.count == statesObject.count
        checkTransitions(states, order: order, startAt: startAt, listLocation: statesLocation,
                         known: Set(statesObject.keys), complete: graphComplete)
        guard let startAt else { return nil }
        return StateList(startAt: startAt, states: states, order: order)
    }

    /// State names: unique across the whole machine and at most 80 characters.
    mutating func checkStateName(_ name: String, at location: String) {
        if seenNames[name] != nil {
            issues.add(Diagnostic.Code.duplicateStateName, "Duplicate State name: \(name)", at: location)
        } else {
            seenNames[name] = location
        }
        if name.isEmpty {
            issues.add(Diagnostic.Code.invalidStateName, "State name cannot be empty", at: location)
        } else if name.count > 80 {
            issues.add(Diagnostic.Code.invalidStateName, "State name cannot exceed 80 characters", at: location)
        }
    }

    /// MISSING_TRANSITION_TARGET for each Next/Default/Catch target not in the list and for each state
    /// not reachable from StartAt (AWS's code for both), MISSING_END_STATE when no state can end the list.
    mutating func checkTransitions(_ states: [String: State], order: [String], startAt: String?,
                                   listLocation: String, known: Set<String>, complete: Bool) {
        var edges: [String: [String]] = [:]
        var targetsMissing = false
        for name in order {
            guard let state = states[name] else { continue }
            let base = Pointer.join(listLocation, name)
            var targets: [(String, String)] = []
            if case .next(let next)? = state.transition { targets.append((next, Pointer.join(base, "Next"))) }
            switch state.kind {
            case .choice(let choice):
                for (i, branch) in choice.choices.enumerated() {
                    targets.append((branch.next, Pointer.join(Pointer.join(Pointer.join(base, "Choices"), i), "Next")))
                }
                if let d = choice.defaultNext { targets.append((d, Pointer.join(base, "Default"))) }
            case .task(let t): targets += catchTargets(t.catchers, base)
            case .parallel(let p): targets += catchTargets(p.catchers, base)
            case .map(let m): targets += catchTargets(m.catchers, base)
            default: break
            }
            for (target, pointer) in targets where !known.contains(target) {
                targetsMissing = true
                let field = pointer.hasSuffix("/Default") ? "Default" : "Next"
                issues.add(Diagnostic.Code.missingTransitionTarget, "Missing '\(field)' target: \(target)", at: pointer)
            }
            edges[name] = targets.map(\.0)
        }
        guard complete, let startAt, states[startAt] != nil else { return }
        var reached: Set<String> = [startAt]
        var stack = [startAt]
        while let name = stack.popLast() {
            for next in edges[name] ?? [] where states[next] != nil && !reached.contains(next) {
                reached.insert(next)
                stack.append(next)
            }
        }
        for name in order where !reached.contains(name) {
            // AWS reports an unreachable state under MISSING_TRANSITION_TARGET, in these words.
            issues.add(Diagnostic.Code.missingTransitionTarget, "State \"\(name)\" is not reachable.",
                       at: Pointer.join(listLocation, name))
        }
        let terminal = order.contains { name in
            guard let state = states[name] else { return false }
            switch state.kind {
            case .succeed, .fail: return true
            default: return state.transition == .end
            }
        }
        if !terminal, !targetsMissing {
            issues.add(Diagnostic.Code.missingEndState, "No terminal state found in the state machine",
                       at: listLocation)
        }
    }

    private func catchTargets(_ catchers: [Catcher], _ base: String) -> [(String, String)] {
        catchers.enumerated().map { (i, c) in (c.next, Pointer.join(Pointer.join(Pointer.join(base, "Catch"), i), "Next")) }
    }
}
