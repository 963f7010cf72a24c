import Foundation

/// An analysed integer picture (`$formatInteger`, `$parseInteger`, date/time components).
struct IntegerFormat {
    enum Primary { case decimal, letters, roman, words, sequence }
    enum Case { case upper, lower, title }
    var primary: Primary = .decimal
    var letterCase: Case = .lower
    var ordinal = false
    var zeroCode: UInt32 = 0x30
    var mandatoryDigits = 0
    var optionalDigits = 0
    var regular = false
    var regularSeparator: (position: Int, character: String)?
    var separators: [(position: Int, character: String)] = []
    var token = ""
    /// Fixed width used when parsing date components.
    var n = -1

    static let decimalGroups: [UInt32] = [0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10]

    init(_ picture: String) throws {
        var primaryFormat = picture
        if let semi = picture.lastIndex(of: ";") {
            primaryFormat = String(picture[..<semi])
            let mod = picture[picture.index(after: semi)...]
            if mod.first == "o" { ordinal = true }
        }
        switch primaryFormat {
        case "A": letterCase = .upper; primary = .letters
        case "a": primary = .letters
        case "I": letterCase = .upper; primary = .roman
        case "i": primary = .roman
        case "W": letterCase = .upper; primary = .words
        case "Ww": letterCase = .title; primary = .words
        case "w": primary = .words
        default:
            var zero: UInt32?
            var sepPos = 0
            var seps: [(Int, String)] = []
            for u in primaryFormat.unicodeScalars.reversed() {
                var digit = false
                for g in IntegerFormat.decimalGroups where u.value >= g && u.value <= g + 9 {
                    digit = true
                    mandatoryDigits += 1
                    sepPos += 1
                    if zero == nil { zero = g } else if zero != g { throw JSONataError(code: "D3131") }
                    break
                }
                if !digit {
                    if u == "#" {
                        sepPos += 1
                        optionalDigits += 1
                    } else {
                        seps.append((sepPos, String(Character(u))))
                    }
                }
            }
            if mandatoryDigits > 0 {
                primary = .decimal
                zeroCode = zero ?? 0x30
                let reg = IntegerFormat.regularRepeat(seps)
                if reg > 0 {
                    regular = true
                    regularSeparator = (reg, seps[0].1)
                } else {
                    separators = seps.map { (position: $0.0, character: $0.1) }
                }
                if seps.isEmpty { regular = false }
            } else {
                primary = .sequence
                token = primaryFormat
            }
        }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    static func regularRepeat(_ seps: [(Int, String)]) -> Int {
        if seps.isEmpty { return 0 }
        let c = seps[0].1
        for s in seps.dropFirst() where s.1 != c { return 0 }
        let idx = seps.map { $0.0 }
        let factor = idx.dropFirst().reduce(idx[0]) { gcd($0, $1) }
        if factor == 0 { return 0 }
        for i in 1...idx.count where !idx.contains(i * factor) { return 0 }
        return factor
    }

    func format(_ valueIn: Double) throws -> String {
        let negative = valueIn < 0
        let value = Swift.abs(valueIn)
        var s: String
        switch primary {
        case .letters:
            s = IntegerWords.toLetters(value, upper: letterCase == .upper)
        case .roman:
            if value >= 1e7 { throw JSONataError(code: "D3130", value: "roman numerals beyond 10^7") }
            s = IntegerWords.toRoman(clampInt(value))
            if letterCase == .upper { s = s.uppercased() }
        case .words:
            s = IntegerWords.toWords(value, ordinal: ordinal)
            if letterCase == .upper { s = s.uppercased() } else if letterCase == .lower { s = s.lowercased() }
        case .decimal:
            s = value < 1e21 ? String(format: "%.0f", value) : jsNumberString(value)
            let pad = mandatoryDigits - s.count
            if pad > 0 { s = String(repeating: "0", count: pad) + s }
            if zeroCode != 0x30 {
                var t = String.UnicodeScalarView()
                for u in s.unicodeScalars {
                    t.append(Unicode.Scalar(u.value + zeroCode - 0x30) ?? u)
                }
                s = String(t)
            }
            var chars = Array(s)
            if regular, let rs = regularSeparator {
                let n = (chars.count - 1) / rs.position
                if n > 0 {
                    for ii in stride(from: n, to: 0, by: -1) {
                        let pos = chars.count - ii * rs.position
                        chars.insert(contentsOf: Array(rs.character), at: pos)
                    }
                }
            } else {
                for sep in separators.reversed() {
                    let pos = chars.count - sep.position
                    if pos >= 0 { chars.insert(contentsOf: Array(sep.character), at: pos) }
                }
            }
            s = String(chars)
            if ordinal {
                let last = s.last
                var suffix: String
                switch last {
                case "1": suffix = "st"
                case "2": suffix = "nd"
                case "3": suffix = "rd"
                default: suffix = "th"
                }
                if chars.count > 1 && chars[chars.count - 2] == "1" { suffix = "th" }
                s += suffix
            }
        case .sequence:
            throw JSONataError(code: "D3130", value: token)
        }
        return negative ? "-" + s : s
    }

    /// Regex (ICU syntax) matching this format, for parsing.
    func regex() throws -> String {
        let occurrences: String
        if n > 0 {
            occurrences = optionalDigits == 0 ? "{\(n)}" : "{\(n - optionalDigits),\(n)}"
        } else {
            occurrences = "+"
        }
        switch primary {
        case .letters: return letterCase == .upper ? "[A-Z]+" : "[a-z]+"
        case .roman: return letterCase == .upper ? "[MDCLXVI]+" : "[mdclxvi]+"
        case .words:
            let words = IntegerWords.wordValues.keys.sorted { $0.count > $1.count }
            return "(?:" + (["and"] + words + ["\\s", "-", ","]).joined(separator: "|") + ")+"
        case .decimal:
            var r = "[0-9]" + occurrences
            if ordinal { r += "(?:th|st|nd|rd)" }
            return r
        case .sequence:
            throw JSONataError(code: "D3130", value: token)
        }
    }

    func parse(_ value: String) throws -> Double? {
        switch primary {
        case .letters: return IntegerWords.fromLetters(value, upper: letterCase == .upper)
        case .roman: return IntegerWords.fromRoman(letterCase == .upper ? value : value.uppercased())
        case .words: return IntegerWords.fromWords(value.lowercased())
        case .decimal:
            var digits = value
            if ordinal { digits = String(digits.dropLast(2)) }
            if let rs = regularSeparator { digits = digits.replacingOccurrences(of: rs.character, with: "") }
            for s in separators { digits = digits.replacingOccurrences(of: s.character, with: "") }
            if zeroCode != 0x30 {
                var t = String.UnicodeScalarView()
                for u in digits.unicodeScalars {
                    t.append(Unicode.Scalar(u.value >= zeroCode ? u.value - zeroCode + 0x30 : u.value) ?? u)
                }
                digits = String(t)
            }
            // JavaScript parseInt: optional whitespace and sign, then leading digits
            var rest = Substring(digits).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
            var negative = false
            if let f = rest.first, f == "-" || f == "+" {
                negative = f == "-"
                rest = rest.dropFirst()
            }
            let lead = rest.prefix { $0.isASCII && $0.isNumber }
            guard let v = Double(String(lead)) else { return nil }
            return negative ? -v : v
        case .sequence:
            throw JSONataError(code: "D3130", value: token)
        }
    }
}

/// Number words, letters and roman numerals.
enum IntegerWords {
    static let few = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"]
    static let ordinals = ["Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"]
    static let decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"]
    static let magnitudes = ["Thousand", "Million", "Billion", "Trillion"]

