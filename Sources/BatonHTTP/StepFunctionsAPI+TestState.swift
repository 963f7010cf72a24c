import BatonCore
import BatonEngine
import BatonLanguage

// TestState: one state on an input, its Task answered by the request's mock (StateTest in the core).

extension StepFunctionsAPI {
    func testState(_ input: RequestInput) throws -> JSON {
        let definitionText = try input.string("definition")
        let definition = try Self.parseJSON(definitionText, error: "InvalidDefinition", what: "Invalid State Machine Definition")
        let roleArn = try input.optionalString("roleArn") ?? orchestrator.configuration.defaultRoleArn
        try checkRoleArn(roleArn)
        let stateInput = try Self.parseJSON(input.optionalString("input") ?? "{}", error: "InvalidExecutionInput",
                                            what: "Invalid State Machine Execution Input")
        let level = try input.optionalString("inspectionLevel") ?? "INFO"
        guard ["INFO", "DEBUG", "TRACE"].contains(level) else {
            throw APIError.validation("1 validation error detected: Value '\(level)' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]")
        }
        var variables: [String: JSON] = [:]
        if let text = try input.optionalString("variables") {
            guard case .object(let o) = try Self.parseJSON(text, error: "ValidationException", what: "Invalid variables") else {
                throw APIError.validation("variables must be a JSON object")
            }
            for (k, v) in o { variables[k] = v }
        }
        var mock: StateTest.Mock?
        if let m = try input.object("mock") {
            let mockInput = try RequestInput(.object(m))
            if let result = try mockInput.optionalString("result") {
                mock = .result(try Self.parseJSON(result, error: "ValidationException", what: "Invalid mock result"))
            } else if let e = try mockInput.object("errorOutput") {
                let errorInput = try RequestInput(.object(e))
                mock = .error(error: try errorInput.optionalString("error") ?? "", cause: try errorInput.optionalString("cause"))
            } else {
                throw APIError.validation("mock needs a result or an errorOutput")
            }
        }
        let outcome: StateTest.Outcome
        switch StateTest.run(definition: definition, stateName: try input.optionalString("stateName"), input: stateInput,
                             variables: variables, mock: mock, roleArn: roleArn, region: region, now: clock(),
                             options: configuration.validation(.standard)) {
        case .success(let o): outcome = o
        case .failure(let refusal): throw APIError(refusal.code, refusal.message)
        }
        var out: JSONObject = ["status": .string(outcome.status.rawValue)]
        if let o = outcome.output { out["output"] = .string(o.serialized()) }
        if let e = outcome.error { out["error"] = .string(e) }
        if let c = outcome.cause { out["cause"] = .string(c) }
        if let n = outcome.nextState { out["nextState"] = .string(n) }
        if level != "INFO" { out["inspectionData"] = .object(outcome.inspection) }
        return .object(out)
    }
}
