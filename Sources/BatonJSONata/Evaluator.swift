import Foundation

/// Walks the processed AST (a port of jsonata-js's evaluator semantics).
final class Evaluator {
    var depth = 0
    let maxDepth: Int
    let deadline: UInt64
    var counter = 0
    let nowProvider: () -> Date
    let randomProvider: () -> Double
    lazy var timestamp: Date = nowProvider()
    let root: Frame

    init(limits: JSONataLimits, root: Frame, now: @escaping () -> Date, random: @escaping () -> Double) {
        maxDepth = limits.maxDepth
        let start = DispatchTime.now().uptimeNanoseconds
        let ms = limits.timeLimitMilliseconds
        deadline = ms > 0 ? start &+ UInt64(ms) &* 1_000_000 : UInt64.max
        self.root = root
        nowProvider = now
        randomProvider = random
    }

    @inline(__always) func checkTime() throws {
        if deadline != UInt64.max && DispatchTime.now().uptimeNanoseconds > deadline {
            throw JSONataError(code: "U1001", message: "Expression evaluation timeout: Check for infinite loop")
        }
    }

    func lookup(_ env: Frame, _ name: String) -> V? {
        if let v = env.lookup(name) { return v }
        if let f = Library.builtins[name] { return .fn(f) }
        return nil
    }

    // MARK: evaluate

    func eval(_ expr: Node, _ input: V?, _ env: Frame) throws -> V? {
        depth += 1
        if depth > maxDepth {
            depth -= 1
            throw JSONataError(code: "U1001")
        }
        counter &+= 1
        if counter & 0x3F == 0 { try checkTime() }
        try StackGuard.check()
        defer { depth -= 1 }
        var result: V?
        switch expr.kind {
        case .path: result = try evalPath(expr, input, env)
        case .binary: result = try evalBinary(expr, input, env)
        case .unary: result = try evalUnary(expr, input, env)
        case .name: result = try lookupField(input, expr.value)
        case .string, .number, .value: result = expr.literal
        case .wildcard: result = try evalWildcard(input)
        case .descendant: result = try evalDescendants(input)
        case .parent: result = env.lookup(expr.slot!.label)
        case .condition:
            let c = try eval(expr.condition!, input, env)
            if jsBoolean(c) == true {
                result = try eval(expr.then!, input, env)
            } else if let e = expr.els {
                result = try eval(e, input, env)
            }
        case .block:
            let frame = Frame(parent: env)
            for e in expr.expressions { result = try eval(e, input, frame) }
        case .bind:
            result = try eval(expr.rhs!, input, env)
            env.bind(expr.lhs!.value, result)
        case .regex:
            result = .fn(JFunc(.regex(expr.regex!, source: expr.value), arity: 1))
        case .function: result = try evalFunction(expr, input, env, applyTo: nil, hasApplyTo: false)
        case .variable:
            if expr.value.isEmpty {
                if case .arr(let a)? = input, a.outerWrapper, let f = a.items.first { result = f } else { result = input }
            } else {
                result = lookup(env, expr.value)
            }
        case .lambda:
            let f = JFunc(.lambda(node: expr, input: input, env: env, params: expr.paramNames), signature: expr.signature, arity: expr.paramNames.count)
            f.thunk = expr.thunk
            result = .fn(f)
        case .partial: result = try evalPartial(expr, input, env)
        case .apply: result = try evalApply(expr, input, env)
        case .transform:
            result = .fn(JFunc(.transform(node: expr, env: env), signature: Library.transformSignature, arity: 1))
        case .sort, .placeholder, .op, .end, .signatureHolder:
            throw JSONataError(code: "S0206", position: expr.position, token: expr.value)
        }
        if let preds = expr.predicate {
            for p in preds { result = try evalFilter(p, result, env) }
        }
        if expr.kind != .path, let g = expr.group {
            result = try evalGroup(g.pairs, g.position, result, env)
        }
        if case .arr(let a)? = result, a.isSeq, !a.tupleStream {
            if expr.keepArray { a.keepSingleton = true }
            if a.items.isEmpty { result = nil }
            else if a.items.count == 1 && !a.keepSingleton { result = a.items[0] }
        }
        return result
    }

    // MARK: paths

    func lookupField(_ input: V?, _ key: String) throws -> V? {
        guard let input = input else { return nil }
        switch input {
        case .obj(let o): return o.dict[key]
        case .arr(let a):
            var out: [V] = []
            try StackGuard.check()
            for item in a.items {
                if let r = try lookupField(item, key) {
                    if case .arr(let ra) = r { out.append(contentsOf: ra.items) } else { out.append(r) }
                }
            }
            return .arr(JArr.seq(out))
        default: return nil
        }
    }

