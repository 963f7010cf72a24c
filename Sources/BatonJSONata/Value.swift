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

    deinit {
        if StackGuard.isLow() && containsContainers(items) {
            var owned: [V] = []
            swap(&owned, &items)
            releaseIteratively(&owned)
        }
    }
}

@inline(__always) func containsContainers(_ items: [V]) -> Bool {
    for x in items {
        switch x {
        case .arr, .obj: return true
        default: continue
        }
    }
    return false
}

/// Tears down nested arrays/objects with an explicit worklist so that freeing deeply nested data
/// cannot overflow the stack. Takes ownership of `stack`.
func releaseIteratively(_ stack: inout [V]) {
    while !stack.isEmpty {
        var v: V? = stack.removeLast()
        var arr: JArr?
        var obj: JObj?
        switch v {
        case .arr(let a)?: arr = a
        case .obj(let o)?: obj = o
        default: break
        }
        v = nil
        if arr != nil && isKnownUniquelyReferenced(&arr), let items = arr?.items {
            arr?.items = []
            stack.append(contentsOf: items)
        }
        if obj != nil && isKnownUniquelyReferenced(&obj), let values = obj?.values {
            obj?.clearForRelease()
            stack.append(contentsOf: values)
        }
        arr = nil
        obj = nil
    }
}

/// Insertion-ordered object. Small objects use linear search; larger ones get a hash index.
final class JObj {
    private(set) var keys: [String] = []
    private(set) var values: [V] = []
    private var index: [String: Int]?

    init() {}

    init(keys: [String], values: [V]) {
        self.keys = keys
        self.values = values
        if keys.count > 8 { rebuildIndex() }
    }

    private func rebuildIndex() {
        var d: [String: Int] = [:]
        d.reserveCapacity(keys.count)
        for (i, k) in keys.enumerated() { d[k] = i }
        index = d
    }

    @inline(__always) func position(_ key: String) -> Int? {
        if let ix = index { return ix[key] }
        for i in 0..<keys.count where keys[i] == key { return i }
        return nil
    }

    subscript(key: String) -> V? {
        get {
            guard let i = position(key) else { return nil }
            return values[i]
        }
        set {
            if let v = newValue {
                if let i = position(key) {
                    values[i] = v
                } else {
                    keys.append(key)
                    values.append(v)
                    if index != nil { index![key] = keys.count - 1 } else if keys.count > 8 { rebuildIndex() }
                }
            } else if let i = position(key) {
                keys.remove(at: i)
                values.remove(at: i)
                if index != nil { rebuildIndex() }
            }
        }
    }

    /// Read-only keyed view (kept for call sites written against a dictionary).
    var dict: JObj { self }

    var count: Int { keys.count }

    func copy() -> JObj { JObj(keys: keys, values: values) }

    func clearForRelease() {
        keys = []
        values = []
        index = nil
    }

    deinit {
        if StackGuard.isLow() && containsContainers(values) {
            var owned: [V] = []
            swap(&owned, &values)
            keys = []
            releaseIteratively(&owned)
        }
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

/// A lexical scope: a few bindings searched linearly, optionally backed by a tuple object.
final class Frame {
    private var names: [String] = []
    private var vals: [V] = []
    var tuple: JObj?
    let parent: Frame?

    init(parent: Frame?) {
        self.parent = parent
    }

    func bind(_ name: String, _ value: V?) {
        guard let v = value else { return }
        for i in 0..<names.count where names[i] == name {
            vals[i] = v
            return
        }
        names.append(name)
        vals.append(v)
    }

    func lookup(_ name: String) -> V? {
        var f: Frame? = self
        while let fr = f {
            for i in 0..<fr.names.count where fr.names[i] == name { return fr.vals[i] }
            if let t = fr.tuple, let v = t[name] { return v }
            f = fr.parent
        }
        return nil
    }
}

// MARK: conversions

extension V {
    /// Converts a public value (checks the stack, so arbitrarily deep values fail cleanly).
    static func from(_ v: JSONataValue) throws -> V {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return .num(d)
        case .string(let s): return .str(s)
        case .array(let a):
            try StackGuard.check()
            var items: [V] = []
            items.reserveCapacity(a.count)
            for x in a { items.append(try V.from(x)) }
            return .arr(JArr(items))
        case .object(let o):
            try StackGuard.check()
            var ks: [String] = []
            var vs: [V] = []
            ks.reserveCapacity(o.count)
            vs.reserveCapacity(o.count)
            try o.forEach { k, v in ks.append(k); vs.append(try V.from(v)) }
            return .obj(JObj(keys: ks, values: vs))
        case .function(let h): return .fn(h.box)
        }
    }

    /// Results nested deeper than this fail with U1001 (deep values are costly to free and print).
    static let maxOutputDepth = 1000

    /// Converts to the public value type.
    func toPublic(depth: Int = 0) throws -> JSONataValue {
        if depth > V.maxOutputDepth {
            throw JSONataError(code: "U1001", message: "The result is nested more than \(V.maxOutputDepth) levels deep")
        }
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .num(let d): return .number(d)
        case .str(let s): return .string(s)
        case .arr(let a):
            try StackGuard.check()
            return .array(try a.items.map { try $0.toPublic(depth: depth + 1) })
        case .obj(let o):
            try StackGuard.check()
            var r = JSONataObject()
            for (i, k) in o.keys.enumerated() { r[k] = try o.values[i].toPublic(depth: depth + 1) }
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
func deepEqual(_ a: V, _ b: V) throws -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.num(let x), .num(let y)): return x == y
    case (.str(let x), .str(let y)): return x == y
    case (.arr(let x), .arr(let y)):
        if x === y { return true }
        if x.items.count != y.items.count { return false }
        try StackGuard.check()
        for i in 0..<x.items.count where !(try deepEqual(x.items[i], y.items[i])) { return false }
        return true
    case (.obj(let x), .obj(let y)):
        if x === y { return true }
        if x.count != y.count { return false }
        try StackGuard.check()
        for (i, k) in x.keys.enumerated() {
            guard let w = y[k], try deepEqual(x.values[i], w) else { return false }
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
func deepClone(_ v: V) throws -> V {
    switch v {
    case .arr(let a):
        try StackGuard.check()
        let n = JArr(try a.items.map(deepClone))
        n.isSeq = a.isSeq
        return .arr(n)
    case .obj(let o):
        try StackGuard.check()
        return .obj(JObj(keys: o.keys, values: try o.values.map(deepClone)))
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

/// Converts a double from input data to `Int` without trapping (NaN → 0, clamped to ±2^53).
@inline(__always) func clampInt(_ d: Double) -> Int {
    if d.isNaN { return 0 }
    if d >= 9_007_199_254_740_992 { return 9_007_199_254_740_992 }
    if d <= -9_007_199_254_740_992 { return -9_007_199_254_740_992 }
    return Int(d)
}
