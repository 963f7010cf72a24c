/// Why a payload template is invalid, with the JSON-pointer-like location below the template (`/a/b.$`).
public struct PayloadTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: String
    public var message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { location.isEmpty ? message : "\(message) at \(location)" }
}

/// A compiled Parameters / ResultSelector / ItemSelector / Assign (JSONPath mode) template: keys ending
/// in ".$" take their value from a path (input, context, variable) or an intrinsic function, recursively
/// in nested objects and arrays; other values are copied.
public struct PayloadTemplate: Sendable, Hashable {
    /// The template as written.
    public var template: JSON {
        didSet { node = (try? Self.compile(template, location: "")) ?? .constant(template) }
    }
    private var node: PayloadNode

    /// Compiles `template`; a `.$` field whose value is not a valid path or intrinsic call is an error.
    public init(_ template: JSON) throws(PayloadTemplateError) {
        self.template = template
        self.node = try Self.compile(template, location: "")
    }

    /// True when the template has no `.$` field, so it evaluates to itself.
    public var isConstant: Bool {
        if case .constant = node { return true }
        return false
    }

    /// Builds the payload from the environment.
    public func evaluate(in env: PathEnvironment, random: inout DeterministicRandom) throws(StatesError) -> JSON {
        try node.evaluate(in: env, random: &random)
    }

    /// AWS's message for a `.$` field that is neither a path nor an intrinsic call.
    public static func invalidFieldMessage(_ key: String) -> String {
        "The value for the field '\(key)' must be a valid JSONPath or a valid intrinsic function call"
    }

    static func escapePointer(_ key: String) -> String {
        var out = ""
        for c in key {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.append(c)
            }
        }
        return out
    }

    static func compile(_ value: JSON, location: String) throws(PayloadTemplateError) -> PayloadNode {
        switch value {
        case .object(let o):
            var entries: [PayloadNode.Entry] = []
            var dynamic = false
            for (key, v) in o {
                let here = location + "/" + escapePointer(key)
                if key.hasSuffix(".$"), key.count > 2 {
                    let outKey = String(key.dropLast(2))
                    guard case .string(let text) = v else {
                        throw PayloadTemplateError(location: here, message: invalidFieldMessage(key))
                    }
                    if IntrinsicFunction.looksLikeIntrinsic(text) {
                        do {
                            entries.append(.init(key: outKey, node: .intrinsic(try IntrinsicFunction(parsing: text), field: key)))
                        } catch {
                            throw PayloadTemplateError(location: here, message: invalidFieldMessage(key))
                        }
                    } else if text.hasPrefix("$") {
                        do {
                            entries.append(.init(key: outKey, node: .path(try PathReference(text), field: key)))
                        } catch {
                            throw PayloadTemplateError(location: here, message: invalidFieldMessage(key))
                        }
                    } else {
                        throw PayloadTemplateError(location: here, message: invalidFieldMessage(key))
                    }
                    dynamic = true
                } else {
                    let child = try compile(v, location: here)
                    if case .constant = child {} else { dynamic = true }
                    entries.append(.init(key: key, node: child))
                }
            }
            return dynamic ? .object(entries) : .constant(value)
        case .array(let a):
            var nodes: [PayloadNode] = []
            var dynamic = false
            for (k, v) in a.enumerated() {
                let child = try compile(v, location: location + "/" + String(k))
                if case .constant = child {} else { dynamic = true }
                nodes.append(child)
            }
            return dynamic ? .array(nodes) : .constant(value)
        default:
            return .constant(value)
        }
    }
}

/// A compiled piece of a payload template.
indirect enum PayloadNode: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var key: String
        var node: PayloadNode
    }

    case constant(JSON)
    case object([Entry])
    case array([PayloadNode])
    /// A `.$` field reading a path; `field` is the key as written (`value.$`).
    case path(PathReference, field: String)
    case intrinsic(IntrinsicFunction, field: String)

    func evaluate(in env: PathEnvironment, random: inout DeterministicRandom) throws(StatesError) -> JSON {
        switch self {
        case .constant(let v): return v
        case .object(let entries):
            var o = JSONObject(minimumCapacity: entries.count)
            for e in entries { o[e.key] = try e.node.evaluate(in: env, random: &random) }
            return .object(o)
        case .array(let nodes):
            var a: [JSON] = []
            a.reserveCapacity(nodes.count)
            for n in nodes { a.append(try n.evaluate(in: env, random: &random)) }
            return .array(a)
        case .path(let reference, let field):
            guard let v = reference.evaluate(in: env) else {
                throw StatesError.runtime(
                    "The JSONPath '\(reference.text)' specified for the field '\(field)' could not be found in the input '\(env.input.serialized())'"
                )
            }
            return v
        case .intrinsic(let f, let field):
            return try f.evaluate(in: env, random: &random, field: field)
        }
    }
}
