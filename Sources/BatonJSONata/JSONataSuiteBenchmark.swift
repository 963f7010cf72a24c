import Foundation

/// Runs a directory of jsonata test-suite case files in process (for benchmarks): `baton-jsonata --bench-suite DIR`.
enum JSONataSuiteBenchmark {
    struct Outcome {
        var cases = 0
        var passed = 0
        var totalNanos: UInt64 = 0
        /// Cases without a time or depth limit (the heavy recursion and huge-range cases are left out).
        var unlimitedCases = 0
        var unlimitedNanos: UInt64 = 0
        var perCase: [UInt64] = []
        var failures: [String] = []
    }

    static func run(directory: String) throws -> Outcome {
        var out = Outcome()
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: directory) else {
            throw JSONataError(code: "U0004", message: "cannot read \(directory)")
        }
        var files: [String] = []
        for case let p as String in e where p.hasSuffix(".json") { files.append(p) }
        files.sort()
        for f in files {
            let text = try JSONataCommandLine.readText((directory as NSString).appendingPathComponent(f))
            guard case .object(let c) = try JSONataValue.parse(json: text), case .string(let expr)? = c["expr"] else { continue }
            out.cases += 1
            var bindings: [String: JSONataValue] = [:]
            if case .object(let b)? = c["bindings"] { b.forEach { bindings[$0] = $1 } }
            var limits = JSONataLimits()
            if case .number(let t)? = c["timelimit"] { limits.timeLimitMilliseconds = Int(t) }
            if case .number(let d)? = c["depth"] { limits.maxDepth = Int(d) }
            let start = DispatchTime.now().uptimeNanoseconds
            var result: Result<JSONataValue?, JSONataError>
            do {
                let compiled = try JSONataExpression(expr)
                result = .success(try compiled.evaluate(input: c["data"], bindings: bindings, limits: limits))
            } catch {
                result = .failure(error)
            }
            let ns = DispatchTime.now().uptimeNanoseconds - start
            out.totalNanos += ns
            if c["timelimit"] == nil && c["depth"] == nil {
                out.unlimitedCases += 1
                out.unlimitedNanos += ns
            }
            out.perCase.append(ns)
            if matches(result, c) { out.passed += 1 } else { out.failures.append(f) }
        }
        return out
    }

    static func matches(_ r: Result<JSONataValue?, JSONataError>, _ c: JSONataObject) -> Bool {
        switch r {
        case .failure(let e):
            if case .object(let err)? = c["error"], case .string(let code)? = err["code"] { return code == e.code }
            return false
        case .success(let v):
            if case .bool(true)? = c["undefinedResult"] { return v == nil }
            guard let expected = c["result"], let got = v else { return false }
            if case .bool(true)? = c["unordered"], case .array(let a) = expected, case .array(let b) = got {
                return a.count == b.count && a.allSatisfy { x in b.contains { same(x, $0) } }
            }
            return same(expected, got)
        }
    }

    static func same(_ a: JSONataValue, _ b: JSONataValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x == y || Swift.abs(x - y) <= 1e-10 * Swift.max(Swift.abs(x), Swift.abs(y))
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.keys.allSatisfy { k in y[k].map { same(x[k] ?? .null, $0) } ?? false }
        default:
            return a == b
        }
    }
}
