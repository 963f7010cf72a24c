import Testing

@testable import BatonLanguage

@Suite("Payload templates: Parameters, ResultSelector, ItemSelector and Assign")
struct PayloadTemplateTests {
    static let env = PathEnvironment(
        input: ["user": ["name": "Ada", "age": 36], "items": [["v": 1], ["v": 2]]],
        context: ["Execution": ["Id": "arn:exec"], "Map": ["Item": ["Index": 0]]],
        variables: ["limit": 10])

    func evaluate(_ template: JSON, seed: UInt64 = 1) throws -> JSON {
        var random = DeterministicRandom(seed: seed)
        return try PayloadTemplate(template).evaluate(in: Self.env, random: &random)
    }

    @Test("plain values are copied and keys keep their order")
    func constants() throws {
        let template = try JSON(parsing: #"{"z":1,"a":[true,null,{"x":"$.not.a.path"}],"m":{"n":2.5}}"#)
        #expect(try evaluate(template).serialized() == template.serialized())
        #expect(try PayloadTemplate(template).isConstant)
    }

    @Test("a key ending in .$ takes the value of its path, under the key without .$")
    func paths() throws {
        let out = try evaluate([
            "who.$": "$.user.name", "all.$": "$", "exec.$": "$$.Execution.Id", "max.$": "$limit", "kept": "$.user",
        ])
        #expect(out.serialized() == #"{"who":"Ada","all":{"user":{"name":"Ada","age":36},"items":[{"v":1},{"v":2}]},"exec":"arn:exec","max":10,"kept":"$.user"}"#)
    }

    @Test("an indefinite path gives the array of its matches")
    func indefinite() throws {
        #expect(try evaluate(["vs.$": "$.items[*].v"]) == ["vs": [1, 2]])
        #expect(try evaluate(["none.$": "$.nothing[*]"]) == ["none": []])
    }

    @Test("a key ending in .$ may call an intrinsic function")
    func intrinsics() throws {
        #expect(try evaluate(["greeting.$": "States.Format('Hi {}', $.user.name)"]) == ["greeting": "Hi Ada"])
        #expect(try evaluate(["id.$": "States.UUID()"], seed: 5) == evaluate(["id.$": "States.UUID()"], seed: 5))
    }

    @Test("templates apply inside nested objects and objects inside arrays")
    func nesting() throws {
        let out = try evaluate(["a": ["b": ["c.$": "$.user.age"]], "list": [["n.$": "$$.Map.Item.Index"], 7]])
        #expect(out == ["a": ["b": ["c": 36]], "list": [["n": 0], 7]])
    }

    @Test("a path that is not found fails with AWS's States.Runtime message")
    func missingPath() throws {
        var random = DeterministicRandom(seed: 1)
        let env = PathEnvironment(input: ["int-literal": 0])
        let template = try PayloadTemplate(["value.$": "$.no_such_jsonpath"])
        do {
            _ = try template.evaluate(in: env, random: &random)
            Issue.record("must fail")
        } catch {
            #expect(error.error == "States.Runtime")
            #expect(
                error.cause
                    == "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"
            )
        }
        let deep = try PayloadTemplate(["deep": ["value.$": "$$.Execution.Input.nope"]])
        do {
            _ = try deep.evaluate(in: env, random: &random)
            Issue.record("must fail")
        } catch {
            #expect(error.cause.hasPrefix("The JSONPath '$$.Execution.Input.nope' specified for the field 'value.$'"))
        }
    }

    @Test("intrinsic failures pass through unchanged")
    func intrinsicFailure() throws {
        var random = DeterministicRandom(seed: 1)
        let template = try PayloadTemplate(["x.$": "States.ArrayLength($.user)"])
        do {
            _ = try template.evaluate(in: Self.env, random: &random)
            Issue.record("must fail")
        } catch {
            #expect(error.error == "States.IntrinsicFailure")
        }
    }

    static let invalidTemplates: [(JSON, String, String)] = [
        (["a.$": "not a path"], "/a.$", "a.$"),
        (["a.$": 3], "/a.$", "a.$"),
        (["o": ["b.$": "States.Nope()"]], "/o/b.$", "b.$"),
        (["l": [1, ["c.$": "$.a["]]], "/l/1/c.$", "c.$"),
        (["p": ["x/y.$": "$$$"]], "/p/x~1y.$", "x/y.$"),
        (["e.$": .string(#"States.StringToJson('{\"a\":1}')"#)], "/e.$", "e.$"),
    ]

    @Test("a .$ value that is not a path or an intrinsic call is invalid, with its location", arguments: invalidTemplates)
    func invalid(template: JSON, location: String, key: String) {
        do {
            _ = try PayloadTemplate(template)
            Issue.record("must be invalid")
        } catch {
            #expect(error.location == location)
            #expect(error.message == "The value for the field '\(key)' must be a valid JSONPath or a valid intrinsic function call")
        }
    }

    @Test("a key that is just .$ or has .$ inside is a plain key")
    func oddKeys() throws {
        #expect(try evaluate([".$": "$.x", "a.$b": "$.x"]) == [".$": "$.x", "a.$b": "$.x"])
    }
}