    static func toWords(_ value: Double, ordinal: Bool) -> String {
        func lookup(_ num: Double, _ prev: Bool, _ ord: Bool) -> String {
            var words = ""
            if num <= 19 {
                let i = Int(num)
                words = (prev ? " and " : "") + (ord ? ordinals[i] : few[i])
            } else if num < 100 {
                let tens = Int(num / 10)
                let rem = num.truncatingRemainder(dividingBy: 10)
                words = (prev ? " and " : "") + decades[tens - 2]
                if rem > 0 { words += "-" + lookup(rem, false, ord) } else if ord { words = String(words.dropLast()) + "ieth" }
            } else if num < 1000 {
                let hundreds = Int(num / 100)
                let rem = num.truncatingRemainder(dividingBy: 100)
                words = (prev ? ", " : "") + few[hundreds] + " Hundred"
                if rem > 0 { words += lookup(rem, true, ord) } else if ord { words += "th" }
            } else {
                var mag = Int((log10(num) / 3).rounded(.down))
                if mag > magnitudes.count { mag = magnitudes.count }
                let factor = pow(10, Double(mag * 3))
                let mant = (num / factor).rounded(.down)
                let rem = num - mant * factor
                words = (prev ? ", " : "") + lookup(mant, false, false) + " " + magnitudes[mag - 1]
                if rem > 0 { words += lookup(rem, true, ord) } else if ord { words += "th" }
            }
            return words
        }
        return lookup(value, false, ordinal)
    }

