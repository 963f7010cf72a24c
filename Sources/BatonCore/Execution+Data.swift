import BatonLanguage

// How data flows through a state: InputPath, Parameters, ResultSelector, ResultPath, OutputPath,
// Assign, and the context object they may read.

extension Execution {
    /// The context object (`$$`) as the state running in frame `id` sees it.
    func context(_ id: Int, taskToken: String? = nil, mapItem: Frame.MapItem? = nil) -> JSON {
        guard let f = frames[id] else { return .object([:]) }
        var state: JSONObject = ["EnteredTime": .string(Timestamps.format(f.enteredTime)), "Name": .string(f.stateName)]
        do {
            switch f.node.state.kind {
            case .task, .parallel, .map: state["RetryCount"] = .int(f.retryCounts.reduce(0, +))
            default: break
            }
        }
        var o: JSONObject = [
            "Execution": contextExecution,
            "StateMachine": contextStateMachine,
            "State": .object(state),
        ]
        if let taskToken { o["Task"] = ["Token": .string(taskToken)] }
        if let mapItem { o["Map"] = ["Item": ["Index": .int(mapItem.index), "Value": mapItem.value]] }
        return .object(o)
    }

    func environment(_ id: Int, input: JSON, taskToken: String? = nil, mapItem: Frame.MapItem? = nil) -> PathEnvironment {
        PathEnvironment(input: input, context: context(id, taskToken: taskToken, mapItem: mapItem),
                        variables: frames[id]?.variables ?? [:])
    }

    /// The state's input after InputPath (`null` gives `{}`).
    func inputAfterInputPath(_ id: Int, _ state: State) throws(StatesError) -> JSON {
        guard let input = frames[id]?.rawInput else { return .null }
        if state.inputPath.isRoot { return input }
        return try applyPath(state.inputPath, to: input, frame: id)
    }

    /// The state's output after OutputPath (`null` gives `{}`).
    func outputAfterOutputPath(_ id: Int, _ state: State, _ value: JSON) throws(StatesError) -> JSON {
        try applyPath(state.outputPath, to: value, frame: id)
    }

    func applyPath(_ path: IOPath, to value: JSON, frame id: Int) throws(StatesError) -> JSON {
        switch path {
        case .null:
            return .object([:])
        case .path(let p):
            if case .input(let jp) = p {
                if jp.text == "$" { return value }
                guard let v = jp.evaluate(value) else {
                    throw StatesError.runtime("Invalid path '\(jp.text)' : No results for path: \(jp.normalized)")
                }
                return v
            }
            guard let v = p.evaluate(in: environment(id, input: value)) else {
                throw StatesError.runtime("Invalid path '\(p.text)' : No results for path: \(normalized(p))")
            }
            return v
        }
    }

    func normalized(_ p: PathReference) -> String {
        switch p {
        case .input(let jp), .context(let jp), .variable(_, let jp): return jp.normalized
        }
    }

    /// Evaluates a Parameters / ResultSelector / ItemSelector / Assign template.
    mutating func evaluate(_ template: ValueTemplate, input: JSON, frame id: Int, field: String,
                           taskToken: String? = nil, mapItem: Frame.MapItem? = nil) throws(StatesError) -> JSON {
        switch template {
        case .jsonPath(let t):
            let env = environment(id, input: input, taskToken: taskToken, mapItem: mapItem)
            return try t.evaluate(in: env, random: &random)
        case .jsonata(let template):
            return try evaluateJSONataTemplate(template, field: field, frame: id,
                                               binding: StatesBinding(input: input, taskToken: taskToken, mapItem: mapItem))
        }
    }

    /// Evaluates Assign and sets the frame's variables.
    mutating func assignVariables(_ id: Int, _ template: ValueTemplate, input: JSON) throws(StatesError) {
        setVariables(id, try evaluateAssign(id, template, input: input))
    }

    /// Evaluates Assign against the variables as they were before the state: values are set later.
    mutating func evaluateAssign(_ id: Int, _ template: ValueTemplate, input: JSON) throws(StatesError) -> JSONObject {
        let values = try evaluate(template, input: input, frame: id, field: "Assign")
        guard case .object(let o) = values else { return [:] }
        return o
    }

