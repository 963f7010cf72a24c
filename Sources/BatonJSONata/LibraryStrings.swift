import Foundation

/// One regular-expression match in UTF-16 offsets (as JavaScript reports them).
struct RegexMatch {
    let match: String
    let start: Int
    let end: Int
    /// Capture groups; `nil` for a group that did not participate (JavaScript's `undefined`).
    let groups: [String?]
}

extension Library {
    /// Finds the first match at or after `from`. Long searches report progress, so a runaway
    /// (catastrophically backtracking) pattern is stopped at the evaluation deadline with U1001.
    static func exec(_ re: NSRegularExpression, _ ns: NSString, from: Int, deadline: UInt64) throws -> RegexMatch? {
        guard from <= ns.length else { return nil }
        var found: NSTextCheckingResult?
        var timedOut = false
        var options: NSRegularExpression.MatchingOptions = [.withoutAnchoringBounds, .withTransparentBounds]
        if deadline != UInt64.max { options.insert(.reportProgress) }
        re.enumerateMatches(in: ns as String, options: options, range: NSRange(location: from, length: ns.length - from)) { m, _, stop in
            if let m = m {
                found = m
                stop.pointee = true
            } else if DispatchTime.now().uptimeNanoseconds > deadline {
                timedOut = true
                stop.pointee = true
            }
        }
        if timedOut {
            throw JSONataError(code: "U1001", message: "Expression evaluation timeout: regular expression \(re.pattern) took too long")
        }
        guard let m = found else { return nil }
        var groups: [String?] = []
        if m.numberOfRanges > 1 {
            for i in 1..<m.numberOfRanges {
                let r = m.range(at: i)
                groups.append(r.location == NSNotFound ? nil : ns.substring(with: r))
            }
        }
        return RegexMatch(match: ns.substring(with: m.range), start: m.range.location, end: m.range.location + m.range.length, groups: groups)
    }

    /// Iterates the matches of a regex or of a custom matcher function (one returning `{match, start, end, groups, next}`).
    static func forEachMatch(_ cx: CallContext, _ matcher: JFunc, _ s: String, limit: Int?, _ body: (RegexMatch) throws -> Void) throws {
        if case .regex(let re, _) = matcher.kind {
            try forEachMatch(re, s, limit: limit, deadline: cx.ev.deadline, body)
            return
        }
        func parse(_ r: V?) throws -> (RegexMatch, V?)? {
            guard let r = r else { return nil }
            guard case .obj(let o) = r, let st = num(o["start"]), let en = num(o["end"]) else {
                throw JSONataError(code: "T1010")
            }
            var groups: [String?] = []
            if case .arr(let g)? = o["groups"] { groups = g.items.map { str($0) } }
            return (RegexMatch(match: str(o["match"]) ?? "", start: clampInt(st), end: clampInt(en), groups: groups), o["next"])
        }
        var cur = try parse(try call(cx, .fn(matcher), [.str(s)]))
        var count = 0
        while let (m, next) = cur, limit == nil || count < (limit ?? 0) {
            try body(m)
            count += 1
            guard case .fn? = next else { break }
            cur = try parse(try call(cx, next, []))
        }
    }

    /// Iterates matches the way jsonata-js's regex closure and `next()` do (D1004 on a later empty match).
    static func forEachMatch(_ re: NSRegularExpression, _ s: String, limit: Int?, deadline: UInt64, _ body: (RegexMatch) throws -> Void) throws {
        let ns = s as NSString
        guard var m = try exec(re, ns, from: 0, deadline: deadline) else { return }
        var count = 0
        while count < (limit ?? Int.max) {
            try body(m)
            count += 1
            if m.end >= ns.length { return }
            guard let n = try exec(re, ns, from: m.end, deadline: deadline) else { return }
            if n.match.isEmpty { throw JSONataError(code: "D1004", value: re.pattern) }
            m = n
        }
    }

    static func matchObject(_ m: RegexMatch) -> V {
        let o = JObj()
        o["match"] = .str(m.match)
        o["start"] = .num(Double(m.start))
        o["end"] = .num(Double(m.end))
        o["groups"] = .arr(JArr(m.groups.map { $0.map { .str($0) } ?? .null }))
        return .obj(o)
    }

