/// Walks a definition once: builds the model and records every problem with its location.
struct DefinitionReader {
    var issues = DiagnosticCollector()
    let options: ValidationOptions
    /// The machine-wide query language.
    var machineLanguage: QueryLanguage = .jsonPath
    /// Every state name seen anywhere in the machine, with where it was first defined.
    var seenNames: [String: String] = [:]
    /// Every Map Label seen anywhere in the machine.
    var seenLabels: Set<String> = []
    /// Set when a part could not be read and a stand-in took its place: the model must not be returned.
    var incomplete = false

    init(options: ValidationOptions) { self.options = options }

    // MARK: field checks

    /// Reports each field of `object` not in `allowed` ("Field 'X' is not supported").
    mutating func checkFields(_ object: JSONObject, allowed: Set<String>, at location: String) {
        for key in object.keys where !allowed.contains(key) {
            issues.schema("Field '\(key)' is not supported", at: location)
        }
    }

    /// Reports the missing ones of `required` in one diagnostic, as AWS does.
    mutating func checkRequired(_ object: JSONObject, _ required: [String], at location: String) {
        let missing = required.filter { object[$0] == nil }
        if !missing.isEmpty {
            issues.schema("These fields are required: [\(missing.joined(separator: ", "))]", at: location)
        }
    }

    mutating func typeError(_ field: String, _ type: String, at location: String) {
        let article = type.first.map { "AEIOU".contains($0) } == true ? "an" : "a"
        issues.schema("The value for the field '\(field)' must be \(article) \(type)", at: location)
    }

    /// The string value of `field`, reporting a wrong type.
    mutating func string(_ object: JSONObject, _ field: String, at location: String) -> String? {
        guard let value = object[field] else { return nil }
        guard case .string(let s) = value else {
            typeError(field, "STRING", at: Pointer.join(location, field))
            return nil
        }
        return s
    }

    /// The boolean value of `field`, reporting a wrong type.
    mutating func bool(_ object: JSONObject, _ field: String, at location: String) -> Bool? {
        guard let value = object[field] else { return nil }
        guard case .bool(let b) = value else {
            typeError(field, "BOOLEAN", at: Pointer.join(location, field))
            return nil
        }
        return b
    }

    /// The integer value of `field` within `range`, reporting a wrong type or a value out of range.
    mutating func integer(_ object: JSONObject, _ field: String, in range: ClosedRange<Int>, at location: String) -> Int? {
        guard let value = object[field] else { return nil }
        return integer(value, field: field, in: range, at: Pointer.join(location, field))
    }

    mutating func integer(_ value: JSON, field: String, in range: ClosedRange<Int>, at pointer: String) -> Int? {
        let n: Int
        switch value {
        case .int(let i): n = i
        case .bigInt(let text):
            // Beyond 64 bits: out of any range, on the side of its sign.
            let bound = text.hasPrefix("-") ? "greater than or equal to \(range.lowerBound)" : "less than or equal to \(range.upperBound)"
            issues.schema("The value for the field '\(field)' must be \(bound)", at: pointer)
            return nil
        default:
            typeError(field, "INTEGER", at: pointer)
            return nil
        }
        if n < range.lowerBound {
            issues.schema("The value for the field '\(field)' must be greater than or equal to \(range.lowerBound)", at: pointer)
            return nil
        }
        if n > range.upperBound {
            issues.schema("The value for the field '\(field)' must be less than or equal to \(range.upperBound)", at: pointer)
            return nil
        }
        return n
    }

    /// The object value of `field`, reporting a wrong type.
    mutating func object(_ object: JSONObject, _ field: String, at location: String) -> JSONObject? {
        guard let value = object[field] else { return nil }
        guard case .object(let o) = value else {
            typeError(field, "OBJECT", at: Pointer.join(location, field))
            return nil
        }
        return o
    }

    /// The array value of `field`, reporting a wrong type.
    mutating func array(_ object: JSONObject, _ field: String, at location: String) -> [JSON]? {
        guard let value = object[field] else { return nil }
        guard case .array(let a) = value else {
            typeError(field, "ARRAY", at: Pointer.join(location, field))
            return nil
        }
        return a
    }

    /// Reports when more than one of `fields` is present.
    mutating func checkExclusive(_ object: JSONObject, _ fields: [String], at location: String) {
        let present = fields.filter { object[$0] != nil }
        if present.count > 1 {
            issues.schema("These fields cannot be used together: [\(present.joined(separator: ", "))]", at: location)
        }
    }