    func evalPath(_ expr: Node, _ input: V?, _ env: Frame) throws -> V? {
        // Fast path: a single field name applied to a non-array value (same result and depth accounting).
        if expr.simpleField, let inp = input {
            switch inp {
            case .arr: break
            case .obj(let o):
                depth += 1
                defer { depth -= 1 }
                if depth > maxDepth { throw JSONataError(code: "U1001") }
                guard let v = o[expr.steps[0].value] else { return nil }
                if case .arr(let a) = v, a.isSeq { break }
                return v
            default:
                depth += 1
                defer { depth -= 1 }
                if depth > maxDepth { throw JSONataError(code: "U1001") }
                return nil
            }
        }
        var inputArr: JArr?
        var undef = false
        if case .arr(let a)? = input, expr.steps[0].kind != .variable {
            inputArr = a
        } else if let i = input {
            inputArr = JArr.seq([i])
        } else {
            inputArr = JArr.seq()
            undef = true
        }
        var resultSeq: JArr?
        var isTuple = false
        var tupleBindings: JArr?
        let n = expr.steps.count
        for ii in 0..<n {
            let step = expr.steps[ii]
            if step.tuple { isTuple = true }
            if ii == 0 && step.consarray {
                let r = try eval(step, inputArr.map { .arr($0) }, env)
                if let r = r {
                    if case .arr(let ra) = r { resultSeq = ra } else { resultSeq = JArr.seq([r]) }
                } else {
                    resultSeq = nil
                }
            } else if isTuple {
                tupleBindings = try evalTupleStep(step, inputArr, undef, tupleBindings, env)
            } else {
                resultSeq = try evalStep(step, inputArr ?? JArr.seq(), undef, env, lastStep: ii == n - 1)
            }
            undef = false
            if !isTuple && (resultSeq == nil || resultSeq!.items.isEmpty) { break }
            if step.focus == nil { inputArr = resultSeq }
        }
        if isTuple {
            if expr.tuple {
                resultSeq = tupleBindings
            } else {
                let out = JArr.seq()
                if let tb = tupleBindings {
                    out.items.reserveCapacity(tb.items.count)
                    for t in tb.items { if case .obj(let o) = t, let v = o.dict["@"] { out.items.append(v) } }
                }
                resultSeq = out
            }
        }
        if expr.keepSingletonArray {
            if let r = resultSeq, r.cons, !r.isSeq {
                resultSeq = JArr.seq([.arr(r)])
            }
            if resultSeq == nil { resultSeq = JArr.seq() }
            // the flag only matters on sequences; never touch arrays that may belong to the input
            if let r = resultSeq, r.isSeq { r.keepSingleton = true }
        }
        if let g = expr.group {
            return try evalGroup(g.pairs, g.position, isTuple ? tupleBindings.map { .arr($0) } : resultSeq.map { .arr($0) }, env)
        }
        return resultSeq.map { .arr($0) }
    }

    func evalStep(_ expr: Node, _ input: JArr, _ undef: Bool, _ env: Frame, lastStep: Bool) throws -> JArr {
        if expr.kind == .sort {
            var r = try evalSort(expr, input, env)
            if let st = expr.stages { r = try evalStages(st, r, env) }
            return r
        }
        var flat: [V] = []
        flat.reserveCapacity(input.items.count)
        var produced = 0
        var only: JArr?
        let count = undef ? 1 : input.items.count
        for i in 0..<count {
            var res = try eval(expr, undef ? nil : input.items[i], env)
            if let st = expr.stages {
                for s in st { if case .filter(let p) = s { res = try evalFilter(p, res, env) } }
            }
            guard let r = res else { continue }
            produced += 1
            if case .arr(let a) = r {
                if produced == 1 && !a.isSeq { only = a }
                if a.cons { flat.append(r) } else { flat.append(contentsOf: a.items) }
            } else {
                flat.append(r)
            }
        }
        // a single non-sequence array from the last step is returned as is (not flattened)
        if lastStep && produced == 1, let a = only { return a }
        return JArr.seq(flat)
    }

