import Foundation

/// The built-in function library (names without `$`).
enum Library {
    nonisolated(unsafe) static let transformSignature: Signature? = try? Signature("<(oa):o>")

    nonisolated(unsafe) static let builtins: [String: JFunc] = {
        var d: [String: JFunc] = [:]
        func def(_ name: String, _ sig: String, _ impl: @escaping NativeImpl) {
            let s = try? Signature(sig)
            d[name] = JFunc(.native(name: name, impl: impl), signature: s, arity: name == "string" ? 1 : (s?.params.count ?? 0))
        }
        registerCore(def)
        registerStrings(def)
        registerHigherOrder(def)
        registerFormatting(def)
        registerDates(def)
        return d
    }()

    typealias Def = (String, String, @escaping NativeImpl) -> Void

    // MARK: helpers

    static func num(_ v: V?) -> Double? { if case .num(let d)? = v { return d }; return nil }
    static func str(_ v: V?) -> String? { if case .str(let s)? = v { return s }; return nil }
    static func arr(_ v: V?) -> [V]? {
        guard let v = v else { return nil }
        if case .arr(let a) = v { return a.items }
        return [v]
    }

    /// Rounds to 15 significant digits like `Number(x.toPrecision(15))`.
    static func prec15(_ d: Double) -> Double {
        if d == 0 || !d.isFinite { return d }
        return Double(String(format: "%.14e", d)) ?? d
    }

    /// `$string()` semantics.
    static func stringify(_ v: V, pretty: Bool = false) throws -> String {
        switch v {
        case .str(let s): return s
        case .fn: return ""
        case .num(let d):
            if !d.isFinite { throw JSONataError(code: "D3001", value: jsNumberString(d)) }
            return jsNumberString(d == d.rounded() ? d : prec15(d))
        default:
            var out = ""
            var val = v
            if case .arr(let a) = v, a.outerWrapper, let f = a.items.first { val = f }
            try writeJSON(val, &out, pretty: pretty, indent: 0)
            return out
        }
    }

    static func writeJSON(_ v: V, _ out: inout String, pretty: Bool, indent: Int) throws {
        try StackGuard.check()
        switch v {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .num(let d):
            if !d.isFinite { throw JSONataError(code: "D1001", value: jsNumberString(d)) }
            out.append(jsNumberString(d == d.rounded() ? d : prec15(d)))
        case .str(let s): JSONWriter.quote(s, into: &out)
        case .fn: out.append("\"\"")
        case .arr(let a):
            if a.items.isEmpty { out.append("[]"); return }
            out.append("[")
            for (i, x) in a.items.enumerated() {
                if i > 0 { out.append(",") }
                if pretty { out.append("\n" + String(repeating: " ", count: indent + 2)) }
                try writeJSON(x, &out, pretty: pretty, indent: indent + 2)
            }
            if pretty { out.append("\n" + String(repeating: " ", count: indent)) }
            out.append("]")
        case .obj(let o):
            if o.count == 0 { out.append("{}"); return }
            out.append("{")
            for (i, k) in o.keys.enumerated() {
                if i > 0 { out.append(",") }
                if pretty { out.append("\n" + String(repeating: " ", count: indent + 2)) }
                JSONWriter.quote(k, into: &out)
                out.append(pretty ? ": " : ":")
                try writeJSON(o.dict[k] ?? .null, &out, pretty: pretty, indent: indent + 2)
            }
            if pretty { out.append("\n" + String(repeating: " ", count: indent)) }
            out.append("}")
        }
    }

    /// Short text of a value for error messages.
    static func describe(_ v: V) -> String {
        if case .str(let s) = v { return s }
        return (try? stringify(v)) ?? "?"
    }


    /// JS truthiness (used for comparator results).
    static func truthy(_ v: V?) -> Bool {
        guard let v = v else { return false }
        switch v {
        case .null: return false
        case .bool(let b): return b
        case .num(let d): return d != 0 && !d.isNaN
        case .str(let s): return !s.isEmpty
        default: return true
        }
    }

    static func seq(_ items: [V]) -> V { .arr(JArr.seq(items)) }

    static func call(_ cx: CallContext, _ f: V?, _ args: [V?]) throws -> V? {
        try cx.ev.apply(f, args, nil, cx.env)
    }

    static func arity(_ f: V?) -> Int {
        if case .fn(let j)? = f { return j.arity }
        return 0
    }

