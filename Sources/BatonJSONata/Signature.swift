import Foundation

/// A parsed function signature such as `<s-nn?:s>`; validates and coerces arguments.
final class Signature {
    struct Param {
        var allowed: Set<Character>
        var type: Character
        var optional = false
        var oneOrMore = false
        var context = false
        var subtype: String?
    }

    var params: [Param] = []
    let text: String

    init(_ sig: String) throws {
        text = sig
        let chars = Array(sig)
        var i = 1
        var cur: Param?
        func findClosing(_ start: Int, _ open: Character, _ close: Character) -> Int {
            var depth = 1
            var p = start
            while p < chars.count - 1 {
                p += 1
                if chars[p] == open { depth += 1 } else if chars[p] == close { depth -= 1; if depth == 0 { break } }
            }
            return p
        }
        while i < chars.count {
            let c = chars[i]
            if c == ":" { break }
            switch c {
            case "s", "n", "b", "l", "o":
                params.append(Param(allowed: [c, "m"], type: c))
            case "a":
                params.append(Param(allowed: Set("asnblfom"), type: "a"))
            case "f":
                params.append(Param(allowed: ["f"], type: "f"))
            case "j":
                params.append(Param(allowed: Set("asnblom"), type: "j"))
            case "x":
                params.append(Param(allowed: Set("asnblfom"), type: "x"))
            case "-":
                if !params.isEmpty { params[params.count - 1].context = true; params[params.count - 1].optional = true }
            case "?":
                if !params.isEmpty { params[params.count - 1].optional = true }
            case "+":
                if !params.isEmpty { params[params.count - 1].oneOrMore = true }
            case "(":
                let end = findClosing(i, "(", ")")
                let choice = String(chars[(i + 1)..<end])
                if choice.contains("<") {
                    throw JSONataError(code: "S0402", value: choice)
                }
                var set = Set(choice)
                set.insert("m")
                params.append(Param(allowed: set, type: "("))
                i = end
            case "<":
                let last = params.last?.type
                if last == "a" || last == "f" {
                    let end = findClosing(i, "<", ">")
                    params[params.count - 1].subtype = String(chars[(i + 1)..<end])
                    i = end
                } else {
                    throw JSONataError(code: "S0401", value: last.map { String($0) } ?? "")
                }
            default:
                break
            }
            i += 1
        }
        _ = cur
        cur = nil
    }

    /// Matches the argument type symbols against the params; returns per-param match lengths.
    private func match(_ syms: [Character]) -> [Int]? {
        var out = [Int](repeating: 0, count: params.count)
        func go(_ pi: Int, _ si: Int) -> Bool {
            if pi == params.count { return si == syms.count }
            let p = params[pi]
            // max run
            var maxLen = 0
            if p.oneOrMore {
                while si + maxLen < syms.count && p.allowed.contains(syms[si + maxLen]) { maxLen += 1 }
            } else if si < syms.count && p.allowed.contains(syms[si]) {
                maxLen = 1
            }
            let minLen = p.optional ? 0 : 1
            if maxLen < minLen {
                // `+?`: optional one-or-more
                return false
            }
            var len = maxLen
            while len >= minLen {
                out[pi] = len
                if go(pi + 1, si + len) { return true }
                len -= 1
            }
            return false
        }
        return go(0, 0) ? out : nil
    }

    /// Length of the longest prefix of `syms` matched by the first `n` params (for error reporting).
    private func prefixMatch(_ syms: [Character], _ n: Int) -> Int? {
        func go(_ pi: Int, _ si: Int) -> Int? {
            if pi == n { return si }
            let p = params[pi]
            var maxLen = 0
            if p.oneOrMore {
                while si + maxLen < syms.count && p.allowed.contains(syms[si + maxLen]) { maxLen += 1 }
            } else if si < syms.count && p.allowed.contains(syms[si]) {
                maxLen = 1
            }
            let minLen = p.optional ? 0 : 1
            if maxLen < minLen { return nil }
            var len = maxLen
            while len >= minLen {
                if let r = go(pi + 1, si + len) { return r }
                len -= 1
            }
            return nil
        }
        return go(0, 0)
    }

    func validate(_ args: [V?], context: V?) throws -> [V?] {
        let syms = args.map { typeSymbol($0) }
        guard let m = match(syms) else {
            var goodTo = 0
            for n in 1...max(params.count, 1) where n <= params.count {
                guard let g = prefixMatch(syms, n) else {
                    throw JSONataError(code: "T0410", value: String(goodTo + 1))
                }
                goodTo = g
            }
            throw JSONataError(code: "T0410", value: String(goodTo + 1))
        }
        var out: [V?] = []
        out.reserveCapacity(params.count)
        var argIndex = 0
        for (pi, p) in params.enumerated() {
            let len = m[pi]
            if len == 0 {
                if p.context {
                    let ct = typeSymbol(context)
                    if p.allowed.contains(ct) && ct != "m" || (ct == "m" && p.allowed.contains("m")) {
                        out.append(context)
                    } else {
                        throw JSONataError(code: "T0411", value: String(argIndex + 1))
                    }
                } else {
                    out.append(argIndex < args.count ? args[argIndex] : nil)
                    argIndex += 1
                }
                continue
            }
            for k in 0..<len {
                let single = syms[argIndex]
                var arg = args[argIndex]
                if p.type == "a" {
                    if single == "m" {
                        arg = nil
                    } else {
                        var ok = true
                        if let sub = p.subtype {
                            if single != "a" {
                                if String(syms[argIndex - k..<argIndex - k + len]) != sub { ok = false }
                            } else if case .arr(let a)? = arg, let first = a.items.first {
                                let it = typeSymbol(first)
                                if String(it) != String(sub.prefix(1)) {
                                    ok = false
                                } else {
                                    ok = a.items.allSatisfy { typeSymbol($0) == it }
                                }
                            }
                        }
                        if !ok {
                            let names: [String: String] = ["a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"]
                            let sub = p.subtype.map { names[$0] ?? $0 } ?? ""
                            throw JSONataError(code: "T0412", message: "must be an array of \(sub)", value: String(argIndex + 1))
                        }
                        if single != "a", let v = arg { arg = .arr(JArr([v])) }
                    }
                }
                out.append(arg)
                argIndex += 1
            }
        }
        return out
    }
}