    func evalStages(_ stages: [Stage], _ input: JArr, _ env: Frame) throws -> JArr {
        var result = input
        for s in stages {
            switch s {
            case .filter(let p):
                let r = try evalFilter(p, .arr(result), env)
                if case .arr(let a)? = r { result = a } else if let r = r { result = JArr.seq([r]) } else { result = JArr.seq() }
            case .index(let name):
                for (i, t) in result.items.enumerated() {
                    if case .obj(let o) = t { o[name] = .num(Double(i)) }
                }
            }
        }
        return result
    }

    func frameFromTuple(_ env: Frame, _ tuple: JObj) -> Frame {
        let f = Frame(parent: env)
        f.tuple = tuple
        return f
    }

    func evalTupleStep(_ expr: Node, _ input: JArr?, _ undef: Bool, _ tupleBindingsIn: JArr?, _ env: Frame) throws -> JArr {
        if expr.kind == .sort {
            var result: JArr
            if let tb = tupleBindingsIn {
                result = try evalSort(expr, tb, env)
                result.tupleStream = true
            } else {
                let sorted = try evalSort(expr, input ?? JArr.seq(), env)
                result = JArr.seq()
                result.tupleStream = true
                for (i, v) in sorted.items.enumerated() {
                    let t = JObj()
                    t["@"] = v
                    if let ix = expr.index { t[ix] = .num(Double(i)) }
                    result.items.append(.obj(t))
                }
            }
            if let st = expr.stages { result = try evalStages(st, result, env) }
            return result
        }
        var result = JArr.seq()
        result.tupleStream = true
        var tuples: [JObj]
        if let tb = tupleBindingsIn {
            tuples = tb.items.compactMap { if case .obj(let o) = $0 { return o }; return nil }
        } else {
            tuples = []
            if undef {
                tuples.append(JObj())
            } else if let inp = input {
                for item in inp.items {
                    let t = JObj()
                    t["@"] = item
                    tuples.append(t)
                }
            }
        }
        for tuple in tuples {
            let stepEnv = frameFromTuple(env, tuple)
            let res = try eval(expr, tuple.dict["@"], stepEnv)
            guard let r = res else { continue }
            let items: [V]
            var isTS = false
            if case .arr(let ra) = r { items = ra.items; isTS = ra.tupleStream } else { items = [r] }
            for (bb, item) in items.enumerated() {
                let nt = tuple.copy()
                if isTS {
                    if case .obj(let o) = item { for k in o.keys { nt[k] = o.dict[k] } }
                } else {
                    if let f = expr.focus {
                        nt[f] = item
                        nt["@"] = tuple.dict["@"]
                    } else {
                        nt["@"] = item
                    }
                    if let ix = expr.index { nt[ix] = .num(Double(bb)) }
                    if let anc = expr.ancestor { nt[anc.label] = tuple.dict["@"] }
                }
                result.items.append(.obj(nt))
            }
        }
        if let st = expr.stages { result = try evalStages(st, result, env) }
        return result
    }

    func evalFilter(_ predicate: Node, _ input: V?, _ env: Frame) throws -> V? {
        let results = JArr.seq()
        guard let input = input else { return .arr(results) }
        var items: [V]
        var isTS = false
        if case .arr(let a) = input {
            items = a.items
            isTS = a.tupleStream
            results.tupleStream = isTS
        } else {
            items = [input]
        }
        if predicate.kind == .number, case .num(let d)? = predicate.literal {
            var index = clampInt(d.rounded(.down))
            if index < 0 { index = items.count + index }
            if index >= 0 && index < items.count {
                let item = items[index]
                if case .arr = item { return item }
                results.items.append(item)
            }
            return .arr(results)
        }
        for (index, item) in items.enumerated() {
            var context: V? = item
            var fenv = env
            if isTS, case .obj(let t) = item {
                context = t.dict["@"]
                fenv = frameFromTuple(env, t)
            }
            let res = try eval(predicate, context, fenv)
            switch res {
            case .num(let n)?:
                var ii = clampInt(n.rounded(.down))
                if ii < 0 { ii = items.count + ii }
                if ii == index { results.items.append(item) }
            case .arr(let ra)? where ra.items.allSatisfy({ if case .num = $0 { return true }; return false }):
                for x in ra.items {
                    if case .num(let n) = x {
                        var ii = clampInt(n.rounded(.down))
                        if ii < 0 { ii = items.count + ii }
                        if ii == index { results.items.append(item) }
                    }
                }
            default:
                if jsBoolean(res) == true { results.items.append(item) }
            }
        }
        return .arr(results)
    }