    static func hofArgs(_ f: V?, _ a: V?, _ b: V?, _ c: V?) -> [V?] {
        let n = arity(f)
        var r: [V?] = [a]
        if n >= 2 { r.append(b) }
        if n >= 3 { r.append(c) }
        return r
    }

    // MARK: core (numeric, aggregation, boolean, array, object)

    static func registerCore(_ def: Def) {
        def("sum", "<a<n>:n>") { a, _ in
            guard let xs = arr(a[0]) else { return nil }
            var t = 0.0
            for x in xs { t += num(x) ?? 0 }
            return .num(t)
        }
        def("count", "<a:n>") { a, _ in
            guard let xs = arr(a[0]) else { return .num(0) }
            return .num(Double(xs.count))
        }
        def("max", "<a<n>:n>") { a, _ in
            guard let xs = arr(a[0]), !xs.isEmpty else { return nil }
            return .num(xs.compactMap { num($0) }.max() ?? -.infinity)
        }
        def("min", "<a<n>:n>") { a, _ in
            guard let xs = arr(a[0]), !xs.isEmpty else { return nil }
            return .num(xs.compactMap { num($0) }.min() ?? .infinity)
        }
        def("average", "<a<n>:n>") { a, _ in
            guard let xs = arr(a[0]), !xs.isEmpty else { return nil }
            var t = 0.0
            for x in xs { t += num(x) ?? 0 }
            return .num(t / Double(xs.count))
        }
        def("number", "<(nsb)-:n>") { a, _ in
            guard let v = a[0] else { return nil }
            switch v {
            case .num: return v
            case .bool(let b): return .num(b ? 1 : 0)
            case .str(let s):
                if s.range(of: "^-?[0-9]+(\\.[0-9]+)?([Ee][-+]?[0-9]+)?$", options: .regularExpression) != nil, let d = Double(s), d.isFinite {
                    return .num(d)
                }
                let lower = s.lowercased()
                if s.range(of: "^0[xX][0-9A-Fa-f]+$", options: .regularExpression) != nil, let d = UInt64(lower.dropFirst(2), radix: 16) { return .num(Double(d)) }
                if s.range(of: "^0[oO][0-7]+$", options: .regularExpression) != nil, let d = UInt64(lower.dropFirst(2), radix: 8) { return .num(Double(d)) }
                if s.range(of: "^0[bB][01]+$", options: .regularExpression) != nil, let d = UInt64(lower.dropFirst(2), radix: 2) { return .num(Double(d)) }
                throw JSONataError(code: "D3030", value: s)
            default:
                throw JSONataError(code: "D3030", value: describe(v))
            }
        }
        def("abs", "<n-:n>") { a, _ in num(a[0]).map { .num(Swift.abs($0)) } }
        def("floor", "<n-:n>") { a, _ in num(a[0]).map { .num(($0).rounded(.down)) } }
        def("ceil", "<n-:n>") { a, _ in num(a[0]).map { .num(($0).rounded(.up)) } }
        def("round", "<n-n?:n>") { a, _ in
            guard let x = num(a[0]) else { return nil }
            return .num(jsRound(x, Swift.max(-400, Swift.min(400, clampInt(num(a.count > 1 ? a[1] : nil) ?? 0)))))
        }
        def("sqrt", "<n-:n>") { a, _ in
            guard let x = num(a[0]) else { return nil }
            if x < 0 { throw JSONataError(code: "D3060", value: jsNumberString(x)) }
            return .num(x.squareRoot())
        }
        def("power", "<n-n:n>") { a, _ in
            guard let x = num(a[0]), let y = num(a[1]) else { return nil }
            let r = pow(x, y)
            if !r.isFinite { throw JSONataError(code: "D3061", value: jsNumberString(x)) }
            return .num(r)
        }
        def("random", "<:n>") { _, cx in .num(cx.ev.randomProvider()) }
        def("boolean", "<x-:b>") { a, _ in
            guard let v = a[0] else { return nil }
            return .bool(jsBoolean(v) ?? false)
        }
        def("not", "<x-:b>") { a, _ in
            guard let v = a[0] else { return nil }
            return .bool(!(jsBoolean(v) ?? false))
        }
        def("exists", "<x:b>") { a, _ in .bool(a[0] != nil) }
        def("append", "<xx:a>") { a, _ in appendValues(a[0], a[1]) }
        def("reverse", "<a:a>") { a, _ in
            guard let v = a[0] else { return nil }
            guard case .arr(let ar) = v else { return v }
            if ar.items.count <= 1 { return v }
            return .arr(JArr(ar.items.reversed()))
        }
        def("shuffle", "<a:a>") { a, cx in
            guard let v = a[0] else { return nil }
            guard case .arr(let ar) = v else { return v }
            if ar.items.count <= 1 { return v }
            var items = ar.items
            for i in stride(from: items.count - 1, to: 0, by: -1) {
                let j = Int(cx.ev.randomProvider() * Double(i + 1))
                items.swapAt(i, Swift.min(j, i))
            }
            return .arr(JArr(items))
        }
        def("distinct", "<x:x>") { a, _ in
            guard let v = a[0] else { return nil }
            guard case .arr(let ar) = v, ar.items.count > 1 else { return v }
            var out: [V] = []
            for x in ar.items where !(try out.contains(where: { try deepEqual($0, x) })) { out.append(x) }
            return .arr(JArr(out, seq: ar.isSeq))
        }
        def("zip", "<a+>") { a, _ in
            let lists: [[V]] = a.map { v in
                if case .arr(let x)? = v { return x.items }
                return []
            }
            let n = lists.map { $0.count }.min() ?? 0
            var out: [V] = []
            for i in 0..<n { out.append(.arr(JArr(lists.map { $0[i] }))) }
            return .arr(JArr(out))
        }
        def("sort", "<af?:a>") { a, cx in
            guard let v = a[0] else { return nil }
            guard case .arr(let ar) = v else { return v }
            if ar.items.count <= 1 { return v }
            let comparator = a.count > 1 ? a[1] : nil
            if let c = comparator {
                let sorted = try cx.ev.mergeSort(ar.items) { x, y in truthy(try call(cx, c, [x, y])) }
                return .arr(JArr(sorted))
            }
            let allNum = ar.items.allSatisfy { if case .num = $0 { return true }; return false }
            let allStr = ar.items.allSatisfy { if case .str = $0 { return true }; return false }
            if !allNum && !allStr { throw JSONataError(code: "D3070") }
            let sorted = try cx.ev.mergeSort(ar.items) { x, y in
                switch (x, y) {
                case (.num(let p), .num(let q)): return p > q
                case (.str(let p), .str(let q)): return jsLess(q, p)
                default: return false
                }
            }
            return .arr(JArr(sorted))
        }
        def("keys", "<x-:a<s>>") { a, _ in
            func keys(_ v: V?) throws -> [String] {
                try StackGuard.check()
                switch v {
                case .arr(let ar)?:
                    var seen = Set<String>()
                    var out: [String] = []
                    for it in ar.items { for k in try keys(it) where seen.insert(k).inserted { out.append(k) } }
                    return out
                case .obj(let o)?: return o.keys
                default: return []
                }
            }
            return seq(try keys(a[0]).map { .str($0) })
        }
        def("lookup", "<x-s:x>") { a, cx in try cx.ev.lookupField(a[0], str(a[1]) ?? "") }
        def("spread", "<x-:a<o>>") { a, _ in
            func spread(_ v: V?) throws -> V? {
                try StackGuard.check()
                switch v {
                case .arr(let ar)?:
                    var r: V? = seq([])
                    for it in ar.items { r = appendValues(r, try spread(it)) }
                    return r
                case .obj(let o)?:
                    var out: [V] = []
                    for k in o.keys {
                        let n = JObj()
                        n[k] = o.dict[k]
                        out.append(.obj(n))
                    }
                    return seq(out)
                default: return v
                }
            }
            return try spread(a[0])
        }
        def("merge", "<a<o>:o>") { a, _ in
            guard let xs = arr(a[0]) else { return nil }
            let r = JObj()
            for x in xs { if case .obj(let o) = x { for k in o.keys { r[k] = o.dict[k] } } }
            return .obj(r)
        }
        def("type", "<x:s>") { a, _ in
            guard let v = a[0] else { return nil }
            switch v {
            case .null: return .str("null")
            case .num: return .str("number")
            case .str: return .str("string")
            case .bool: return .str("boolean")
            case .arr: return .str("array")
            case .fn: return .str("function")
            case .obj: return .str("object")
            }
        }
        def("clone", "<(oa)-:o>") { a, _ in try a[0].map(deepClone) }
        def("error", "<s?:x>") { a, _ in
            throw JSONataError(code: "D3137", message: str(a.first ?? nil) ?? "$error() function evaluated")
        }
        def("assert", "<bs?:x>") { a, _ in
            if case .bool(true)? = a[0] { return nil }
            throw JSONataError(code: "D3141", message: str(a.count > 1 ? a[1] : nil) ?? "$assert() statement failed")
        }
        def("eval", "<sx?:x>") { a, cx in
            guard let e = str(a[0]) else { return nil }
            var input = cx.input
            if a.count > 1, let f = a[1] {
                input = f
                if case .arr(let ar) = f, !ar.isSeq {
                    let w = JArr.seq([f])
                    w.outerWrapper = true
                    input = .arr(w)
                }
            }
            let ast: Node
            do { ast = try Parser.parse(e) } catch let err as JSONataError {
                throw JSONataError(code: "D3120", value: err.message)
            }
            do { return try cx.ev.eval(ast, input, cx.env) } catch let err as JSONataError {
                if err.code == "U1001" { throw err }
                throw JSONataError(code: "D3121", value: err.message)
            }
        }
    }

