import BatonLanguage
import Foundation
import Testing

/// `LOCATION CODE: message`, the shape of one diagnostic line.
private var diagnosticLine: Regex<(Substring, Substring, Substring, Substring)> { /^(\S+) ([A-Z][A-Z_]+): (.+)$/ }

@Suite("baton validate: exit codes and diagnostics")
struct ValidateCommandTests {
    @Test("a valid definition exits 0 and prints nothing")
    func valid() throws {
        let s = try Scratch()
        let def = try s.write("ok.json", #"""
            {"StartAt": "C", "States": {
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "T"}], "Default": "F"},
              "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Next": "M",
                    "Retry": [{"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
              "M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true},
              "F": {"Type": "Fail", "Error": "E"}}}
            """#)
        let r = try s.baton("validate", def)
        #expect(r.exited && r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.isEmpty)
    }

    @Test("an invalid definition exits 1 with one diagnostic a line: location, code, message")
    func invalid() throws {
        let s = try Scratch()
        let def = try s.write("bad.json", #"""
            {"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Next": "Missing"},
              "B": {"Type": "Pass", "End": true}}}
            """#)
        let r = try s.baton("validate", def)
        #expect(r.exited && r.status == 1)
        #expect(r.stdout.isEmpty)
        let lines = r.stderrLines
        #expect(lines.count >= 2, "stderr: \(r.stderr)")
        var codes: [String] = []
        for line in lines {
            if let m = line.wholeMatch(of: diagnosticLine) {
                codes.append(String(m.2))
                #expect(m.1.hasPrefix("/"), "location of '\(line)'")
            } else {
                Issue.record("not a diagnostic line: '\(line)'")
            }
        }
        #expect(codes.count == 2)
        #expect(lines.contains { $0.hasPrefix("/States/A/Next MISSING_TRANSITION_TARGET:") }, "\(lines)")
        // AWS reports an unreachable state under MISSING_TRANSITION_TARGET too.
        #expect(lines.contains { $0.hasPrefix("/States/B ") && $0.contains("not reachable") }, "\(lines)")
    }

    @Test("every problem is reported at once, one line each")
    func everyProblem() throws {
        let s = try Scratch()
        let def = try s.write("many.json", #"""
            {"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Next": "X1", "Bogus": 1},
              "B": {"Type": "Wait", "End": true},
              "C": {"Type": "NoSuchType", "End": true}}}
            """#)
        let r = try s.baton("validate", def)
        #expect(r.status == 1)
        #expect(r.stderrLines.count >= 4, "stderr: \(r.stderr)")
        for line in r.stderrLines {
            #expect(line.wholeMatch(of: diagnosticLine) != nil, "not a diagnostic line: '\(line)'")
        }
    }

    @Test("a file that is not JSON exits 2 with one line", arguments: ["not json", "{", ""])
    func notJSON(text: String) throws {
        let s = try Scratch()
        let def = try s.write("x.json", text)
        let r = try s.baton("validate", def)
        #expect(r.exited)
        if text.isEmpty {
            // An empty file is not JSON either; AWS calls it an invalid definition. Either refusal is one line.
            #expect(r.status == 1 || r.status == 2)
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
        } else {
            expectOneLineRefusal(r, status: 2, mentioning: ["x.json"])
        }
    }

    @Test("a file that cannot be read exits 2 with one line")
    func unreadable() throws {
        let s = try Scratch()
        expectOneLineRefusal(try s.baton("validate", s.path("missing.json")), status: 2, mentioning: ["missing.json"])
    }

    @Test("JSON that is not an object exits 1 with a diagnostic")
    func notObject() throws {
        let s = try Scratch()
        let def = try s.write("arr.json", "[1, 2, 3]")
        let r = try s.baton("validate", def)
        #expect(r.status == 1)
        #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderrLines.first.map { $0.wholeMatch(of: diagnosticLine) != nil } == true, "stderr: \(r.stderr)")
    }

    @Test("a 10 MB definition is rejected, not accepted")
    func tenMegabytes() throws {
        let s = try Scratch()
        let padding = String(repeating: "x", count: 10 * 1024 * 1024)
        let def = try s.write("huge.json", #"{"Comment": "\#(padding)", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        let r = try s.baton("validate", def)
        #expect(r.exited)
        #expect(r.status != 0)
        #expect(r.stderrLines.count == 1, "stderr: \(r.stderr.prefix(400))")
    }

    @Test("a definition nested 10,000 deep is rejected without a crash")
    func deep() throws {
        let s = try Scratch()
        let nested = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let def = try s.write("deep.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": \#(nested), "End": true}}}"#)
        let r = try s.baton("validate", def)
        #expect(r.exited)
        #expect(r.status != 0)
        #expect(r.stderrLines.count == 1, "stderr: \(r.stderr.prefix(400))")
    }

    @Test("--type EXPRESS is accepted; an unknown --type is refused with one line")
    func typeOption() throws {
        let s = try Scratch()
        let def = try s.write("ok.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        #expect(try s.baton("validate", def, "--type", "EXPRESS").status == 0)
        expectOneLineRefusal(try s.baton("validate", def, "--type", "BOGUS"))
    }
}
