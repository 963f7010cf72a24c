import Foundation

/// A JSON value as seen by JSONata: objects keep their key order, numbers are `Double`.
public enum JSONataValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONataValue])
    case object(JSONataObject)
    /// A function value (a JSONata lambda or native function); serialized as `""` like jsonata-js.
    case function(JSONataFunctionHandle)

    /// Convenience: builds an object from ordered pairs.
    public static func object(_ pairs: [(String, JSONataValue)]) -> JSONataValue {
        var o = JSONataObject()
        for (k, v) in pairs { o[k] = v }
        return .object(o)
    }
}

/// An opaque handle on a function value produced by an expression.
public struct JSONataFunctionHandle: @unchecked Sendable, Equatable {
    let box: JFunc
    public static func == (a: JSONataFunctionHandle, b: JSONataFunctionHandle) -> Bool { a.box === b.box }
}

/// An insertion-ordered JSON object.
public struct JSONataObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var values: [JSONataValue] = []
    private var index: [String: Int]?

    public init() {}

    private func position(_ key: String) -> Int? {
        if let ix = index { return ix[key] }
        for i in 0..<keys.count where keys[i] == key { return i }
        return nil
    }

    /// Reads or writes a member; writing `nil` removes it.
    public subscript(key: String) -> JSONataValue? {
        get { position(key).map { values[$0] } }
        set {
            if let v = newValue {
                if let i = position(key) {
                    values[i] = v
                } else {
                    keys.append(key)
                    values.append(v)
                    if index != nil { index?[key] = keys.count - 1 } else if keys.count > 8 { rebuildIndex() }
                }
            } else if let i = position(key) {
                keys.remove(at: i)
                values.remove(at: i)
                if index != nil { rebuildIndex() }
            }
        }
    }

    private mutating func rebuildIndex() {
        var d: [String: Int] = [:]
        for (i, k) in keys.enumerated() { d[k] = i }
        index = d
    }

    /// Members in insertion order.
    public var entries: [(key: String, value: JSONataValue)] {
        var r: [(key: String, value: JSONataValue)] = []
        r.reserveCapacity(keys.count)
        for i in 0..<keys.count { r.append((keys[i], values[i])) }
        return r
    }

    /// Calls `body` for each member in order without building an array.
    public func forEach(_ body: (String, JSONataValue) throws -> Void) rethrows {
        for i in 0..<keys.count { try body(keys[i], values[i]) }
    }

    public var count: Int { keys.count }

    /// Key order is ignored when comparing.
    public static func == (a: JSONataObject, b: JSONataObject) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.keys.count where b[a.keys[i]] != a.values[i] { return false }
        return true
    }
}

extension JSONataValue {
    /// Parses JSON text (RFC 8259) into a value, keeping object key order.
    public static func parse(json text: String) throws(JSONataError) -> JSONataValue {
        var p = JSONTextParser(Array(text.utf8))
        do {
            p.skipWS()
            let v = try p.value(depth: 0)
            p.skipWS()
            if p.i != p.b.count { throw p.fail("unexpected trailing characters") }
            return v
        } catch let e as JSONataError {
            throw e
        } catch {
            throw JSONataError(code: "JSON", message: "Invalid JSON")
        }
    }

    /// Serializes the value as JSON text; numbers print like JavaScript (`1`, not `1.0`).
    public func jsonText(pretty: Bool = false) -> String {
        var out = ""
        JSONWriter.write(self, into: &out, pretty: pretty, indent: 0)
        return out
    }
}

struct JSONTextParser {
    static let maxDepth = 1000
    let b: [UInt8]
    var i = 0
    init(_ b: [UInt8]) { self.b = b }

    func fail(_ m: String) -> JSONataError {
        JSONataError(code: "JSON", message: "Invalid JSON at offset \(i): \(m)")
    }

    mutating func skipWS() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    mutating func value(depth: Int) throws -> JSONataValue {
        guard depth < JSONTextParser.maxDepth else { throw fail("nesting deeper than \(JSONTextParser.maxDepth) levels") }
        guard i < b.count else { throw fail("unexpected end") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o = JSONataObject()
            skipWS()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                skipWS()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected key") }
                let k = try string()
                skipWS()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected :") }
                i += 1
                skipWS()
                o[k] = try value(depth: depth + 1)
                skipWS()
                guard i < b.count else { throw fail("unexpected end") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                throw fail("expected , or }")
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [JSONataValue] = []
            skipWS()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                skipWS()
                a.append(try value(depth: depth + 1))
                skipWS()
                guard i < b.count else { throw fail("unexpected end") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw fail("expected , or ]")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            if b.count - i >= 4, b[i..<i+4].elementsEqual("true".utf8) { i += 4; return .bool(true) }
            throw fail("bad literal")
        case UInt8(ascii: "f"):
            if b.count - i >= 5, b[i..<i+5].elementsEqual("false".utf8) { i += 5; return .bool(false) }
            throw fail("bad literal")
        case UInt8(ascii: "n"):
            if b.count - i >= 4, b[i..<i+4].elementsEqual("null".utf8) { i += 4; return .null }
            throw fail("bad literal")
        default:
            return .number(try number())
        }
    }

    mutating func number() throws -> Double {
        let s = i
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1; digits += 1 }
        if digits == 0 { throw fail("bad number") }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var fd = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1; fd += 1 }
            if fd == 0 { throw fail("bad number") }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var ed = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1; ed += 1 }
            if ed == 0 { throw fail("bad number") }
        }
        guard let str = String(bytes: b[s..<i], encoding: .ascii), let d = Double(str) else { throw fail("bad number") }
        return d
    }

    mutating func hex4() throws -> UInt16 {
        guard b.count - i >= 4 else { throw fail("bad escape") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = b[i]
            var d: UInt16
            switch c {
            case 0x30...0x39: d = UInt16(c - 0x30)
            case 0x41...0x46: d = UInt16(c - 0x41 + 10)
            case 0x61...0x66: d = UInt16(c - 0x61 + 10)
            default: throw fail("bad escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    mutating func string() throws -> String {
        i += 1
        var bytes: [UInt8] = []
        var units: [UInt16] = []
        func flushUnits(_ bytes: inout [UInt8], _ units: inout [UInt16]) {
            if units.isEmpty { return }
            let s = decodeUTF16KeepingLoneSurrogates(units)
            bytes.append(contentsOf: Array(s.utf8))
            units.removeAll()
        }
        while true {
            guard i < b.count else { throw fail("unterminated string") }
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < b.count else { throw fail("bad escape") }
                let e = b[i]
                i += 1
                if e == UInt8(ascii: "u") {
                    units.append(try hex4())
                    continue
                }
                flushUnits(&bytes, &units)
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                default: throw fail("bad escape")
                }
                continue
            }
            flushUnits(&bytes, &units)
            bytes.append(c)
            i += 1
        }
        flushUnits(&bytes, &units)
        return String(decoding: bytes, as: UTF8.self)
    }
}