    static let wordValues: [String: Double] = {
        var d: [String: Double] = [:]
        for (i, w) in few.enumerated() { d[w.lowercased()] = Double(i) }
        for (i, w) in ordinals.enumerated() { d[w.lowercased()] = Double(i) }
        for (i, w) in decades.enumerated() {
            let l = w.lowercased()
            d[l] = Double((i + 2) * 10)
            d[String(l.dropLast()) + "ieth"] = Double((i + 2) * 10)
        }
        d["hundredth"] = 100
        for (i, w) in magnitudes.enumerated() {
            let l = w.lowercased()
            let v = pow(10, Double((i + 1) * 3))
            d[l] = v
            d[l + "th"] = v
        }
        return d
    }()

    static func fromWords(_ text: String) -> Double? {
        let normalized = text.replacingOccurrences(of: ", ", with: " ").replacingOccurrences(of: " and ", with: " ")
        let parts = normalized.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "\t" || $0 == "\n" }).map(String.init)
        var segs: [Double] = [0]
        for p in parts {
            guard let value = wordValues[p] else { return nil }
            if value < 100 {
                var top = segs.removeLast()
                if top >= 1000 { segs.append(top); top = 0 }
                segs.append(top + value)
            } else {
                segs.append(segs.removeLast() * value)
            }
        }
        return segs.reduce(0, +)
    }

    static let romanNumerals: [(Int, String)] = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]

    static func toRoman(_ v: Int) -> String {
        var value = v
        var out = ""
        var i = 0
        while value > 0 && i < romanNumerals.count {
            if value >= romanNumerals[i].0 { out += romanNumerals[i].1; value -= romanNumerals[i].0 } else { i += 1 }
        }
        return out
    }

    static func fromRoman(_ roman: String) -> Double {
        let values: [Character: Int] = ["M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1]
        var decimal = 0
        var maxV = 1
        for c in roman.reversed() {
            let v = values[c] ?? 0
            if v < maxV { decimal -= v } else { maxV = v; decimal += v }
        }
        return Double(decimal)
    }

    static func toLetters(_ v: Double, upper: Bool) -> String {
        var value = clampInt(v)
        let a = upper ? 65 : 97
        var letters: [Character] = []
        while value > 0 {
            letters.insert(Character(Unicode.Scalar(UInt8((value - 1) % 26 + a))), at: 0)
            value = (value - 1) / 26
        }
        return String(letters)
    }

    static func fromLetters(_ s: String, upper: Bool) -> Double {
        let a = upper ? 65 : 97
        var d = 0.0
        let u = Array(s.unicodeScalars)
        for i in 0..<u.count {
            d += Double(Int(u[u.count - i - 1].value) - a + 1) * pow(26, Double(i))
        }
        return d
    }
}
