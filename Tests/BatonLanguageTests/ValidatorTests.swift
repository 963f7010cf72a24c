import Testing
@testable import BatonLanguage

/// The diagnostics of definition text (empty when valid).
private func problems(_ text: String, _ options: ValidationOptions = .init()) -> [Diagnostic] {
    DefinitionParser.validate(text: text, options: options)
}

/// `"LOCATION CODE: MESSAGE"` of each diagnostic, for readable expectations.
private func lines(_ text: String, _ options: ValidationOptions = .init()) -> [String] {
    problems(text, options).map(\.description)
}

/// A machine of the one state `S` with the given JSON members.
private func oneState(_ members: String, language: String = "JSONPath") -> String {
    #"{"QueryLanguage": "\#(language)", "StartAt": "S", "States": {"S": {\#(members)}}}"#
}

@Suite("Validator: text that is not a definition")
struct ValidatorDocumentTests {
    @Test("text that is not JSON gives one INVALID_JSON_DESCRIPTION with Jackson's wording and position")
    func notJSON() {
        let found = problems("not a definition")
        #expect(found.count == 1)
        #expect(found.first?.code == "INVALID_JSON_DESCRIPTION")
        #expect(found.first?.message == """
            Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')
             at [Source: (String)"not a definition"; line: 1, column: 4]
            """)
        #expect(found.first?.location == #"[Source: (String)"not a definition"; line: 1, column: 4]"#)
    }

    @Test("a syntax error deeper in the text names its line and column")
    func syntaxErrorPosition() {
        let found = problems("{\n  \"StartAt\": \"A\",\n  \"States\": {]\n}")
        #expect(found.count == 1)
        #expect(found.first?.code == "INVALID_JSON_DESCRIPTION")
        #expect(found.first?.message.contains("line: 3") == true)
    }

    @Test("empty text, null, an array and a string are not JSON objects", arguments: ["", "   ", "null", "[1]", "\"x\""])
    func notAnObject(text: String) {
        let found = problems(text)
        #expect(found.map(\.code) == ["SCHEMA_VALIDATION_FAILED"])
        #expect(found.first?.message == "Definition must be a valid JSON object")
    }

    @Test("an empty object lacks States and StartAt, named together at /")
    func emptyObject() {
        #expect(lines("{}") == ["/ SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt]"])
    }

    @Test("a missing StartAt is named alone")
    func missingStartAt() {
        #expect(lines(#"{"States": {"A": {"Type": "Pass", "End": true}}}"#)
            == ["/ SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt]"])
    }

    @Test("a definition larger than the limit is refused before it is read")
    func tooLarge() {
        let big = "{\"Comment\": \"" + String(repeating: "x", count: 10 * 1024 * 1024) + "\"}"
        let found = problems(big)
        #expect(found.count == 1)
        #expect(found.first?.code == "SCHEMA_VALIDATION_FAILED")
        #expect(found.first?.message.contains("1048576") == true)
    }

    @Test("a definition already read as JSON is held to the same size limit")
    func tooLargeJSON() {
        let big: JSON = ["StartAt": "A", "Comment": .string(String(repeating: "x", count: 2_000_000)),
                         "States": ["A": ["Type": "Succeed"]]]
        let found: [Diagnostic]
        switch DefinitionParser.parse(json: big) {
        case .success: found = []
        case .failure(let invalid): found = invalid.diagnostics
        }
        #expect(found.count == 1)
        #expect(found.first?.message.contains("1048576") == true)
        switch DefinitionParser.parse(json: big, options: ValidationOptions(maxDefinitionBytes: 3_000_000)) {
        case .success: break
        case .failure(let invalid): Issue.record("a raised limit should accept it: \(invalid.diagnostics)")
        }
    }

    @Test("nesting 10,000 deep is a clean JSON error, not a crash")
    func deepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let found = problems(#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": \#(deep), "End": true}}}"#)
        #expect(found.map(\.code) == ["INVALID_JSON_DESCRIPTION"])
        #expect(found.first?.message.contains("deeper than 512 levels") == true)
    }

    @Test("Parallel states nested as deep as the JSON limit allows parse without exhausting the stack")
    func deepParallels() {
        func nested(_ levels: Int) -> String {
            var branch = #"{"StartAt": "L", "States": {"L": {"Type": "Succeed"}}}"#
            for level in 0..<levels {
                branch = #"{"StartAt": "P\#(level)", "States": {"P\#(level)": {"Type": "Parallel", "End": true, "Branches": [\#(branch)]}}}"#
            }
            return branch
        }
        #expect(problems(nested(120)).isEmpty)  // 4 JSON levels each: 482 deep, under the 512 limit
        #expect(problems(nested(130)).map(\.code) == ["INVALID_JSON_DESCRIPTION"])
    }

    @Test("a definition full of unknown fields reports each of them")
    func manyUnknownFields() {
        let fields = (0..<2000).map { "\"F\($0)\": \($0)" }.joined(separator: ", ")
        let found = problems(#"{"StartAt": "A", \#(fields), "States": {"A": {"Type": "Pass", "End": true}}}"#)
        #expect(found.count == 2000)
        #expect(found.allSatisfy { $0.code == "SCHEMA_VALIDATION_FAILED" && $0.location == "/" })
        #expect(found.first?.message == "Field 'F0' is not supported")
    }

    @Test("states that are not objects, and a States that is not an object, are reported")
    func nonObjectStates() {
        #expect(lines(#"{"StartAt": "A", "States": {"A": 1, "B": [], "C": null}}"#) == [
            "/States/A SCHEMA_VALIDATION_FAILED: The value for the field 'A' must be an OBJECT",
            "/States/B SCHEMA_VALIDATION_FAILED: The value for the field 'B' must be an OBJECT",
            "/States/C SCHEMA_VALIDATION_FAILED: The value for the field 'C' must be an OBJECT",
        ])
        #expect(lines(#"{"StartAt": "A", "States": "A"}"#)
            == ["/States SCHEMA_VALIDATION_FAILED: The value for the field 'States' must be an OBJECT"])
    }
}

@Suite("Validator: transitions between states")
struct ValidatorTransitionTests {
    @Test("a Next naming no state is MISSING_TRANSITION_TARGET at that Next")
    func missingNext() {
        #expect(lines(#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#)
            == ["/States/A/Next MISSING_TRANSITION_TARGET: Missing 'Next' target: B"])
    }

    @Test("StartAt, Default, Choices and Catch targets are checked too")
    func otherTargets() {
        let text = """
            {"StartAt": "X", "States": {
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "Q"}], "Default": "R"},
              "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S"}], "End": true}}}
            """
        #expect(Set(lines(text)) == [
            "/States/C/Choices[0]/Next MISSING_TRANSITION_TARGET: Missing 'Next' target: Q",
            "/States/C/Default MISSING_TRANSITION_TARGET: Missing 'Default' target: R",
            "/States/T/Catch[0]/Next MISSING_TRANSITION_TARGET: Missing 'Next' target: S",
            "/StartAt MISSING_TRANSITION_TARGET: Missing 'StartAt' target: X",
        ])
    }

    @Test("a branch cannot go to a state outside itself")
    func branchScope() {
        let text = """
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Out"}}}]},
             "Out": {"Type": "Succeed"}}}
            """
        #expect(lines(text).contains("/States/P/Branches[0]/States/A/Next MISSING_TRANSITION_TARGET: Missing 'Next' target: Out"))
    }

    @Test("a state no path reaches is reported as AWS does: MISSING_TRANSITION_TARGET, 'is not reachable.'")
    func unreachable() {
        let text = #"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Pass", "End": true}}}"#
        #expect(lines(text) == [#"/States/B MISSING_TRANSITION_TARGET: State "B" is not reachable."#])
    }

    @Test("a missing target and an unreachable state are both reported (AWS's own example)")
    func missingAndUnreachable() {
        let text = """
            {"StartAt": "pass1", "States": {"pass1": {"Type": "Pass", "Next": "pass3"},
             "pass2": {"Type": "Pass", "End": true}}}
            """
        #expect(lines(text) == [
            "/States/pass1/Next MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3",
            #"/States/pass2 MISSING_TRANSITION_TARGET: State "pass2" is not reachable."#,
        ])
    }

    @Test("states that only reach each other, not from StartAt, are unreachable too")
    func unreachableCycle() {
        let text = """
            {"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Pass", "Next": "C"},
             "C": {"Type": "Pass", "Next": "B"}}}
            """
        #expect(lines(text) == [
            #"/States/B MISSING_TRANSITION_TARGET: State "B" is not reachable."#,
            #"/States/C MISSING_TRANSITION_TARGET: State "C" is not reachable."#,
        ])
    }

    @Test("states reached only through Catch or Choice are reachable")
    func reachableThroughCatchAndChoice() {
        let text = """
            {"StartAt": "C", "States": {
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "T"}], "Default": "D"},
              "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "End": true},
              "D": {"Type": "Succeed"}, "F": {"Type": "Fail"}}}
            """
        #expect(lines(text).isEmpty)
    }

    @Test("a state name used twice anywhere in the machine is DUPLICATE_STATE_NAME")
    func duplicateNames() {
        let text = """
            {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Next": "B", "Branches": [
              {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}]},
             "B": {"Type": "Succeed"}}}
            """
        #expect(lines(text) == ["/States/B DUPLICATE_STATE_NAME: Duplicate State name: B"])
    }

    @Test("a machine whose states all go on forever has MISSING_END_STATE (AWS's documented code)")
    func noTerminal() {
        let text = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#
        #expect(lines(text) == ["/States MISSING_END_STATE: No terminal state found in the state machine"])
    }

    @Test("each branch needs a terminal state of its own")
    func branchWithoutEnd() {
        let text = """
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "Next": "A"}}}]}}}
            """
        #expect(lines(text) == ["/States/P/Branches[0]/States MISSING_END_STATE: No terminal state found in the state machine"])
    }

    @Test("a state name longer than 80 characters is INVALID_STATE_NAME")
    func longStateName() {
        let name = String(repeating: "n", count: 81)
        #expect(lines(#"{"StartAt": "\#(name)", "States": {"\#(name)": {"Type": "Succeed"}}}"#)
            == ["/States/\(name) INVALID_STATE_NAME: State name cannot exceed 80 characters"])
        let ok = String(repeating: "n", count: 80)
        #expect(lines(#"{"StartAt": "\#(ok)", "States": {"\#(ok)": {"Type": "Succeed"}}}"#).isEmpty)
    }

    @Test("Next and End together, or neither, are schema errors")
    func nextAndEnd() {
        #expect(lines(#"{"StartAt": "S", "States": {"S": {"Type": "Pass", "Next": "Z", "End": true}, "Z": {"Type": "Succeed"}}}"#)
            == ["/States/S SCHEMA_VALIDATION_FAILED: The fields 'Next' and 'End' cannot both be set"])
        #expect(lines(oneState(#""Type": "Pass""#))
            == ["/States/S SCHEMA_VALIDATION_FAILED: These fields are required: [Next or End]"])
    }
}

@Suite("Validator: the fields each state type accepts")
struct ValidatorFieldTests {
    @Test("an unknown Type lists the eight types")
    func unknownType() {
        #expect(lines(oneState(#""Type": "Sleep", "End": true"#)) == [
            "/States/S/Type SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
        ])
    }

    @Test("a field another state type has is not supported", arguments: [
        #""Type": "Pass", "Resource": "x", "End": true"#,
        #""Type": "Succeed", "ResultPath": "$.x""#,
        #""Type": "Fail", "InputPath": "$""#,
        #""Type": "Fail", "End": true"#,
        #""Type": "Wait", "Seconds": 1, "Retry": [], "End": true"#,
    ])
    func foreignField(members: String) {
        let found = problems(oneState(members))
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("Field '") == true)
        #expect(found.first?.message.hasSuffix("' is not supported") == true)
        #expect(found.first?.location == "/States/S")
    }

    @Test("JSONata fields are not supported in JSONPath states", arguments: [
        #""Type": "Pass", "Output": {}, "End": true"#,
        #""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {}, "End": true"#,
        #""Type": "Map", "Items": [], "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "End": true"#,
    ])
    func jsonataFieldsInJSONPath(members: String) {
        let found = problems(oneState(members))
        #expect(found.count == 1)
        #expect(found.first?.message.hasSuffix("' is not supported") == true)
    }

    @Test("JSONPath fields are not supported in JSONata states", arguments: [
        #""Type": "Pass", "InputPath": "$", "End": true"#,
        #""Type": "Pass", "Parameters": {}, "End": true"#,
        #""Type": "Pass", "Result": 1, "End": true"#,
        #""Type": "Wait", "SecondsPath": "$.s", "End": true"#,
        #""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultSelector": {}, "End": true"#,
        #""Type": "Map", "ItemsPath": "$", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "End": true"#,
    ])
    func jsonPathFieldsInJSONata(members: String) {
        let found = problems(oneState(members, language: "JSONata"))
        #expect(found.contains { $0.message.hasSuffix("' is not supported") && $0.location == "/States/S" })
    }

    @Test("a state cannot go back to JSONPath in a JSONata machine")
    func downgrade() {
        let text = #"{"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": true, "QueryLanguage": "JSONPath"}}, "QueryLanguage": "JSONata"}"#
        #expect(lines(text) == [
            "/States/Pass SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
        ])
    }

    @Test("a wrong type names the field and the type it must have")
    func wrongTypes() {
        #expect(lines(oneState(#""Type": "Pass", "Next": 5"#))
            == ["/States/S/Next SCHEMA_VALIDATION_FAILED: The value for the field 'Next' must be a STRING"])
        #expect(lines(oneState(#""Type": "Wait", "Seconds": "5", "End": true"#))
            == ["/States/S/Seconds SCHEMA_VALIDATION_FAILED: The value for the field 'Seconds' must be an INTEGER"])
        #expect(lines(oneState(#""Type": "Wait", "Seconds": -1, "End": true"#))
            == ["/States/S/Seconds SCHEMA_VALIDATION_FAILED: The value for the field 'Seconds' must be greater than or equal to 0"])
    }

    @Test("a JSONata expression is accepted only where JSONata is the query language")
    func jsonataStrings() {
        #expect(problems(oneState(#""Type": "Wait", "Seconds": "{% 1 %}", "End": true"#, language: "JSONata")).isEmpty)
        #expect(lines(oneState(#""Type": "Wait", "Seconds": "{% 1 %}", "End": true"#))
            == ["/States/S/Seconds SCHEMA_VALIDATION_FAILED: The value for the field 'Seconds' must be an INTEGER"])
        #expect(lines(oneState(#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "$.x", "End": true"#, language: "JSONata"))
            == ["/States/S/Arguments SCHEMA_VALIDATION_FAILED: The value for the field 'Arguments' must be an OBJECT or a JSONata expression"])
    }
}

@Suite("Validator: JSONata expressions, checked by the caller's JSONata parser")
struct ValidatorJSONataSyntaxTests {
    /// A stand-in parser: an expression is bad when its parentheses do not balance.
    static let options = ValidationOptions(jsonataSyntax: { text in
        text.filter { $0 == "(" }.count == text.filter { $0 == ")" }.count ? nil : "unbalanced parentheses"
    })

    @Test("each bad expression is reported at its own place, in every field that takes one")
    func badExpressions() {
        let text = """
            {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": {"Type": "Pass",
             "Output": {"a": ["{% $f( %}", "{% ok() %}"], "b": "{% $g(1 %}"}, "Assign": {"v": "{% ( %}"},
             "Comment": "{% ( %}", "End": true}}}
            """
        #expect(lines(text, Self.options) == [
            "/States/S/Output/a[0] SCHEMA_VALIDATION_FAILED: The JSONata expression '{% $f( %}' specified for the field 'a' is invalid: unbalanced parentheses",
            "/States/S/Output/b SCHEMA_VALIDATION_FAILED: The JSONata expression '{% $g(1 %}' specified for the field 'b' is invalid: unbalanced parentheses",
            "/States/S/Assign/v SCHEMA_VALIDATION_FAILED: The JSONata expression '{% ( %}' specified for the field 'v' is invalid: unbalanced parentheses",
        ])
    }

    @Test("JSONPath states and the Comment are not JSONata; without a parser nothing is checked")
    func notChecked() {
        #expect(problems(oneState(#""Type": "Pass", "Parameters": {"a": "{% ( %}"}, "End": true"#), Self.options).isEmpty)
        #expect(problems(oneState(#""Type": "Pass", "Output": "{% ( %}", "End": true"#, language: "JSONata")).isEmpty)
    }
}

@Suite("Validator: paths, intrinsic functions and templates")
struct ValidatorExpressionTests {
    @Test("a .$ field must hold a path or an intrinsic function call; reported at the template")
    func payloadTemplate() {
        let text = oneState(#""Type": "Pass", "Parameters": {"parsed.$": "States.StringToJson('{\"a\":\"b \\\"c\\\"\"}')"}, "End": true"#)
        #expect(lines(text) == [
            "/States/S/Parameters SCHEMA_VALIDATION_FAILED: The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call",
        ])
    }

    @Test("nested templates are checked at their own location; a bad path is named a bad JSONPath")
    func nestedTemplate() {
        let text = oneState(#""Type": "Pass", "Parameters": {"a": {"b.$": "not a path", "c.$": "$.x y"}, "ok.$": "$.x"}, "End": true"#)
        #expect(lines(text) == [
            "/States/S/Parameters/a SCHEMA_VALIDATION_FAILED: The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call",
            "/States/S/Parameters/a SCHEMA_VALIDATION_FAILED: The value for the field 'c.$' must be a valid JSONPath",
        ])
    }

    @Test("Assign keys name variables: identifiers of at most 80 characters", arguments: [
        ("JSONPath", #"{"1x": 1}"#, "1x"), ("JSONPath", #"{"a-b.$": "$.x"}"#, "a-b"), ("JSONata", #"{"x.$": "$.x"}"#, "x.$"),
        ("JSONata", #"{"": 1}"#, ""),
    ])
    func variableNames(language: String, assign: String, name: String) {
        let found = lines(oneState(#""Type": "Pass", "Assign": \#(assign), "End": true"#, language: language))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("/States/S/Assign SCHEMA_VALIDATION_FAILED: The variable name '\(name)' is invalid") == true)
    }

    @Test("good variable names pass")
    func goodVariableNames() {
        #expect(problems(oneState(#""Type": "Pass", "Assign": {"x": 1, "_y.$": "$.y", "größe": 2, "v2": 3}, "End": true"#)).isEmpty)
    }

    @Test("InputPath, ItemsPath and ResultPath must be valid paths")
    func paths() {
        #expect(lines(oneState(#""Type": "Pass", "InputPath": "a.b", "End": true"#))
            == ["/States/S/InputPath SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath"])
        #expect(lines(oneState(#""Type": "Pass", "ResultPath": "$.a[*]", "End": true"#))
            == ["/States/S/ResultPath SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid ReferencePath"])
        #expect(lines(oneState(#""Type": "Pass", "ResultPath": "a", "End": true"#))
            == ["/States/S/ResultPath SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path didn't start with '$'"])
    }

    @Test("a Timestamp must be RFC 3339", arguments: [
        "2016-13-05T21:29:29Z", "05-12-2016T21:29:29Z", "2016-12-05T25:29:29Z", "2016-12-05 21:29:29Z",
        "{% '2016-03-14T01:59:00Z' %}", "2016-02-30T00:00:00Z", "2016-12-05T21:29:29", "2016-12-05T21:29:29.Z",
    ])
    func badTimestamp(timestamp: String) {
        #expect(lines(oneState(#""Type": "Wait", "Timestamp": "\#(timestamp)", "End": true"#))
            == ["/States/S/Timestamp SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp"])
    }

    @Test("good RFC 3339 timestamps pass", arguments: [
        "2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123456Z", "2016-03-14T01:59:00+05:30", "2016-02-29T23:59:60Z",
    ])
    func goodTimestamp(timestamp: String) {
        #expect(problems(oneState(#""Type": "Wait", "Timestamp": "\#(timestamp)", "End": true"#)).isEmpty)
    }
}

@Suite("Validator: Task resources, Retry, Catch and Credentials")
struct ValidatorTaskTests {
    private func task(_ resource: String, _ extra: String = "") -> String {
        oneState(#""Type": "Task", "Resource": "\#(resource)", \#(extra)"End": true"#)
    }

    @Test("text that is not an ARN at all is refused as such", arguments: ["lambda", "${LambdaArn}", "arn:aws:lambda"])
    func notAnARN(resource: String) {
        #expect(lines(task(resource)) == ["/States/S/Resource SCHEMA_VALIDATION_FAILED: Value is not a valid resource ARN"])
    }

    @Test("an ARN AWS does not know is refused", arguments: [
        "arn:aws:states:::dynamodb:query", "arn:aws:states:::lambda:call", "arn:aws:s3:::bucket",
        "arn:aws:states:::sns:publish.sync", "arn:aws:lambda:us-east-1:1:layer:x",
    ])
    func unknownResource(resource: String) {
        #expect(lines(task(resource)) == [
            "/States/S/Resource SCHEMA_VALIDATION_FAILED: The resource provided \(resource) is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.",
        ])
    }

    @Test("Lambda functions, activities, optimized and SDK integrations, and Baton's queue forms are recognized", arguments: [
        "arn:aws:lambda:us-east-1:111111111111:function:f", "arn:aws:lambda:us-east-1:111111111111:function:f:prod",
        "arn:aws:states:us-east-1:111111111111:activity:a", "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "arn:aws:states:::states:startExecution.sync:2", "arn:aws:states:::dynamodb:putItem",
        "arn:aws:states:::aws-sdk:s3:listBuckets", "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "arn:baton:queue:::resize", "baton:queue:resize", "arn:aws:rpcmessage:local::function:resize",
    ])
    func knownResource(resource: String) {
        #expect(problems(task(resource)).isEmpty)
    }

    @Test("an EXPRESS machine refuses .sync, .waitForTaskToken and activities; STANDARD accepts them")
    func express() {
        let express = ValidationOptions(stateMachineType: .express)
        #expect(lines(task("arn:aws:states:::states:startExecution.sync"), express) == [
            "/States/S/Resource SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration ",
        ])
        #expect(lines(task("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), express) == [
            "/States/S/Resource SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration ",
        ])
        #expect(lines(task("arn:aws:states:us-east-1:1:activity:a"), express)
            == ["/States/S/Resource SCHEMA_VALIDATION_FAILED: Express state machine does not support Activity ARN"])
        #expect(problems(task("arn:aws:states:::states:startExecution.sync")).isEmpty)
        #expect(problems(task("arn:aws:states:::lambda:invoke"), express).isEmpty)
    }

    @Test("Credentials need a RoleArn")
    func credentials() {
        let expected = ["/States/S/Credentials SCHEMA_VALIDATION_FAILED: The field 'RoleArn' is required but was missing"]
        #expect(lines(task("arn:aws:states:::lambda:invoke", #""Credentials": {}, "#)) == expected)
        #expect(lines(task("arn:aws:states:::lambda:invoke", #""Credentials": {"InvalidField": "x"}, "#)) == expected + [
            "/States/S/Credentials SCHEMA_VALIDATION_FAILED: Field 'InvalidField' is not supported",
        ])
        #expect(lines(task("arn:aws:states:::lambda:invoke", #""Credentials": {"RoleArn": 1}, "#))
            == ["/States/S/Credentials/RoleArn SCHEMA_VALIDATION_FAILED: The value for the field 'RoleArn' must be a STRING"])
        #expect(problems(task("arn:aws:states:::lambda:invoke", #""Credentials": {"RoleArn.$": "$.role"}, "#)).isEmpty)
    }

    @Test("Retry entries need ErrorEquals and sensible limits; States.ALL comes alone and last")
    func retry() {
        let text = task("arn:aws:states:::lambda:invoke", """
            "Retry": [{"IntervalSeconds": 0}, {"ErrorEquals": [], "BackoffRate": 0.5}, {"ErrorEquals": ["States.ALL", "E"]},
                      {"ErrorEquals": ["States.ALL"], "JitterStrategy": "SOME"}, {"ErrorEquals": ["E"], "Foo": 1}],
            """)
        #expect(lines(text) == [
            "/States/S/Retry[0] SCHEMA_VALIDATION_FAILED: These fields are required: [ErrorEquals]",
            "/States/S/Retry[0]/IntervalSeconds SCHEMA_VALIDATION_FAILED: The value for the field 'IntervalSeconds' must be greater than or equal to 1",
            "/States/S/Retry[1]/ErrorEquals SCHEMA_VALIDATION_FAILED: The field 'ErrorEquals' should be non-empty",
            "/States/S/Retry[1]/BackoffRate SCHEMA_VALIDATION_FAILED: The value for the field 'BackoffRate' must be greater than or equal to 1.0",
            "/States/S/Retry[2]/ErrorEquals SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals'",
            "/States/S/Retry[3]/ErrorEquals SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear in the last entry of 'Retry'",
            "/States/S/Retry[3]/JitterStrategy SCHEMA_VALIDATION_FAILED: The field 'JitterStrategy' should have one of these values: [FULL, NONE]",
            "/States/S/Retry[4] SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported",
        ])
    }

    @Test("Catch entries need ErrorEquals and Next")
    func catchShape() {
        let text = task("arn:aws:states:::lambda:invoke", #""Catch": [{"ResultPath": "$.e"}, "x"], "#)
        #expect(lines(text) == [
            "/States/S/Catch[0] SCHEMA_VALIDATION_FAILED: These fields are required: [ErrorEquals, Next]",
            "/States/S/Catch[1] SCHEMA_VALIDATION_FAILED: The value for the field 'Catch' must be an OBJECT",
        ])
    }
}

@Suite("Validator: Map states")
struct ValidatorMapTests {
    private func map(_ extra: String, config: String = #"{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}"#) -> String {
        oneState(#""Type": "Map", \#(extra)"ItemProcessor": {"ProcessorConfig": \#(config), "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "End": true"#)
    }

    @Test("a Label has at most 40 characters")
    func labelLength() {
        #expect(lines(map(#""Label": "\#(String(repeating: "a", count: 41))", "#))
            == ["/States/S/Label INVALID_LABEL_NAME: Label cannot exceed 40 characters"])
        #expect(problems(map(#""Label": "\#(String(repeating: "a", count: 40))", "#)).isEmpty)
        #expect(lines(map(#""Label": "", "#)) == ["/States/S/Label INVALID_LABEL_NAME: Label cannot be empty"])
    }

    @Test("a Label has none of the forbidden characters", arguments: [
        (";", ";"), (",", ","), ("\\\\", "\\"), ("|", "|"), ("{", "{"), ("?", "?"), ("*", "*"), ("\\u0001", "\\x01"),
        ("\\u007f", "\\x7f"), ("\\u0085", "\\x85"), (" ", " "),
    ])
    func labelCharacters(written: String, shown: String) {
        #expect(lines(map(#""Label": "label_\#(written)", "#))
            == ["/States/S/Label INVALID_LABEL_NAME: Label contains invalid character: '\(shown)'"])
    }

    @Test("two Maps cannot share a Label: DUPLICATE_LABEL_NAME")
    func duplicateLabel() {
        let inner = #"{"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}"#
        let inner2 = #"{"StartAt": "J", "States": {"J": {"Type": "Succeed"}}}"#
        let text = #"{"StartAt": "A", "States": {"A": {"Type": "Map", "Label": "L", "ItemProcessor": \#(inner), "Next": "B"}, "B": {"Type": "Map", "Label": "L", "ItemProcessor": \#(inner2), "End": true}}}"#
        #expect(lines(text) == ["/States/B/Label DUPLICATE_LABEL_NAME: Duplicate label name: L"])
    }

    @Test("ProcessorConfig: known modes and execution types only; DISTRIBUTED needs an ExecutionType")
    func processorConfig() {
        #expect(lines(map("", config: #"{"Mode": "PARALLEL"}"#)) == [
            "/States/S/ItemProcessor/ProcessorConfig/Mode SCHEMA_VALIDATION_FAILED: The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]",
        ])
        #expect(lines(map("", config: #"{"Mode": "DISTRIBUTED"}"#))
            == ["/States/S/ItemProcessor/ProcessorConfig SCHEMA_VALIDATION_FAILED: These fields are required: [ExecutionType]"])
        #expect(lines(map("", config: #"{"Mode": "INLINE", "ExecutionType": "EXPRESS"}"#))
            == ["/States/S/ItemProcessor/ProcessorConfig SCHEMA_VALIDATION_FAILED: Field 'ExecutionType' is not supported"])
    }

    @Test("an EXPRESS machine cannot run a distributed Map")
    func distributedInExpress() {
        #expect(lines(map(""), ValidationOptions(stateMachineType: .express)) == [
            "/States/S/ItemProcessor/ProcessorConfig/Mode SCHEMA_VALIDATION_FAILED: The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines",
        ])
        #expect(problems(map("")).isEmpty)
    }

    @Test("ItemProcessor or Iterator: one of them, not both")
    func processorPresence() {
        #expect(lines(oneState(#""Type": "Map", "End": true"#))
            == ["/States/S SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor]"])
        let both = oneState(#""Type": "Map", "End": true, "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "ItemProcessor": {"StartAt": "J", "States": {"J": {"Type": "Succeed"}}}"#)
        #expect(lines(both).contains("/States/S SCHEMA_VALIDATION_FAILED: These fields cannot be used together: [ItemProcessor, Iterator]"))
    }

    @Test("MaxConcurrency and ToleratedFailure* take numbers in range, not both a value and its path")
    func limits() {
        #expect(lines(map(#""MaxConcurrency": -1, "ToleratedFailurePercentage": 101, "ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.c", "#)) == [
            "/States/S/MaxConcurrency SCHEMA_VALIDATION_FAILED: The value for the field 'MaxConcurrency' must be greater than or equal to 0",
            "/States/S/ToleratedFailurePercentage SCHEMA_VALIDATION_FAILED: The value for the field 'ToleratedFailurePercentage' must be between 0 and 100",
            "/States/S SCHEMA_VALIDATION_FAILED: These fields cannot be used together: [ToleratedFailureCount, ToleratedFailureCountPath]",
        ])
    }

    @Test("ItemBatcher, ItemReader and ResultWriter shapes")
    func distributedParts() {
        let text = map(#""ItemBatcher": {}, "ItemReader": {"Parameters": {}}, "ResultWriter": {"Resource": "arn:aws:states:::s3:getObject"}, "#)
        #expect(lines(text) == [
            "/States/S/ItemBatcher SCHEMA_VALIDATION_FAILED: At least one of these fields is required: [MaxItemsPerBatch, MaxInputBytesPerBatch]",
            "/States/S/ItemReader SCHEMA_VALIDATION_FAILED: These fields are required: [Resource]",
            "/States/S/ResultWriter/Resource SCHEMA_VALIDATION_FAILED: The field 'Resource' does not match any of the allowed values",
        ])
        let good = map(#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket.$": "$.b", "Key": "k"}}, "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b"}}, "#)
        #expect(problems(good).isEmpty)
    }
}

@Suite("Validator: every problem at once")
struct ValidatorAllProblemsTests {
    @Test("problems in several states and of several kinds are all reported")
    func severalProblems() {
        let text = """
            {"StartAt": "A", "Bogus": 1, "States": {
              "A": {"Type": "Pass", "Next": "Nowhere", "Output": 1},
              "B": {"Type": "Wait", "Timestamp": "yesterday", "End": true},
              "C": {"Type": "Task", "End": true}}}
            """
        let found = lines(text)
        #expect(found.contains("/ SCHEMA_VALIDATION_FAILED: Field 'Bogus' is not supported"))
        #expect(found.contains("/States/A SCHEMA_VALIDATION_FAILED: Field 'Output' is not supported"))
        #expect(found.contains("/States/A/Next MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere"))
        #expect(found.contains("/States/B/Timestamp SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp"))
        #expect(found.contains("/States/C SCHEMA_VALIDATION_FAILED: These fields are required: [Resource]"))
        #expect(found.contains(#"/States/B MISSING_TRANSITION_TARGET: State "B" is not reachable."#))
        #expect(found.contains(#"/States/C MISSING_TRANSITION_TARGET: State "C" is not reachable."#))
        #expect(found.count == 7)
    }

    @Test("a bad Choice rule or Wait duration does not hide the graph's problems")
    func badStatesKeepTheGraph() {
        let text = """
            {"StartAt": "C", "States": {
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "Next": "W"}], "Default": "Gone"},
              "W": {"Type": "Wait", "Timestamp": "noon", "Next": "E"}, "E": {"Type": "Succeed"},
              "Lost": {"Type": "Succeed"}}}
            """
        let found = lines(text)
        #expect(found.contains("/States/C/Default MISSING_TRANSITION_TARGET: Missing 'Default' target: Gone"))
        #expect(found.contains(#"/States/Lost MISSING_TRANSITION_TARGET: State "Lost" is not reachable."#))
        #expect(found.contains("/States/W/Timestamp SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp"))
        #expect(found.contains { $0.hasPrefix("/States/C/Choices[0] SCHEMA_VALIDATION_FAILED") })
        #expect(!found.contains { $0.contains("State \"W\" is not reachable") || $0.contains("State \"E\" is not reachable") })
    }

    @Test("problems inside nested branches and processors are reported with their full location")
    func nested() {
        let text = """
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "I",
                "States": {"I": {"Type": "Pass", "End": true, "Foo": 1}}}}}},
              {"States": {"X": {"Type": "Succeed"}}}]}}}
            """
        #expect(lines(text) == [
            "/States/P/Branches[0]/States/M/ItemProcessor/States/I SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported",
            "/States/P/Branches[1] SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt]",
        ])
    }
}
