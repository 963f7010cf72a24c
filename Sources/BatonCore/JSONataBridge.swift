import BatonJSONata
import BatonLanguage
import Foundation

/// Converts between Baton's JSON and the JSONata evaluator's values.
enum JSONataBridge {
    static func value(_ j: JSON) -> JSONataValue {
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .double(let d): return .number(d)
        case .bigInt(let s): return .number(Double(s) ?? 0)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(value))
        case .object(let o):
            var out = JSONataObject()
            for (k, v) in o { out[k] = value(v) }
            return .object(out)
        }
    }

    /// The JSON of a JSONata value; nil for a function, which JSON can't hold.
    static func json(_ v: JSONataValue) -> JSON? {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .array(let a):
            var out: [JSON] = []
            out.reserveCapacity(a.count)
            for e in a {
                guard let j = json(e) else { return nil }
                out.append(j)
            }
            return .array(out)
        case .object(let o):
            var out = JSONObject()
            for (k, e) in o.entries {
                guard let j = json(e) else { return nil }
                out[k] = j
            }
            return .object(out)
        case .function:
            return nil
        }
    }

    /// The expression inside `{% … %}`, or nil when the string is not exactly one (as AWS, a string with
    /// anything before `{%` or after `%}`, even a space, is a literal).
    static func expression(_ s: String) -> String? {
        guard s.hasPrefix("{%"), s.hasSuffix("%}"), s.utf8.count >= 4 else { return nil }
        return String(s.dropFirst(2).dropLast(2)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Compiled JSONata expressions of one state machine, compiled once on first use.
final class JSONataCache: @unchecked Sendable {
    // The lock guards `compiled`; compiled expressions are immutable values.
    private let lock = NSLock()
    private var compiled: [String: Result<JSONataExpression, JSONataError>] = [:]

    func expression(_ text: String) -> Result<JSONataExpression, JSONataError> {
        lock.lock()
        defer { lock.unlock() }
        if let e = compiled[text] { return e }
        let r: Result<JSONataExpression, JSONataError>
        do {
            r = .success(try JSONataExpression(text))
        } catch {
            r = .failure(error)
        }
        compiled[text] = r
        return r
    }
}

/// Step Functions' own JSONata functions: `$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`.
/// Randomness comes from a generator seeded by the execution, so a replay gives the same values.
final class StepFunctionsLibrary: @unchecked Sendable {
    // Used by one evaluation at a time; the lock makes the generator safe if a closure escapes.
    private let lock = NSLock()
    private var random: DeterministicRandom

    init(seed: UInt64) { random = DeterministicRandom(seed: seed) }

    func nextUnit() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return random.nextUnit()
    }

    func uuid() -> String {
        lock.lock()
        defer { lock.unlock() }
        return random.uuid()
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func functions() -> [JSONataNativeFunction] {
        [
            JSONataNativeFunction(name: "partition") { args in
                guard args.count == 2, case .array(let a)? = args[0], case .number(let n)? = args[1], n >= 1, n.rounded() == n else {
                    throw Failure(description: "$partition expects an array and a positive integer")
                }
                let size = Int(n)
                var out: [JSONataValue] = []
                var k = 0
                while k < a.count {
                    out.append(.array(Array(a[k..<min(k + size, a.count)])))
                    k += size
                }
                return .array(out)
            },
            JSONataNativeFunction(name: "range") { args in
                guard args.count == 3, case .number(let s)? = args[0], case .number(let e)? = args[1],
                      case .number(let st)? = args[2], st != 0, s.rounded() == s, e.rounded() == e, st.rounded() == st else {
                    throw Failure(description: "$range expects three integers, the step not zero")
                }
                var out: [JSONataValue] = []
                var v = s
                while (st > 0 ? v <= e : v >= e) && out.count <= 1000 {
                    out.append(.number(v))
                    v += st
                }
                if out.count > 1000 { throw Failure(description: "$range returns at most 1000 items") }
                // A sequence of one is its item, as JSONata sequences are.
                return out.count == 1 ? out[0] : .array(out)
            },
            JSONataNativeFunction(name: "hash") { args in
                guard args.count == 2, case .string(let algorithm)? = args[1] else {
                    throw Failure(description: "$hash expects a value and an algorithm name")
                }
                let text: String
                switch args[0] {
                case .string(let s)?: text = s
                case let v?: text = JSONataBridge.json(v)?.serialized() ?? ""
                case nil: throw Failure(description: "$hash expects a value")
                }
                guard let hex = Digest.hex(Array(text.utf8), algorithm: algorithm) else {
                    throw Failure(description: "$hash: unknown algorithm '\(algorithm)'")
                }
                return .string(hex)
            },
            JSONataNativeFunction(name: "random") { [self] args in
                if let seedArg = args.first, case .number(let seed)? = seedArg {
                    var r = DeterministicRandom(seed: UInt64(bitPattern: Int64(seed)))
                    return .number(r.nextUnit())
                }
                return .number(self.nextUnit())
            },
            JSONataNativeFunction(name: "uuid") { [self] _ in .string(self.uuid()) },
            JSONataNativeFunction(name: "parse") { args in
                guard case .string(let s)? = args.first else { throw Failure(description: "$parse expects a string") }
                do {
                    return JSONataBridge.value(try JSONParser.parse(s))
                } catch {
                    throw Failure(description: "$parse: not JSON: \(error)")
                }
            },
        ]
    }
}