    // MARK: paths

    /// A JSONata expression string: `{% … %}`.
    static func isJSONata(_ text: String) -> Bool {
        text.count >= 4 && text.hasPrefix("{%") && text.hasSuffix("%}")
    }

    /// A Path field (`InputPath`, `ItemsPath`, `SecondsPath` …): a reference to the input, the context or a variable.
    mutating func referencePath(_ object: JSONObject, _ field: String, at location: String) -> PathReference? {
        guard let text = string(object, field, at: location) else { return nil }
        do {
            return try PathReference(text)
        } catch {
            issues.schema("The value for the field '\(field)' must be a valid JSONPath", at: Pointer.join(location, field))
            return nil
        }
    }

    /// InputPath/OutputPath: a path, or null.
    mutating func ioPath(_ object: JSONObject, _ field: String, at location: String) -> IOPath {
        guard let value = object[field] else { return .root }
        if value.isNull { return .null }
        return referencePath(object, field, at: location).map(IOPath.path) ?? .root
    }

    /// ResultPath: a reference path into the input, or null.
    mutating func resultPath(_ object: JSONObject, at location: String) -> ResultPath {
        guard let value = object["ResultPath"] else { return .root }
        if value.isNull { return .discard }
        guard let text = string(object, "ResultPath", at: location) else { return .root }
        if let path = try? JSONPath(text), path.isDefinite { return .path(path) }
        issues.schema(text.hasPrefix("$") ? "The value for the field 'ResultPath' must be a valid ReferencePath"
                                          : "Value is not a Reference Path: Reference path didn't start with '$'",
                      at: Pointer.join(location, "ResultPath"))
        return .root
    }

    /// A string field that may also come from a path (`ErrorPath`) or, in JSONata, an expression.
    mutating func stringSource(_ object: JSONObject, _ field: String, language: QueryLanguage,
                               at location: String) -> StringSource? {
        if let text = string(object, field, at: location) {
            if language == .jsonata, Self.isJSONata(text) { return .jsonata(text) }
            return .literal(text)
        }
        let pathField = field + "Path"
        guard language == .jsonPath, let text = string(object, pathField, at: location) else { return nil }
        if IntrinsicFunction.looksLikeIntrinsic(text) {
            do {
                return .intrinsic(try IntrinsicFunction(parsing: text))
            } catch {
                issues.schema("The value for the field '\(pathField)' must be a valid JSONPath or a valid intrinsic function call",
                              at: Pointer.join(location, pathField))
                return nil
            }
        }
        do {
            return .path(try PathReference(text))
        } catch {
            issues.schema("The value for the field '\(pathField)' must be a valid JSONPath or a valid intrinsic function call",
                          at: Pointer.join(location, pathField))
            return nil
        }
    }

    /// A number field (`TimeoutSeconds`, `MaxConcurrency` …) with its `…Path` form in JSONPath mode or
    /// a `{% … %}` expression in JSONata mode.
    mutating func numberSource(_ object: JSONObject, _ field: String, language: QueryLanguage, integer: Bool,
                               in range: ClosedRange<Double>, at location: String) -> NumberSource? {
        let pathField = field + "Path"
        if language == .jsonPath { checkExclusive(object, [field, pathField], at: location) }
        if let value = object[field] {
            let pointer = Pointer.join(location, field)
            if language == .jsonata, case .string(let text) = value, Self.isJSONata(text) { return .jsonata(text) }
            if integer {
                let lower = Int(range.lowerBound)
                let upper = range.upperBound >= Double(Int.max) ? Int.max : Int(range.upperBound)
                return self.integer(value, field: field, in: lower...upper, at: pointer).map { .value(Double($0)) }
            }
            guard let d = value.doubleValue, value.isNumber else {
                typeError(field, "NUMBER", at: pointer)
                return nil
            }
            guard range.contains(d) else {
                issues.schema("The value for the field '\(field)' must be between \(format(range.lowerBound)) and \(format(range.upperBound))",
                              at: pointer)
                return nil
            }
            return .value(d)
        }
        if language == .jsonPath, object[pathField] != nil {
            return referencePath(object, pathField, at: location).map(NumberSource.path)
        }
        return nil
    }

    private func format(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}
