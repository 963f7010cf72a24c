/// Where a path reads from: `$...` the input, `$$...` the context object, `$name...` a variable.
public enum PathReference: Sendable, Hashable, CustomStringConvertible {
    case input(JSONPath)
    case context(JSONPath)
    case variable(name: String, path: JSONPath)

    /// Compiles a reference path; a variable name is letters, digits and `_` after `$`.
    public init(_ text: String) throws(JSONPathError) {
        if text.hasPrefix("$$") {
            self = .context(try JSONPath(String(text.dropFirst())))
            return
        }
        guard text.hasPrefix("$") else { throw JSONPathError("Invalid JSONPath '\(text)': a path must start with '$'") }
        let afterDollar = text.dropFirst()
        let name = afterDollar.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        if name.isEmpty {
            self = .input(try JSONPath(text))
            return
        }
        let rest = afterDollar.dropFirst(name.count)
        do {
            self = .variable(name: String(name), path: try JSONPath("$" + rest))
        } catch {
            throw JSONPathError("Invalid JSONPath '\(text)': \(error.message)")
        }
    }

    /// The path as written.
    public var text: String {
        switch self {
        case .input(let p): return p.text
        case .context(let p): return "$" + p.text
        case .variable(let name, let p): return "$" + name + p.text.dropFirst()
        }
    }

    public var description: String { text }

    /// The compiled JSONPath applied to the source.
    public var path: JSONPath {
        switch self {
        case .input(let p), .context(let p), .variable(_, let p): return p
        }
    }

    /// True when the path names at most one value.
    public var isDefinite: Bool { path.isDefinite }

    /// The value the path selects; nil when a definite path (or the variable) is not found.
    public func evaluate(in env: PathEnvironment) -> JSON? {
        switch self {
        case .input(let p): return p.evaluate(env.input)
        case .context(let p): return p.evaluate(env.context)
        case .variable(let name, let p):
            guard let v = env.variables[name] else { return nil }
            return p.evaluate(v)
        }
    }
}
