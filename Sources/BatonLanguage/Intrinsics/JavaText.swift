/// How AWS's Java service prints a JSON value inside `States.Format`: strings as they are, numbers as
/// Java prints them, arrays as `[a, b]` and objects as `{k=v, k2=v2}` (Java's collection `toString`).
enum JavaText {
    static func render(_ value: JSON) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: JSON, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let s): out += s
        case .double(let d): out += JSONSerializer.formatDouble(d)
        case .string(let s): out += s
        case .array(let a):
            out += "["
            for (k, v) in a.enumerated() {
                if k > 0 { out += ", " }
                write(v, into: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            var first = true
            for (k, v) in o {
                if !first { out += ", " }
                first = false
                out += k
                out += "="
                write(v, into: &out)
            }
            out += "}"
        }
    }
}
