extension DefinitionReader {
    /// A Choice state's rules (by the Choice rule parser in JSONPath mode, `Condition` in JSONata mode)
    /// and its Default.
    mutating func readChoice(_ o: JSONObject, language: QueryLanguage, at location: String) -> ChoiceState? {
        checkRequired(o, ["Choices"], at: location)
        let defaultNext = string(o, "Default", at: location)
        guard let items = array(o, "Choices", at: location) else { return nil }
        let base = Pointer.join(location, "Choices")
        if items.isEmpty { issues.schema("The field 'Choices' should be non-empty", at: base) }
        var branches: [ChoiceBranch] = []
        var complete = true
        for (i, item) in items.enumerated() {
            let pointer = Pointer.join(base, i)
            guard case .object(let entry) = item else {
                typeError("Choices", "OBJECT", at: pointer)
                complete = false
                continue
            }
            let next = string(entry, "Next", at: pointer)
            let assign = self.assign(entry, language: language, at: pointer)
            var condition: ChoiceCondition?
            var output: JSON?
            switch language {
            case .jsonata:
                checkFields(entry, allowed: FieldRules.jsonataChoice, at: pointer)
                checkRequired(entry, ["Condition", "Next"], at: pointer)
                output = entry["Output"]
                if let value = entry["Condition"] {
                    if case .string(let text) = value, Self.isJSONata(text) {
                        condition = .jsonata(text)
                    } else if case .bool(let b) = value {
                        condition = .jsonata(b ? "{% true %}" : "{% false %}")
                    } else {
                        issues.schema("The value for the field 'Condition' must be a JSONata expression",
                                      at: Pointer.join(pointer, "Condition"))
                    }
                }
            case .jsonPath:
                checkRequired(entry, ["Next"], at: pointer)
                if entry["Output"] != nil { issues.schema("Field 'Output' is not supported", at: pointer) }
                if entry["Condition"] != nil { issues.schema("Field 'Condition' is not supported", at: pointer) }
                var rule = entry
                for key in ["Next", "Assign", "Output", "Comment", "Condition"] { rule.removeValue(forKey: key) }
                var found: [Diagnostic] = []
                if let parsed = ChoiceRule.parse(.object(rule), at: pointer, diagnostics: &found) {
                    condition = .rule(parsed)
                }
                issues.append(contentsOf: found)
            }
            if let next {
                // A bad condition still leaves the branch's target known for the graph checks.
                if condition == nil { incomplete = true }
                branches.append(ChoiceBranch(condition: condition ?? .jsonata("{% false %}"), next: next,
                                             assign: assign, output: output))
            } else {
                complete = false
            }
        }
        guard complete else { return nil }
        return ChoiceState(choices: branches, defaultNext: defaultNext)
    }
}
