import Testing

@testable import BatonLanguage

@Suite("The eighteen intrinsic functions")
struct IntrinsicFunctionTests {
    static let env = PathEnvironment(
        input: [
            "name": "Ada", "n": 3, "d": 1.5, "list": [1, 2, 3], "obj": ["a": 1, "b": [true, nil]],
            "text": "a,b,,c", "json": #"{"k":[1,2.5]}"#, "empty": "",
        ],
        context: ["Execution": ["Name": "exec-1"], "StateMachine": ["Id": "arn:sm", "Name": "sm"]],
        variables: ["greeting": "Hello", "nums": [5, 6]])

    func run(_ text: String, seed: UInt64 = 1) throws -> JSON {
        var random = DeterministicRandom(seed: seed)
        return try IntrinsicFunction(parsing: text).evaluate(in: Self.env, random: &random)
    }

    func failure(_ text: String) throws -> StatesError? {
        do {
            _ = try run(text)
            return nil
        } catch let error as StatesError {
            return error
        }
    }

    // MARK: parsing

    @Test("only texts that start with States. look like intrinsic calls")
    func looksLike() {
        #expect(IntrinsicFunction.looksLikeIntrinsic("States.UUID()"))
        #expect(!IntrinsicFunction.looksLikeIntrinsic("$.States"))
        #expect(!IntrinsicFunction.looksLikeIntrinsic("states.UUID()"))
    }

    @Test("malformed calls are parse errors", arguments: [
        "States.Nope()", "States.Format('a'", "States.Format('a' 'b')", "States.Format('unterminated)",
        "States.Array(1,)", "States.Array() extra", "States.Format('bad \\\" escape')", "States.Array(foo)",
        "States.Array($.a b)", "Format('x')", "States.Array(1.2.3)", "States.Array(tru)",
    ])
    func malformed(text: String) {
        #expect(throws: IntrinsicParseError.self) { try IntrinsicFunction(parsing: text) }
    }

