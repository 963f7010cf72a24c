import Foundation

/// A token of the JSONata grammar.
struct Token {
    enum Kind { case name, variable, op, string, number, value, regex, end }
    var kind: Kind
    var value: String
    var literal: V? = nil
    var position: Int
    var regex: NSRegularExpression? = nil

    /// The symbol-table id of this token.
    var id: String {
        switch kind {
        case .op: return value
        case .name, .variable: return "(name)"
        case .string, .number, .value: return "(literal)"
        case .regex: return "(regex)"
        case .end: return "(end)"
        }
    }
}

/// Splits JSONata source text into tokens.
struct Lexer {
    let src: [Unicode.Scalar]
    var pos = 0

    static let singleOps: Set<Unicode.Scalar> = [".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~"]

    init(_ text: String) { src = Array(text.unicodeScalars) }

    @inline(__always) func ch(_ i: Int) -> Unicode.Scalar? { i < src.count && i >= 0 ? src[i] : nil }

    mutating func next(prefix: Bool) throws -> Token? {
        // skip whitespace and comments
        while true {
            guard let c = ch(pos) else { return nil }
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" { pos += 1; continue }
            if c == "/" && ch(pos + 1) == "*" {
                let start = pos
                pos += 2
                while true {
                    guard ch(pos) != nil else { throw JSONataError(code: "S0106", position: start) }
                    if ch(pos) == "*" && ch(pos + 1) == "/" { pos += 2; break }
                    pos += 1
                }
                continue
            }
            break
        }
        guard let c = ch(pos) else { return nil }
        if !prefix && c == "/" {
            pos += 1
            return try scanRegex()
        }
        let two: [(Unicode.Scalar, Unicode.Scalar, String)] = [(".", ".", ".."), (":", "=", ":="), ("!", "=", "!="), (">", "=", ">="), ("<", "=", "<="), ("*", "*", "**"), ("~", ">", "~>"), ("?", ":", "?:"), ("?", "?", "??")]
        if let n = ch(pos + 1) {
            for (a, b, s) in two where c == a && n == b {
                pos += 2
                return Token(kind: .op, value: s, position: pos)
            }
        }
        if Lexer.singleOps.contains(c) {
            pos += 1
            return Token(kind: .op, value: String(Character(c)), position: pos)
        }
        if c == "\"" || c == "'" {
            return try scanString(quote: c)
        }
        if c.properties.numericType != nil, c.value >= 0x30 && c.value <= 0x39 {
            return try scanNumber()
        }
        if c == "`" {
            pos += 1
            let start = pos
            while let d = ch(pos), d != "`" { pos += 1 }
            guard ch(pos) == "`" else { throw JSONataError(code: "S0105", position: start) }
            let name = String(String.UnicodeScalarView(src[start..<pos]))
            pos += 1
            return Token(kind: .name, value: name, position: pos)
        }
        // names and variables
        let start = pos
        while let d = ch(pos) {
            if d == " " || d == "\t" || d == "\n" || d == "\r" || d == "\u{0B}" || Lexer.singleOps.contains(d) { break }
            pos += 1
        }
        let name = String(String.UnicodeScalarView(src[start..<pos]))
        if c == "$" {
            return Token(kind: .variable, value: String(name.dropFirst()), position: pos)
        }
        switch name {
        case "and", "or", "in": return Token(kind: .op, value: name, position: pos)
        case "true": return Token(kind: .value, value: name, literal: .bool(true), position: pos)
        case "false": return Token(kind: .value, value: name, literal: .bool(false), position: pos)
        case "null": return Token(kind: .value, value: name, literal: .null, position: pos)
        default:
            if name.isEmpty {
                pos += 1
                throw JSONataError(code: "S0204", position: pos, token: String(Character(c)))
            }
            return Token(kind: .name, value: name, position: pos)
        }
    }

    mutating func scanString(quote: Unicode.Scalar) throws -> Token {
        pos += 1
        var units: [UInt16] = []
        while true {
            guard let c = ch(pos) else { throw JSONataError(code: "S0101", position: pos) }
            if c == "\\" {
                pos += 1
                guard let e = ch(pos) else { throw JSONataError(code: "S0101", position: pos) }
                switch e {
                case "\"": units.append(0x22)
                case "\\": units.append(0x5C)
                case "/": units.append(0x2F)
                case "b": units.append(0x08)
                case "f": units.append(0x0C)
                case "n": units.append(0x0A)
                case "r": units.append(0x0D)
                case "t": units.append(0x09)
                case "u":
                    var v: UInt16 = 0
                    for k in 1...4 {
                        guard let h = ch(pos + k), let d = Int(String(Character(h)), radix: 16) else {
                            throw JSONataError(code: "S0104", position: pos)
                        }
                        v = v * 16 + UInt16(d)
                    }
                    units.append(v)
                    pos += 4
                default:
                    throw JSONataError(code: "S0103", position: pos, token: String(Character(e)))
                }
                pos += 1
                continue
            }
            if c == quote {
                pos += 1
                let s = decodeUTF16KeepingLoneSurrogates(units)
                return Token(kind: .string, value: s, literal: .str(s), position: pos)
            }
            units.append(contentsOf: Array(String(Character(c)).utf16))
            pos += 1
        }
    }

