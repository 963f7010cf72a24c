extension DefinitionReader {
    /// A JSONPath-mode payload template (Parameters, ResultSelector, ItemSelector, Assign): an object
    /// whose `key.$` members hold valid paths or intrinsic function calls.
    mutating func payloadTemplate(_ object: JSONObject, _ field: String, at location: String) -> ValueTemplate? {
        guard let value = object[field] else { return nil }
        let pointer = Pointer.join(location, field)
        guard value.isObject else {
            typeError(field, "OBJECT", at: pointer)
            return nil
        }
        let before = issues.diagnostics.count
        checkTemplate(value, at: pointer)
        guard issues.diagnostics.count == before else { return nil }
        do {
            return .jsonPath(try PayloadTemplate(value))
        } catch {
            issues.schema(error.message, at: pointer)
            return nil
        }
    }

    /// Reports every `key.$` member whose value is not a string holding a path or an intrinsic call.
    private mutating func checkTemplate(_ value: JSON, at pointer: String) {
        switch value {
        case .object(let o):
            for (key, member) in o {
                if key.hasSuffix(".$") {
                    guard case .string(let text) = member else {
                        typeError(key, "STRING", at: pointer)
                        continue
                    }
                    if !Self.isPathOrIntrinsic(text) {
                        issues.schema(Self.invalidExpressionMessage(key, text), at: pointer)
                    }
                } else {
                    checkTemplate(member, at: Pointer.join(pointer, key))
                }
            }
        case .array(let items):
            for (i, item) in items.enumerated() { checkTemplate(item, at: Pointer.join(pointer, i)) }
        default:
            break
        }
    }

    /// AWS's words for a `.$` value that is neither: a path when it starts with `$`, else either.
    static func invalidExpressionMessage(_ field: String, _ text: String) -> String {
        text.hasPrefix("$")
            ? "The value for the field '\(field)' must be a valid JSONPath"
            : "The value for the field '\(field)' must be a valid JSONPath or a valid intrinsic function call"
    }

    /// True for a path (`$.a`, `$$.b`, `$var`) or an intrinsic function call (`States.Format(…)`).
    static func isPathOrIntrinsic(_ text: String) -> Bool {
        if IntrinsicFunction.looksLikeIntrinsic(text) {
            return (try? IntrinsicFunction(parsing: text)) != nil
        }
        return (try? PathReference(text)) != nil
    }

    /// A JSONata-mode template (Arguments, Output, Assign, ItemSelector), kept as written. `objectOnly`:
    /// the field must be an object (Assign), else an object or a whole `{% … %}` expression (Arguments).
    mutating func jsonataTemplate(_ object: JSONObject, _ field: String, objectOnly: Bool,
                                  at location: String) -> ValueTemplate? {
        guard let value = object[field] else { return nil }
        let pointer = Pointer.join(location, field)
        switch value {
        case .object:
            return .jsonata(value)
        case .string(let text) where !objectOnly && Self.isJSONata(text):
            return .jsonata(value)
        default:
            if objectOnly {
                typeError(field, "OBJECT", at: pointer)
            } else {
                issues.schema("The value for the field '\(field)' must be an OBJECT or a JSONata expression", at: pointer)
            }
            return nil
        }
    }

    /// Assign in either query language; each key (less `.$` in JSONPath) names a variable.
    mutating func assign(_ object: JSONObject, language: QueryLanguage, at location: String) -> ValueTemplate? {
        if case .object(let members)? = object["Assign"] {
            for key in members.keys {
                let name = language == .jsonPath && key.hasSuffix(".$") ? String(key.dropLast(2)) : key
                if !Self.isVariableName(name) {
                    issues.schema("The variable name '\(name)' is invalid: it must start with a letter or '_', go on with letters, digits or '_', and have at most 80 characters",
                                  at: Pointer.join(location, "Assign"))
                }
            }
        }
        switch language {
        case .jsonPath: return payloadTemplate(object, "Assign", at: location)
        case .jsonata: return jsonataTemplate(object, "Assign", objectOnly: true, at: location)
        }
    }

    /// A variable name: a Unicode identifier (ID_Start or '_', then ID_Continue) of at most 80 characters.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 80 else { return false }
        guard first == "_" || first.properties.isIDStart else { return false }
        return name.unicodeScalars.dropFirst().allSatisfy { $0.properties.isIDContinue }
    }
}
