import Foundation

/// Internal evaluation value. `nil` (as `V?`) is JSONata's `undefined`.
enum V {
    case null
    case bool(Bool)
    case num(Double)
    case str(String)
    case arr(JArr)
    case obj(JObj)
    case fn(JFunc)

    var isArray: Bool { if case .arr = self { return true }; return false }
    var isFunction: Bool { if case .fn = self { return true }; return false }
    var arrayBox: JArr? { if case .arr(let a) = self { return a }; return nil }
    var number: Double? { if case .num(let d) = self { return d }; return nil }
    var string: String? { if case .str(let s) = self { return s }; return nil }
}

/// Array or sequence, with the flags jsonata-js attaches to JS arrays.
final class JArr {
    var items: [V]
    var isSeq = false
    var keepSingleton = false
    var cons = false
    var outerWrapper = false
    var tupleStream = false

    init(_ items: [V] = [], seq: Bool = false) {
        self.items = items
        self.isSeq = seq
    }

    static func seq(_ items: [V] = []) -> JArr { JArr(items, seq: true) }
    var count: Int { items.count }
}

/// Insertion-ordered object.
final class JObj {
    var keys: [String] = []
    var dict: [String: V] = [:]

    init() {}

    subscript(key: String) -> V? {
        get { dict[key] }
        set {
            if let v = newValue {
                if dict.updateValue(v, forKey: key) == nil { keys.append(key) }
            } else if dict.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    var count: Int { keys.count }

    func copy() -> JObj {
        let o = JObj()
        o.keys = keys
        o.dict = dict
        return o
    }
}

/// Native function implementation signature.
typealias NativeImpl = (_ args: [V?], _ cx: CallContext) throws -> V?

/// What a native function sees besides its arguments.
struct CallContext {
    let ev: Evaluator
    let input: V?
    let env: Frame
}

/// A function value.
final class JFunc {
    enum Kind {
        case lambda(node: Node, input: V?, env: Frame, params: [String])
        case native(name: String, impl: NativeImpl)
        case partialNative(base: JFunc, args: [V?], holes: [Bool])
        case regex(NSRegularExpression, source: String)
        case transform(node: Node, env: Frame)
        case chain(JFunc, JFunc)
    }
    let kind: Kind
    var signature: Signature?
    var thunk = false
    /// Arity as reported to higher-order functions.
    var arity: Int

    init(_ kind: Kind, signature: Signature? = nil, arity: Int) {
        self.kind = kind
        self.signature = signature
        self.arity = arity
    }

    var isLambda: Bool { if case .lambda = kind { return true }; return false }
}

/// A lexical scope.
final class Frame {
    var vars: [String: V]
    let parent: Frame?

    init(parent: Frame?) {
        self.parent = parent
        self.vars = [:]
    }

    @inline(__always) func bind(_ name: String, _ value: V?) {
        if let v = value { vars[name] = v }
    }

    func lookup(_ name: String) -> V? {
        var f: Frame? = self
        while let fr = f {
            if let v = fr.vars[name] { return v }
            f = fr.parent
        }
        return nil
    }
}

// MARK: conversions

extension V {
    init(_ v: JSONataValue) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d): self = .num(d)
        case .string(let s): self = .str(s)
        case .array(let a): self = .arr(JArr(a.map(V.init)))
        case .object(let o):
            let j = JObj()
            j.keys.reserveCapacity(o.count)
            for e in o.entries { j[e.key] = V(e.value) }
            self = .obj(j)
        case .function(let h): self = .fn(h.box)
        }
    }

    var publicValue: JSONataValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .num(let d): return .number(d)
        case .str(let s): return .string(s)
        case .arr(let a): return .array(a.items.map { $0.publicValue })
        case .obj(let o):
            var r = JSONataObject()
            for k in o.keys { if let v = o.dict[k] { r[k] = v.publicValue } }
            return .object(r)
        case .fn(let f): return .function(JSONataFunctionHandle(box: f))
        }
    }
}

// MARK: helpers shared by evaluator and library

@inline(__always) func isSequence(_ v: V?) -> Bool {
    if case .arr(let a)? = v { return a.isSeq }
    return false
}

func typeSymbol(_ v: V?) -> Character {
    guard let v = v else { return "m" }
    switch v {
    case .null: return "l"
    case .bool: return "b"
    case .num: return "n"
    case .str: return "s"
    case .arr: return "a"
    case .obj: return "o"
    case .fn: return "f"
    }
}

/// `fn.boolean` of jsonata-js.
func jsBoolean(_ v: V?) -> Bool? {
    guard let v = v else { return nil }
    switch v {
    case .null: return false
    case .bool(let b): return b
    case .num(let d): return d != 0 && !d.isNaN
    case .str(let s): return !s.isEmpty
    case .obj(let o): return o.count > 0
    case .fn: return false
    case .arr(let a):
        if a.items.count == 1 { return jsBoolean(a.items[0]) }
        for x in a.items where jsBoolean(x) == true { return true }
        return false
    }
}

/// Deep equality as used by `=`.
func deepEqual(_ a: V, _ b: V) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.num(let x), .num(let y)): return x == y
    case (.str(let x), .str(let y)): return x == y
    case (.arr(let x), .arr(let y)):
        if x === y { return true }
        if x.items.count != y.items.count { return false }
        for i in 0..<x.items.count where !deepEqual(x.items[i], y.items[i]) { return false }
        return true
    case (.obj(let x), .obj(let y)):
        if x === y { return true }
        if x.count != y.count { return false }
        for (k, v) in x.dict {
            guard let w = y.dict[k], deepEqual(v, w) else { return false }
        }
        return true
    case (.fn(let x), .fn(let y)): return x === y
    default: return false
    }
}

/// Strict identity as JS `===` (used by `in`).
func strictEqual(_ a: V, _ b: V) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.num(let x), .num(let y)): return x == y
    case (.str(let x), .str(let y)): return x == y
    case (.arr(let x), .arr(let y)): return x === y
    case (.obj(let x), .obj(let y)): return x === y
    case (.fn(let x), .fn(let y)): return x === y
    default: return false
    }
}

/// JS `<` on strings (UTF-16 code unit order).
@inline(__always) func jsLess(_ a: String, _ b: String) -> Bool {
    if a.utf8.allSatisfy({ $0 < 0x80 }) && b.utf8.allSatisfy({ $0 < 0x80 }) { return a < b }
    return a.utf16.lexicographicallyPrecedes(b.utf16)
}

/// Deep copy (`$clone`).
func deepClone(_ v: V) -> V {
    switch v {
    case .arr(let a):
        let n = JArr(a.items.map(deepClone))
        n.isSeq = a.isSeq
        return .arr(n)
    case .obj(let o):
        let n = JObj()
        n.keys = o.keys
        var d: [String: V] = [:]
        d.reserveCapacity(o.dict.count)
        for (k, x) in o.dict { d[k] = deepClone(x) }
        n.dict = d
        return .obj(n)
    default: return v
    }
}

/// `fn.append`: concatenation producing a plain (non-sequence) array.
func appendValues(_ a: V?, _ b: V?) -> V? {
    guard let a = a else { return b }
    guard let b = b else { return a }
    var items: [V]
    if case .arr(let x) = a { items = x.items } else { items = [a] }
    if case .arr(let y) = b { items.append(contentsOf: y.items) } else { items.append(b) }
    return .arr(JArr(items))
}
