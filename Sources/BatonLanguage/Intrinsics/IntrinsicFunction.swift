/// Why a text is not a valid intrinsic function call.
public struct IntrinsicParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A parsed intrinsic function call such as `States.Format('x={}', $.x)`.
public struct IntrinsicFunction: Sendable, Hashable, CustomStringConvertible {
    /// The call as written.
    public let text: String
    /// The function's name, e.g. `States.Format`.
    public let name: String
    /// The arguments in order.
    let arguments: [IntrinsicArgument]

    /// The eighteen functions of the Amazon States Language.
    public static let functionNames: Set<String> = [
        "States.Format", "States.StringToJson", "States.JsonToString", "States.Array", "States.ArrayPartition",
        "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength",
        "States.ArrayUnique", "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge",
        "States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID",
    ]

    /// Parses a whole call; anything after the closing parenthesis is an error.
    public init(parsing text: String) throws(IntrinsicParseError) {
        var parser = IntrinsicParser(text)
        self = try parser.parseWhole()
    }

    init(text: String, name: String, arguments: [IntrinsicArgument]) {
        self.text = text
        self.name = name
        self.arguments = arguments
    }

    /// True when the text starts with `States.`, so a `.$` field means an intrinsic call, not a path.
    public static func looksLikeIntrinsic(_ text: String) -> Bool {
        text.hasPrefix("States.")
    }

    public var description: String { text }

    /// Evaluates the call; a path argument that is not found fails as AWS does (`States.Runtime`),
    /// bad arguments fail with `States.IntrinsicFailure`.
    public func evaluate(in env: PathEnvironment, random: inout DeterministicRandom) throws(StatesError) -> JSON {
        try evaluate(in: env, random: &random, field: nil)
    }

    /// As `evaluate(in:random:)`, naming `field` (e.g. `value.$`, `CausePath`) in the message of a
    /// path argument that is not found.
    public func evaluate(in env: PathEnvironment, random: inout DeterministicRandom, field: String?)
        throws(StatesError) -> JSON
    {
        var values: [JSON] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments {
            values.append(try argument.evaluate(in: env, random: &random, field: field))
        }
        return try IntrinsicEvaluator(name: name, arguments: arguments, values: values).run(random: &random)
    }
}

/// One argument of an intrinsic call.
indirect enum IntrinsicArgument: Sendable, Hashable {
    /// A quoted string: its value, and the text between the quotes as written (for `States.Format`'s
    /// escaped braces).
    case string(String, raw: String)
    /// A number, boolean or null literal.
    case literal(JSON)
    case path(PathReference)
    case call(IntrinsicFunction)

    func evaluate(in env: PathEnvironment, random: inout DeterministicRandom, field: String?) throws(StatesError)
        -> JSON
    {
        switch self {
        case .string(let s, _): return .string(s)
        case .literal(let v): return v
        case .call(let f): return try f.evaluate(in: env, random: &random, field: field)
        case .path(let reference):
            guard let v = reference.evaluate(in: env) else {
                let fieldPart = field.map { " specified for the field '\($0)'" } ?? ""
                throw StatesError.runtime(
                    "The JSONPath '\(reference.text)'\(fieldPart) could not be found in the input '\(env.input.serialized())'")
            }
            return v
        }
    }
}
