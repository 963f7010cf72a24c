extension JSON {
    /// The JSON text of the value: compact (`{"a":1}`, as AWS writes `States.JsonToString`) or pretty.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(64)
        JSONSerializer.write(self, into: &out, pretty: pretty, indent: 0)
        return out
    }
}

/// Writes JSON text the way AWS's Java service does: compact, `/` unescaped, non-ASCII kept.
public enum JSONSerializer {
    static func write(_ v: JSON, into out: inout String, pretty: Bool, indent: Int) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let s): out += s
        case .double(let d): out += formatDouble(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (k, e) in a.enumerated() {
                if k > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                write(e, into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            var first = true
            for (k, e) in o {
                if !first { out += "," }
                first = false
                if pretty { newline(&out, indent + 1) }
                writeString(k, into: &out)
                out += pretty ? ": " : ":"
                write(e, into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "}"
        }
    }

    static func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// Writes a JSON string literal with the escapes JSON requires and no others.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        var needsEscape = false
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += s
        } else {
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                default:
                    if u.value < 0x20 {
                        let hex = String(u.value, radix: 16, uppercase: false)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(u)
                    }
                }
            }
        }
        out += "\""
    }

    /// Formats a double as Java's `Double.toString` does (`1.0`, `0.001`, `1.0E7`, `1.0E-4`), which is how
    /// AWS prints decimals inside strings.
    public static func formatDouble(_ d: Double) -> String {
        // JSON has no NaN or infinity; a computation that produced one is written as null, never as invalid JSON.
        if !d.isFinite { return "null" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift gives the shortest round-tripping digits; re-lay them out as Java does.
        let (negative, digits, exponent) = decimalDigits(d)
        let sign = negative ? "-" : ""
        let magnitude = abs(d)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            // Plain notation: digits with the point placed after `exponent + 1` digits.
            let pointPos = exponent + 1
            if pointPos <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPos) + digits
            } else if pointPos >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPos - digits.count) + ".0"
            } else {
                let idx = digits.index(digits.startIndex, offsetBy: pointPos)
                return sign + digits[..<idx] + "." + digits[idx...]
            }
        }
        let first = digits.prefix(1)
        var rest = String(digits.dropFirst())
        if rest.isEmpty { rest = "0" }
        return sign + first + "." + rest + "E" + String(exponent)
    }

    /// The shortest decimal digits of `d` and its base-10 exponent (d = 0.DIGITS × 10^(exponent+1)).
    static func decimalDigits(_ d: Double) -> (Bool, String, Int) {
        var text = "\(abs(d))"  // e.g. "1234.5", "1e-05", "1.2345e+20"
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var intPart = text
        var fracPart = ""
        if let dot = text.firstIndex(of: ".") {
            intPart = String(text[..<dot])
            fracPart = String(text[text.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var exponent = exp + intPart.count - 1
        // Strip leading zeros (0.00123 → 123, exponent adjusted).
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        return (d < 0, digits, exponent)
    }
}