    func evalWildcard(_ inputIn: V?) throws -> V? {
        var input = inputIn
        if case .arr(let a)? = input, a.outerWrapper, let f = a.items.first { input = f }
        var values: [V]
        switch input {
        case .obj(let o)?: values = o.keys.compactMap { o.dict[$0] }
        case .arr(let a)?: values = a.items
        default: return .arr(JArr.seq())
        }
        var results: V = .arr(JArr.seq())
        for v in values {
            if case .arr(let a) = v {
                var flat: [V] = []
                try flattenInto(a.items, &flat)
                results = appendValues(results, .arr(JArr(flat))) ?? results
            } else {
                if case .arr(let ra) = results { ra.items.append(v) }
            }
        }
        return results
    }

    func flattenInto(_ items: [V], _ out: inout [V]) throws {
        try StackGuard.check()
        for x in items {
            if case .arr(let a) = x { try flattenInto(a.items, &out) } else { out.append(x) }
        }
    }

    func evalDescendants(_ input: V?) throws -> V? {
        guard let input = input else { return nil }
        var out: [V] = []
        try recurseDescendants(input, &out)
        if out.count == 1 { return out[0] }
        return .arr(JArr.seq(out))
    }

    func recurseDescendants(_ input: V, _ out: inout [V]) throws {
        try StackGuard.check()
        switch input {
        case .arr(let a):
            for m in a.items { try recurseDescendants(m, &out) }
        case .obj(let o):
            out.append(input)
            for k in o.keys { if let v = o.dict[k] { try recurseDescendants(v, &out) } }
        default:
            out.append(input)
        }
    }

    // MARK: operators

    func evalBinary(_ expr: Node, _ input: V?, _ env: Frame) throws -> V? {
        let lhs = try eval(expr.lhs!, input, env)
        let op = expr.value
        if op == "and" || op == "or" {
            let l = jsBoolean(lhs) ?? false
            if op == "and" {
                if !l { return .bool(false) }
                return .bool(jsBoolean(try eval(expr.rhs!, input, env)) ?? false)
            } else {
                if l { return .bool(true) }
                return .bool(jsBoolean(try eval(expr.rhs!, input, env)) ?? false)
            }
        }
        let rhs = try eval(expr.rhs!, input, env)
        do {
            switch op {
            case "+", "-", "*", "/", "%":
                return try numeric(lhs, rhs, op)
            case "=":
                guard let l = lhs, let r = rhs else { return .bool(false) }
                return .bool(try deepEqual(l, r))
            case "!=":
                guard let l = lhs, let r = rhs else { return .bool(false) }
                return .bool(!(try deepEqual(l, r)))
            case "<", "<=", ">", ">=":
                return try compare(lhs, rhs, op)
            case "&":
                let l = try lhs.map { try Library.stringify($0) } ?? ""
                let r = try rhs.map { try Library.stringify($0) } ?? ""
                return .str(l + r)
            case "..":
                return try range(lhs, rhs)
            case "in":
                guard let l = lhs, let r = rhs else { return .bool(false) }
                if case .arr(let a) = r {
                    return .bool(a.items.contains { strictEqual($0, l) })
                }
                return .bool(strictEqual(r, l))
            default:
                throw JSONataError(code: "S0201", token: op)
            }
        } catch var e as JSONataError {
            e.position = expr.position
            if e.token == nil { e.token = op }
            if e.code != "T2009" { e.message = JSONataError.template(e.code, token: e.token, value: e.value) }
            throw e
        }
    }

    func isNumeric(_ v: V?) throws -> Double? {
        if case .num(let d)? = v {
            if d.isNaN { return nil }
            if !d.isFinite { throw JSONataError(code: "D1001", value: jsNumberString(d)) }
            return d
        }
        return nil
    }

    func numeric(_ lhs: V?, _ rhs: V?, _ op: String) throws -> V? {
        var l = 0.0, r = 0.0
        if let lv = lhs {
            guard let d = try isNumeric(lv) else { throw JSONataError(code: "T2001", value: Library.describe(lv)) }
            l = d
        }
        if let rv = rhs {
            guard let d = try isNumeric(rv) else { throw JSONataError(code: "T2002", value: Library.describe(rv)) }
            r = d
        }
        if lhs == nil || rhs == nil { return nil }
        switch op {
        case "+": return .num(l + r)
        case "-": return .num(l - r)
        case "*": return .num(l * r)
        case "/": return .num(l / r)
        default: return .num(fmod(l, r))
        }
    }

