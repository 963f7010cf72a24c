extension DefinitionReader {
    /// Checks every `{% … %}` string of a JSONata state's own fields with the caller's JSONata parser
    /// (`ValidationOptions.jsonataSyntax`); nested states (Branches, ItemProcessor) are checked on their own.
    mutating func checkJSONataExpressions(_ state: JSONObject, at location: String) {
        guard let syntax = options.jsonataSyntax else { return }
        for (key, value) in state where !["Comment", "Branches", "ItemProcessor", "Iterator"].contains(key) {
            checkJSONata(value, field: key, at: Pointer.join(location, key), syntax)
        }
    }

    /// `pointer` is where `value` itself is; `field` the member name it is nearest to.
    private mutating func checkJSONata(_ value: JSON, field: String, at pointer: String,
                                       _ syntax: @Sendable (String) -> String?) {
        switch value {
        case .string(let text):
            guard Self.isJSONata(text) else { return }
            if let problem = syntax(String(text.dropFirst(2).dropLast(2))) {
                issues.schema("The JSONata expression '\(text)' specified for the field '\(field)' is invalid: \(problem)",
                              at: pointer)
            }
        case .object(let o):
            for (key, member) in o where key != "Comment" {
                checkJSONata(member, field: key, at: Pointer.join(pointer, key), syntax)
            }
        case .array(let items):
            for (i, item) in items.enumerated() { checkJSONata(item, field: field, at: Pointer.join(pointer, i), syntax) }
        default:
            break
        }
    }
}
