import BatonJSONata
import BatonLanguage
import Foundation

// JSONata states: `{% … %}` strings in Arguments, Output, Assign, Items, Condition and the number and
// string fields are evaluated with `$states` (input, result, errorOutput, context) and the
// execution's variables bound; failures are States.QueryEvaluationError with AWS's messages.

extension Execution {
    /// What `$states` holds for one evaluation.
    struct StatesBinding {
        var input: JSON
        var result: JSON? = nil
        var errorOutput: JSON? = nil
        var taskToken: String? = nil
        var mapItem: Frame.MapItem? = nil
    }

    /// The JSONata values of one evaluation's input and bindings (`$states`, the variables), converted once
    /// for all the expressions of a template.
    struct PreparedBinding {
        var input: JSONataValue
        var bindings: [String: JSONataValue]
    }

    func prepare(_ binding: StatesBinding, frame id: Int) -> PreparedBinding {
        let input = JSONataBridge.value(binding.input)
        var states = JSONataObject()
        states["input"] = input
        if let r = binding.result { states["result"] = JSONataBridge.value(r) }
        if let e = binding.errorOutput { states["errorOutput"] = JSONataBridge.value(e) }
        states["context"] = JSONataBridge.value(context(id, taskToken: binding.taskToken, mapItem: binding.mapItem))
        var bindings: [String: JSONataValue] = ["states": .object(states)]
        if let variables = frames[id]?.variables {
            for (k, v) in variables { bindings[k] = JSONataBridge.value(v) }
        }
        return PreparedBinding(input: input, bindings: bindings)
    }

    /// Evaluates a JSONata-mode template: `{% … %}` strings are expressions, everything else is copied.
    mutating func evaluateJSONataTemplate(_ template: JSON, field: String, frame id: Int, binding: StatesBinding) throws(StatesError) -> JSON {
        var prepared: PreparedBinding?
        return try evaluateTemplate(template, field: field, frame: id, binding: binding, prepared: &prepared)
    }

    /// The template walk; the binding is prepared at the first expression met, then shared.
    private mutating func evaluateTemplate(_ template: JSON, field: String, frame id: Int, binding: StatesBinding,
                                           prepared: inout PreparedBinding?) throws(StatesError) -> JSON {
        switch template {
        case .string(let s):
            guard let expr = JSONataBridge.expression(s) else { return template }
            let ready = prepared ?? prepare(binding, frame: id)
            prepared = ready
            return try evaluateJSONata(expr, field: field, prepared: ready)
        case .object(let o):
            var out = JSONObject(minimumCapacity: o.count)
            for (k, v) in o {
                out[k] = try evaluateTemplate(v, field: field + "/" + k, frame: id, binding: binding, prepared: &prepared)
            }
            return .object(out)
        case .array(let a):
            var out: [JSON] = []
            out.reserveCapacity(a.count)
            for (k, v) in a.enumerated() {
                out.append(try evaluateTemplate(v, field: field + "/" + String(k), frame: id, binding: binding, prepared: &prepared))
            }
            return .array(out)
        default:
            return template
        }
    }

    /// Evaluates one expression (without its `{% %}`); the result must be a JSON value.
    mutating func evaluateJSONata(_ text: String, field: String, frame id: Int, binding: StatesBinding) throws(StatesError) -> JSON {
        try evaluateJSONata(text, field: field, prepared: prepare(binding, frame: id))
    }

    mutating func evaluateJSONata(_ text: String, field: String, prepared: PreparedBinding) throws(StatesError) -> JSON {
        guard let value = try evaluateJSONataValue(text, field: field, prepared: prepared) else {
            throw StatesError(StatesError.Name.queryEvaluationError,
                              "The JSONata expression '\(text)' specified for the field '\(field)' returned nothing (undefined).")
        }
        guard let json = JSONataBridge.json(value) else {
            throw StatesError(StatesError.Name.queryEvaluationError,
                              "The JSONata expression '\(text)' specified for the field '\(field)' returned an unsupported result type.")
        }
        return json
    }

    /// Evaluates one expression; nil when it returns nothing.
    mutating func evaluateJSONataValue(_ text: String, field: String, prepared: PreparedBinding) throws(StatesError) -> JSONataValue? {
        let compiled: JSONataExpression
        switch jsonataCache.expression(text) {
        case .success(let e): compiled = e
        case .failure(let e):
            throw StatesError(StatesError.Name.queryEvaluationError,
                              "The JSONata expression '\(text)' specified for the field '\(field)' threw an error during evaluation. \(e.code): \(e.message)")
        }
        let library = StepFunctionsLibrary(seed: random.next())
        let nowDate = Date(timeIntervalSince1970: Double(now) / 1000)
        var expression = compiled
        expression.environment = JSONataEnvironment(now: { nowDate }, random: { library.nextUnit() },
                                                    functions: library.functions())
        do {
            return try expression.evaluate(input: prepared.input, bindings: prepared.bindings)
        } catch {
            throw StatesError(StatesError.Name.queryEvaluationError,
                              "The JSONata expression '\(text)' specified for the field '\(field)' threw an error during evaluation. \(error.code): \(error.message)")
        }
    }

    /// A JSONata state's output: `Output` evaluated, else the result (or the input when there is none).
    mutating func jsonataOutput(_ output: JSON?, frame id: Int, binding: StatesBinding) throws(StatesError) -> JSON {
        guard let output else { return binding.result ?? binding.input }
        return try evaluateJSONataTemplate(output, field: "Output", frame: id, binding: binding)
    }

    /// A JSONata Assign: the variables' new values, applied by the caller once Output is done.
    mutating func jsonataAssign(_ assign: ValueTemplate?, frame id: Int, binding: StatesBinding) throws(StatesError) -> JSONObject {
        guard let assign else { return [:] }
        let v = try evaluateJSONataTemplate(assign.written, field: "Assign", frame: id, binding: binding)
        return v.objectValue ?? [:]
    }
}
