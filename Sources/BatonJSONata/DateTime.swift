import Foundation

/// XPath-style date/time pictures for `$fromMillis`, `$toMillis` and `$now`.
enum DateTimePicture {
    static let days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let defaults: [Character: String] = ["Y": "1", "M": "1", "D": "1", "d": "1", "F": "n", "W": "1", "w": "1", "X": "1", "x": "1", "H": "1", "h": "1", "P": "n", "m": "01", "s": "01", "f": "1", "Z": "01:01", "z": "01:01", "C": "n", "E": "n"]

    struct Marker {
        var component: Character
        var presentation1 = ""
        var presentation2: Character?
        var widthMin: Int?
        var widthMax: Int?
        var names: IntegerFormat.Case?
        var integerFormat: IntegerFormat?
        var n = -1
    }
    enum Part {
        case literal(String)
        case marker(Marker)
    }

    static func analyse(_ picture: String) throws -> [Part] {
        var spec: [Part] = []
        let p = Array(picture)
        func addLiteral(_ s: Int, _ e: Int) {
            if e > s {
                spec.append(.literal(String(p[s..<e]).replacingOccurrences(of: "]]", with: "]")))
            }
        }
        var start = 0, pos = 0
        while pos < p.count {
            if p[pos] == "[" {
                if pos + 1 < p.count && p[pos + 1] == "[" {
                    addLiteral(start, pos)
                    spec.append(.literal("["))
                    pos += 2
                    start = pos
                    continue
                }
                addLiteral(start, pos)
                start = pos
                guard let close = p[start...].firstIndex(of: "]") else { throw JSONataError(code: "D3135") }
                pos = close
                let marker = String(p[(start + 1)..<pos]).filter { !$0.isWhitespace }
                guard let comp = marker.first else { throw JSONataError(code: "D3132", value: "") }
                var def = Marker(component: comp)
                var presMod: String
                let m = Array(marker)
                if let comma = m.lastIndex(of: ",") {
                    let widthMod = String(m[(comma + 1)...])
                    func parseWidth(_ s: String?) -> Int? {
                        guard let s = s, s != "*" else { return nil }
                        return Int(s.prefix { $0.isNumber })
                    }
                    if let dash = widthMod.firstIndex(of: "-") {
                        def.widthMin = parseWidth(String(widthMod[..<dash]))
                        def.widthMax = parseWidth(String(widthMod[widthMod.index(after: dash)...]))
                    } else {
                        def.widthMin = parseWidth(widthMod)
                    }
                    presMod = String(m[1..<comma])
                } else {
                    presMod = String(m.dropFirst())
                }
                if presMod.count == 1 {
                    def.presentation1 = presMod
                } else if presMod.count > 1, let last = presMod.last {
                    if "atco".contains(last) {
                        def.presentation2 = last
                        def.presentation1 = String(presMod.dropLast())
                    } else {
                        def.presentation1 = presMod
                    }
                } else {
                    guard let d = defaults[comp] else { throw JSONataError(code: "D3132", value: String(comp)) }
                    def.presentation1 = d
                }
                if defaults[comp] == nil { throw JSONataError(code: "D3132", value: String(comp)) }
                let p1 = Array(def.presentation1)
                if p1.first == "n" {
                    def.names = .lower
                } else if p1.first == "N" {
                    def.names = p1.count > 1 && p1[1] == "n" ? .title : .upper
                } else if "YMDdFWwXxHhmsf".contains(comp) {
                    var pattern = def.presentation1
                    if let p2 = def.presentation2 { pattern += ";" + String(p2) }
                    var f = try IntegerFormat(pattern)
                    if let mn = def.widthMin, f.mandatoryDigits < mn { f.mandatoryDigits = mn }
                    if "YMD".contains(comp) {
                        def.n = -1
                        if let mx = def.widthMax {
                            def.n = mx
                            f.mandatoryDigits = mx
                        } else {
                            let w = f.mandatoryDigits + f.optionalDigits
                            if w >= 2 { def.n = w }
                        }
                        f.n = def.n
                    } else if comp != "f" {
                        let w = def.widthMax ?? (f.mandatoryDigits + f.optionalDigits)
                        if w >= 2 { f.n = w }
                    }
                    def.integerFormat = f
                }
                if comp == "Z" || comp == "z" { def.integerFormat = try IntegerFormat(def.presentation1) }
                spec.append(.marker(def))
                start = pos + 1
            }
            pos += 1
        }
        addLiteral(start, pos)
        return spec
    }

