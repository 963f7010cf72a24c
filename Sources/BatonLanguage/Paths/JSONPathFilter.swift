/// A JSONPath filter predicate `[?(...)]` with Jayway's semantics: comparisons, `&&`, `||`, `!`,
/// `=~` regular expressions, `in`/`nin` and existence checks.
indirect enum JSONPathFilter: Sendable, Hashable {
    case or(JSONPathFilter, JSONPathFilter)
    case and(JSONPathFilter, JSONPathFilter)
    case not(JSONPathFilter)
    /// `@.x` alone: true when the path exists (a literal alone is its truth).
    case exists(JSONPathFilterOperand)
    case compare(JSONPathFilterOperand, JSONPathFilterOperator, JSONPathFilterOperand)

    func matches(_ current: JSON, root: JSON) -> Bool {
        switch self {
        case .or(let a, let b): return a.matches(current, root: root) || b.matches(current, root: root)
        case .and(let a, let b): return a.matches(current, root: root) && b.matches(current, root: root)
        case .not(let a): return !a.matches(current, root: root)
        case .exists(let operand):
            switch operand {
            case .literal(let v): return v == .bool(true)
            default: return operand.value(current: current, root: root) != nil
            }
        case .compare(let l, let op, let r):
            let left = l.value(current: current, root: root)
            if case .regex(let pattern, let ignoreCase) = r {
                return Self.regexMatches(left, pattern: pattern, ignoreCase: ignoreCase)
            }
            let right = r.value(current: current, root: root)
            return op.apply(left, right)
        }
    }

    static func regexMatches(_ value: JSON?, pattern: String, ignoreCase: Bool) -> Bool {
        let input: String
        switch value {
        case .string(let s)?: input = s
        case .bool(let b)?: input = b ? "true" : "false"
        case .int, .double, .bigInt: input = value?.serialized() ?? ""
        default: input = ""
        }
        guard var regex = try? Regex(pattern) else { return false }
        if ignoreCase { regex = regex.ignoresCase() }
        return (try? regex.wholeMatch(in: input)) != nil
    }
}

/// One side of a filter comparison.
enum JSONPathFilterOperand: Sendable, Hashable {
    /// `@...`: relative to the element tested.
    case current([JSONPathStep])
    /// `$...`: relative to the document root.
    case root([JSONPathStep])
    case literal(JSON)
    /// `/pattern/flags`.
    case regex(String, ignoreCase: Bool)

    /// The operand's value; nil when a path is missing (Jayway's "undefined").
    func value(current: JSON, root: JSON) -> JSON? {
        switch self {
        case .literal(let v): return v
        case .regex(let p, _): return .string(p)
        case .current(let steps): return JSONPath(text: "@", steps: steps).evaluate(current)
        case .root(let steps): return JSONPath(text: "$", steps: steps).evaluate(root)
        }
    }
}

/// A filter comparison operator.
enum JSONPathFilterOperator: String, Sendable, Hashable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", regex = "=~", `in` = "in", nin = "nin"
    case size, empty, subsetof, anyof, noneof

    func apply(_ left: JSON?, _ right: JSON?) -> Bool {
        switch self {
        case .eq: return Self.equal(left, right)
        case .ne: return !Self.equal(left, right)
        case .lt: return Self.order(left, right).map { $0 < 0 } ?? false
        case .le: return Self.order(left, right).map { $0 <= 0 } ?? false
        case .gt: return Self.order(left, right).map { $0 > 0 } ?? false
        case .ge: return Self.order(left, right).map { $0 >= 0 } ?? false
        case .regex: return false
        case .in:
            guard let left, case .array(let list)? = right else { return false }
            return list.contains { Self.equal(left, $0) }
        case .nin:
            guard let left, case .array(let list)? = right else { return true }
            return !list.contains { Self.equal(left, $0) }
        case .size:
            guard let n = right?.intValue else { return false }
            switch left {
            case .string(let s)?: return s.utf16.count == n
            case .array(let a)?: return a.count == n
            default: return false
            }
        case .empty:
            guard case .bool(let wanted)? = right else { return false }
            switch left {
            case .string(let s)?: return s.isEmpty == wanted
            case .array(let a)?: return a.isEmpty == wanted
            default: return false
            }
        case .subsetof, .anyof, .noneof:
            guard case .array(let l)? = left, case .array(let r)? = right else { return false }
            let inRight = { (v: JSON) in r.contains { Self.equal(v, $0) } }
            switch self {
            case .subsetof: return l.allSatisfy(inRight)
            case .anyof: return l.contains(where: inRight)
            default: return !l.contains(where: inRight)
            }
        }
    }

    /// Jayway's equality: numbers by value, a number equals a string holding the same number.
    static func equal(_ left: JSON?, _ right: JSON?) -> Bool {
        guard let left, let right else { return false }
        switch (left, right) {
        case (.string(let s), _) where right.isNumber:
            return Double(s).map { $0 == right.doubleValue } ?? false
        case (_, .string(let s)) where left.isNumber:
            return Double(s).map { $0 == left.doubleValue } ?? false
        default:
            return left == right
        }
    }

    /// -1, 0 or 1 for two numbers or two strings; nil when they do not compare.
    static func order(_ left: JSON?, _ right: JSON?) -> Int? {
        guard let left, let right else { return nil }
        if left.isNumber, right.isNumber, let a = left.doubleValue, let b = right.doubleValue {
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        if case .string(let a) = left, case .string(let b) = right {
            // Java compares strings by UTF-16 code units.
            let x = Array(a.utf16), y = Array(b.utf16)
            for k in 0..<min(x.count, y.count) where x[k] != y[k] { return x[k] < y[k] ? -1 : 1 }
            return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
        }
        return nil
    }
}