    @Test("arguments may be literals, paths, context paths, variables and nested calls")
    func argumentKinds() throws {
        #expect(
            try run("States.Array('s', 1, -2.5, true, false, null, $.n, $$.Execution.Name, $greeting, States.ArrayLength($.list))")
                == ["s", 1, -2.5, true, false, nil, 3, "exec-1", "Hello", 3])
        #expect(try run("States.Array()") == [])
        #expect(try run("  States.Array( 1 ,2 )  ") == [1, 2])
    }

    @Test("string literals unescape \\' \\{ \\} and \\\\")
    func stringEscapes() throws {
        #expect(try run(#"States.Array('it\'s', 'a\\b', '\{\}')"#) == ["it's", "a\\b", "{}"])
        #expect(try run("States.Array('comma, and ) paren')") == ["comma, and ) paren"])
        #expect(try run("States.StringSplit('a\nb', '\n')") == ["a", "b"])
    }

    @Test("paths inside arguments may hold brackets, quotes and commas")
    func bracketPaths() throws {
        #expect(try run("States.Array($['list'][1], $.list[0,2])") == [2, [1, 3]])
        #expect(try run("States.Array($.obj['a'])") == [1])
    }

    @Test("a path argument that is not found fails with States.Runtime naming the path")
    func missingPath() throws {
        var random = DeterministicRandom(seed: 1)
        let f = try IntrinsicFunction(parsing: "States.Format('{}', $.nope)")
        do {
            _ = try f.evaluate(in: Self.env, random: &random, field: "msg.$")
            Issue.record("must fail")
        } catch {
            #expect(error.error == "States.Runtime")
            #expect(error.cause.hasPrefix("The JSONPath '$.nope' specified for the field 'msg.$' could not be found in the input '{"))
        }
    }

    // MARK: States.Format

    @Test("Format fills each {} with the next argument")
    func format() throws {
        #expect(try run("States.Format('Hello, {}! You are {}.', $.name, $.n)") == "Hello, Ada! You are 3.")
        #expect(try run("States.Format('no placeholders')") == "no placeholders")
        #expect(try run(#"States.Format('\{} is literal, {} is not', 1)"#) == "{} is literal, 1 is not")
        #expect(try run("States.Format('{}{}', 'a', 'b')") == "ab")
        #expect(try run("States.Format('{ } and {}', 'x')") == "{ } and x")
    }

    @Test("Format prints values as AWS's Java service does")
    func formatValues() throws {
        #expect(try run("States.Format('{}|{}|{}|{}', $.d, null, true, 1e7)") == "1.5|null|true|1.0E7")
        #expect(try run("States.Format('{}', $.obj)") == "{a=1, b=[true, null]}")
        #expect(try run("States.Format('{}', $.list)") == "[1, 2, 3]")
        #expect(try run("States.Format('{}', $.json)") == #"{"k":[1,2.5]}"#)
        #expect(try run("States.Format('{}', $$.StateMachine)") == "{Id=arn:sm, Name=sm}")
    }

    @Test("Format may take its template from a path, where braces are never escaped")
    func formatTemplatePath() throws {
        let env = PathEnvironment(input: ["t": "Hi {}, \\{}", "v": "x"])
        var random = DeterministicRandom(seed: 1)
        #expect(try IntrinsicFunction(parsing: "States.Format($.t, $.v, $.v)").evaluate(in: env, random: &random) == "Hi x, \\x")
    }

    @Test("Format with too few or too many values, or a template that is not a string, fails")
    func formatFailures() throws {
        #expect(try failure("States.Format('{} {}', 1)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.Format('{}', 1, 2)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.Format($.n)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.Format()")?.error == "States.IntrinsicFailure")
    }

    // MARK: JSON

    @Test("StringToJson parses text, and empty text is null")
    func stringToJson() throws {
        #expect(try run("States.StringToJson($.json)") == ["k": [1, 2.5]])
        #expect(try run("States.StringToJson($.empty)") == nil)
        #expect(try run("States.StringToJson('-0')") == 0)
        #expect(try run("States.StringToJson('\"x\"')") == "x")
        #expect(try failure("States.StringToJson('{bad')")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.StringToJson($.n)")?.error == "States.IntrinsicFailure")
    }

    @Test("JsonToString writes compact JSON in key order")
    func jsonToString() throws {
        #expect(try run("States.JsonToString($.obj)") == #"{"a":1,"b":[true,null]}"#)
        #expect(try run("States.JsonToString($.name)") == #""Ada""#)
        #expect(try run("States.JsonToString($.d)") == "1.5")
        #expect(try failure("States.JsonToString()")?.error == "States.IntrinsicFailure")
    }

    @Test("JsonMerge merges shallowly, the second object winning; deep merging is refused")
    func jsonMerge() throws {
        let env = PathEnvironment(input: ["a": ["x": 1, "n": ["p": 1]], "b": ["n": ["q": 2], "y": 2]])
        var random = DeterministicRandom(seed: 1)
        let merged = try IntrinsicFunction(parsing: "States.JsonMerge($.a, $.b, false)").evaluate(in: env, random: &random)
        #expect(merged.serialized() == #"{"x":1,"n":{"q":2},"y":2}"#)
        #expect(try failure("States.JsonMerge($.obj, $.obj, true)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.JsonMerge($.obj, $.list, false)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.JsonMerge($.obj, $.obj)")?.error == "States.IntrinsicFailure")
    }

    // MARK: arrays

    @Test("ArrayPartition cuts an array into chunks of the given size, rounded to an integer")
    func arrayPartition() throws {
        #expect(try run("States.ArrayPartition($.list, 2)") == [[1, 2], [3]])
        #expect(try run("States.ArrayPartition($.list, 5)") == [[1, 2, 3]])
        #expect(try run("States.ArrayPartition(States.Array(), 1)") == [])
        #expect(try failure("States.ArrayPartition($.list, 0)")?.error == "States.IntrinsicFailure")
        #expect(try run("States.ArrayPartition($.list, 1.5)") == [[1, 2], [3]])
        #expect(try failure("States.ArrayPartition($.list, 0.4)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.ArrayPartition($.list, '2')")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.ArrayPartition($.name, 1)")?.error == "States.IntrinsicFailure")
    }

    @Test("ArrayContains compares by JSON value")
    func arrayContains() throws {
        #expect(try run("States.ArrayContains($.list, 2)") == true)
        #expect(try run("States.ArrayContains($.list, 4)") == false)
        #expect(try run("States.ArrayContains(States.Array($.obj), $.obj)") == true)
        #expect(try run("States.ArrayContains(States.Array(), null)") == false)
        #expect(try failure("States.ArrayContains($.obj, 1)")?.error == "States.IntrinsicFailure")
    }

    @Test("ArrayRange counts from the first to the last value inclusive by the step")
    func arrayRange() throws {
        #expect(try run("States.ArrayRange(1, 9, 2)") == [1, 3, 5, 7, 9])
        #expect(try run("States.ArrayRange(0, 10, 3)") == [0, 3, 6, 9])
        #expect(try run("States.ArrayRange(5, 1, -2)") == [5, 3, 1])
        #expect(try run("States.ArrayRange(5, 1, 1)") == [])
        #expect(try run("States.ArrayRange(1, 1000, 1)").arrayValue?.count == 1000)
        #expect(try failure("States.ArrayRange(1, 1001, 1)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.ArrayRange(1, 5, 0)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.ArrayRange(1, 5)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.ArrayRange('1', 5, 1)")?.error == "States.IntrinsicFailure")
    }

    @Test("ArrayGetItem returns the element at an index inside the array")
    func arrayGetItem() throws {
        #expect(try run("States.ArrayGetItem($.list, 0)") == 1)
        #expect(try run("States.ArrayGetItem($nums, 1)") == 6)
        #expect(try failure("States.ArrayGetItem($.list, 3)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.ArrayGetItem($.list, -1)")?.error == "States.IntrinsicFailure")
    }

    @Test("ArrayLength and ArrayUnique")
    func lengthAndUnique() throws {
        #expect(try run("States.ArrayLength($.list)") == 3)
        #expect(try run("States.ArrayLength(States.Array())") == 0)
        #expect(try run("States.ArrayUnique(States.Array(1, 2, 1, 'a', 'a', null, null, $.obj, $.obj))") == [1, 2, "a", nil, ["a": 1, "b": [true, nil]]])
        #expect(try failure("States.ArrayLength($.name)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.ArrayUnique($.n)")?.error == "States.IntrinsicFailure")
    }

    // MARK: encoding and hashing

    @Test("Base64Encode and Base64Decode are inverse", arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "héllo ☃"])
    func base64RoundTrip(text: String) throws {
        let env = PathEnvironment(input: ["t": .string(text)])
        var random = DeterministicRandom(seed: 1)
        let encoded = try IntrinsicFunction(parsing: "States.Base64Encode($.t)").evaluate(in: env, random: &random)
        let back = try IntrinsicFunction(parsing: "States.Base64Decode(States.Base64Encode($.t))").evaluate(in: env, random: &random)
        #expect(back == .string(text))
        if text == "foobar" { #expect(encoded == "Zm9vYmFy") }
        if text == "fooba" { #expect(encoded == "Zm9vYmE=") }
        if text == "foob" { #expect(encoded == "Zm9vYg==") }
    }

    @Test("Base64Decode refuses text that is not Base64, and both refuse non-strings")
    func base64Failures() throws {
        #expect(try failure("States.Base64Decode('not base64!')")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.Base64Decode('abcde')")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.Base64Encode($.n)")?.error == "States.IntrinsicFailure")
    }

    @Test("the encoding functions accept at most 10,000 characters")
    func encodingLimit() throws {
        let env = PathEnvironment(input: ["ok": .string(String(repeating: "a", count: 10_000)), "big": .string(String(repeating: "a", count: 10_001))])
        var random = DeterministicRandom(seed: 1)
        #expect(throws: Never.self) { try IntrinsicFunction(parsing: "States.Base64Encode($.ok)").evaluate(in: env, random: &random) }
        #expect(throws: StatesError.self) { try IntrinsicFunction(parsing: "States.Base64Encode($.big)").evaluate(in: env, random: &random) }
        #expect(throws: StatesError.self) { try IntrinsicFunction(parsing: "States.Hash($.big, 'MD5')").evaluate(in: env, random: &random) }
    }

    @Test("Hash gives the hex digest of the five algorithms", arguments: [
        ("abc", "MD5", "900150983cd24fb0d6963f7d28e17f72"),
        ("abc", "SHA-1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abc", "SHA-256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abc", "SHA-384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        ("abc", "SHA-512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        ("", "MD5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("", "SHA-256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (String(repeating: "x", count: 200), "MD5", "30a83621ce5422fbdfdd539777458c78"),
        (String(repeating: "x", count: 200), "SHA-1", "94218caae9904e93a3d7bf578bf4791926fc5e82"),
        (String(repeating: "x", count: 200), "SHA-256", "aa20c23e3201834050679e1d88941b9a6fed0557c9a705cb2c315e2e63fd486d"),
        (String(repeating: "x", count: 200), "SHA-512", "ef978e23dc520404ae16fd17bde9ee5945610d671551d6863a5ffbc99433fc726726e51f989b886191be9325b8f8b03b1a63fe3e5eff23d126c2f41f07d2bf87"),
        ("héllo ☃", "SHA-384", "88ea2393c3b6f68ca1672568f00114dea8145cf5a60beeb2a72b14adece35b9fb632e516965d9ddc16e9fbd0a3eba6e1"),
    ])
    func hash(data: String, algorithm: String, hex: String) throws {
        let env = PathEnvironment(input: ["d": .string(data), "a": .string(algorithm)])
        var random = DeterministicRandom(seed: 1)
        #expect(try IntrinsicFunction(parsing: "States.Hash($.d, $.a)").evaluate(in: env, random: &random) == .string(hex))
    }

    @Test("Hash refuses an unknown algorithm")
    func hashFailure() throws {
        #expect(try failure("States.Hash('x', 'SHA-3')")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.Hash('x', 'md5')")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.Hash('x')")?.error == "States.IntrinsicFailure")
    }

    // MARK: math

    @Test("MathAdd rounds each argument half up, as Java's Math.round, then adds", arguments: [
        (1.49, 1.5, 3), (-1.49, -1.5, -2), (-0.5, 0.5, 1), (2.5, 0, 3), (-2.5, 0, -2), (-9, 3, -6), (1.51, 0, 2),
    ])
    func mathAdd(a: Double, b: Double, sum: Int) throws {
        let env = PathEnvironment(input: ["a": .number(a), "b": .number(b)])
        var random = DeterministicRandom(seed: 1)
        #expect(try IntrinsicFunction(parsing: "States.MathAdd($.a, $.b)").evaluate(in: env, random: &random) == .int(sum))
    }

    @Test("MathAdd refuses non-numbers")
    func mathAddFailure() throws {
        #expect(try failure("States.MathAdd('1', 2)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.MathAdd(1)")?.error == "States.IntrinsicFailure")
    }

    @Test("MathRandom draws from the random source within [start, end)")
    func mathRandom() throws {
        for seed in 0..<50 as Range<UInt64> {
            guard case .int(let v) = try run("States.MathRandom(10, 20)", seed: seed) else {
                Issue.record("must be an integer")
                return
            }
            #expect((10..<20).contains(v))
        }
        #expect(try run("States.MathRandom(0, 1000)", seed: 3) == run("States.MathRandom(0, 1000)", seed: 3))
    }

    @Test("MathRandom with a seed gives the same number whatever the random source")
    func mathRandomSeeded() throws {
        #expect(try run("States.MathRandom(0, 1000000, 42)", seed: 1) == run("States.MathRandom(0, 1000000, 42)", seed: 2))
        #expect(try failure("States.MathRandom(5, 5)")?.error == "States.IntrinsicFailure")
        #expect(try failure("States.MathRandom('a', 5)")?.error == "States.IntrinsicFailure")
    }

    // MARK: strings and ids

    @Test("StringSplit splits on every delimiter character and drops empty parts")
    func stringSplit() throws {
        #expect(try run("States.StringSplit($.text, ',')") == ["a", "b", "c"])
        #expect(try run("States.StringSplit('This.is+a,test', '.+,')") == ["This", "is", "a", "test"])
        #expect(try run("States.StringSplit(',,,', ',')") == [])
        #expect(try run("States.StringSplit(' , ', ',')") == [" ", " "])
        #expect(try run("States.StringSplit('abc', '')") == ["abc"])
        #expect(try failure("States.StringSplit($.n, ',')")?.error == "States.IntrinsicFailure")
    }

    @Test("UUID draws a version-4 UUID from the random source")
    func uuid() throws {
        guard case .string(let u) = try run("States.UUID()", seed: 9) else {
            Issue.record("must be a string")
            return
        }
        let parts = u.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "4")
        #expect(try run("States.UUID()", seed: 9) == .string(u))
        #expect(try run("States.UUID()", seed: 10) != .string(u))
        #expect(try failure("States.UUID(1)")?.error == "States.IntrinsicFailure")
    }

    @Test("nested calls evaluate inside out")
    func nested() throws {
        #expect(
            try run("States.ArrayGetItem(States.StringSplit($$.Execution.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.Execution.Name, '-')), -1))")
                == "1")
        #expect(try run("States.JsonToString(States.StringToJson($.json))") == #"{"k":[1,2.5]}"#)
    }
}