    mutating func scanNumber() throws -> Token {
        let start = pos
        func digits() { while let d = ch(pos), d.value >= 0x30 && d.value <= 0x39 { pos += 1 } }
        if ch(pos) == "0" { pos += 1 } else { digits() }
        if ch(pos) == ".", let d = ch(pos + 1), d.value >= 0x30 && d.value <= 0x39 {
            pos += 1
            digits()
        }
        if let e = ch(pos), e == "e" || e == "E" {
            var p = pos + 1
            if let s = ch(p), s == "+" || s == "-" { p += 1 }
            if let d = ch(p), d.value >= 0x30 && d.value <= 0x39 {
                pos = p
                digits()
            }
        }
        let text = String(String.UnicodeScalarView(src[start..<pos]))
        guard let d = Double(text), d.isFinite else {
            throw JSONataError(code: "S0102", position: start, token: text)
        }
        return Token(kind: .number, value: text, literal: .num(d), position: pos)
    }

    mutating func scanRegex() throws -> Token {
        let start = pos
        var depth = 0
        func isClosingSlash(_ p: Int) -> Bool {
            if src[p] == "/" && depth == 0 {
                var bs = 0
                while p - (bs + 1) >= 0 && src[p - (bs + 1)] == "\\" { bs += 1 }
                return bs % 2 == 0
            }
            return false
        }
        while pos < src.count {
            let c = src[pos]
            if isClosingSlash(pos) {
                let pattern = String(String.UnicodeScalarView(src[start..<pos]))
                if pattern.isEmpty { throw JSONataError(code: "S0301", position: pos) }
                pos += 1
                var flags = ""
                while let f = ch(pos), f == "i" || f == "m" {
                    flags.unicodeScalars.append(f)
                    pos += 1
                }
                var opts: NSRegularExpression.Options = []
                if flags.contains("i") { opts.insert(.caseInsensitive) }
                if flags.contains("m") { opts.insert(.anchorsMatchLines) }
                guard let re = try? NSRegularExpression(pattern: RegexTranslator.translate(pattern), options: opts) else {
                    throw JSONataError(code: "S0302", position: pos, token: pattern)
                }
                return Token(kind: .regex, value: pattern, position: pos, regex: re)
            }
            let prev: Unicode.Scalar? = pos > 0 ? src[pos - 1] : nil
            if (c == "(" || c == "[" || c == "{") && prev != "\\" { depth += 1 }
            if (c == ")" || c == "]" || c == "}") && prev != "\\" { depth -= 1 }
            pos += 1
        }
        throw JSONataError(code: "S0302", position: pos)
    }
}

/// Adapts JavaScript regular-expression syntax to ICU (NSRegularExpression).
enum RegexTranslator {
    static func translate(_ p: String) -> String {
        // ICU is close to JS; the main differences are `[^]` and a literal `{` or `}` outside quantifiers.
        var out = ""
        var chars = Array(p)
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\" && i + 1 < chars.count {
                out.append(c); out.append(chars[i + 1]); i += 2; continue
            }
            if inClass {
                if c == "]" { inClass = false }
                if c == "[" { out.append("\\["); i += 1; continue }
                out.append(c); i += 1; continue
            }
            if c == "[" {
                if i + 2 < chars.count && chars[i + 1] == "^" && chars[i + 2] == "]" {
                    out.append("[\\s\\S]"); i += 3; continue
                }
                inClass = true
                out.append(c)
                i += 1
                if i < chars.count && chars[i] == "^" { out.append("^"); i += 1 }
                if i < chars.count && chars[i] == "]" { out.append("\\]"); i += 1 }
                continue
            }
            if c == "{" {
                // quantifier if followed by digits[,digits]}
                var j = i + 1
                var ok = false
                while j < chars.count && chars[j].isNumber { j += 1 }
                if j > i + 1 {
                    if j < chars.count && chars[j] == "," { j += 1; while j < chars.count && chars[j].isNumber { j += 1 } }
                    if j < chars.count && chars[j] == "}" { ok = true }
                }
                if !ok { out.append("\\{"); i += 1; continue }
            }
            if c == "}" {
                // a closing brace not part of a quantifier
                var k = out.count - 1
                let o = Array(out)
                var isQ = false
                while k >= 0 && (o[k].isNumber || o[k] == ",") { k -= 1 }
                if k >= 0 && o[k] == "{" && (k == 0 || o[k - 1] != "\\") { isQ = true }
                if !isQ { out.append("\\}"); i += 1; continue }
            }
            out.append(c)
            i += 1
        }
        chars.removeAll()
        return out
    }
}
