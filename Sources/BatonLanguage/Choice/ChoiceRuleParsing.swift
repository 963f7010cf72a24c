extension ChoiceRule {
    /// Parses one rule (a Choices entry minus Next/Assign/Output, or a nested rule); appends AWS-style
    /// diagnostics (location = JSON pointer like "/States/C/Choices/0") and returns nil when invalid.
    ///
    /// A top-level entry may still carry `Next`, `Assign` and `Output`: they are left to the caller.
    /// Nested rules (inside `And`, `Or`, `Not`) may not. `Comment` is allowed at every level.
    public static func parse(_ json: JSON, at location: String, diagnostics: inout [Diagnostic]) -> ChoiceRule? {
        var parser = ChoiceRuleParser(diagnostics: diagnostics)
        let rule = parser.parseRule(json, at: location, nested: false)
        diagnostics = parser.diagnostics
        return rule
    }
}

/// Reads Choice rules from JSON and reports what AWS's schema validation would.
struct ChoiceRuleParser {
    var diagnostics: [Diagnostic]

    /// The fields that choose what kind of rule an object is.
    static let selectorFields = ["And", "Or", "Not", "Variable"]
    /// Fields a top-level Choices entry has besides its rule; the state parser reads them.
    static let branchFields: Set<String> = ["Next", "Assign", "Output"]

    mutating func fail(_ location: String, _ message: String) {
        diagnostics.append(Diagnostic(code: Diagnostic.Code.schemaValidationFailed, location: location, message: message))
    }

    mutating func parseRule(_ json: JSON, at location: String, nested: Bool) -> ChoiceRule? {
        guard case .object(let object) = json else {
            fail(location, "Expected value of type Object")
            return nil
        }
        let before = diagnostics.count
        var otherFields: [String] = []
        for key in object.keys {
            if key == "Comment" || Self.selectorFields.contains(key) || ChoiceOperator.field(key) != nil { continue }
            if !nested && Self.branchFields.contains(key) { continue }
            otherFields.append(key)
        }
        let selectors = Self.selectorFields.filter { object[$0] != nil }
        if selectors.isEmpty && ChoiceOperator.allFieldNames.contains(where: { object[$0] != nil }) {
            fail(location, "These fields are required: [Variable]")
            reportUnsupported(otherFields, at: location)
            return nil
        }
        guard selectors.count == 1 else {
            fail(location, "The object must have only one of the following fields, [And, Or, Not, Variable, Condition]")
            reportUnsupported(otherFields, at: location)
            return nil
        }

        let rule: ChoiceRule?
        switch selectors[0] {
        case "And", "Or":
            let name = selectors[0]
            // Comparison operators don't belong beside And/Or.
            otherFields += object.keys.filter { ChoiceOperator.field($0) != nil }
            reportUnsupported(otherFields, at: location)
            let rules = parseRuleList(object[name] ?? .null, at: location + "/" + name)
            guard let rules, diagnostics.count == before else { return nil }
            rule = name == "And" ? .and(rules) : .or(rules)
        case "Not":
            otherFields += object.keys.filter { ChoiceOperator.field($0) != nil }
            reportUnsupported(otherFields, at: location)
            let inner = parseRule(object["Not"] ?? .null, at: location + "/Not", nested: true)
            guard let inner, diagnostics.count == before else { return nil }
            rule = .not(inner)
        default:
            reportUnsupported(otherFields, at: location)
            let comparison = parseComparison(object, at: location)
            guard let comparison, diagnostics.count == before else { return nil }
            rule = .comparison(comparison)
        }
        return rule
    }

    mutating func reportUnsupported(_ fields: [String], at location: String) {
        for field in fields { fail(location, "Field '\(field)' is not supported") }
    }

    mutating func parseRuleList(_ json: JSON, at location: String) -> [ChoiceRule]? {
        guard case .array(let items) = json else {
            fail(location, "Expected value of type Array")
            return nil
        }
        guard !items.isEmpty else {
            fail(location, "Value cannot be empty")
            return nil
        }
        var rules: [ChoiceRule] = []
        var ok = true
        for (i, item) in items.enumerated() {
            if let rule = parseRule(item, at: location + "/" + String(i), nested: true) {
                rules.append(rule)
            } else {
                ok = false
            }
        }
        return ok ? rules : nil
    }

    mutating func parsePath(_ json: JSON, field: String, at location: String) -> PathReference? {
        guard case .string(let text) = json else {
            fail(location + "/" + field, "Expected value of type String")
            return nil
        }
        do {
            return try PathReference(text)
        } catch {
            fail(location + "/" + field, "The value for the field '\(field)' must be a valid JSONPath")
            return nil
        }
    }

    mutating func parseComparison(_ object: JSONObject, at location: String) -> ChoiceComparison? {
        let variable = parsePath(object["Variable"] ?? .null, field: "Variable", at: location)
        let operators = object.keys.compactMap { key -> (String, ChoiceOperator, Bool)? in
            guard let (op, isPath) = ChoiceOperator.field(key) else { return nil }
            return (key, op, isPath)
        }
        guard operators.count == 1 else {
            let list = ChoiceOperator.allFieldNames.joined(separator: ", ")
            fail(location, "There should only be one of the following fields: [\(list)]")
            return nil
        }
        let (field, op, isPath) = operators[0]
        let raw = object[field] ?? .null
        let fieldLocation = location + "/" + field
        let operand: ChoiceComparison.Operand
        if isPath {
            guard let path = parsePath(raw, field: field, at: location) else { return nil }
            operand = .path(path)
        } else {
            switch op.family {
            case .string:
                guard case .string(let s) = raw else { return typeError(fieldLocation, "String") }
                operand = .string(s)
            case .stringMatches:
                guard case .string(let s) = raw else { return typeError(fieldLocation, "String") }
                operand = .pattern(StringMatchPattern(s))
            case .numeric:
                guard raw.isNumber else { return typeError(fieldLocation, "Number") }
                operand = .number(raw)
            case .boolean, .typeTest:
                guard case .bool(let b) = raw else { return typeError(fieldLocation, "Boolean") }
                operand = .bool(b)
            case .timestamp:
                guard case .string(let s) = raw else { return typeError(fieldLocation, "String") }
                guard let t = RFC3339Timestamp(parsing: s) else {
                    fail(fieldLocation, "String does not match RFC3339 timestamp")
                    return nil
                }
                operand = .timestamp(t)
            }
        }
        guard let variable else { return nil }
        return ChoiceComparison(variable: variable, op: op, operand: operand)
    }

    mutating func typeError(_ location: String, _ type: String) -> ChoiceComparison? {
        fail(location, "Expected value of type \(type)")
        return nil
    }
}
