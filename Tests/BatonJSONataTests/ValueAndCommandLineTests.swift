import BatonJSONata
import Foundation
import Testing

@Suite("JSON values and the command line")
struct ValueAndCommandLineTests {
    @Test("JSON text round-trips with key order kept and integers printed without .0")
    func roundTrip() throws {
        let v = try JSONataValue.parse(json: #"{"b": 1.0, "a": [true, null, "x\n"], "c": 1.5e3}"#)
        #expect(v.jsonText() == #"{"b":1,"a":[true,null,"x\n"],"c":1500}"#)
    }

    @Test("invalid JSON is rejected")
    func invalidJSON() {
        #expect(throws: JSONataError.self) { try JSONataValue.parse(json: "{") }
    }

    @Test("undefined and null results are different")
    func undefinedVersusNull() throws {
        #expect(try run("nothing", "{}") == nil)
        #expect(try run("null") == "null")
    }

    @Test("the command prints the result, or nothing for undefined")
    func commandSuccess() throws {
        var out = "", err = ""
        #expect(JSONataCommandLine.run(arguments: ["1 + 1"], environment: [:], stdout: &out, stderr: &err) == 0)
        #expect(out == "2\n")
        out = ""
        #expect(JSONataCommandLine.run(arguments: ["nothing"], environment: [:], stdout: &out, stderr: &err) == 0)
        #expect(out.isEmpty)
    }

    @Test("the command reads files, treats an empty input file as no input and honours limits")
    func commandFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jsonata-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let expr = dir.appendingPathComponent("e.jsonata"), input = dir.appendingPathComponent("in.json"), binds = dir.appendingPathComponent("b.json")
        try "$exists($) & ':' & $x".write(to: expr, atomically: true, encoding: .utf8)
        try "".write(to: input, atomically: true, encoding: .utf8)
        try #"{"x": "y"}"#.write(to: binds, atomically: true, encoding: .utf8)
        var out = "", err = ""
        let args = ["--expr-file", expr.path, "--input", input.path, "--bindings", binds.path]
        #expect(JSONataCommandLine.run(arguments: args, environment: [:], stdout: &out, stderr: &err) == 0)
        #expect(out == "\"false:y\"\n")
        out = ""
        let loop = ["($f := function(){ $f() }; $f())"]
        #expect(JSONataCommandLine.run(arguments: loop, environment: ["JSONATA_TIMELIMIT_MS": "100", "JSONATA_DEPTH": "50"], stdout: &out, stderr: &err) == 1)
        #expect(err.hasPrefix("U1001 "))
    }

    @Test("the command reports errors with the code as the first word on stderr")
    func commandError() {
        var out = "", err = ""
        #expect(JSONataCommandLine.run(arguments: ["$number('x')"], environment: [:], stdout: &out, stderr: &err) == 1)
        #expect(err.hasPrefix("D3030 "))
    }

    @Test("one compiled expression can be evaluated from many threads at once")
    func concurrentEvaluation() throws {
        let e = try JSONataExpression("items[price > 10].{'id': id, 'total': price * qty}")
        let input = try JSONataValue.parse(json: #"{"items": [{"id": "a", "price": 5, "qty": 1}, {"id": "b", "price": 20, "qty": 3}]}"#)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var texts: [String] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            let text = (try? e.evaluate(input: input))??.jsonText() ?? "error"
            results.lock.lock()
            results.texts.append(text)
            results.lock.unlock()
        }
        #expect(results.texts.count == 64)
        #expect(Set(results.texts) == [#"{"id":"b","total":60}"#])
    }

    @Test("prepared values give the same results and are not modified by evaluation")
    func preparedValues() throws {
        let doc = try JSONataValue.parse(json: #"{"a": [1], "b": {"c": [2, 3]}}"#)
        let prepared = try JSONataPreparedValue(doc)
        for text in ["a[]", "b.c", "$ ~> |b|{'c': 0}|", "$x.a", "b.c[0]"] {
            let e = try JSONataExpression(text)
            let plain = try e.evaluate(input: doc, bindings: ["x": doc])
            let fast = try e.evaluate(prepared: prepared, bindings: ["x": prepared])
            #expect(plain == fast, "\(text)")
        }
        #expect(try JSONataExpression("$").evaluate(prepared: prepared) == doc)
    }
}