    mutating func setVariables(_ id: Int, _ values: JSONObject) {
        for (k, v) in values { frames[id]?.variables[k] = v }
    }

    /// A string field given as a literal, a path, an intrinsic function or an expression.
    mutating func resolveString(_ source: StringSource?, env: PathEnvironment, field: String, frame id: Int) throws(StatesError) -> String? {
        guard let source else { return nil }
        switch source {
        case .literal(let s):
            return s
        case .path(let p):
            guard let v = p.evaluate(in: env) else {
                throw StatesError.runtime(
                    "The JSONPath '\(p.text)' specified for the field '\(field)' could not be found in the input '\(env.input.serialized())'")
            }
            if case .string(let s) = v { return s }
            return v.serialized()
        case .intrinsic(let f):
            let v = try f.evaluate(in: env, random: &random)
            if case .string(let s) = v { return s }
            return v.serialized()
        case .jsonata(let text):
            let jsonataField = field.hasSuffix("Path") ? String(field.dropLast(4)) : field
            let v = try evaluateJSONata(JSONataBridge.expression(text) ?? text, field: jsonataField, frame: id,
                                        binding: StatesBinding(input: env.input))
            if case .string(let s) = v { return s }
            return v.serialized()
        }
    }

    /// A number field given as a value, a path or an expression.
    mutating func resolveNumber(_ source: NumberSource?, env: PathEnvironment, field: String = "", frame id: Int = -1) throws(StatesError) -> JSON? {
        guard let source else { return nil }
        switch source {
        case .value(let d):
            return .number(d)
        case .path(let p):
            guard let v = p.evaluate(in: env) else {
                throw StatesError.runtime("Invalid path '\(p.text)' : No results for path: \(normalized(p))")
            }
            return v
        case .jsonata(let text):
            let jsonataField = field.hasSuffix("Path") ? String(field.dropLast(4)) : field
            return try evaluateJSONata(JSONataBridge.expression(text) ?? text, field: jsonataField, frame: id,
                                       binding: StatesBinding(input: env.input))
        }
    }

    mutating func conditionHolds(_ condition: ChoiceCondition, env: inout PathEnvironment, frame id: Int) throws(StatesError) -> Bool {
        switch condition {
        case .rule(let rule):
            return try rule.evaluate(in: env)
        case .jsonata(let text):
            let expr = JSONataBridge.expression(text) ?? text
            let v = try evaluateJSONata(expr, field: "Condition", frame: id, binding: StatesBinding(input: env.input))
            guard case .bool(let b) = v else {
                throw StatesError(StatesError.Name.queryEvaluationError,
                                  "The JSONata expression '\(expr)' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '\(v.typeName)' for value: \(v.serialized())")
            }
            return b
        }
    }

    /// Fails with States.DataLimitExceeded when a payload is larger than the limit.
    func checkSize(_ value: JSON, state: String) throws(StatesError) {
        guard value.serializedSize(limit: limits.maxPayloadBytes) != nil else {
            throw StatesError(StatesError.Name.dataLimitExceeded,
                              "The state/task '\(state)' returned a result with a size exceeding the maximum number of bytes service limit.")
        }
    }
}

extension JSON {
    /// The length in bytes of the compact JSON text, or nil as soon as it exceeds `limit`.
    func serializedSize(limit: Int) -> Int? {
        var total = 0
        return accumulateSize(&total, limit: limit) ? total : nil
    }

    private func accumulateSize(_ total: inout Int, limit: Int) -> Bool {
        switch self {
        case .null: total += 4
        case .bool(let b): total += b ? 4 : 5
        case .int: total += 20
        case .double: total += 24
        case .bigInt(let s): total += s.utf8.count
        case .string(let s): total += s.utf8.count + 2
        case .array(let a):
            total += 2 + a.count
            for e in a where !e.accumulateSize(&total, limit: limit) { return false }
        case .object(let o):
            total += 2 + o.count
            for (k, v) in o {
                total += k.utf8.count + 3
                if !v.accumulateSize(&total, limit: limit) { return false }
            }
        }
        return total <= limit
    }
}