    func compare(_ lhs: V?, _ rhs: V?, _ op: String) throws -> V? {
        func comparable(_ v: V?) -> Bool {
            switch v {
            case nil, .str?, .num?: return true
            default: return false
            }
        }
        let lc = comparable(lhs), rc = comparable(rhs)
        if !lc || !rc {
            let bad: V? = (lhs.map { if case .str = $0 { return false }; if case .num = $0 { return false }; return true } ?? true) ? lhs : rhs
            throw JSONataError(code: "T2010", value: bad.map(Library.describe))
        }
        guard let l = lhs, let r = rhs else { return nil }
        switch (l, r) {
        case (.num(let a), .num(let b)):
            switch op {
            case "<": return .bool(a < b)
            case "<=": return .bool(a <= b)
            case ">": return .bool(a > b)
            default: return .bool(a >= b)
            }
        case (.str(let a), .str(let b)):
            switch op {
            case "<": return .bool(jsLess(a, b))
            case "<=": return .bool(a == b || jsLess(a, b))
            case ">": return .bool(jsLess(b, a))
            default: return .bool(a == b || jsLess(b, a))
            }
        default:
            throw JSONataError(code: "T2009", message: "The values \(Library.describe(l)) and \(Library.describe(r)) either side of operator \(op) must be of the same data type", value: Library.describe(l))
        }
    }

    func range(_ lhs: V?, _ rhs: V?) throws -> V? {
        var lo = 0.0, hi = 0.0
        if let l = lhs {
            guard case .num(let d) = l, d == d.rounded(), d.isFinite else { throw JSONataError(code: "T2003", value: Library.describe(l)) }
            lo = d
        }
        if let r = rhs {
            guard case .num(let d) = r, d == d.rounded(), d.isFinite else { throw JSONataError(code: "T2004", value: Library.describe(r)) }
            hi = d
        }
        if lhs == nil || rhs == nil { return nil }
        if lo > hi { return nil }
        let size = hi - lo + 1
        if size > 1e7 { throw JSONataError(code: "D2014", value: jsNumberString(size)) }
        var items: [V] = []
        items.reserveCapacity(Int(size))
        var x = lo
        while x <= hi { items.append(.num(x)); x += 1 }
        return .arr(JArr.seq(items))
    }

    func evalUnary(_ expr: Node, _ input: V?, _ env: Frame) throws -> V? {
        switch expr.value {
        case "-":
            let r = try eval(expr.expression!, input, env)
            guard let v = r else { return nil }
            if let d = try isNumeric(v) { return .num(-d) }
            throw JSONataError(code: "D1002", position: expr.position, token: "-", value: Library.describe(v))
        case "[":
            var result: V = .arr(JArr())
            for item in expr.expressions {
                guard let v = try eval(item, input, env) else { continue }
                if item.kind == .unary && item.value == "[" {
                    if case .arr(let a) = result { a.items.append(v) }
                } else {
                    result = appendValues(result, v) ?? result
                }
            }
            if expr.consarray, case .arr(let a) = result { a.cons = true }
            return result
        case "{":
            return try evalGroup(expr.pairs, expr.position, input, env)
        default:
            throw JSONataError(code: "S0206", position: expr.position, token: expr.value)
        }
    }