    static func regexMatchObject(_ re: NSRegularExpression, _ s: String, from: Int, deadline: UInt64) throws -> V? {
        try exec(re, s as NSString, from: from, deadline: deadline).map(matchObject)
    }

    /// JS `Array.prototype.slice` index normalization.
    static func sliceIndex(_ d: Double, _ len: Int) -> Int {
        if d.isNaN { return 0 }
        let t = d < 0 ? (d).rounded(.up) : (d).rounded(.down)
        if t < 0 { return Swift.max(len + Int(Swift.max(t, -1e15)), 0) }
        return Swift.min(Int(Swift.min(t, 1e15)), len)
    }

    static func substring(_ s: String, _ startIn: Double, _ length: Double?) -> String {
        let chars = Array(s.unicodeScalars)
        let n = chars.count
        var start = startIn
        if Double(n) + start < 0 { start = 0 }
        var b = sliceIndex(start, n)
        var e = n
        if let l = length {
            if l <= 0 { return "" }
            let end = start >= 0 ? start + l : Double(n) + start + l
            e = sliceIndex(end, n)
        }
        if b > e { b = e }
        var r = String.UnicodeScalarView()
        r.append(contentsOf: chars[b..<e])
        return String(r)
    }

    static let uriUnreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8))
    static let uriReserved: Set<UInt8> = Set(Array(";,/?:@&=+$#".utf8))

    static func encodeURI(_ s: String, component: Bool) -> String {
        var out = ""
        for b in s.utf8 {
            if uriUnreserved.contains(b) || (!component && uriReserved.contains(b)) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func decodeURI(_ s: String, component: Bool, name: String) throws -> String {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else {
                    throw JSONataError(code: "D3140", message: "Malformed URL passed to $\(name)(): \"\(s)\"", value: s)
                }
                let b = h * 16 + l
                if !component && b < 0x80 && uriReserved.contains(b) {
                    out.append(contentsOf: bytes[i...(i + 2)])
                } else {
                    out.append(b)
                }
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        guard let r = String(bytes: out, encoding: .utf8) else {
            throw JSONataError(code: "D3140", message: "Malformed URL passed to $\(name)(): \"\(s)\"", value: s)
        }
        return r
    }

    static func registerStrings(_ def: Def) {
        def("string", "<x-b?:s>") { a, _ in
            guard let v = a[0] else { return nil }
            let pretty = a.count > 1 && (jsBoolean(a[1]) ?? false)
            return .str(try stringify(v, pretty: pretty))
        }
        def("substring", "<s-nn?:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            return .str(substring(s, num(a[1]) ?? 0, a.count > 2 ? num(a[2]) : nil))
        }
        def("substringBefore", "<s-s:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            guard let c = str(a[1]) else { return .str(s) }
            if c.isEmpty { return .str("") }
            if let r = s.range(of: c) { return .str(String(s[..<r.lowerBound])) }
            return .str(s)
        }
        def("substringAfter", "<s-s:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            guard let c = str(a[1]) else { return .str(s) }
            if c.isEmpty { return .str(s) }
            if let r = s.range(of: c) { return .str(String(s[r.upperBound...])) }
            return .str(s)
        }
        def("lowercase", "<s-:s>") { a, _ in str(a[0]).map { .str($0.lowercased()) } }
        def("uppercase", "<s-:s>") { a, _ in str(a[0]).map { .str($0.uppercased()) } }
        def("length", "<s-:n>") { a, _ in str(a[0]).map { .num(Double($0.unicodeScalars.count)) } }
        def("trim", "<s-:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            var out = ""
            var pendingSpace = false
            for u in s.unicodeScalars {
                if u == " " || u == "\t" || u == "\n" || u == "\r" {
                    pendingSpace = true
                } else {
                    if pendingSpace && !out.isEmpty { out.append(" ") }
                    pendingSpace = false
                    out.unicodeScalars.append(u)
                }
            }
            return .str(out)
        }
        def("pad", "<s-ns?:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            let width = num(a[1]) ?? 0
            var ch = a.count > 2 ? (str(a[2]) ?? " ") : " "
            if ch.isEmpty { ch = " " }
            let padLen = clampInt(Swift.abs(width).rounded(.down)) - s.unicodeScalars.count
            if padLen > 1 << 28 { throw JSONataError(code: "U1001", message: "$pad would build a string longer than 2^28 characters") }
            if padLen <= 0 { return .str(s) }
            var padding = String(repeating: ch, count: padLen)
            if ch.unicodeScalars.count > 1 { padding = substring(padding, 0, Double(padLen)) }
            return .str(width > 0 ? s + padding : padding + s)
        }
        def("contains", "<s-(sf):b>") { a, cx in
            guard let s = str(a[0]) else { return nil }
            switch a[1] {
            case .str(let t)?: return .bool(t.isEmpty || s.contains(t))
            case .fn(let f)?:
                if case .regex(let re, _) = f.kind { return .bool(try exec(re, s as NSString, from: 0, deadline: cx.ev.deadline) != nil) }
                var found = false
                try forEachMatch(cx, f, s, limit: 1) { _ in found = true }
                return .bool(found)
            default: return .bool(false)
            }
        }
        def("split", "<s-(sf)n?:a<s>>") { a, cx in
            guard let s = str(a[0]) else { return nil }
            let limitD = a.count > 2 ? num(a[2]) : nil
            if let l = limitD, l < 0 { throw JSONataError(code: "D3020", value: jsNumberString(l)) }
            let limit = limitD.map { clampInt($0.rounded(.down)) }
            var out: [V] = []
            if (limit ?? 1) > 0 {
                switch a[1] {
                case .str(let sep)?:
                    var parts: [String]
                    if sep.isEmpty {
                        parts = s.utf16.map { String(decoding: [$0], as: UTF16.self) }
                    } else {
                        parts = s.components(separatedBy: sep)
                    }
                    if let l = limit, parts.count > l { parts = Array(parts[0..<l]) }
                    out = parts.map { .str($0) }
                case .fn(let f)?:
                    do {
                        let ns = s as NSString
                        var start = 0
                        var count = 0
                        try forEachMatch(cx, f, s, limit: limit) { m in
                            out.append(.str(ns.substring(with: NSRange(location: start, length: m.start - start))))
                            start = m.end
                            count += 1
                        }
                        if count < (limit ?? Int.max) {
                            out.append(.str(ns.substring(from: Swift.min(start, ns.length))))
                        }
                    }
                default: break
                }
            }
            return .arr(JArr(out))
        }
        def("join", "<a<s>s?:s>") { a, _ in
            guard let xs = arr(a[0]) else { return nil }
            let sep = a.count > 1 ? (str(a[1]) ?? "") : ""
            return .str(xs.compactMap { str($0) }.joined(separator: sep))
        }
        def("match", "<s-f<s:o>n?:a<o>>") { a, cx in
            guard let s = str(a[0]) else { return nil }
            let limitD = a.count > 2 ? num(a[2]) : nil
            if let l = limitD, l < 0 { throw JSONataError(code: "D3040", value: jsNumberString(l)) }
            let limit = limitD.map { clampInt($0.rounded(.up)) }
            var out: [V] = []
            guard case .fn(let f)? = a[1] else { return seq([]) }
            if (limit ?? 1) > 0 {
                try forEachMatch(cx, f, s, limit: limit) { m in
                    let o = JObj()
                    o["match"] = .str(m.match)
                    o["index"] = .num(Double(m.start))
                    o["groups"] = .arr(JArr(m.groups.map { $0.map { .str($0) } ?? .null }))
                    out.append(.obj(o))
                }
            }
            return seq(out)
        }
        def("replace", "<s-(sf)(sf)n?:s>") { a, cx in
            guard let s = str(a[0]) else { return nil }
            if case .str("")? = a[1] { throw JSONataError(code: "D3010") }
            let limitD = a.count > 3 ? num(a[3]) : nil
            if let l = limitD, l < 0 { throw JSONataError(code: "D3011", value: jsNumberString(l)) }
            let limit = limitD.map { clampInt($0.rounded(.up)) }
            if let l = limit, l <= 0 { return .str(s) }
            let replacement = a[2]
            switch a[1] {
            case .str(let pat)?:
                let rep = str(replacement) ?? ""
                var result = ""
                var rest = s[...]
                var count = 0
                while count < (limit ?? Int.max) {
                    guard let r = rest.range(of: pat) else { break }
                    result += rest[..<r.lowerBound]
                    result += rep
                    rest = rest[r.upperBound...]
                    count += 1
                }
                result += rest
                return .str(result)
            case .fn(let f)?:
                let ns = s as NSString
                var result = ""
                var position = 0
                var any = false
                try forEachMatch(cx, f, s, limit: limit) { m in
                    any = true
                    result += ns.substring(with: NSRange(location: position, length: m.start - position))
                    switch replacement {
                    case .str(let rs)?:
                        result += substituteGroups(rs, m)
                    case .fn?:
                        let r = try call(cx, replacement, [matchObject(m)])
                        guard case .str(let rs)? = r else {
                            throw JSONataError(code: "D3012", value: r.map(describe))
                        }
                        result += rs
                    default:
                        throw JSONataError(code: "D3012")
                    }
                    position = m.start + (m.match as NSString).length
                }
                if !any { return .str(s) }
                result += ns.substring(from: Swift.min(position, ns.length))
                return .str(result)
            default:
                return .str(s)
            }
        }
        def("base64encode", "<s-:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            let bytes = s.utf16.map { UInt8(truncatingIfNeeded: $0) }
            return .str(Data(bytes).base64EncodedString())
        }
        def("base64decode", "<s-:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            guard let d = Data(base64Encoded: s, options: .ignoreUnknownCharacters) else { return .str("") }
            return .str(String(decoding: d.map { UInt16($0) }, as: UTF16.self))
        }
        def("encodeUrlComponent", "<s-:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            if s.unicodeScalars.contains(loneSurrogateMarker) {
                throw JSONataError(code: "D3140", message: "Malformed URL passed to $encodeUrlComponent(): \"\(s)\"", value: s)
            }
            return .str(encodeURI(s, component: true))
        }
        def("encodeUrl", "<s-:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            if s.unicodeScalars.contains(loneSurrogateMarker) {
                throw JSONataError(code: "D3140", message: "Malformed URL passed to $encodeUrl(): \"\(s)\"", value: s)
            }
            return .str(encodeURI(s, component: false))
        }
        def("decodeUrlComponent", "<s-:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            return .str(try decodeURI(s, component: true, name: "decodeUrlComponent"))
        }
        def("decodeUrl", "<s-:s>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            return .str(try decodeURI(s, component: false, name: "decodeUrl"))
        }
    }

    static func substituteGroups(_ replacement: String, _ m: RegexMatch) -> String {
        let r = Array(replacement.unicodeScalars)
        var out = ""
        var position = 0
        func idx(of c: Unicode.Scalar, from: Int) -> Int? {
            var i = from
            while i < r.count { if r[i] == c { return i }; i += 1 }
            return nil
        }
        var index = idx(of: "$", from: 0)
        while let ix = index, position < r.count {
            out.unicodeScalars.append(contentsOf: r[position..<ix])
            position = ix + 1
            let dollarVal: Unicode.Scalar? = position < r.count ? r[position] : nil
            if dollarVal == "$" {
                out += "$"
                position += 1
            } else if dollarVal == "0" {
                out += m.match
                position += 1
            } else {
                let maxDigits = m.groups.isEmpty ? 1 : Int(log10(Double(m.groups.count)).rounded(.down)) + 1
                func parseInt(_ len: Int) -> Int? {
                    var s = ""
                    var i = position
                    while i < r.count && i < position + len && r[i].properties.numericType != nil && r[i].value >= 0x30 && r[i].value <= 0x39 {
                        s.unicodeScalars.append(r[i]); i += 1
                    }
                    return Int(s)
                }
                var gi = parseInt(maxDigits)
                if maxDigits > 1, let g = gi, g > m.groups.count { gi = parseInt(maxDigits - 1) }
                if let g = gi {
                    if !m.groups.isEmpty, g >= 1, g <= m.groups.count, let sm = m.groups[g - 1] { out += sm }
                    position += String(g).count
                } else {
                    out += "$"
                }
            }
            index = idx(of: "$", from: position)
        }
        if position < r.count { out.unicodeScalars.append(contentsOf: r[position...]) }
        return out
    }
}
