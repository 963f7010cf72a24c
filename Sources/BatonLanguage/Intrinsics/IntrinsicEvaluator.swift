/// Runs one intrinsic function on its evaluated arguments, with the arity and type checks of AWS.
struct IntrinsicEvaluator {
    let name: String
    let arguments: [IntrinsicArgument]
    let values: [JSON]

    /// Inputs of the encoding and hashing functions are limited to this many characters.
    static let maxStringLength = 10_000
    /// `States.ArrayRange` makes at most this many items.
    static let maxRangeItems = 1_000

    func fail(_ message: String) -> StatesError {
        .intrinsicFailure("Invalid arguments in \(name): \(message)")
    }

    func arity(_ counts: ClosedRange<Int>) throws(StatesError) {
        guard counts.contains(values.count) else {
            let expected = counts.lowerBound == counts.upperBound
                ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
            throw fail("expected \(expected) argument\(counts.upperBound == 1 ? "" : "s") but got \(values.count)")
        }
    }

    func ordinal(_ k: Int) -> String {
        ["first", "second", "third", "fourth"][min(k, 3)]
    }

    func string(_ k: Int) throws(StatesError) -> String {
        guard case .string(let s) = values[k] else {
            throw fail("the \(ordinal(k)) argument must be a string, but was \(values[k].typeName)")
        }
        return s
    }

    func array(_ k: Int) throws(StatesError) -> [JSON] {
        guard case .array(let a) = values[k] else {
            throw fail("the \(ordinal(k)) argument must be an array, but was \(values[k].typeName)")
        }
        return a
    }

    func object(_ k: Int) throws(StatesError) -> JSONObject {
        guard case .object(let o) = values[k] else {
            throw fail("the \(ordinal(k)) argument must be an object, but was \(values[k].typeName)")
        }
        return o
    }

    func number(_ k: Int) throws(StatesError) -> Double {
        guard let d = values[k].doubleValue else {
            throw fail("the \(ordinal(k)) argument must be a number, but was \(values[k].typeName)")
        }
        return d
    }

    /// An integer argument: integral numbers only (`2.0` counts, `2.5` does not).
    func integer(_ k: Int) throws(StatesError) -> Int {
        guard let d = values[k].doubleValue else {
            throw fail("the \(ordinal(k)) argument must be an integer, but was \(values[k].typeName)")
        }
        guard d.rounded() == d, abs(d) < 9.0e15 else {
            throw fail("the \(ordinal(k)) argument must be an integer, but was \(values[k].serialized())")
        }
        return Int(d)
    }

    func limited(_ s: String) throws(StatesError) -> String {
        guard s.count <= Self.maxStringLength else {
            throw fail("the input string must be at most \(Self.maxStringLength) characters long")
        }
        return s
    }

    /// Java's `Math.round`: half up, toward positive infinity.
    static func javaRound(_ d: Double) -> Int {
        let r = (d + 0.5).rounded(.down)
        if r >= 9.2e18 { return Int.max }
        if r <= -9.2e18 { return Int.min }
        return Int(r)
    }