    func evalGroup(_ pairs: [(Node, Node)], _ position: Int, _ inputIn: V?, _ env: Frame) throws -> V? {
        var reduce = false
        var arrItems: [V]? = nil
        if case .arr(let a)? = inputIn {
            reduce = a.tupleStream
            if !a.items.isEmpty { arrItems = a.items }
        }
        if arrItems == nil && pairs.count <= 16 {
            // one input item: each key expression is evaluated once, so only D1009 can arise
            let item: V? = isEmptyArray(inputIn) ? nil : inputIn
            var keys: [String] = []
            var which: [Int] = []
            keys.reserveCapacity(pairs.count)
            which.reserveCapacity(pairs.count)
            for pi in 0..<pairs.count {
                guard let k = try eval(pairs[pi].0, item, env) else { continue }
                guard case .str(let ks) = k else {
                    throw JSONataError(code: "T1003", position: position, value: Library.describe(k))
                }
                if keys.contains(ks) { throw JSONataError(code: "D1009", position: position, value: ks) }
                keys.append(ks)
                which.append(pi)
            }
            var outKeys: [String] = []
            var outVals: [V] = []
            outKeys.reserveCapacity(keys.count)
            outVals.reserveCapacity(keys.count)
            for g in 0..<keys.count {
                if let v = try eval(pairs[which[g]].1, item, env) {
                    outKeys.append(keys[g])
                    outVals.append(v)
                }
            }
            return .obj(JObj(keys: outKeys, values: outVals))
        }
        // groups in first-seen order; linear search while small
        var gKeys: [String] = []
        var gData: [V?] = []
        var gExpr: [Int] = []
        var gIndex: [String: Int]?
        func find(_ k: String) -> Int? {
            if let ix = gIndex { return ix[k] }
            for i in 0..<gKeys.count where gKeys[i] == k { return i }
            return nil
        }
        let count = arrItems?.count ?? 1
        for n in 0..<count {
            let item: V? = arrItems.map { $0[n] } ?? (arrItems == nil ? (isEmptyArray(inputIn) ? nil : inputIn) : nil)
            var ctx = item
            var fenv = env
            if reduce, case .obj(let t)? = item {
                ctx = t["@"]
                fenv = frameFromTuple(env, t)
            }
            for (pi, pair) in pairs.enumerated() {
                guard let k = try eval(pair.0, ctx, fenv) else { continue }
                guard case .str(let ks) = k else {
                    throw JSONataError(code: "T1003", position: position, value: Library.describe(k))
                }
                if let g = find(ks) {
                    if gExpr[g] != pi {
                        throw JSONataError(code: "D1009", position: position, value: ks)
                    }
                    gData[g] = appendValues(gData[g], item)
                } else {
                    gKeys.append(ks)
                    gData.append(item)
                    gExpr.append(pi)
                    if let _ = gIndex { gIndex![ks] = gKeys.count - 1 } else if gKeys.count > 16 {
                        var d: [String: Int] = [:]
                        for (i, key) in gKeys.enumerated() { d[key] = i }
                        gIndex = d
                    }
                }
            }
        }
        var outKeys: [String] = []
        var outVals: [V] = []
        outKeys.reserveCapacity(gKeys.count)
        outVals.reserveCapacity(gKeys.count)
        for g in 0..<gKeys.count {
            var context = gData[g]
            var fenv = env
            if reduce {
                let tuple = reduceTupleStream(gData[g])
                context = tuple["@"]
                tuple["@"] = nil
                fenv = frameFromTuple(env, tuple)
            }
            if let v = try eval(pairs[gExpr[g]].1, context, fenv) {
                outKeys.append(gKeys[g])
                outVals.append(v)
            }
        }
        return .obj(JObj(keys: outKeys, values: outVals))
    }

    @inline(__always) func isEmptyArray(_ v: V?) -> Bool {
        if case .arr(let a)? = v { return a.items.isEmpty }
        return false
    }

    func reduceTupleStream(_ data: V?) -> JObj {
        guard let data = data else { return JObj() }
        switch data {
        case .obj(let o): return o.copy()
        case .arr(let a):
            let result = JObj()
            guard let first = a.items.first, case .obj(let f) = first else { return result }
            for k in f.keys { result[k] = f.dict[k] }
            for t in a.items.dropFirst() {
                if case .obj(let o) = t {
                    for k in o.keys { result[k] = appendValues(result[k], o.dict[k]) }
                }
            }
            return result
        default: return JObj()
        }
    }

    func evalSort(_ expr: Node, _ input: JArr, _ env: Frame) throws -> JArr {
        if input.items.count <= 1 { return input }
        let isTuple = input.tupleStream
        // evaluate keys once per item
        var keys: [[V?]] = []
        keys.reserveCapacity(input.items.count)
        for item in input.items {
            var ctx: V? = item
            var fenv = env
            if isTuple, case .obj(let t) = item {
                ctx = t.dict["@"]
                fenv = frameFromTuple(env, t)
            }
            var row: [V?] = []
            for term in expr.terms { row.append(try eval(term.expr, ctx, fenv)) }
            keys.append(row)
        }
        let terms = expr.terms
        let position = expr.position
        func swap(_ a: Int, _ b: Int) throws -> Bool {
            var comp = 0
            var index = 0
            while comp == 0 && index < terms.count {
                let aa = keys[a][index], bb = keys[b][index]
                let term = terms[index]
                index += 1
                guard let av = aa else { comp = bb == nil ? 0 : 1; continue }
                guard let bv = bb else { comp = -1; continue }
                switch (av, bv) {
                case (.num(let x), .num(let y)):
                    comp = x == y ? 0 : (x < y ? -1 : 1)
                case (.str(let x), .str(let y)):
                    comp = x == y ? 0 : (jsLess(x, y) ? -1 : 1)
                case (.num, .str), (.str, .num):
                    throw JSONataError(code: "T2007", position: position, value: Library.describe(av))
                default:
                    let bad: V
                    switch av { case .num, .str: bad = bv; default: bad = av }
                    throw JSONataError(code: "T2008", position: position, value: Library.describe(bad))
                }
                if comp != 0 && term.descending { comp = -comp }
            }
            return comp == 1
        }
        let order = try mergeSort(Array(0..<input.items.count), swap)
        let out = JArr(order.map { input.items[$0] })
        out.isSeq = true
        out.tupleStream = input.tupleStream
        return out
    }

