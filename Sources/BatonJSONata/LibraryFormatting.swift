import Foundation

extension Library {
    static func registerFormatting(_ def: Def) {
        def("formatInteger", "<n-s:s>") { a, _ in
            guard let v = num(a[0]) else { return nil }
            let f = try IntegerFormat(str(a[1]) ?? "")
            return .str(try f.format(v.rounded(.down)))
        }
        def("parseInteger", "<s-s:n>") { a, _ in
            guard let s = str(a[0]) else { return nil }
            let f = try IntegerFormat(str(a[1]) ?? "")
            return try f.parse(s).map { .num($0) }
        }
        def("formatBase", "<n-n?:s>") { a, _ in
            guard let v = num(a[0]) else { return nil }
            let value = jsRound(v, 0)
            var radix = 10.0
            if a.count > 1, let r = num(a[1]) { radix = jsRound(r, 0) }
            if radix < 2 || radix > 36 { throw JSONataError(code: "D3100", value: jsNumberString(radix)) }
            let neg = value < 0
            let s = String(clampInt(Swift.abs(value)), radix: Int(radix))
            return .str(neg ? "-" + s : s)
        }
        def("formatNumber", "<n-so?:s>") { a, _ in
            guard let v = num(a[0]) else { return nil }
            var opts: [String: String] = [:]
            if a.count > 2, case .obj(let o)? = a[2] {
                for k in o.keys { if let s = str(o.dict[k]) { opts[k] = s } }
            }
            return .str(try NumberPicture.format(v, picture: str(a[1]) ?? "", options: opts))
        }
    }
}

/// XPath F&O `format-number` as jsonata-js implements it.
enum NumberPicture {
    struct Parts {
        var prefix = "", suffix = "", activePart = "", mantissaPart = "", integerPart = "", fractionalPart = "", subpicture = ""
        var exponentPart: String?
    }
    struct Analysis {
        var integerPartGroupingPositions: [Int] = []
        var regularGrouping = 0
        var minimumIntegerPartSize = 0
        var scalingFactor = 0
        var prefix = ""
        var fractionalPartGroupingPositions: [Int] = []
        var minimumFactionalPartSize = 0
        var maximumFactionalPartSize = 0
        var minimumExponentSize = 0
        var suffix = ""
        var picture = ""
        var fractionalPart = ""
    }