/// Reads the expression inside `[?( … )]`.
struct JSONPathFilterParser {
    var parser: JSONPathParser

    mutating func parseExpression() throws(JSONPathError) -> JSONPathFilter {
        var left = try parseAnd()
        while true {
            parser.skipSpaces()
            if parser.peek() == "|", parser.peek(1) == "|" {
                parser.i += 2
                left = .or(left, try parseAnd())
            } else {
                return left
            }
        }
    }

    mutating func parseAnd() throws(JSONPathError) -> JSONPathFilter {
        var left = try parseUnary()
        while true {
            parser.skipSpaces()
            if parser.peek() == "&", parser.peek(1) == "&" {
                parser.i += 2
                left = .and(left, try parseUnary())
            } else {
                return left
            }
        }
    }

    mutating func parseUnary() throws(JSONPathError) -> JSONPathFilter {
        parser.skipSpaces()
        if parser.peek() == "!", parser.peek(1) != "=" {
            parser.i += 1
            return .not(try parseUnary())
        }
        if parser.peek() == "(" {
            parser.i += 1
            let inner = try parseExpression()
            parser.skipSpaces()
            guard parser.peek() == ")" else { throw parser.error("')' expected at position \(parser.i)") }
            parser.i += 1
            return inner
        }
        let left = try parseOperand()
        parser.skipSpaces()
        guard let op = parseOperator() else { return .exists(left) }
        parser.skipSpaces()
        let right = try parseOperand()
        if op == .regex, case .regex = right {} else if op == .regex {
            throw parser.error("a regular expression /.../ is expected after '=~'")
        }
        return .compare(left, op, right)
    }

    mutating func parseOperator() -> JSONPathFilterOperator? {
        let two: [(String, JSONPathFilterOperator)] = [("==", .eq), ("!=", .ne), ("<=", .le), (">=", .ge), ("=~", .regex)]
        for (text, op) in two {
            let t = Array(text)
            if parser.peek() == t[0], parser.peek(1) == t[1] {
                parser.i += 2
                return op
            }
        }
        if parser.peek() == "<" { parser.i += 1; return .lt }
        if parser.peek() == ">" { parser.i += 1; return .gt }
        let words: [(String, JSONPathFilterOperator)] = [
            ("nin", .nin), ("in", .in), ("size", .size), ("empty", .empty), ("subsetof", .subsetof),
            ("anyof", .anyof), ("noneof", .noneof),
        ]
        for (word, op) in words {
            let w = Array(word)
            var ok = true
            for (k, ch) in w.enumerated() where parser.peek(k) != ch { ok = false }
            if ok, let after = parser.peek(w.count), after == " " || after == "[" || after == "(" {
                parser.i += w.count
                return op
            }
        }
        return nil
    }

    mutating func parseOperand() throws(JSONPathError) -> JSONPathFilterOperand {
        parser.skipSpaces()
        guard let c = parser.peek() else { throw parser.error("an operand is expected") }
        switch c {
        case "@", "$":
            parser.i += 1
            let steps = try parser.parseSteps(stopAt: [")", " ", "=", "!", "<", ">", "&", "|", ","])
            return c == "@" ? .current(steps) : .root(steps)
        case "'", "\"":
            return .literal(.string(try parser.parseQuoted(c)))
        case "/":
            parser.i += 1
            var pattern = ""
            while let ch = parser.peek(), ch != "/" {
                if ch == "\\", let n = parser.peek(1) {
                    pattern.append(ch)
                    pattern.append(n)
                    parser.i += 2
                    continue
                }
                pattern.append(ch)
                parser.i += 1
            }
            guard parser.peek() == "/" else { throw parser.error("unterminated regular expression") }
            parser.i += 1
            var ignoreCase = false
            while let f = parser.peek(), f.isLetter {
                if f == "i" { ignoreCase = true }
                parser.i += 1
            }
            return .regex(pattern, ignoreCase: ignoreCase)
        case "[", "{":
            // A JSON literal: read to the matching bracket and parse it.
            let start = parser.i
            var depth = 0
            var quote: Character? = nil
            while let ch = parser.peek() {
                parser.i += 1
                if let q = quote {
                    if ch == "\\" { parser.i += 1 } else if ch == q { quote = nil }
                    continue
                }
                if ch == "'" || ch == "\"" { quote = ch } else if ch == "[" || ch == "{" { depth += 1 } else if ch == "]" || ch == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
            }
            let raw = String(parser.chars[start..<parser.i]).replacingSingleQuotes()
            guard let v = try? JSON(parsing: raw) else { throw parser.error("invalid JSON literal \(raw)") }
            return .literal(v)
        default:
            let start = parser.i
            while let ch = parser.peek(), ch.isLetter || ch.isNumber || ch == "-" || ch == "+" || ch == "." {
                parser.i += 1
            }
            let word = String(parser.chars[start..<parser.i])
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default:
                if let v = try? JSON(parsing: word), v.isNumber { return .literal(v) }
                if let d = Double(word) { return .literal(.number(d)) }
                throw parser.error("an operand is expected at position \(start)")
            }
        }
    }
}

extension String {
    /// Jayway accepts single-quoted strings inside JSON literals of filters.
    fileprivate func replacingSingleQuotes() -> String {
        var out = ""
        var inDouble = false
        for c in self {
            if c == "\"" { inDouble.toggle() }
            out.append(c == "'" && !inDouble ? "\"" : c)
        }
        return out
    }
}