    /// Stable merge sort with a "should swap" predicate, as jsonata-js's `$sort`.
    func mergeSort<T>(_ arr: [T], _ swap: (T, T) throws -> Bool) throws -> [T] {
        if arr.count <= 1 { return arr }
        let mid = arr.count / 2
        let l = try mergeSort(Array(arr[..<mid]), swap)
        let r = try mergeSort(Array(arr[mid...]), swap)
        var out: [T] = []
        out.reserveCapacity(arr.count)
        var i = 0, j = 0
        while i < l.count && j < r.count {
            if try swap(l[i], r[j]) { out.append(r[j]); j += 1 } else { out.append(l[i]); i += 1 }
        }
        out.append(contentsOf: l[i...])
        out.append(contentsOf: r[j...])
        return out
    }

    // MARK: functions

    func evalFunction(_ expr: Node, _ input: V?, _ env: Frame, applyTo: V?, hasApplyTo: Bool) throws -> V? {
        let procNode = expr.procedure!
        let proc = try eval(procNode, input, env)
        let procName = procNode.kind == .path ? (procNode.steps.first?.value ?? "") : procNode.value
        if proc == nil, procNode.kind == .path, let first = procNode.steps.first, lookup(env, first.value) != nil {
            throw JSONataError(code: "T1005", position: expr.position, token: first.value)
        }
        var args: [V?] = []
        args.reserveCapacity(expr.arguments.count + 1)
        if hasApplyTo { args.append(applyTo) }
        for a in expr.arguments { args.append(try eval(a, input, env)) }
        do {
            return try apply(proc, args, input, env)
        } catch var e as JSONataError {
            if e.position == nil { e.position = expr.position }
            Evaluator.describeSignatureError(&e, procName)
            throw e
        }
    }

    /// Names the function in signature errors (T0410/T0411/T0412) the way the reference does.
    static func describeSignatureError(_ e: inout JSONataError, _ procName: String) {
        guard e.token == nil else { return }
        e.token = procName
        if e.code == "T0412" {
            e.message = "Argument \(e.value ?? "") of function \(procName) \(e.message)"
        } else if e.code == "T0411" {
            e.message = "Context value is not a compatible type with argument \(e.value ?? "") of function \(procName)"
        } else if e.code.hasPrefix("T04") {
            e.message = "Argument \(e.value ?? "") of function \(procName) does not match function signature"
        }
    }

    func apply(_ proc: V?, _ args: [V?], _ input: V?, _ env: Frame) throws -> V? {
        var result = try applyInner(proc, args, input, env)
        while case .fn(let f)? = result, f.thunk, case .lambda(let node, let linput, let lenv, _) = f.kind, let call = node.body {
            let next = try eval(call.procedure!, linput, lenv)
            var eargs: [V?] = []
            for a in call.arguments { eargs.append(try eval(a, linput, lenv)) }
            result = try applyInner(next, eargs, input, env)
        }
        return result
    }

    func applyInner(_ proc: V?, _ args: [V?], _ input: V?, _ env: Frame) throws -> V? {
        guard case .fn(let f)? = proc else {
            throw JSONataError(code: "T1006")
        }
        let validated = try f.signature.map { try $0.validate(args, context: input) } ?? args
        switch f.kind {
        case .lambda(let node, let linput, let lenv, let params):
            let frame = Frame(parent: lenv)
            for (i, p) in params.enumerated() where i < validated.count { frame.bind(p, validated[i]) }
            return try eval(node.body!, linput, frame)
        case .native(_, let impl):
            return try impl(validated, CallContext(ev: self, input: input, env: env))
        case .partialNative(let base, let pargs, let holes):
            var filled: [V?] = []
            var k = 0
            for (i, a) in pargs.enumerated() {
                if holes[i] {
                    filled.append(k < validated.count ? validated[k] : nil)
                    k += 1
                } else {
                    filled.append(a)
                }
            }
            return try applyInner(.fn(base), filled, input, env)
        case .regex(let re, _):
            guard case .str(let s)? = validated.first else { return nil }
            return try Library.regexMatchObject(re, s, from: 0, deadline: deadline)
        case .transform(let node, let tenv):
            return try applyTransform(node, tenv, validated.first ?? nil)
        case .chain(let f1, let f2):
            let r = try apply(.fn(f1), validated, nil, env)
            return try apply(.fn(f2), [r], nil, env)
        }
    }

