import BatonLanguage

/// Concise one-line text for Choice rules, caught errors and retriers, as edge and node labels.
enum GraphLabel {
    /// The longest label drawn; longer ones end in "…".
    static let maxLength = 40

    /// `$.kind == "a"`, `$.n >= 10 and $.ok`, the JSONata condition without its `{% %}`, or "Rule N".
    static func choice(_ entry: JSONObject, index: Int) -> String {
        if let condition = entry["Condition"] {
            switch condition {
            case .string(let s): return shorten(stripJSONata(s))
            case .bool(let b): return b ? "true" : "false"
            default: break
            }
        }
        if let text = rule(entry) { return shorten(text) }
        return "Rule \(index + 1)"
    }

    /// Text of one JSONPath rule (nested And/Or/Not included); nil when nothing in it is recognisable.
    static func rule(_ o: JSONObject) -> String? {
        if case .array(let items)? = o["And"] { return join(items, "and") }
        if case .array(let items)? = o["Or"] { return join(items, "or") }
        if case .object(let inner)? = o["Not"] { return "not (" + (rule(inner) ?? "?") + ")" }
        let variable = o["Variable"]?.stringValue ?? "?"
        for (key, value) in o where key != "Variable" && key != "Next" && key != "Comment" && key != "Assign" {
            guard let (op, isPath) = ChoiceOperator.field(key) else { continue }
            let operand = isPath ? (value.stringValue ?? "?") : literal(value)
            return comparison(variable, op, operand, value)
        }
        return nil
    }

    private static func join(_ items: [JSON], _ word: String) -> String {
        let parts = items.map { item -> String in
            guard case .object(let o) = item, let text = rule(o) else { return "?" }
            return (o["And"] != nil || o["Or"] != nil) ? "(" + text + ")" : text
        }
        return parts.joined(separator: " \(word) ")
    }

    private static func comparison(_ variable: String, _ op: ChoiceOperator, _ operand: String, _ raw: JSON) -> String {
        let yes = raw.boolValue ?? true
        switch op {
        case .isNull: return variable + (yes ? " is null" : " is not null")
        case .isPresent: return variable + (yes ? " is present" : " is absent")
        case .isNumeric: return variable + (yes ? " is numeric" : " is not numeric")
        case .isString: return variable + (yes ? " is string" : " is not string")
        case .isBoolean: return variable + (yes ? " is boolean" : " is not boolean")
        case .isTimestamp: return variable + (yes ? " is timestamp" : " is not timestamp")
        case .stringMatches: return variable + " matches " + operand
        default:
            let symbol: String
            switch op.relation {
            case .equals?: symbol = "=="
            case .lessThan?: symbol = "<"
            case .greaterThan?: symbol = ">"
            case .lessThanEquals?: symbol = "<="
            case .greaterThanEquals?: symbol = ">="
            case nil: symbol = op.rawValue
            }
            return "\(variable) \(symbol) \(operand)"
        }
    }

    private static func literal(_ value: JSON) -> String {
        value.serialized()
    }

    /// `{% expr %}` → `expr`.
    static func stripJSONata(_ s: String) -> String {
        var t = Substring(s).trimmingCharacters(in: " \n\t")
        if t.hasPrefix("{%") && t.hasSuffix("%}") && t.count >= 4 {
            t = Substring(t.dropFirst(2).dropLast(2)).trimmingCharacters(in: " \n\t")
        }
        return t
    }

    /// The caught errors of a Catch entry: `States.ALL`, `A, B`.
    static func errors(_ entry: JSONObject) -> String {
        let names = entry["ErrorEquals"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return shorten(names.isEmpty ? "?" : names.joined(separator: ", "))
    }

    /// A retrier: `States.ALL ×3`.
    static func retrier(_ entry: JSONObject) -> String {
        let attempts = entry["MaxAttempts"]?.intValue ?? 3
        return shorten(errors(entry) + " ×\(attempts)")
    }

    /// Cuts text to `maxLength` characters, ending in "…", on one line.
    static func shorten(_ s: String, to limit: Int = maxLength) -> String {
        let oneLine = s.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" }).joined(separator: " ")
        if oneLine.count <= limit { return oneLine }
        return String(oneLine.prefix(limit - 1)) + "…"
    }
}

extension Substring {
    /// The text without the given characters at either end.
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
