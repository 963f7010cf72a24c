import BatonLanguage
import Foundation
import Testing

private let valid = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#

@Suite("baton run: bad input is answered with one clear line, never crashed on")
struct BadInputTests {
    @Test("a definition that is not JSON", arguments: ["not a definition", "{\"StartAt\": ", "{\"a\": 1,}", "\u{FF}\u{FE}garbage"])
    func definitionNotJSON(text: String) throws {
        let s = try Scratch()
        let def = try s.write("bad.json", text)
        expectOneLineRefusal(try s.baton("run", def), mentioning: ["bad.json"])
    }

    @Test("a definition file of bytes that are not UTF-8")
    func definitionNotUTF8() throws {
        let s = try Scratch()
        let def = try s.write("bin.json", bytes: Data([0x7B, 0xC3, 0x28, 0xFF, 0x00, 0x7D]))
        expectOneLineRefusal(try s.baton("run", def))
    }

    @Test("an empty definition file")
    func definitionEmpty() throws {
        let s = try Scratch()
        let def = try s.write("empty.json", "")
        expectOneLineRefusal(try s.baton("run", def))
    }

    @Test("a definition that is JSON but not an object", arguments: ["[1, 2]", "\"a string\"", "42", "null", "true"])
    func definitionNotObject(text: String) throws {
        let s = try Scratch()
        let def = try s.write("scalar.json", text)
        expectOneLineRefusal(try s.baton("run", def), status: 1)
    }

    @Test("a definition 10 MB large is refused (AWS's limit is 1 MB)")
    func definitionTenMegabytes() throws {
        let s = try Scratch()
        let padding = String(repeating: "x", count: 10 * 1024 * 1024)
        let def = try s.write("huge.json", #"{"Comment": "\#(padding)", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        expectOneLineRefusal(try s.baton("run", def))
    }

    @Test("a definition of 10 MB of states is refused without crashing")
    func definitionTenMegabytesOfStates() throws {
        let s = try Scratch()
        var text = #"{"StartAt": "S0", "States": {"#
        let count = 240_000
        text.reserveCapacity(11 * 1024 * 1024)
        for i in 0..<count {
            text += i + 1 < count ? #""S\#(i)": {"Type": "Pass", "Next": "S\#(i + 1)"},"# : #""S\#(i)": {"Type": "Pass", "End": true}"#
        }
        text += "}}"
        #expect(text.utf8.count > 8 * 1024 * 1024)
        let def = try s.write("states.json", text)
        expectOneLineRefusal(try s.baton("run", def))
    }

    @Test("a definition nested 10,000 deep is refused without a stack overflow")
    func definitionDeeplyNested() throws {
        let s = try Scratch()
        let depth = 10_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let def = try s.write("deep.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": \#(nested), "End": true}}}"#)
        expectOneLineRefusal(try s.baton("run", def))
        let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        let def2 = try s.write("deep2.json", objects)
        expectOneLineRefusal(try s.baton("run", def2))
    }

    @Test("a definition full of unknown fields is refused as invalid (exit 1), on one line")
    func definitionUnknownFields() throws {
        let s = try Scratch()
        let stateJunk = (0..<2_000).map { #""Junk\#($0)": \#($0)"# }.joined(separator: ", ")
        let topJunk = (0..<2_000).map { #""Extra\#($0)": {"x": [\#($0)]}"# }.joined(separator: ", ")
        let def = try s.write("junk.json", #"{\#(topJunk), "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, \#(stateJunk)}}}"#)
        expectOneLineRefusal(try s.baton("run", def), status: 1, mentioning: ["SCHEMA_VALIDATION_FAILED"])
    }

    @Test("a definition that is valid JSON but not a valid state machine is refused with exit 1")
    func definitionInvalid() throws {
        let s = try Scratch()
        let def = try s.write("inv.json", #"{"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        expectOneLineRefusal(try s.baton("run", def), status: 1)
    }

    @Test("a definition file that does not exist, or is a directory")
    func definitionMissing() throws {
        let s = try Scratch()
        expectOneLineRefusal(try s.baton("run", s.path("no-such-file.json")), mentioning: ["no-such-file.json"])
        try FileManager.default.createDirectory(atPath: s.path("adir"), withIntermediateDirectories: true)
        expectOneLineRefusal(try s.baton("run", s.path("adir")))
    }

    @Test("an input file that is not JSON is refused with exit 2", arguments: ["{oops", "[1, 2", "not json", "{\"a\": 1} trailing"])
    func inputFileNotJSON(text: String) throws {
        let s = try Scratch()
        let def = try s.write("d.json", valid)
        let input = try s.write("input.json", text)
        expectOneLineRefusal(try s.baton("run", def, "--input-file", input), status: 2, mentioning: ["input.json"])
    }

    @Test("an input file that does not exist is refused with exit 2")
    func inputFileMissing() throws {
        let s = try Scratch()
        let def = try s.write("d.json", valid)
        expectOneLineRefusal(try s.baton("run", def, "--input-file", s.path("nope.json")), status: 2)
    }

    @Test("--input text that is not JSON is refused")
    func inputNotJSON() throws {
        let s = try Scratch()
        let def = try s.write("d.json", valid)
        expectOneLineRefusal(try s.baton("run", def, "--input", "{nope"), status: 2)
    }

    @Test("an input nested 10,000 deep is refused without a stack overflow")
    func inputDeeplyNested() throws {
        let s = try Scratch()
        let def = try s.write("d.json", valid)
        let input = try s.write("deep.json", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
        expectOneLineRefusal(try s.baton("run", def, "--input-file", input))
    }

    @Test("a mock file of the wrong shape is refused", arguments: [
        "[1, 2]",
        "\"identity\"",
        #"{"f": 3}"#,
        #"{"f": []}"#,
        #"{"f": {"unknown": 1}}"#,
        #"{"f": {"error": 5}}"#,
        #"{"f": [{"identity": true}, "oops"]}"#,
        "{not json",
    ])
    func mockFileWrongShape(text: String) throws {
        let s = try Scratch()
        let def = try s.write("d.json", #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}"#)
        let mocks = try s.write("mocks.json", text)
        expectOneLineRefusal(try s.baton("run", def, "--mock-file", mocks, "--virtual-time"))
    }

    @Test("a mock file that does not exist is refused")
    func mockFileMissing() throws {
        let s = try Scratch()
        let def = try s.write("d.json", valid)
        expectOneLineRefusal(try s.baton("run", def, "--mock-file", s.path("nope.json")))
    }
}