    func run(random: inout DeterministicRandom) throws(StatesError) -> JSON {
        switch name {
        case "States.Format": return try format()
        case "States.StringToJson":
            try arity(1...1)
            let s = try string(0)
            if s.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) { return .null }
            do {
                return try JSON(parsing: s)
            } catch {
                throw fail("the argument is not valid JSON text: \(error.description)")
            }
        case "States.JsonToString":
            try arity(1...1)
            return .string(values[0].serialized())
        case "States.Array":
            return .array(values)
        case "States.ArrayPartition":
            try arity(2...2)
            let a = try array(0)
            // AWS rounds a chunk size that is not an integer to the nearest one.
            let size = Self.javaRound(try number(1))
            guard size > 0 else { throw fail("the chunk size must be greater than 0, but was \(size)") }
            return .array(stride(from: 0, to: a.count, by: size).map { .array(Array(a[$0..<min($0 + size, a.count)])) })
        case "States.ArrayContains":
            try arity(2...2)
            let a = try array(0)
            return .bool(a.contains(values[1]))
        case "States.ArrayRange":
            try arity(3...3)
            let first = try integer(0), last = try integer(1), step = try integer(2)
            guard step != 0 else { throw fail("the step must not be 0") }
            let count = (step > 0 ? (last >= first ? (last - first) / step + 1 : 0) : (first >= last ? (first - last) / -step + 1 : 0))
            guard count <= Self.maxRangeItems else {
                throw fail("the range must contain at most \(Self.maxRangeItems) items, but would contain \(count)")
            }
            return .array((0..<count).map { .int(first + $0 * step) })
        case "States.ArrayGetItem":
            try arity(2...2)
            let a = try array(0)
            let index = try integer(1)
            guard index >= 0, index < a.count else {
                throw fail("the index \(index) is out of bounds for an array of length \(a.count)")
            }
            return a[index]
        case "States.ArrayLength":
            try arity(1...1)
            return .int(try array(0).count)
        case "States.ArrayUnique":
            try arity(1...1)
            var seen = Set<JSON>()
            var out: [JSON] = []
            for v in try array(0) where seen.insert(v).inserted { out.append(v) }
            return .array(out)
        case "States.Base64Encode":
            try arity(1...1)
            return .string(Base64.encode(Array(try limited(try string(0)).utf8)))
        case "States.Base64Decode":
            try arity(1...1)
            guard let bytes = Base64.decode(try limited(try string(0))) else {
                throw fail("the argument is not valid Base64 text")
            }
            return .string(String(decoding: bytes, as: UTF8.self))
        case "States.Hash":
            try arity(2...2)
            let data = try limited(try string(0))
            let algorithm = try string(1)
            guard let hex = Digest.hex(Array(data.utf8), algorithm: algorithm) else {
                throw fail("the hash algorithm '\(algorithm)' is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512")
            }
            return .string(hex)
        case "States.JsonMerge":
            try arity(3...3)
            var merged = try object(0)
            let second = try object(1)
            guard case .bool(let deep) = values[2] else {
                throw fail("the third argument must be a boolean, but was \(values[2].typeName)")
            }
            guard !deep else { throw fail("deep merging is not supported; the third argument must be false") }
            for (k, v) in second { merged[k] = v }
            return .object(merged)
        case "States.MathRandom":
            try arity(2...3)
            let start = Self.javaRound(try number(0)), end = Self.javaRound(try number(1))
            guard start < end else { throw fail("the start \(start) must be less than the end \(end)") }
            let span = UInt64(end - start)
            let draw: UInt64
            if values.count == 3 {
                var seeded = DeterministicRandom(seed: UInt64(bitPattern: Int64(try integer(2))))
                draw = seeded.next()
            } else {
                draw = random.next()
            }
            return .int(start + Int(draw % span))
        case "States.MathAdd":
            try arity(2...2)
            let a = Self.javaRound(try number(0)), b = Self.javaRound(try number(1))
            let (sum, overflow) = a.addingReportingOverflow(b)
            guard !overflow else { throw fail("the sum is out of range") }
            return .int(sum)
        case "States.StringSplit":
            try arity(2...2)
            let s = try string(0)
            let delimiters = Set(try string(1).unicodeScalars)
            // Java's StringTokenizer: every delimiter character separates, empty tokens are dropped.
            var parts: [JSON] = []
            var current = String.UnicodeScalarView()
            for u in s.unicodeScalars {
                if delimiters.contains(u) {
                    if !current.isEmpty { parts.append(.string(String(current))) }
                    current = String.UnicodeScalarView()
                } else {
                    current.append(u)
                }
            }
            if !current.isEmpty { parts.append(.string(String(current))) }
            return .array(parts)
        case "States.UUID":
            try arity(0...0)
            return .string(random.uuid())
        default:
            throw StatesError.intrinsicFailure("Unknown intrinsic function \(name)")
        }
    }

    /// `States.Format`: each `{}` of the template takes the next argument; `\{` and `\}` in a literal
    /// template are plain braces.
    func format() throws(StatesError) -> JSON {
        guard !values.isEmpty else { throw fail("expected at least 1 argument but got 0") }
        let template: [(Character, escaped: Bool)]
        if case .string(_, let raw)? = arguments.first {
            var chars: [(Character, escaped: Bool)] = []
            var it = raw.makeIterator()
            while let c = it.next() {
                if c == "\\", let n = it.next() { chars.append((n, true)) } else { chars.append((c, false)) }
            }
            template = chars
        } else {
            template = try string(0).map { ($0, false) }
        }
        var out = ""
        var next = 1
        var k = 0
        while k < template.count {
            let (c, escaped) = template[k]
            if c == "{", !escaped, k + 1 < template.count, template[k + 1].0 == "}", !template[k + 1].escaped {
                guard next < values.count else {
                    throw fail("the format string has more placeholders than the \(values.count - 1) value argument\(values.count == 2 ? "" : "s")")
                }
                out += JavaText.render(values[next])
                next += 1
                k += 2
                continue
            }
            out.append(c)
            k += 1
        }
        guard next == values.count else {
            throw fail("the format string has \(next - 1) placeholder\(next == 2 ? "" : "s") but \(values.count - 1) value argument\(values.count == 2 ? "" : "s") were given")
        }
        return .string(out)
    }
}
