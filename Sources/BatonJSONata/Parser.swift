import Foundation

/// Pratt parser producing the raw tree, followed by `process` (jsonata-js's AST post-processing).
struct Parser {
    var lexer: Lexer
    var node: Token
    var ancestorLabel = 0
    var ancestorIndex = 0
    var ancestry: [Node] = []
    var nesting = 0
    static let maxNesting = 2000

    static let bp: [String: Int] = [
        ".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80, "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60,
        "=": 40, "<": 40, ">": 40, "^": 40, "!=": 40, "<=": 40, ">=": 40, "~>": 40, "?:": 40, "??": 40,
        ":=": 10, "and": 30, "or": 25, "in": 40, "&": 50,
    ]
    static let known: Set<String> = [".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "**", "..", ":=", "!=", "<=", ">=", "~>", "?:", "??", "and", "or", "in", "&"]

    init(_ text: String) {
        lexer = Lexer(text)
        node = Token(kind: .end, value: "(end)", position: 0)
    }

    static func parse(_ text: String) throws -> Node {
        var p = Parser(text)
        try p.advance()
        let expr = try p.expression(0)
        if p.node.kind != .end {
            throw JSONataError(code: "S0201", position: p.node.position, token: p.node.value)
        }
        let ast = try p.process(expr)
        if ast.kind == .parent || ast.seekingParent != nil {
            throw JSONataError(code: "S0217", position: ast.position, token: "parent")
        }
        ast.finalize()
        return ast
    }

    func lbp(_ t: Token) -> Int {
        if t.kind == .op { return Parser.bp[t.value] ?? 0 }
        return 0
    }

    mutating func advance(_ id: String? = nil, infix: Bool = false) throws {
        if let id = id, node.id != id {
            if node.kind == .end {
                throw JSONataError(code: "S0203", position: node.position, token: node.value, value: id)
            }
            throw JSONataError(code: "S0202", position: node.position, token: node.value, value: id)
        }
        if let t = try lexer.next(prefix: infix) {
            if t.kind == .op && !Parser.known.contains(t.value) {
                throw JSONataError(code: "S0204", position: t.position, token: t.value)
            }
            node = t
        } else {
            node = Token(kind: .end, value: "(end)", position: lexer.src.count)
        }
    }

    mutating func expression(_ rbp: Int) throws -> Node {
        try StackGuard.check()
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maxNesting {
            throw JSONataError(code: "U1001", message: "The expression is nested more than \(Parser.maxNesting) levels deep", position: node.position)
        }
        var t = node
        try advance(nil, infix: true)
        var left = try nud(t)
        while rbp < lbp(node) {
            t = node
            try advance()
            left = try led(t, left)
        }
        return left
    }

    mutating func nud(_ t: Token) throws -> Node {
        switch t.kind {
        case .name: return Node(.name, t.value, position: t.position)
        case .variable: return Node(.variable, t.value, position: t.position)
        case .string, .number, .value:
            let n = Node(t.kind == .string ? .string : t.kind == .number ? .number : .value, t.value, position: t.position)
            n.literal = t.literal
            return n
        case .regex:
            let n = Node(.regex, t.value, position: t.position)
            n.regex = t.regex
            return n
        case .end:
            // the end token is a terminal; post-processing reports it as S0207
            return Node(.end, "(end)", position: t.position)
        case .op:
            break
        }
        let pos = t.position
        switch t.value {
        case "-":
            let n = Node(.unary, "-", position: pos)
            n.expression = try expression(70)
            return n
        case "*": return Node(.wildcard, "*", position: pos)
        case "**": return Node(.descendant, "**", position: pos)
        case "%": return Node(.parent, "%", position: pos)
        case "and", "or", "in": return Node(.name, t.value, position: pos)
        case "[":
            var items: [Node] = []
            if node.id != "]" {
                while true {
                    var item = try expression(0)
                    if node.id == ".." {
                        let r = Node(.binary, "..", position: node.position)
                        r.lhs = item
                        try advance("..")
                        r.rhs = try expression(0)
                        item = r
                    }
                    items.append(item)
                    if node.id != "," { break }
                    try advance(",")
                }
            }
            try advance("]", infix: true)
            let n = Node(.unary, "[", position: pos)
            n.expressions = items
            return n
        case "{":
            let n = Node(.unary, "{", position: pos)
            n.pairs = try objectPairs()
            return n
        case "(":
            var exprs: [Node] = []
            while node.id != ")" {
                exprs.append(try expression(0))
                if node.id != ";" { break }
                try advance(";")
            }
            try advance(")", infix: true)
            let n = Node(.block, "(", position: pos)
            n.expressions = exprs
            return n
        case "|":
            let n = Node(.transform, "|", position: pos)
            n.pattern = try expression(0)
            try advance("|")
            n.update = try expression(0)
            if node.id == "," {
                try advance(",")
                n.delete = try expression(0)
            }
            try advance("|")
            return n
        default:
            throw JSONataError(code: "S0211", position: pos, token: t.value)
        }
    }

    mutating func objectPairs() throws -> [(Node, Node)] {
        var a: [(Node, Node)] = []
        if node.id != "}" {
            while true {
                let k = try expression(0)
                try advance(":")
                let v = try expression(0)
                a.append((k, v))
                if node.id != "," { break }
                try advance(",")
            }
        }
        try advance("}", infix: true)
        return a
    }

    mutating func led(_ t: Token, _ left: Node) throws -> Node {
        let pos = t.position
        let op = t.value
        switch op {
        case "(":
            let n = Node(.function, "(", position: pos)
            n.procedure = left
            if node.id != ")" {
                while true {
                    if node.kind == .op && node.value == "?" {
                        n.kind = .partial
                        n.arguments.append(Node(.placeholder, "?", position: node.position))
                        try advance("?")
                    } else {
                        n.arguments.append(try expression(0))
                    }
                    if node.id != "," { break }
                    try advance(",")
                }
            }
            try advance(")", infix: true)
            if left.kind == .name && (left.value == "function" || left.value == "\u{03BB}") {
                for (i, a) in n.arguments.enumerated() where a.kind != .variable {
                    throw JSONataError(code: "S0208", position: a.position, token: a.value, value: String(i + 1))
                }
                n.kind = .lambda
                n.paramNames = n.arguments.map { $0.value }
                if node.kind == .op && node.value == "<" {
                    // read the signature directly from the source
                    var depth = 1
                    var sig = "<"
                    var p = lexer.pos
                    while p < lexer.src.count && depth > 0 {
                        let c = lexer.src[p]
                        if c == "{" { break }
                        if c == ">" { depth -= 1 } else if c == "<" { depth += 1 }
                        sig.unicodeScalars.append(c)
                        p += 1
                    }
                    if depth > 0 {
                        throw JSONataError(code: "S0202", position: p, token: "{", value: ">")
                    }
                    lexer.pos = p
                    n.signature = try Signature(sig)
                    try advance()
                }
                try advance("{")
                n.body = try expression(0)
                try advance("}")
            }
            return n
        case "[":
            if node.id == "]" {
                var step: Node? = left
                while let s = step, s.kind == .binary, s.value == "[" { step = s.lhs }
                step?.keepArray = true
                try advance("]", infix: true)
                return left
            }
            let n = Node(.binary, "[", position: pos)
            n.lhs = left
            n.rhs = try expression(0)
            try advance("]", infix: true)
            return n
        case "{":
            let n = Node(.binary, "{", position: pos)
            n.lhs = left
            n.pairs = try objectPairs()
            return n
        case "^":
            try advance("(")
            var terms: [(Bool, Node)] = []
            while true {
                var desc = false
                if node.kind == .op && node.value == "<" { try advance("<") }
                else if node.kind == .op && node.value == ">" { desc = true; try advance(">") }
                terms.append((desc, try expression(0)))
                if node.id != "," { break }
                try advance(",")
            }
            try advance(")", infix: true)
            let n = Node(.binary, "^", position: pos)
            n.lhs = left
            n.rawTerms = terms.map { (descending: $0.0, expr: $0.1) }
            return n
        case ":=":
            if left.kind != .variable {
                throw JSONataError(code: "S0212", position: pos, token: left.value)
            }
            let n = Node(.binary, ":=", position: pos)
            n.lhs = left
            n.rhs = try expression(Parser.bp[":="]! - 1)
            return n
        case "@", "#":
            let n = Node(.binary, op, position: pos)
            n.lhs = left
            n.rhs = try expression(80)
            if n.rhs?.kind != .variable {
                throw JSONataError(code: "S0214", position: pos, token: op)
            }
            return n
        case "?":
            let n = Node(.condition, "?", position: pos)
            n.condition = left
            n.then = try expression(0)
            if node.id == ":" {
                try advance(":")
                n.els = try expression(0)
            }
            return n
        case "?:":
            let n = Node(.condition, "?:", position: pos)
            n.condition = left
            n.then = left
            n.els = try expression(0)
            return n
        case "??":
            let n = Node(.condition, "??", position: pos)
            let call = Node(.function, "(", position: pos)
            call.procedure = Node(.variable, "exists", position: pos)
            call.arguments = [left]
            n.condition = call
            n.then = left
            n.els = try expression(0)
            return n
        case "~>":
            let n = Node(.apply, "~>", position: pos)
            n.lhs = left
            n.rhs = try expression(40)
            return n
        default:
            guard let p = Parser.bp[op] else {
                throw JSONataError(code: "S0201", position: pos, token: op)
            }
            let n = Node(.binary, op, position: pos)
            n.lhs = left
            n.rhs = try expression(p)
            return n
        }
    }

    // MARK: AST post-processing

    mutating func process(_ expr: Node) throws -> Node {
        try StackGuard.check()
        var result: Node
        switch expr.kind {
        case .binary:
            switch expr.value {
            case ".":
                let lstep = try process(expr.lhs!)
                if lstep.kind == .path {
                    result = lstep
                } else {
                    result = Node(.path, position: expr.position)
                    result.steps = [lstep]
                }
                if lstep.kind == .parent, let s = lstep.slot { result.seekingParent = [s] }
                let rest = try process(expr.rhs!)
                if rest.kind == .path {
                    result.steps.append(contentsOf: rest.steps)
                } else {
                    if let p = rest.predicate {
                        rest.stages = p.map { Stage.filter($0) }
                        rest.predicate = nil
                    }
                    result.steps.append(rest)
                }
                for s in result.steps {
                    if s.kind == .number || s.kind == .value {
                        throw JSONataError(code: "S0213", position: s.position, value: s.value)
                    }
                    if s.kind == .string { s.kind = .name }
                }
                if result.steps.contains(where: { $0.keepArray }) { result.keepSingletonArray = true }
                if let f = result.steps.first, f.kind == .unary, f.value == "[" { f.consarray = true }
                if let l = result.steps.last, l.kind == .unary, l.value == "[" { l.consarray = true }
                try resolveAncestry(result)
            case "[":
                result = try process(expr.lhs!)
                var step = result
                var isStages = false
                if result.kind == .path, let l = result.steps.last {
                    step = l
                    isStages = true
                }
                if step.group != nil {
                    throw JSONataError(code: "S0209", position: expr.position)
                }
                let pred = try process(expr.rhs!)
                if let sp = pred.seekingParent {
                    for slot in sp {
                        if slot.level == 1 { _ = try seekParent(step, slot) } else { slot.level -= 1 }
                    }
                    pushAncestry(step, pred)
                }
                if isStages {
                    if step.stages == nil { step.stages = [] }
                    step.stages!.append(.filter(pred))
                } else {
                    if step.predicate == nil { step.predicate = [] }
                    step.predicate!.append(pred)
                }
            case "{":
                result = try process(expr.lhs!)
                if result.group != nil {
                    throw JSONataError(code: "S0210", position: expr.position)
                }
                var pairs: [(Node, Node)] = []
                for (k, v) in expr.pairs { pairs.append((try process(k), try process(v))) }
                result.group = (pairs, expr.position)
            case "^":
                result = try process(expr.lhs!)
                if result.kind != .path {
                    let p = Node(.path, position: expr.position)
                    p.steps = [result]
                    result = p
                }
                let sortStep = Node(.sort, "^", position: expr.position)
                for t in expr.rawTerms {
                    let e = try process(t.expr)
                    pushAncestry(sortStep, e)
                    sortStep.terms.append((t.descending, e))
                }
                result.steps.append(sortStep)
                try resolveAncestry(result)
            case ":=":
                result = Node(.bind, ":=", position: expr.position)
                result.lhs = try process(expr.lhs!)
                result.rhs = try process(expr.rhs!)
                pushAncestry(result, result.rhs!)
            case "@":
                result = try process(expr.lhs!)
                var step = result
                if result.kind == .path, let l = result.steps.last { step = l }
                if step.stages != nil || step.predicate != nil {
                    throw JSONataError(code: "S0215", position: expr.position)
                }
                if step.kind == .sort {
                    throw JSONataError(code: "S0216", position: expr.position)
                }
                if expr.keepArray { step.keepArray = true }
                step.focus = expr.rhs!.value
                step.tuple = true
            case "#":
                result = try process(expr.lhs!)
                var step = result
                if result.kind == .path, let l = result.steps.last {
                    step = l
                } else {
                    let p = Node(.path, position: expr.position)
                    p.steps = [result]
                    result = p
                    if let pr = step.predicate {
                        step.stages = pr.map { Stage.filter($0) }
                        step.predicate = nil
                    }
                }
                if step.stages == nil {
                    step.index = expr.rhs!.value
                } else {
                    step.stages!.append(.index(expr.rhs!.value))
                }
                step.tuple = true
            default:
                result = Node(.binary, expr.value, position: expr.position)
                result.lhs = try process(expr.lhs!)
                result.rhs = try process(expr.rhs!)
                pushAncestry(result, result.lhs!)
                pushAncestry(result, result.rhs!)
            }
        case .apply:
            result = Node(.apply, "~>", position: expr.position)
            result.lhs = try process(expr.lhs!)
            result.rhs = try process(expr.rhs!)
            result.keepArray = result.lhs!.keepArray || result.rhs!.keepArray
        case .unary:
            result = Node(.unary, expr.value, position: expr.position)
            if expr.value == "[" {
                for item in expr.expressions {
                    let v = try process(item)
                    pushAncestry(result, v)
                    result.expressions.append(v)
                }
            } else if expr.value == "{" {
                for (k, v) in expr.pairs {
                    let pk = try process(k)
                    pushAncestry(result, pk)
                    let pv = try process(v)
                    pushAncestry(result, pv)
                    result.pairs.append((pk, pv))
                }
            } else {
                let e = try process(expr.expression!)
                if expr.value == "-" && e.kind == .number, case .num(let d)? = e.literal {
                    e.literal = .num(-d)
                    result = e
                } else {
                    result.expression = e
                    pushAncestry(result, e)
                }
            }
        case .function, .partial:
            result = Node(expr.kind, expr.value, position: expr.position)
            for a in expr.arguments {
                let pa = try process(a)
                pushAncestry(result, pa)
                result.arguments.append(pa)
            }
            result.procedure = try process(expr.procedure!)
        case .lambda:
            result = Node(.lambda, position: expr.position)
            result.paramNames = expr.paramNames
            result.signature = expr.signature
            let body = try process(expr.body!)
            result.body = tailCallOptimize(body)
        case .condition:
            result = Node(.condition, expr.value, position: expr.position)
            result.condition = try process(expr.condition!)
            pushAncestry(result, result.condition!)
            if expr.then === expr.condition {
                result.then = result.condition
            } else {
                result.then = try process(expr.then!)
            }
            pushAncestry(result, result.then!)
            if let e = expr.els {
                result.els = try process(e)
                pushAncestry(result, result.els!)
            }
        case .transform:
            result = Node(.transform, position: expr.position)
            result.pattern = try process(expr.pattern!)
            result.update = try process(expr.update!)
            if let d = expr.delete { result.delete = try process(d) }
        case .block:
            result = Node(.block, position: expr.position)
            for item in expr.expressions {
                let part = try process(item)
                pushAncestry(result, part)
                if part.consarray || (part.kind == .path && part.steps.first?.consarray == true) {
                    result.consarray = true
                }
                result.expressions.append(part)
            }
        case .name:
            result = Node(.path, position: expr.position)
            result.steps = [expr]
            if expr.keepArray { result.keepSingletonArray = true }
        case .parent:
            result = Node(.parent, position: expr.position)
            result.slot = Slot(label: "!\(ancestorLabel)", level: 1, index: ancestorIndex)
            ancestorLabel += 1
            ancestorIndex += 1
            ancestry.append(result)
        case .string, .number, .value, .wildcard, .descendant, .variable, .regex, .placeholder:
            result = expr
        case .end:
            throw JSONataError(code: "S0207", position: expr.position, token: "(end)")
        default:
            throw JSONataError(code: "S0206", position: expr.position, token: expr.value)
        }
        if expr.keepArray { result.keepArray = true }
        return result
    }

    func tailCallOptimize(_ expr: Node) -> Node {
        if expr.kind == .function && expr.predicate == nil {
            let thunk = Node(.lambda, position: expr.position)
            thunk.thunk = true
            thunk.body = expr
            return thunk
        } else if expr.kind == .condition {
            if expr.then === expr.condition {
                // `?:`: the then branch is the condition itself; leave it
            } else if let t = expr.then {
                expr.then = tailCallOptimize(t)
            }
            if let e = expr.els { expr.els = tailCallOptimize(e) }
            return expr
        } else if expr.kind == .block {
            if let l = expr.expressions.last {
                expr.expressions[expr.expressions.count - 1] = tailCallOptimize(l)
            }
            return expr
        }
        return expr
    }

    mutating func seekParent(_ node: Node, _ slotIn: Slot) throws -> Slot {
        var slot = slotIn
        switch node.kind {
        case .name, .wildcard:
            slot.level -= 1
            if slot.level == 0 {
                if let anc = node.ancestor {
                    ancestry[slot.index].slot!.label = anc.label
                    node.ancestor = slot
                } else {
                    node.ancestor = slot
                }
                node.tuple = true
            }
        case .parent:
            slot.level += 1
        case .block:
            if let l = node.expressions.last {
                node.tuple = true
                slot = try seekParent(l, slot)
            }
        case .path:
            node.tuple = true
            var index = node.steps.count - 1
            slot = try seekParent(node.steps[index], slot)
            index -= 1
            while slot.level > 0 && index >= 0 {
                slot = try seekParent(node.steps[index], slot)
                index -= 1
            }
        default:
            throw JSONataError(code: "S0217", position: node.position, token: "\(node.kind)")
        }
        return slot
    }

    func pushAncestry(_ result: Node, _ value: Node) {
        if value.seekingParent != nil || value.kind == .parent {
            var slots = value.seekingParent ?? []
            if value.kind == .parent, let s = value.slot { slots.append(s) }
            if result.seekingParent == nil { result.seekingParent = slots } else { result.seekingParent!.append(contentsOf: slots) }
        }
    }

    mutating func resolveAncestry(_ path: Node) throws {
        guard let last = path.steps.last else { return }
        var slots = last.seekingParent ?? []
        if last.kind == .parent, let s = last.slot { slots.append(s) }
        for s in slots {
            var slot = s
            var index = path.steps.count - 2
            while slot.level > 0 {
                if index < 0 {
                    if path.seekingParent == nil { path.seekingParent = [slot] } else { path.seekingParent!.append(slot) }
                    break
                }
                var step = path.steps[index]
                index -= 1
                while index >= 0 && step.focus != nil && path.steps[index].focus != nil {
                    step = path.steps[index]
                    index -= 1
                }
                slot = try seekParent(step, slot)
            }
        }
    }
}
