extension DefinitionReader {
    /// `Retry`: an array of retriers, each with a non-empty ErrorEquals and valid limits.
    mutating func readRetry(_ o: JSONObject, at location: String) -> [Retrier] {
        guard let items = array(o, "Retry", at: location) else { return [] }
        let base = Pointer.join(location, "Retry")
        var result: [Retrier] = []
        for (i, item) in items.enumerated() {
            let pointer = Pointer.join(base, i)
            guard case .object(let r) = item else {
                typeError("Retry", "OBJECT", at: pointer)
                continue
            }
            checkFields(r, allowed: FieldRules.retrier, at: pointer)
            checkRequired(r, ["ErrorEquals"], at: pointer)
            let errors = errorEquals(r, at: pointer, isLast: i == items.count - 1, list: "Retry")
            var retrier = Retrier(errorEquals: errors)
            if let v = integer(r, "IntervalSeconds", in: 1...99_999_999, at: pointer) { retrier.intervalSeconds = v }
            if let v = integer(r, "MaxAttempts", in: 0...99_999_999, at: pointer) { retrier.maxAttempts = v }
            if let v = r["BackoffRate"] {
                if let d = v.doubleValue, v.isNumber {
                    if d >= 1.0 {
                        retrier.backoffRate = d
                    } else {
                        issues.schema("The value for the field 'BackoffRate' must be greater than or equal to 1.0",
                                      at: Pointer.join(pointer, "BackoffRate"))
                    }
                } else {
                    typeError("BackoffRate", "NUMBER", at: Pointer.join(pointer, "BackoffRate"))
                }
            }
            retrier.maxDelaySeconds = integer(r, "MaxDelaySeconds", in: 1...31_622_400, at: pointer)
            if let text = string(r, "JitterStrategy", at: pointer) {
                if let jitter = JitterStrategy(rawValue: text) {
                    retrier.jitterStrategy = jitter
                } else {
                    issues.schema("The field 'JitterStrategy' should have one of these values: [FULL, NONE]",
                                  at: Pointer.join(pointer, "JitterStrategy"))
                }
            }
            _ = string(r, "Comment", at: pointer)
            result.append(retrier)
        }
        return result
    }

    /// `Catch`: an array of catchers, each with ErrorEquals and Next (and ResultPath or Output).
    mutating func readCatch(_ o: JSONObject, language: QueryLanguage, at location: String) -> [Catcher] {
        guard let items = array(o, "Catch", at: location) else { return [] }
        let base = Pointer.join(location, "Catch")
        var result: [Catcher] = []
        for (i, item) in items.enumerated() {
            let pointer = Pointer.join(base, i)
            guard case .object(let c) = item else {
                typeError("Catch", "OBJECT", at: pointer)
                continue
            }
            checkFields(c, allowed: FieldRules.catcher(language), at: pointer)
            checkRequired(c, ["ErrorEquals", "Next"], at: pointer)
            let errors = errorEquals(c, at: pointer, isLast: i == items.count - 1, list: "Catch")
            let next = string(c, "Next", at: pointer)
            var catcher = Catcher(errorEquals: errors, next: next ?? "")
            if language == .jsonPath {
                catcher.resultPath = resultPath(c, at: pointer)
            } else {
                catcher.output = c["Output"]
            }
            catcher.assign = assign(c, language: language, at: pointer)
            _ = string(c, "Comment", at: pointer)
            if next != nil { result.append(catcher) }
        }
        return result
    }

    /// ErrorEquals: a non-empty array of strings; `States.ALL` only alone and only in the last entry.
    private mutating func errorEquals(_ o: JSONObject, at pointer: String, isLast: Bool, list: String) -> [String] {
        guard let items = array(o, "ErrorEquals", at: pointer) else { return [] }
        let at = Pointer.join(pointer, "ErrorEquals")
        if items.isEmpty { issues.schema("The field 'ErrorEquals' should be non-empty", at: at) }
        var names: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else {
                typeError("ErrorEquals", "STRING", at: Pointer.join(at, i))
                continue
            }
            names.append(s)
        }
        if names.contains(StatesError.Name.all) {
            if items.count > 1 {
                issues.schema("'States.ALL' must appear alone in 'ErrorEquals'", at: at)
            } else if !isLast {
                issues.schema("'States.ALL' must appear in the last entry of '\(list)'", at: at)
            }
        }
        return names
    }
}
