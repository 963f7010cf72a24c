/// Why a JSONPath (or reference path) text is not a valid path.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A compiled JSONPath as ASL uses it (Jayway semantics, as AWS).
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as written, e.g. `$.a.b`.
    public let text: String
    /// The compiled steps after the leading `$`.
    let steps: [JSONPathStep]

    /// True when the path names at most one value: no wildcard, union, slice, descendant or filter.
    public let isDefinite: Bool

    /// Compiles `text`, which must start with `$`.
    public init(_ text: String) throws(JSONPathError) {
        var parser = JSONPathParser(text)
        self.init(text: text, steps: try parser.parsePath())
    }

    init(text: String, steps: [JSONPathStep]) {
        self.text = text
        self.steps = steps
        self.isDefinite = Self.definite(steps)
    }

    public var description: String { text }

    static func definite(_ steps: [JSONPathStep]) -> Bool {
        for (k, step) in steps.enumerated() {
            switch step {
            case .property, .index: continue
            case .properties: if k != steps.count - 1 { return false }
            default: return false
            }
        }
        return true
    }

    /// The path in Jayway's bracket form, as AWS quotes it in messages: `$['a']['b'][0]`.
    public var normalized: String {
        var out = "$"
        for step in steps { out += step.normalized }
        return out
    }

    /// Definite paths give the value or nil when missing; indefinite ones an array of every match.
    public func evaluate(_ root: JSON) -> JSON? {
        if isDefinite { return evaluateDefinite(root) }
        var results: [JSON] = []
        collect(steps[...], node: root, root: root, into: &results)
        return .array(results)
    }

    func evaluateDefinite(_ root: JSON) -> JSON? {
        var node = root
        for (k, step) in steps.enumerated() {
            switch step {
            case .property(let name):
                guard case .object(let o) = node, let v = o[name] else { return nil }
                node = v
            case .index(let i):
                guard case .array(let a) = node else { return nil }
                let j = i < 0 ? a.count + i : i
                guard j >= 0, j < a.count else { return nil }
                node = a[j]
            case .properties(let names) where k == steps.count - 1:
                // Jayway merges a multi-property leaf into one object of the properties found.
                guard case .object(let o) = node else { return nil }
                var merged = JSONObject()
                for name in names { if let v = o[name] { merged[name] = v } }
                node = .object(merged)
            default:
                return nil
            }
        }
        return node
    }

    /// Applies `steps` to `node`, appending every match.
    func collect(_ steps: ArraySlice<JSONPathStep>, node: JSON, root: JSON, into results: inout [JSON]) {
        guard let step = steps.first else {
            results.append(node)
            return
        }
        let rest = steps.dropFirst()
        switch step {
        case .property(let name):
            if case .object(let o) = node, let v = o[name] { collect(rest, node: v, root: root, into: &results) }
        case .properties(let names):
            guard case .object(let o) = node else { return }
            if rest.isEmpty {
                var merged = JSONObject()
                for name in names { if let v = o[name] { merged[name] = v } }
                results.append(.object(merged))
            } else {
                for name in names { if let v = o[name] { collect(rest, node: v, root: root, into: &results) } }
            }
        case .index(let i):
            guard case .array(let a) = node else { return }
            let j = i < 0 ? a.count + i : i
            if j >= 0, j < a.count { collect(rest, node: a[j], root: root, into: &results) }
        case .indexes(let list):
            guard case .array(let a) = node else { return }
            for i in list {
                let j = i < 0 ? a.count + i : i
                if j >= 0, j < a.count { collect(rest, node: a[j], root: root, into: &results) }
            }
        case .wildcard:
            switch node {
            case .object(let o): for v in o.values { collect(rest, node: v, root: root, into: &results) }
            case .array(let a): for v in a { collect(rest, node: v, root: root, into: &results) }
            default: return
            }
        case .slice(let start, let end, let stride):
            guard case .array(let a) = node else { return }
            for j in JSONPathStep.sliceIndexes(count: a.count, start: start, end: end, step: stride) {
                collect(rest, node: a[j], root: root, into: &results)
            }
        case .filter(let filter):
            switch node {
            case .array(let a):
                for v in a where filter.matches(v, root: root) { collect(rest, node: v, root: root, into: &results) }
            case .object:
                if filter.matches(node, root: root) { collect(rest, node: node, root: root, into: &results) }
            default: return
            }
        case .descendant:
            scan(rest, node: node, root: root, into: &results)
        }
    }

    /// `..`: applies the following steps at `node` and at every value below it, in document order.
    func scan(_ steps: ArraySlice<JSONPathStep>, node: JSON, root: JSON, into results: inout [JSON]) {
        if case .filter(let filter)? = steps.first {
            // A filter under `..` tests each object reached, once.
            if case .object = node, filter.matches(node, root: root) {
                collect(steps.dropFirst(), node: node, root: root, into: &results)
            }
        } else {
            collect(steps, node: node, root: root, into: &results)
        }
        switch node {
        case .object(let o): for v in o.values { scan(steps, node: v, root: root, into: &results) }
        case .array(let a): for v in a { scan(steps, node: v, root: root, into: &results) }
        default: return
        }
    }
}

/// One step of a compiled JSONPath.
indirect enum JSONPathStep: Sendable, Hashable {
    /// `.name` or `['name']`.
    case property(String)
    /// `['a','b']`.
    case properties([String])
    /// `[n]`, negative from the end.
    case index(Int)
    /// `[a,b]` of indexes.
    case indexes([Int])
    /// `.*` or `[*]`.
    case wildcard
    /// `[start:end:step]`.
    case slice(start: Int?, end: Int?, step: Int?)
    /// `[?(...)]`.
    case filter(JSONPathFilter)
    /// `..`: the next step applies at every depth.
    case descendant

    var normalized: String {
        switch self {
        case .property(let name): return "['" + name + "']"
        case .properties(let names): return "[" + names.map { "'" + $0 + "'" }.joined(separator: ",") + "]"
        case .index(let i): return "[\(i)]"
        case .indexes(let list): return "[" + list.map(String.init).joined(separator: ",") + "]"
        case .wildcard: return "[*]"
        case .slice(let s, let e, let st):
            var out = "[" + (s.map(String.init) ?? "") + ":" + (e.map(String.init) ?? "")
            if let st { out += ":" + String(st) }
            return out + "]"
        case .filter: return "[?]"
        case .descendant: return ".."
        }
    }

    /// The indexes a Python-style slice selects from an array of `count` elements.
    static func sliceIndexes(count: Int, start: Int?, end: Int?, step: Int?) -> [Int] {
        let st = step ?? 1
        guard st != 0, count > 0 else { return [] }
        func clamp(_ v: Int, _ low: Int, _ high: Int) -> Int { min(max(v, low), high) }
        var out: [Int] = []
        if st > 0 {
            var s = start ?? 0
            var e = end ?? count
            if s < 0 { s += count }
            if e < 0 { e += count }
            s = clamp(s, 0, count)
            e = clamp(e, 0, count)
            var j = s
            while j < e { out.append(j); j += st }
        } else {
            var s = start ?? count - 1
            var e = end ?? -count - 1
            if s < 0 { s += count }
            if e < 0 { e += count }
            s = clamp(s, -1, count - 1)
            e = clamp(e, -1, count - 1)
            var j = s
            while j > e { out.append(j); j += st }
        }
        return out
    }
}
