import Foundation

/// The `baton-jsonata` / `baton jsonata` command: `(EXPR | --expr-file FILE) [--input FILE] [--bindings FILE]`.
public enum JSONataCommandLine {
    /// Runs the command; returns the process exit status. Output goes to stdout, errors to stderr.
    public static func run(arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        var out = ""
        var err = ""
        let code = run(arguments: arguments, environment: environment, stdout: &out, stderr: &err)
        if !out.isEmpty { FileHandle.standardOutput.write(Data(out.utf8)) }
        if !err.isEmpty { FileHandle.standardError.write(Data(err.utf8)) }
        return code
    }

    static let usage = "usage: baton-jsonata (EXPR | --expr-file FILE) [--input FILE] [--bindings FILE] [--repeat N [--prepared]] | --bench-suite DIR\n"

    /// Runs the command writing into strings (for tests and embedding).
    public static func run(arguments: [String], environment: [String: String], stdout: inout String, stderr: inout String) -> Int32 {
        var expr: String?
        var exprFile: String?
        var inputFile: String?
        var bindingsFile: String?
        var repeatCount = 1
        var prepared = false
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            func value() -> String? {
                i += 1
                return i < arguments.count ? arguments[i] : nil
            }
            switch a {
            case "--expr-file": exprFile = value()
            case "--input": inputFile = value()
            case "--bindings": bindingsFile = value()
            case "--repeat": repeatCount = max(1, Int(value() ?? "1") ?? 1)
            case "--prepared": prepared = true
            case "--bench-suite":
                do {
                    let o = try JSONataSuiteBenchmark.run(directory: value() ?? ".")
                    let sorted = o.perCase.sorted()
                    let median = sorted.isEmpty ? 0 : Double(sorted[sorted.count / 2]) / 1e3
                    let p90 = sorted.isEmpty ? 0 : Double(sorted[sorted.count * 9 / 10]) / 1e3
                    stdout += "\(o.passed) passed, \(o.cases - o.passed) failed of \(o.cases); total \(String(format: "%.1f", Double(o.totalNanos) / 1e6)) ms, median \(String(format: "%.1f", median)) us, p90 \(String(format: "%.1f", p90)) us; without limits cases: \(o.unlimitedCases) cases in \(String(format: "%.1f", Double(o.unlimitedNanos) / 1e6)) ms\n"
                    for f in o.failures { stdout += "FAIL \(f)\n" }
                    return 0
                } catch let e as JSONataError {
                    stderr += "\(e.code) \(e.message)\n"
                    return 1
                } catch {
                    stderr += "U0000 \(error)\n"
                    return 1
                }
            case "-h", "--help":
                stdout += usage
                return 0
            default:
                if expr == nil && exprFile == nil { expr = a } else {
                    stderr += "U0002 unexpected argument \(a)\n" + usage
                    return 2
                }
            }
            i += 1
        }
        do {
            if let f = exprFile { expr = try readText(f) }
            guard let text = expr else {
                stderr += "U0002 missing expression\n" + usage
                return 2
            }
            var input: JSONataValue?
            if let f = inputFile {
                let t = try readText(f)
                if !t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    input = try JSONataValue.parse(json: t)
                }
            }
            var bindings: [String: JSONataValue] = [:]
            if let f = bindingsFile {
                let t = try readText(f)
                if !t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    guard case .object(let o) = try JSONataValue.parse(json: t) else {
                        throw JSONataError(code: "U0003", message: "bindings must be a JSON object")
                    }
                    for e in o.entries { bindings[e.key] = e.value }
                }
            }
            var limits = JSONataLimits()
            if let t = environment["JSONATA_TIMELIMIT_MS"], let n = Int(t.trimmingCharacters(in: .whitespaces)) { limits.timeLimitMilliseconds = n }
            if let d = environment["JSONATA_DEPTH"], let n = Int(d.trimmingCharacters(in: .whitespaces)) { limits.maxDepth = n }
            let compiled = try JSONataExpression(text)
            if repeatCount > 1 {
                func cpuNow() -> Double {
                    var ts = timespec()
                    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
                    return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
                }
                let start = DispatchTime.now().uptimeNanoseconds
                let cpuStart = cpuNow()
                if prepared {
                    let pin = try input.map { v throws(JSONataError) in try JSONataPreparedValue(v) }
                    var pb: [String: JSONataPreparedValue] = [:]
                    for (k, v) in bindings { pb[k] = try JSONataPreparedValue(v) }
                    for _ in 1..<repeatCount { _ = try compiled.evaluate(prepared: pin, bindings: pb, limits: limits) }
                } else {
                    for _ in 1..<repeatCount { _ = try compiled.evaluate(input: input, bindings: bindings, limits: limits) }
                }
                let ns = Double(DispatchTime.now().uptimeNanoseconds - start)
                let cpu = cpuNow() - cpuStart
                let n = Double(repeatCount - 1)
                stderr += "timing: \(repeatCount - 1) evaluations in \(Int(ns / 1e6)) ms wall, \(Int(cpu / 1e6)) ms cpu (\(String(format: "%.2f", cpu / 1e3 / n)) us cpu each)\n"
            }
            if let r = try compiled.evaluate(input: input, bindings: bindings, limits: limits) {
                stdout += r.jsonText() + "\n"
            }
            return 0
        } catch let e as JSONataError {
            stderr += "\(e.code) \(e.message)\n"
            return 1
        } catch {
            stderr += "U0000 \(error)\n"
            return 1
        }
    }

    static func readText(_ path: String) throws -> String {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw JSONataError(code: "U0004", message: "cannot read \(path)")
        }
        // Encoded UTF-16 surrogates (ED A0-BF xx, "WTF-8") become the lone-surrogate marker U+FDD0.
        var bytes = [UInt8](d)
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0xED && bytes[i + 1] >= 0xA0 && bytes[i + 1] <= 0xBF && bytes[i + 2] >= 0x80 && bytes[i + 2] <= 0xBF {
                bytes[i] = 0xEF; bytes[i + 1] = 0xB7; bytes[i + 2] = 0x90
                i += 3
            } else {
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