    func evalPartial(_ expr: Node, _ input: V?, _ env: Frame) throws -> V? {
        var args: [V?] = []
        var holes: [Bool] = []
        for a in expr.arguments {
            if a.kind == .placeholder {
                args.append(nil); holes.append(true)
            } else {
                args.append(try eval(a, input, env)); holes.append(false)
            }
        }
        let procNode = expr.procedure!
        let proc = try eval(procNode, input, env)
        if proc == nil, procNode.kind == .path, let first = procNode.steps.first, lookup(env, first.value) != nil {
            throw JSONataError(code: "T1007", position: expr.position, token: first.value)
        }
        guard case .fn(let f)? = proc else {
            throw JSONataError(code: "T1008", position: expr.position, token: procNode.kind == .path ? procNode.steps.first?.value : procNode.value)
        }
        switch f.kind {
        case .lambda(let node, let linput, let lenv, let params):
            let frame = Frame(parent: lenv)
            var unbound: [String] = []
            for (i, p) in params.enumerated() {
                if i < args.count && !holes[i] { frame.bind(p, args[i]) } else if i < args.count { unbound.append(p) } else { unbound.append(p) }
            }
            return .fn(JFunc(.lambda(node: node, input: linput, env: frame, params: unbound), arity: unbound.count))
        default:
            return .fn(JFunc(.partialNative(base: f, args: args, holes: holes), arity: holes.filter { $0 }.count))
        }
    }

    func evalApply(_ expr: Node, _ input: V?, _ env: Frame) throws -> V? {
        let lhs = try eval(expr.lhs!, input, env)
        let rhsNode = expr.rhs!
        if rhsNode.kind == .function {
            return try evalFunction(rhsNode, input, env, applyTo: lhs, hasApplyTo: true)
        }
        let fnv = try eval(rhsNode, input, env)
        guard case .fn(let g)? = fnv else {
            throw JSONataError(code: "T2006", position: expr.position, value: fnv.map(Library.describe))
        }
        if case .fn(let f)? = lhs {
            return .fn(JFunc(.chain(f, g), arity: 1))
        }
        do {
            return try apply(fnv, [lhs], nil, env)
        } catch var e as JSONataError {
            var name = rhsNode.value
            if rhsNode.kind == .path, let first = rhsNode.steps.first { name = first.value }
            Evaluator.describeSignatureError(&e, name)
            throw e
        }
    }

    func applyTransform(_ node: Node, _ env: Frame, _ obj: V?) throws -> V? {
        guard let obj = obj else { return nil }
        guard case .fn? = lookup(env, "clone") else {
            throw JSONataError(code: "T2013", position: node.position)
        }
        let result = try apply(lookup(env, "clone"), [obj], nil, env)
        let matchesV = try eval(node.pattern!, result, env)
        guard let mv = matchesV else { return result }
        let matches: [V]
        if case .arr(let a) = mv { matches = a.items } else { matches = [mv] }
        for match in matches {
            let update = try eval(node.update!, match, env)
            if let u = update {
                guard case .obj(let uo) = u else {
                    throw JSONataError(code: "T2011", position: node.update!.position, value: Library.describe(u))
                }
                if case .obj(let mo) = match {
                    for k in uo.keys { mo[k] = uo.dict[k] }
                }
            }
            if let dn = node.delete {
                if let del = try eval(dn, match, env) {
                    var names: [String] = []
                    let list: [V]
                    if case .arr(let a) = del { list = a.items } else { list = [del] }
                    for x in list {
                        guard case .str(let s) = x else {
                            throw JSONataError(code: "T2012", position: dn.position, value: Library.describe(del))
                        }
                        names.append(s)
                    }
                    if case .obj(let mo) = match { for n in names { mo[n] = nil } }
                }
            }
        }
        return result
    }
}
