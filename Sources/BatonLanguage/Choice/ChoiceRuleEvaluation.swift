extension ChoiceRule {
    /// Evaluates the rule as AWS does: a value of the wrong type makes a comparison false; a `Variable`
    /// (or `…Path` operand) that doesn't exist makes `IsPresent` false and every other operator fail
    /// with `States.Runtime`. `And` and `Or` stop at the first rule that decides them.
    public func evaluate(in env: PathEnvironment) throws(StatesError) -> Bool {
        switch self {
        case .and(let rules):
            for rule in rules {
                if try !rule.evaluate(in: env) { return false }
            }
            return true
        case .or(let rules):
            for rule in rules {
                if try rule.evaluate(in: env) { return true }
            }
            return false
        case .not(let rule):
            return try !rule.evaluate(in: env)
        case .comparison(let comparison):
            return try comparison.evaluate(in: env)
        }
    }
}

extension ChoiceComparison {
    /// The cause AWS gives when a Choice rule's path selects nothing.
    public static func invalidPathCause(_ path: String) -> String {
        "Invalid path '\(path)': The choice state's condition path references an invalid value."
    }

    /// Evaluates this one comparison.
    public func evaluate(in env: PathEnvironment) throws(StatesError) -> Bool {
        let value = variable.evaluate(in: env)
        if op == .isPresent {
            guard case .bool(let expected) = operand else { return false }
            return (value != nil) == expected
        }
        guard let value else { throw .runtime(Self.invalidPathCause(variable.text)) }

        // The right-hand side: the literal, or what the `…Path` operand selects.
        let right: Operand
        if case .path(let path) = operand {
            guard let v = path.evaluate(in: env) else { throw .runtime(Self.invalidPathCause(path.text)) }
            switch op.family {
            case .string:
                guard case .string(let s) = v else { return false }
                right = .string(s)
            case .numeric:
                guard v.isNumber else { return false }
                right = .number(v)
            case .boolean:
                guard case .bool(let b) = v else { return false }
                right = .bool(b)
            case .timestamp:
                guard case .string(let s) = v, let t = RFC3339Timestamp(parsing: s) else { return false }
                right = .timestamp(t)
            case .stringMatches, .typeTest:
                return false
            }
        } else {
            right = operand
        }

        switch (op.family, right) {
        case (.string, .string(let r)):
            guard case .string(let l) = value, let relation = op.relation else { return false }
            return Self.holds(relation, Self.compareUTF16(l, r))
        case (.numeric, .number(let r)):
            guard value.isNumber, let relation = op.relation, let order = Self.compareNumbers(value, r) else {
                return false
            }
            return Self.holds(relation, order)
        case (.boolean, .bool(let r)):
            guard case .bool(let l) = value else { return false }
            return l == r
        case (.timestamp, .timestamp(let r)):
            guard case .string(let s) = value, let l = RFC3339Timestamp(parsing: s), let relation = op.relation else {
                return false
            }
            return Self.holds(relation, l < r ? -1 : (l == r ? 0 : 1))
        case (.stringMatches, .pattern(let pattern)):
            guard case .string(let s) = value else { return false }
            return pattern.matches(s)
        case (.typeTest, .bool(let expected)):
            let actual: Bool
            switch op {
            case .isNull: actual = value.isNull
            case .isNumeric: actual = value.isNumber
            case .isString: actual = value.isString
            case .isBoolean: actual = value.isBool
            case .isTimestamp:
                if case .string(let s) = value { actual = RFC3339Timestamp(parsing: s) != nil } else { actual = false }
            default: actual = true
            }
            return actual == expected
        default:
            return false
        }
    }

    static func holds(_ relation: ChoiceOperator.Relation, _ order: Int) -> Bool {
        switch relation {
        case .equals: return order == 0
        case .lessThan: return order < 0
        case .greaterThan: return order > 0
        case .lessThanEquals: return order <= 0
        case .greaterThanEquals: return order >= 0
        }
    }

    /// Orders two strings by UTF-16 code units, as Java's `String.compareTo` does.
    static func compareUTF16(_ a: String, _ b: String) -> Int {
        var i = a.utf16.makeIterator(), j = b.utf16.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// Orders two JSON numbers: integers exactly, anything else as doubles.
    static func compareNumbers(_ a: JSON, _ b: JSON) -> Int? {
        if case .int(let x) = a, case .int(let y) = b { return x == y ? 0 : (x < y ? -1 : 1) }
        if case .bigInt(let x) = a, case .bigInt(let y) = b, x == y { return 0 }
        guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
        return x == y ? 0 : (x < y ? -1 : 1)
    }
}
