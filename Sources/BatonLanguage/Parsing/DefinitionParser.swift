/// Reads an Amazon States Language definition into a `StateMachine`, or reports every problem AWS
/// would report at CreateStateMachine time, each with its code, location and message.
public enum DefinitionParser {
    /// Parses definition text: not JSON gives one INVALID_JSON_DESCRIPTION; otherwise see `parse(json:)`.
    public static func parse(text: String, options: ValidationOptions = .init()) -> Result<StateMachine, InvalidDefinition> {
        if text.utf8.count > options.maxDefinitionBytes { return .failure(tooLarge(options)) }
        if text.allSatisfy({ $0.isWhitespace }) {
            return .failure(InvalidDefinition([Diagnostic(
                code: Diagnostic.Code.schemaValidationFailed, location: nil,
                message: "Definition must be a valid JSON object")]))
        }
        let json: JSON
        do {
            json = try JSONParser.parse(text, maxDepth: options.maxDepth)
        } catch {
            let described = JSONErrorText.describe(error, in: text)
            return .failure(InvalidDefinition([Diagnostic(
                code: Diagnostic.Code.invalidJSONDescription, location: described.location,
                message: described.message)]))
        }
        return parse(json: json, options: options)
    }

    /// Parses a definition already read as JSON, checking it as AWS does (its size as compact text).
    public static func parse(json: JSON, options: ValidationOptions = .init()) -> Result<StateMachine, InvalidDefinition> {
        if json.serialized().utf8.count > options.maxDefinitionBytes { return .failure(tooLarge(options)) }
        var reader = DefinitionReader(options: options)
        let machine = reader.readMachine(json)
        if reader.issues.hasErrors || machine == nil || reader.incomplete {
            var diagnostics = reader.issues.diagnostics
            if diagnostics.isEmpty {
                diagnostics.append(Diagnostic(code: Diagnostic.Code.schemaValidationFailed, location: "/",
                                              message: "Definition is not a valid state machine"))
            }
            return .failure(InvalidDefinition(diagnostics))
        }
        guard let machine else { return .failure(InvalidDefinition([])) }
        return .success(machine)
    }

    /// AWS's answer to a definition over the size limit.
    private static func tooLarge(_ options: ValidationOptions) -> InvalidDefinition {
        InvalidDefinition([Diagnostic(
            code: Diagnostic.Code.schemaValidationFailed, location: nil,
            message: "Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to \(options.maxDefinitionBytes)")])
    }

    /// Every problem of the definition text (empty when it is valid).
    public static func validate(text: String, options: ValidationOptions = .init()) -> [Diagnostic] {
        switch parse(text: text, options: options) {
        case .success: return []
        case .failure(let invalid): return invalid.diagnostics
        }
    }
}
