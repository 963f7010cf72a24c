extension JSONPath {
    /// ResultPath semantics: returns `root` with `value` placed at this definite path, creating the
    /// objects on the way; `$` replaces the whole root. Throws `States.ResultPathMatchFailure` with
    /// AWS's message when a step meets a value it cannot enter.
    public func setting(_ value: JSON, in root: JSON) throws(StatesError) -> JSON {
        guard isDefinite else {
            throw StatesError(
                StatesError.Name.resultPathMatchFailure,
                "The ResultPath '\(text)' must be a definite path")
        }
        if steps.isEmpty { return value }
        var result = root
        try place(value, at: steps[...], in: &result, root: root)
        return result
    }

    private func place(_ value: JSON, at steps: ArraySlice<JSONPathStep>, in node: inout JSON, root: JSON)
        throws(StatesError)
    {
        guard let step = steps.first else {
            node = value
            return
        }
        let rest = steps.dropFirst()
        switch step {
        case .property(let name):
            guard case .object(var o) = node else { throw failure(name, root) }
            node = .null  // release the enum's reference so `o` is uniquely owned
            var child = o[name] ?? .object([:])
            if rest.isEmpty {
                child = value
            } else {
                try place(value, at: rest, in: &child, root: root)
            }
            o[name] = child
            node = .object(o)
        case .index(let i):
            guard case .array(var a) = node else { throw failure(String(i), root) }
            let j = i < 0 ? a.count + i : i
            guard j >= 0, j < a.count else { throw failure(String(i), root) }
            node = .null
            var child = a[j]
            if rest.isEmpty {
                child = value
            } else {
                try place(value, at: rest, in: &child, root: root)
            }
            a[j] = child
            node = .array(a)
        default:
            throw failure(step.normalized, root)
        }
    }

    private func failure(_ step: String, _ root: JSON) -> StatesError {
        StatesError(
            StatesError.Name.resultPathMatchFailure,
            "Unable to apply step \"\(step)\" to input \(root.serialized())")
    }
}