    static func jsRound(_ xIn: Double, _ precision: Int) -> Double {
        var x = xIn
        func shift(_ v: Double, _ p: Int) -> Double {
            let s = jsNumberString(v)
            let parts = s.split(separator: "e", maxSplits: 1)
            let e = parts.count > 1 ? (Int(parts[1]) ?? 0) + p : p
            return Double(String(parts[0]) + "e" + String(e)) ?? v
        }
        if precision != 0 { x = shift(x, precision) }
        var r = (x + 0.5).rounded(.down)
        let diff = r - x
        if Swift.abs(diff) == 0.5 && Swift.abs(fmod(r, 2)) == 1 { r -= 1 }
        if precision != 0 { r = shift(r, -precision) }
        if r == 0 { r = 0 }
        return r
    }

    // MARK: higher-order functions

    static func registerHigherOrder(_ def: Def) {
        def("map", "<af>") { a, cx in
            guard let xs = arr(a[0]) else { return nil }
            var out: [V] = []
            let whole = a[0]
            for (i, x) in xs.enumerated() {
                if let r = try call(cx, a[1], hofArgs(a[1], x, .num(Double(i)), whole)) { out.append(r) }
            }
            return seq(out)
        }
        def("filter", "<af>") { a, cx in
            guard let xs = arr(a[0]) else { return nil }
            var out: [V] = []
            for (i, x) in xs.enumerated() {
                if jsBoolean(try call(cx, a[1], hofArgs(a[1], x, .num(Double(i)), a[0]))) == true { out.append(x) }
            }
            return seq(out)
        }
        def("single", "<af?>") { a, cx in
            guard let xs = arr(a[0]) else { return nil }
            let f = a.count > 1 ? a[1] : nil
            var found = false
            var result: V?
            for (i, x) in xs.enumerated() {
                var ok = true
                if let f = f { ok = jsBoolean(try call(cx, f, hofArgs(f, x, .num(Double(i)), a[0]))) == true }
                if ok {
                    if found { throw JSONataError(code: "D3138") }
                    found = true
                    result = x
                }
            }
            if !found { throw JSONataError(code: "D3139") }
            return result
        }
        def("reduce", "<afj?:j>") { a, cx in
            guard let xs = arr(a[0]) else { return nil }
            let f = a[1]
            let n = arity(f)
            if n < 2 { throw JSONataError(code: "D3050") }
            var result: V?
            var index: Int
            let initial = a.count > 2 ? a[2] : nil
            if initial == nil && !xs.isEmpty { result = xs[0]; index = 1 } else { result = initial; index = 0 }
            while index < xs.count {
                var args: [V?] = [result, xs[index]]
                if n >= 3 { args.append(.num(Double(index))) }
                if n >= 4 { args.append(a[0]) }
                result = try call(cx, f, args)
                index += 1
            }
            return result
        }
        def("sift", "<o-f?:o>") { a, cx in
            guard case .obj(let o)? = a[0] else { return nil }
            let r = JObj()
            for k in o.keys {
                guard let v = o.dict[k] else { continue }
                if jsBoolean(try call(cx, a[1], hofArgs(a[1], v, .str(k), a[0]))) == true { r[k] = v }
            }
            return r.count == 0 ? nil : .obj(r)
        }
        def("each", "<o-f:a>") { a, cx in
            guard case .obj(let o)? = a[0] else { return seq([]) }
            var out: [V] = []
            for k in o.keys {
                guard let v = o.dict[k] else { continue }
                if let r = try call(cx, a[1], hofArgs(a[1], v, .str(k), a[0])) { out.append(r) }
            }
            return seq(out)
        }
    }
}
