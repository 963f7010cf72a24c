import Testing

@testable import BatonLanguage

@Suite("JSON values as AWS keeps them")
struct JSONTests {
    @Test("object keys keep the order in which they were written")
    func keyOrder() throws {
        let v = try JSON(parsing: #"{"zebra":1,"apple":2,"mango":{"b":1,"a":2}}"#)
        #expect(v.objectValue.map { Array($0.keys) } == ["zebra", "apple", "mango"])
        #expect(v.serialized() == #"{"zebra":1,"apple":2,"mango":{"b":1,"a":2}}"#)
    }

    @Test("a repeated key keeps its first position and its last value")
    func repeatedKey() throws {
        let v = try JSON(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(v.serialized() == #"{"a":3,"b":2}"#)
    }

    @Test("integers stay integers and decimals stay decimals")
    func integersAndDecimals() throws {
        #expect(try JSON(parsing: "1") == .int(1))
        #expect(try JSON(parsing: "-0").isIntegral)
        if case .double(let d) = try JSON(parsing: "1.0") { #expect(d == 1.0) } else { Issue.record("1.0 must be a decimal") }
        if case .double(let d) = try JSON(parsing: "2e3") { #expect(d == 2000) } else { Issue.record("2e3 must be a decimal") }
        #expect(try JSON(parsing: "[1,1.5,1.0]").serialized() == "[1,1.5,1.0]")
        #expect(try JSON(parsing: "1E-7").serialized() == "1.0E-7")
    }

    @Test("numbers compare by value, booleans never equal numbers")
    func numberEquality() throws {
        #expect(JSON.int(1) == JSON.double(1.0))
        #expect(JSON.bool(true) != JSON.int(1))
        #expect(try JSON(parsing: #"{"a":1,"b":2}"#) == JSON(parsing: #"{"b":2,"a":1}"#))
        #expect(Set([JSON.int(1), JSON.double(1.0), JSON.string("1")]).count == 2)
    }

    @Test("integers beyond 64 bits are kept exactly")
    func bigIntegers() throws {
        let text = "123456789012345678901234567890"
        let v = try JSON(parsing: "[\(text),-\(text)]")
        #expect(v == .array([.bigInt(text), .bigInt("-" + text)]))
        #expect(v.serialized() == "[\(text),-\(text)]")
        #expect(try JSON(parsing: "9223372036854775807") == .int(Int.max))
        #expect(try JSON(parsing: "9223372036854775808") == .bigInt("9223372036854775808"))
    }

    @Test("unicode text and escapes are decoded, surrogate pairs joined")
    func unicode() throws {
        #expect(try JSON(parsing: #""h\u00e9llo \u2603""#) == .string("héllo ☃"))
        #expect(try JSON(parsing: #""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSON(parsing: "\"😀 direct\"") == .string("😀 direct"))
        #expect(try JSON(parsing: #""\ud83d alone""#) == .string("\u{FFFD} alone"))
        #expect(try JSON(parsing: #""a\/b\n\t\"\\""#) == .string("a/b\n\t\"\\"))
    }

    @Test("the serializer escapes only what JSON requires and keeps non-ASCII text")
    func serializerEscapes() {
        let v = JSON.string("a/b \"q\" \\ \n\t\u{01} é ☃ 😀")
        #expect(v.serialized() == #""a/b \"q\" \\ \n\t\u0001 é ☃ 😀""#)
    }

    @Test("pretty printing indents by two spaces")
    func pretty() throws {
        let v = try JSON(parsing: #"{"a":[1,2],"b":{}}"#)
        #expect(v.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test("a parse error tells the line and column where reading stopped", arguments: [
        ("{\"a\":1,}", 1, 8),
        ("[1,\n 2,\n x]", 3, 2),
        ("\"abc", 1, 5),
        ("01", 1, 2),
        ("", 1, 1),
        ("[1] 2", 1, 5),
        ("{\"a\" 1}", 1, 6),
        ("\"\\x\"", 1, 3),
    ])
    func errorPositions(text: String, line: Int, column: Int) {
        do {
            _ = try JSON(parsing: text)
            Issue.record("\(text) must not parse")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test("control characters, bad literals and bad numbers are rejected", arguments: [
        "\"a\u{01}b\"", "tru", "nul", "1.", "-", "1e", "+1", ".5", "[1,]", "{\"a\"}", "'a'", "NaN",
    ])
    func rejected(text: String) {
        #expect(throws: JSONParseError.self) { try JSON(parsing: text) }
    }

    @Test("nesting deeper than the limit is an error, never a crash")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSON(parsing: deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try JSONParser.parse(ok, maxDepth: 100).isArray)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(ok, maxDepth: 99) }
    }

    @Test("a byte order mark and surrounding white space are tolerated")
    func bomAndSpace() throws {
        #expect(try JSONParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array(" {\"a\":1}\n".utf8)) == ["a": 1])
    }

    @Test("invalid UTF-8 inside a string is rejected")
    func invalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: [0x22, 0xFF, 0x22]) }
    }

    @Test("decimals print as Java's Double.toString does", arguments: [
        (1e7, "1.0E7"), (1e-4, "1.0E-4"), (0.001, "0.001"), (123456789.0, "1.23456789E8"), (1e21, "1.0E21"),
        (0.1 + 0.2, "0.30000000000000004"), (100.0, "100.0"), (9999999.0, "9999999.0"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157E308"), (-1.5, "-1.5"), (12345.678, "12345.678"),
        (0.00123, "0.00123"), (0.0, "0.0"), (-0.0, "-0.0"),
    ])
    func javaDoubles(value: Double, text: String) {
        #expect(JSONSerializer.formatDouble(value) == text)
    }
}
