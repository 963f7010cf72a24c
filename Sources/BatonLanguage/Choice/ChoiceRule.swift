/// A JSONPath-mode Choice rule: a comparison of one path against a literal or another path, or an
/// `And` / `Or` / `Not` of nested rules.
public indirect enum ChoiceRule: Sendable, Hashable {
    case and([ChoiceRule])
    case or([ChoiceRule])
    case not(ChoiceRule)
    case comparison(ChoiceComparison)
}

/// One comparison: `Variable`, an operator and its operand (a literal, or a path for the `…Path` forms).
public struct ChoiceComparison: Sendable, Hashable {
    public var variable: PathReference
    public var op: ChoiceOperator
    public var operand: Operand

    /// What the operator compares the variable with.
    public enum Operand: Sendable, Hashable {
        case string(String)
        /// A JSON number (`.int`, `.double` or `.bigInt`).
        case number(JSON)
        case bool(Bool)
        case timestamp(RFC3339Timestamp)
        case pattern(StringMatchPattern)
        /// The `…Path` forms: the operand is read from this path when the rule is evaluated.
        case path(PathReference)
    }

    public init(variable: PathReference, op: ChoiceOperator, operand: Operand) {
        self.variable = variable
        self.op = op
        self.operand = operand
    }

    /// The operator's field name as written in the definition (`NumericEqualsPath` for a path operand).
    public var fieldName: String {
        if case .path = operand { return op.rawValue + "Path" }
        return op.rawValue
    }
}

/// The comparison operators of the Amazon States Language, without their `Path` suffix.
public enum ChoiceOperator: String, Sendable, Hashable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringLessThan = "StringLessThan"
    case stringGreaterThan = "StringGreaterThan"
    case stringLessThanEquals = "StringLessThanEquals"
    case stringGreaterThanEquals = "StringGreaterThanEquals"
    case stringMatches = "StringMatches"
    case numericEquals = "NumericEquals"
    case numericLessThan = "NumericLessThan"
    case numericGreaterThan = "NumericGreaterThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case booleanEquals = "BooleanEquals"
    case timestampEquals = "TimestampEquals"
    case timestampLessThan = "TimestampLessThan"
    case timestampGreaterThan = "TimestampGreaterThan"
    case timestampLessThanEquals = "TimestampLessThanEquals"
    case timestampGreaterThanEquals = "TimestampGreaterThanEquals"
    case isNull = "IsNull"
    case isPresent = "IsPresent"
    case isNumeric = "IsNumeric"
    case isString = "IsString"
    case isBoolean = "IsBoolean"
    case isTimestamp = "IsTimestamp"

    /// The kind of value the operator compares.
    public enum Family: Sendable, Hashable {
        case string, numeric, boolean, timestamp, stringMatches, typeTest
    }

    /// How an ordered comparison relates the variable (left) to the operand (right).
    public enum Relation: Sendable, Hashable {
        case equals, lessThan, greaterThan, lessThanEquals, greaterThanEquals
    }

    public var family: Family {
        switch self {
        case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals:
            return .string
        case .stringMatches: return .stringMatches
        case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals:
            return .numeric
        case .booleanEquals: return .boolean
        case .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals,
             .timestampGreaterThanEquals:
            return .timestamp
        case .isNull, .isPresent, .isNumeric, .isString, .isBoolean, .isTimestamp: return .typeTest
        }
    }

    /// The relation of an ordered or equality operator; nil for `StringMatches` and the `Is…` tests.
    public var relation: Relation? {
        switch self {
        case .stringEquals, .numericEquals, .booleanEquals, .timestampEquals: return .equals
        case .stringLessThan, .numericLessThan, .timestampLessThan: return .lessThan
        case .stringGreaterThan, .numericGreaterThan, .timestampGreaterThan: return .greaterThan
        case .stringLessThanEquals, .numericLessThanEquals, .timestampLessThanEquals: return .lessThanEquals
        case .stringGreaterThanEquals, .numericGreaterThanEquals, .timestampGreaterThanEquals: return .greaterThanEquals
        default: return nil
        }
    }

    /// True when the operator also exists as `…Path` (every operator but `StringMatches` and `Is…`).
    public var hasPathForm: Bool { relation != nil }

    /// All 39 operator field names, in the order AWS lists them.
    public static let allFieldNames: [String] = allCases.flatMap { op -> [String] in
        op.hasPathForm ? [op.rawValue, op.rawValue + "Path"] : [op.rawValue]
    }

    /// The operator and whether it is the `…Path` form, for a field name; nil when it isn't one.
    public static func field(_ name: String) -> (ChoiceOperator, isPath: Bool)? {
        if let op = ChoiceOperator(rawValue: name) { return (op, false) }
        if name.hasSuffix("Path"), let op = ChoiceOperator(rawValue: String(name.dropLast(4))), op.hasPathForm {
            return (op, true)
        }
        return nil
    }
}