    // MARK: calendar arithmetic (proleptic Gregorian, UTC)

    static func daysFromCivil(_ yIn: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? yIn - 1 : yIn
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ zIn: Int) -> (y: Int, m: Int, d: Int) {
        let z = zIn + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// JavaScript `Date.UTC(y, month0, d, h, mi, s, ms)` with overflow normalization.
    static func utc(_ y: Int, _ month0: Int, _ d: Int = 1, _ h: Double = 0, _ mi: Double = 0, _ s: Double = 0, _ ms: Double = 0) -> Double {
        let yy = y + clampInt((Double(month0) / 12).rounded(.down))
        let mm = ((month0 % 12) + 12) % 12
        let days = daysFromCivil(yy, mm + 1, 1) + d - 1
        return Double(days) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms
    }

    struct Fields {
        var year: Int, month0: Int, day: Int, hours: Int, minutes: Int, seconds: Int, millis: Int, weekday: Int
        var time: Double
    }

    static func fields(_ t: Double) -> Fields {
        let days = clampInt((t / 86_400_000).rounded(.down)) % 3_000_000_000
        var rem = clampInt(t - Double(days) * 86_400_000)
        if rem < 0 || rem >= 86_400_000 { rem = 0 }
        let (y, m, d) = civilFromDays(days)
        let h = rem / 3_600_000; rem %= 3_600_000
        let mi = rem / 60_000; rem %= 60_000
        let s = rem / 1000
        let ms = rem % 1000
        let wd = ((days % 7) + 7 + 4) % 7
        return Fields(year: y, month0: m - 1, day: d, hours: h, minutes: mi, seconds: s, millis: ms, weekday: wd, time: t)
    }

    static func startOfFirstWeek(_ year: Int, _ month0: Int) -> Double {
        let jan1 = utc(year, month0)
        var dow = fields(jan1).weekday
        if dow == 0 { dow = 7 }
        return dow > 4 ? jan1 + Double(8 - dow) * 86_400_000 : jan1 - Double(dow - 1) * 86_400_000
    }

    static func deltaWeeks(_ start: Double, _ end: Double) -> Double { (end - start) / (86_400_000 * 7) + 1 }

    enum Fragment { case int(Int), text(String) }

    static func fragment(_ f: Fields, _ c: Character) -> Fragment {
        switch c {
        case "Y": return .int(f.year)
        case "M": return .int(f.month0 + 1)
        case "D": return .int(f.day)
        case "d":
            let start = utc(f.year, 0)
            return .int(clampInt(((f.time - start) / 86_400_000).rounded(.down)) + 1)
        case "F": return .int(f.weekday == 0 ? 7 : f.weekday)
        case "W":
            let s1 = startOfFirstWeek(f.year, 0)
            let today = utc(f.year, f.month0, f.day)
            var week = deltaWeeks(s1, today)
            if week > 52 {
                if today >= startOfFirstWeek(f.year + 1, 0) { week = 1 }
            } else if week < 1 {
                week = deltaWeeks(startOfFirstWeek(f.year - 1, 0), today)
            }
            return .int(clampInt(week.rounded(.down)))
        case "w":
            let s1 = startOfFirstWeek(f.year, f.month0)
            let today = utc(f.year, f.month0, f.day)
            var week = deltaWeeks(s1, today)
            if week > 4 {
                let (ny, nm) = f.month0 == 11 ? (f.year + 1, 0) : (f.year, f.month0 + 1)
                if today >= startOfFirstWeek(ny, nm) { week = 1 }
            } else if week < 1 {
                let (py, pm) = f.month0 == 0 ? (f.year - 1, 11) : (f.year, f.month0 - 1)
                week = deltaWeeks(startOfFirstWeek(py, pm), today)
            }
            return .int(clampInt(week.rounded(.down)))
        case "X":
            let s = startOfFirstWeek(f.year, 0), e = startOfFirstWeek(f.year + 1, 0)
            if f.time < s { return .int(f.year - 1) }
            if f.time >= e { return .int(f.year + 1) }
            return .int(f.year)
        case "x":
            let s = startOfFirstWeek(f.year, f.month0)
            let (ny, nm) = f.month0 == 11 ? (f.year + 1, 0) : (f.year, f.month0 + 1)
            let e = startOfFirstWeek(ny, nm)
            if f.time < s { return .int(f.month0 == 0 ? 12 : f.month0) }
            if f.time >= e { return .int(nm + 1) }
            return .int(f.month0 + 1)
        case "H": return .int(f.hours)
        case "h":
            let h = f.hours % 12
            return .int(h == 0 ? 12 : h)
        case "P": return .text(f.hours >= 12 ? "pm" : "am")
        case "m": return .int(f.minutes)
        case "s": return .int(f.seconds)
        case "f": return .int(f.millis)
        case "C", "E": return .text("ISO")
        default: return .int(0)
        }
    }

    static let isoSpec: [Part] = (try? analyse("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]")) ?? []

    static func format(_ millis: Double, picture: String?, timezone: String?) throws -> String {
        var offH = 0, offM = 0
        if let tz = timezone {
            let digits = tz.prefix { $0 == "+" || $0 == "-" || $0.isNumber }
            let off = Int(digits) ?? 0
            offH = Int((Double(off) / 100).rounded(.down))
            offM = off % 100
        }
        let spec = try picture.map(analyse) ?? isoSpec
        let offMillis = Double(60 * offH + offM) * 60_000
        let f = fields(millis + offMillis)
        var out = ""
        for part in spec {
            switch part {
            case .literal(let s): out += s
            case .marker(let m): out += try formatComponent(f, m, offH, offM)
            }
        }
        return out
    }

    static func formatComponent(_ f: Fields, _ m: Marker, _ offH: Int, _ offM: Int) throws -> String {
        let c = m.component
        if "YMDdFWwXxHhms".contains(c) {
            guard case .int(var v) = fragment(f, c) else { return "" }
            if c == "Y" && m.n != -1 {
                v = v % clampInt(pow(10, Double(Swift.min(m.n, 15))))
            }
            if let names = m.names {
                var s: String
                if c == "M" || c == "x" { s = months[(v - 1 + 12) % 12] } else if c == "F" { s = days[v] } else {
                    throw JSONataError(code: "D3133", value: String(c))
                }
                if names == .upper { s = s.uppercased() } else if names == .lower { s = s.lowercased() }
                if let mx = m.widthMax, s.count > mx { s = String(s.prefix(mx)) }
                return s
            }
            guard let fmt = m.integerFormat else { return String(v) }
            return try fmt.format(Double(v))
        } else if c == "f" {
            guard case .int(let v) = fragment(f, c), let fmt = m.integerFormat else { return "" }
            return try fmt.format(Double(v))
        } else if c == "Z" || c == "z" {
            let offset = offH * 100 + offM
            guard let fmt = m.integerFormat else { return "" }
            var s: String
            if fmt.regular {
                s = try fmt.format(Double(offset))
            } else {
                let nd = fmt.mandatoryDigits
                if nd == 1 || nd == 2 {
                    s = try fmt.format(Double(offH))
                    if offM != 0 { s += ":" + (try IntegerFormat("00").format(Double(offM))) }
                } else if nd == 3 || nd == 4 {
                    s = try fmt.format(Double(offset))
                } else {
                    throw JSONataError(code: "D3134", value: String(nd))
                }
            }
            if offset >= 0 { s = "+" + s }
            if c == "z" { s = "GMT" + s }
            if offset == 0 && m.presentation2 == "t" { s = "Z" }
            return s
        } else if c == "P" {
            guard case .text(var s) = fragment(f, c) else { return "" }
            if m.names == .upper { s = s.uppercased() }
            return s
        } else if c == "C" || c == "E" {
            return "ISO"
        }
        return ""
    }

    // MARK: parsing

    static func escapeRegex(_ s: String) -> String {
        var out = ""
        for c in s {
            if ".*+?^${}()|[]\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func parse(_ timestamp: String, picture: String, now: Double) throws -> Double? {
        let spec = try analyse(picture)
        var regex = "^"
        var parsers: [(Character?, (String) -> Double?)] = []
        for part in spec {
            switch part {
            case .literal(let s):
                regex += "(" + escapeRegex(s) + ")"
                parsers.append((nil, { _ in nil }))
            case .marker(let m):
                let c = m.component
                if c == "Z" || c == "z" {
                    var sep: String?
                    if let f = m.integerFormat, f.regular, let rs = f.regularSeparator { sep = rs.character }
                    var r = c == "z" ? "GMT" : ""
                    r += "[-+][0-9]+"
                    if let s = sep { r += escapeRegex(s) + "[0-9]+" }
                    regex += "(" + r + ")"
                    parsers.append((c, { valueIn in
                        var value = valueIn
                        if c == "z" { value = String(value.dropFirst(3)) }
                        var oh = 0, om = 0
                        if let s = sep, let r = value.range(of: s) {
                            oh = Int(value[..<r.lowerBound]) ?? 0
                            om = Int(value[r.upperBound...]) ?? 0
                        } else {
                            let nd = value.count - 1
                            if nd <= 2 {
                                oh = Int(value) ?? 0
                            } else {
                                oh = Int(value.prefix(3)) ?? 0
                                om = Int(value.dropFirst(3)) ?? 0
                            }
                        }
                        return Double(oh * 60 + (oh < 0 ? -om : om))
                    }))
                } else if c == "f", let f = m.integerFormat, f.primary == .decimal {
                    regex += "([0-9]+)"
                    parsers.append((c, { Double("0." + $0).map { ($0 * 1000).rounded(.down) } }))
                } else if let f = m.integerFormat {
                    regex += "(" + (try f.regex()) + ")"
                    parsers.append((c, { try? f.parse($0) ?? nil }))
                } else {
                    regex += "([a-zA-Z]+)"
                    var lookup: [String: Double] = [:]
                    if c == "M" || c == "x" {
                        for (i, n) in months.enumerated() {
                            let k = m.widthMax.map { String(n.prefix($0)) } ?? n
                            lookup[k.lowercased()] = Double(i + 1)
                        }
                    } else if c == "F" {
                        for (i, n) in days.enumerated() where i > 0 {
                            let k = m.widthMax.map { String(n.prefix($0)) } ?? n
                            lookup[k.lowercased()] = Double(i)
                        }
                    } else if c == "P" {
                        lookup = ["am": 0, "pm": 1]
                    } else {
                        throw JSONataError(code: "D3133", value: String(c))
                    }
                    parsers.append((c, { lookup[$0.lowercased()] }))
                }
            }
        }
        regex += "$"
        guard let re = try? NSRegularExpression(pattern: regex, options: [.caseInsensitive]) else { return nil }
        let ns = timestamp as NSString
        guard let match = re.firstMatch(in: timestamp, range: NSRange(location: 0, length: ns.length)) else { return nil }
        var comps: [Character: Double] = [:]
        for i in 1..<match.numberOfRanges where i - 1 < parsers.count {
            let r = match.range(at: i)
            guard r.location != NSNotFound, let c = parsers[i - 1].0 else { continue }
            if let v = parsers[i - 1].1(ns.substring(with: r)) { comps[c] = v }
        }
        if comps.isEmpty { return nil }
        var mask = 0
        func shift(_ present: Bool) { mask <<= 1; mask += present ? 1 : 0 }
        func isType(_ t: Int) -> Bool { (~t & mask) == 0 && (t & mask) != 0 }
        for c in "YXMxWwdD" { shift(comps[c] != nil) }
        let dateA = isType(161)
        let dateB = !dateA && isType(130)
        let dateC = isType(84)
        let dateD = !dateC && isType(72)
        mask = 0
        for c in "PHhmsf" { shift(comps[c] != nil) }
        let timeA = isType(23)
        let timeB = !timeA && isType(47)
        let dateComps = dateB ? "Yd" : dateC ? "XxwF" : dateD ? "XWF" : "YMD"
        let timeComps = timeB ? "Phmsf" : "Hmsf"
        let nowF = fields(now)
        var startSpecified = false, endSpecified = false
        for part in dateComps + timeComps {
            if comps[part] == nil {
                if startSpecified {
                    comps[part] = "MDd".contains(part) ? 1 : 0
                    endSpecified = true
                } else {
                    switch fragment(nowF, part) {
                    case .int(let v): comps[part] = Double(v)
                    case .text(let t): comps[part] = t == "pm" ? 1 : 0
                    }
                }
            } else {
                startSpecified = true
                if endSpecified { throw JSONataError(code: "D3136") }
            }
        }
        var month0 = clampInt(comps["M"] ?? 1)
        month0 = month0 > 0 ? month0 - 1 : 0
        var day = clampInt(comps["D"] ?? 1)
        let year = clampInt(comps["Y"] ?? 1970)
        if dateB {
            let firstJan = utc(year, 0)
            let derived = fields(firstJan + ((comps["d"] ?? 1) - 1) * 86_400_000)
            month0 = derived.month0
            day = derived.day
        }
        if dateC || dateD { throw JSONataError(code: "D3136") }
        var hours = comps["H"] ?? 0
        if timeB {
            let h = comps["h"] ?? 0
            hours = h == 12 ? 0 : h
            if comps["P"] == 1 { hours += 12 }
        }
        var millis = utc(year, month0, day, hours, comps["m"] ?? 0, comps["s"] ?? 0, comps["f"] ?? 0)
        if let z = comps["Z"] ?? comps["z"] { millis -= z * 60_000 }
        return millis
    }

    /// `Date.parse` for the ISO 8601 forms jsonata accepts.
    static func parseISO(_ s: String) throws -> Double? {
        let check = "^\\d{4}(-[01]\\d)*(-[0-3]\\d)*(T[0-2]\\d:[0-5]\\d:[0-5]\\d)*(\\.\\d+)?([+-][0-2]\\d:?[0-5]\\d|Z)?$"
        if s.range(of: check, options: .regularExpression) == nil {
            throw JSONataError(code: "D3110", value: s)
        }
        let pattern = "^([+-]\\d{6}|\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?)?(Z|[+-]\\d{2}:?\\d{2})?$"
        guard let re = try? NSRegularExpression(pattern: pattern), let m = re.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length)) else { return nil }
        let ns = s as NSString
        func g(_ i: Int) -> String? {
            let r = m.range(at: i)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
        guard let y = Int(g(1) ?? "") else { return nil }
        let mo = Int(g(2) ?? "1") ?? 1
        let d = Int(g(3) ?? "1") ?? 1
        let h = Double(g(4) ?? "0") ?? 0
        let mi = Double(g(5) ?? "0") ?? 0
        let sec = Double(g(6) ?? "0") ?? 0
        var ms = 0.0
        if let f = g(7) { ms = (Double("0." + f) ?? 0) * 1000; ms = ms.rounded(.down) }
        if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 59 { return nil }
        var t = utc(y, mo - 1, d, h, mi, sec, ms)
        if let z = g(8), z != "Z" {
            let sign: Double = z.hasPrefix("-") ? -1 : 1
            let digits = z.dropFirst().filter { $0.isNumber }
            let oh = Double(digits.prefix(2)) ?? 0
            let om = Double(digits.dropFirst(2)) ?? 0
            t -= sign * (oh * 60 + om) * 60_000
        }
        return t
    }
}

extension Library {
    static func registerDates(_ def: Def) {
        def("now", "<s?s?:s>") { a, cx in
            let t = (cx.ev.timestamp.timeIntervalSince1970 * 1000).rounded(.down)
            return .str(try DateTimePicture.format(t, picture: str(a.first ?? nil), timezone: str(a.count > 1 ? a[1] : nil)))
        }
        def("millis", "<:n>") { _, cx in .num((cx.ev.timestamp.timeIntervalSince1970 * 1000).rounded(.down)) }
        def("fromMillis", "<n-s?s?:s>") { a, _ in
            guard let t = num(a[0]) else { return nil }
            return .str(try DateTimePicture.format(t, picture: str(a.count > 1 ? a[1] : nil), timezone: str(a.count > 2 ? a[2] : nil)))
        }
        def("toMillis", "<s-s?:n>") { a, cx in
            guard let s = str(a[0]) else { return nil }
            if a.count > 1, let p = str(a[1]) {
                let now = (cx.ev.timestamp.timeIntervalSince1970 * 1000).rounded(.down)
                return try DateTimePicture.parse(s, picture: p, now: now).map { .num($0) }
            }
            return try DateTimePicture.parseISO(s).map { .num($0) }
        }
    }
}