enum JSONWriter {
    static func quote(_ s: String, into out: inout String) {
        out.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if u.value < 0x20 {
                    out.append("\\u")
                    let h = String(u.value, radix: 16)
                    out.append(String(repeating: "0", count: 4 - h.count) + h)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.append("\"")
    }

    static func write(_ v: JSONataValue, into out: inout String, pretty: Bool, indent: Int) {
        switch v {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let d): out.append(d.isFinite ? jsNumberString(d) : "null")
        case .string(let s): quote(s, into: &out)
        case .function: out.append("\"\"")
        case .array(let a):
            if a.isEmpty { out.append("[]"); return }
            out.append("[")
            for (n, x) in a.enumerated() {
                if n > 0 { out.append(",") }
                if pretty { out.append("\n"); out.append(String(repeating: " ", count: indent + 2)) }
                write(x, into: &out, pretty: pretty, indent: indent + 2)
            }
            if pretty { out.append("\n"); out.append(String(repeating: " ", count: indent)) }
            out.append("]")
        case .object(let o):
            if o.count == 0 { out.append("{}"); return }
            out.append("{")
            for (n, e) in o.entries.enumerated() {
                if n > 0 { out.append(",") }
                if pretty { out.append("\n"); out.append(String(repeating: " ", count: indent + 2)) }
                quote(e.key, into: &out)
                out.append(pretty ? ": " : ":")
                write(e.value, into: &out, pretty: pretty, indent: indent + 2)
            }
            if pretty { out.append("\n"); out.append(String(repeating: " ", count: indent)) }
            out.append("}")
        }
    }
}

/// Formats a double the way JavaScript's `Number.prototype.toString()` does.
func jsNumberString(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    if d == 0 { return "0" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    var s = "\(abs(d))"
    var exp = 0
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exp = Int(s[s.index(after: e)...]) ?? 0
        s = String(s[..<e])
    }
    var digits = ""
    var pointPos = s.count
    if let p = s.firstIndex(of: ".") {
        pointPos = s.distance(from: s.startIndex, to: p)
        digits = s.replacingOccurrences(of: ".", with: "")
    } else {
        digits = s
    }
    // strip leading zeros
    var lead = 0
    for c in digits { if c == "0" { lead += 1 } else { break } }
    digits.removeFirst(lead)
    pointPos -= lead
    while digits.hasSuffix("0") { digits.removeLast() }
    if digits.isEmpty { return "0" }
    let n = pointPos + exp
    let k = digits.count
    var r = d < 0 ? "-" : ""
    if k <= n && n <= 21 {
        r += digits + String(repeating: "0", count: n - k)
    } else if 0 < n && n <= 21 {
        let idx = digits.index(digits.startIndex, offsetBy: n)
        r += digits[..<idx] + "." + digits[idx...]
    } else if -6 < n && n <= 0 {
        r += "0." + String(repeating: "0", count: -n) + digits
    } else {
        let e = n - 1
        r += String(digits.prefix(1))
        if k > 1 { r += "." + digits.dropFirst() }
        r += "e" + (e >= 0 ? "+" : "-") + String(abs(e))
    }
    return r
}

/// Marker scalar standing for an unpaired UTF-16 surrogate (Swift strings cannot hold one).
let loneSurrogateMarker: Unicode.Scalar = Unicode.Scalar(UInt32(0xFDD0)) ?? "?"

/// Decodes UTF-16, replacing each unpaired surrogate with `loneSurrogateMarker` (so `$encodeUrl` can reject it).
func decodeUTF16KeepingLoneSurrogates(_ units: [UInt16]) -> String {
    var out = String.UnicodeScalarView()
    var i = 0
    while i < units.count {
        let u = units[i]
        if u >= 0xD800 && u <= 0xDBFF, i + 1 < units.count, units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF {
            let v = 0x10000 + ((UInt32(u) - 0xD800) << 10) + (UInt32(units[i + 1]) - 0xDC00)
            if let s = Unicode.Scalar(v) { out.append(s) }
            i += 2
            continue
        }
        if u >= 0xD800 && u <= 0xDFFF {
            out.append(loneSurrogateMarker)
        } else if let s = Unicode.Scalar(u) {
            out.append(s)
        }
        i += 1
    }
    return String(out)
}