    static func format(_ value: Double, picture: String, options: [String: String]) throws -> String {
        var props: [String: String] = [
            "decimal-separator": ".", "grouping-separator": ",", "exponent-separator": "e", "infinity": "Infinity",
            "minus-sign": "-", "NaN": "NaN", "percent": "%", "per-mille": "\u{2030}", "zero-digit": "0", "digit": "#", "pattern-separator": ";",
        ]
        for (k, v) in options { props[k] = v }
        func p(_ k: String) -> Character { props[k]?.first ?? " " }
        let decSep = p("decimal-separator"), groupSep = p("grouping-separator"), expSep = p("exponent-separator")
        let percent = p("percent"), perMille = p("per-mille"), zeroDigit = p("zero-digit"), digit = p("digit"), patSep = p("pattern-separator")
        let minus = props["minus-sign"] ?? "-"
        var family: [Character] = []
        if let z = zeroDigit.unicodeScalars.first {
            for i in 0..<10 { if let u = Unicode.Scalar(z.value + UInt32(i)) { family.append(Character(u)) } }
        }
        let active: Set<Character> = Set(family + [decSep, expSep, groupSep, digit, patSep])
        let subPictures = picture.split(separator: patSep, omittingEmptySubsequences: false).map { Array($0) }
        if subPictures.count > 2 { throw JSONataError(code: "D3080") }

        func indexOf(_ a: [Character], _ c: Character, from: Int = 0) -> Int? {
            var i = from
            while i < a.count { if a[i] == c { return i }; i += 1 }
            return nil
        }
        func lastIndexOf(_ a: [Character], _ c: Character) -> Int? { a.lastIndex(of: c) }

        func split(_ sp: [Character]) -> Parts {
            var parts = Parts()
            parts.subpicture = String(sp)
            var prefixEnd = sp.count
            for (i, c) in sp.enumerated() where active.contains(c) && c != expSep { prefixEnd = i; break }
            var suffixStart = sp.count
            for i in stride(from: sp.count - 1, through: 0, by: -1) where active.contains(sp[i]) && sp[i] != expSep { suffixStart = i + 1; break }
            if prefixEnd == sp.count { prefixEnd = 0; suffixStart = sp.count }
            let prefix = Array(sp[0..<prefixEnd])
            let suffix = suffixStart <= sp.count ? Array(sp[suffixStart...]) : []
            let activePart = prefixEnd <= sp.count - suffix.count ? Array(sp[prefixEnd..<(sp.count - suffix.count)]) : []
            parts.prefix = String(prefix)
            parts.suffix = String(suffix)
            parts.activePart = String(activePart)
            let expPos = indexOf(sp, expSep, from: prefix.count)
            var mantissa: [Character]
            if let ep = expPos, ep <= sp.count - suffix.count {
                let e = ep - prefix.count
                mantissa = Array(activePart[0..<Swift.min(e, activePart.count)])
                parts.exponentPart = e + 1 <= activePart.count ? String(activePart[(e + 1)...]) : ""
            } else {
                mantissa = activePart
                parts.exponentPart = nil
            }
            parts.mantissaPart = String(mantissa)
            if let d = indexOf(mantissa, decSep) {
                parts.integerPart = String(mantissa[0..<d])
                parts.fractionalPart = String(mantissa[(d + 1)...])
            } else {
                parts.integerPart = String(mantissa)
                parts.fractionalPart = String(suffix)
            }
            return parts
        }

        func validate(_ parts: Parts) throws {
            var error: String?
            let sp = Array(parts.subpicture)
            let decimalPos = indexOf(sp, decSep)
            if decimalPos != lastIndexOf(sp, decSep) { error = "D3081" }
            if indexOf(sp, percent) != lastIndexOf(sp, percent) { error = "D3082" }
            if indexOf(sp, perMille) != lastIndexOf(sp, perMille) { error = "D3083" }
            if indexOf(sp, percent) != nil && indexOf(sp, perMille) != nil { error = "D3084" }
            var valid = false
            for c in parts.mantissaPart where family.contains(c) || c == digit { valid = true; break }
            if !valid { error = "D3085" }
            if parts.activePart.contains(where: { !active.contains($0) }) { error = "D3086" }
            if let d = decimalPos {
                if (d > 0 && sp[d - 1] == groupSep) || (d + 1 < sp.count && sp[d + 1] == groupSep) { error = "D3087" }
            } else if parts.integerPart.last == groupSep {
                error = "D3088"
            }
            if parts.subpicture.contains(String([groupSep, groupSep])) { error = "D3089" }
            let ip = Array(parts.integerPart)
            if let od = indexOf(ip, digit), ip[0..<od].contains(where: { family.contains($0) }) { error = "D3090" }
            let fp = Array(parts.fractionalPart)
            if let od = lastIndexOf(fp, digit), fp[od...].contains(where: { family.contains($0) }) { error = "D3091" }
            if let ep = parts.exponentPart {
                if !ep.isEmpty && (indexOf(sp, percent) != nil || indexOf(sp, perMille) != nil) { error = "D3092" }
                if ep.isEmpty || ep.contains(where: { !family.contains($0) }) { error = "D3093" }
            }
            if let e = error { throw JSONataError(code: e) }
        }

        func analyse(_ parts: Parts) -> Analysis {
            func groupingPositions(_ part: String, toLeft: Bool) -> [Int] {
                var positions: [Int] = []
                let pa = Array(part)
                let ia = Array(parts.integerPart)
                var gp = indexOf(pa, groupSep)
                while let g = gp {
                    let seg = toLeft ? Array(pa[0..<g]) : Array(pa[g...])
                    positions.append(seg.filter { family.contains($0) || $0 == digit }.count)
                    gp = indexOf(ia, groupSep, from: g + 1)
                }
                return positions
            }
            var an = Analysis()
            an.integerPartGroupingPositions = groupingPositions(parts.integerPart, toLeft: false)
            let idx = an.integerPartGroupingPositions
            if !idx.isEmpty {
                let factor = idx.dropFirst().reduce(idx[0]) { IntegerFormat.gcd($0, $1) }
                var reg = factor
                if factor == 0 { reg = 0 } else {
                    for i in 1...idx.count where !idx.contains(i * factor) { reg = 0; break }
                }
                an.regularGrouping = reg
            }
            an.fractionalPartGroupingPositions = groupingPositions(parts.fractionalPart, toLeft: true)
            an.minimumIntegerPartSize = parts.integerPart.filter { family.contains($0) }.count
            an.scalingFactor = an.minimumIntegerPartSize
            an.minimumFactionalPartSize = parts.fractionalPart.filter { family.contains($0) }.count
            an.maximumFactionalPartSize = parts.fractionalPart.filter { family.contains($0) || $0 == digit }.count
            let expPresent = parts.exponentPart != nil
            if an.minimumIntegerPartSize == 0 && an.maximumFactionalPartSize == 0 {
                if expPresent {
                    an.minimumFactionalPartSize = 1
                    an.maximumFactionalPartSize = 1
                } else {
                    an.minimumIntegerPartSize = 1
                }
            }
            if expPresent && an.minimumIntegerPartSize == 0 && parts.integerPart.contains(digit) { an.minimumIntegerPartSize = 1 }
            if an.minimumIntegerPartSize == 0 && an.minimumFactionalPartSize == 0 { an.minimumFactionalPartSize = 1 }
            if let ep = parts.exponentPart { an.minimumExponentSize = ep.filter { family.contains($0) }.count }
            an.prefix = parts.prefix
            an.suffix = parts.suffix
            an.picture = parts.subpicture
            an.fractionalPart = parts.fractionalPart
            return an
        }

        let parts = subPictures.map(split)
        for pt in parts { try validate(pt) }
        var vars = parts.map(analyse)
        if vars.count == 1 {
            var neg = vars[0]
            neg.prefix = minus + neg.prefix
            vars.append(neg)
        }
        let pic = value >= 0 ? vars[0] : vars[1]
        var adjusted: Double
        if pic.picture.contains(percent) { adjusted = value * 100 } else if pic.picture.contains(perMille) { adjusted = value * 1000 } else { adjusted = value }
        var mantissa: Double
        var exponent: Int?
        if pic.minimumExponentSize == 0 {
            mantissa = adjusted
        } else {
            let maxM = pow(10, Double(pic.scalingFactor))
            let minM = pow(10, Double(pic.scalingFactor - 1))
            mantissa = adjusted
            var e = 0
            if mantissa != 0 {
                while Swift.abs(mantissa) < minM { mantissa *= 10; e -= 1 }
                while Swift.abs(mantissa) > maxM { mantissa /= 10; e += 1 }
            }
            exponent = e
        }
        let rounded = Library.jsRound(mantissa, pic.maximumFactionalPartSize)
        func makeString(_ v: Double, _ dp: Int) -> String {
            var s = String(format: "%.\(dp)f", Swift.abs(v))
            if zeroDigit != "0" {
                s = String(s.map { c -> Character in
                    if let a = c.asciiValue, a >= 48 && a <= 57, Int(a) - 48 < family.count { return family[Int(a) - 48] }
                    return c
                })
            }
            return s
        }
        var sv = Array(makeString(rounded, pic.maximumFactionalPartSize))
        if let dp = sv.firstIndex(of: ".") { sv[dp] = decSep } else { sv.append(decSep) }
        while sv.first == zeroDigit { sv.removeFirst() }
        while sv.last == zeroDigit { sv.removeLast() }
        var decimalPos = sv.firstIndex(of: decSep) ?? sv.count
        let padLeft = pic.minimumIntegerPartSize - decimalPos
        let padRight = pic.minimumFactionalPartSize - (sv.count - decimalPos - 1)
        if padLeft > 0 { sv = Array(repeating: zeroDigit, count: padLeft) + sv }
        if padRight > 0 { sv += Array(repeating: zeroDigit, count: padRight) }
        decimalPos = sv.firstIndex(of: decSep) ?? sv.count
        if pic.regularGrouping > 0 {
            let groupCount = (decimalPos - 1) / pic.regularGrouping
            if groupCount >= 1 {
                for g in 1...groupCount {
                    let at = decimalPos - g * pic.regularGrouping
                    if at >= 0 && at <= sv.count { sv.insert(groupSep, at: at) }
                }
            }
        } else {
            for pos in pic.integerPartGroupingPositions {
                let at = decimalPos - pos
                if at >= 0 && at <= sv.count { sv.insert(groupSep, at: at) }
                decimalPos += 1
            }
        }
        decimalPos = sv.firstIndex(of: decSep) ?? sv.count
        for pos in pic.fractionalPartGroupingPositions {
            let at = pos + decimalPos + 1
            if at >= 0 && at <= sv.count { sv.insert(groupSep, at: at) }
        }
        decimalPos = sv.firstIndex(of: decSep) ?? sv.count
        if pic.fractionalPart.isEmpty || (pic.minimumFactionalPartSize == 0 && decimalPos == sv.count - 1) {
            if decimalPos == sv.count - 1 { sv.removeLast() }
        }
        var result = String(sv)
        if let e = exponent {
            var se = makeString(Double(e), 0)
            let pad = pic.minimumExponentSize - se.count
            if pad > 0 { se = String(repeating: zeroDigit, count: pad) + se }
            result += String(expSep) + (e < 0 ? minus : "") + se
        }
        return pic.prefix + result + pic.suffix
    }
}
