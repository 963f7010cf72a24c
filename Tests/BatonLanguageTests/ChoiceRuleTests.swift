import Testing
@testable import BatonLanguage

/// Parses a rule that must be valid.
private func rule(_ json: JSON, sourceLocation: SourceLocation = #_sourceLocation) throws -> ChoiceRule {
    var diagnostics: [Diagnostic] = []
    let parsed = ChoiceRule.parse(json, at: "/States/C/Choices/0", diagnostics: &diagnostics)
    #expect(diagnostics.isEmpty, "\(diagnostics)", sourceLocation: sourceLocation)
    return try #require(parsed, sourceLocation: sourceLocation)
}

/// Evaluates `json` as a rule against `input` (and optional variables).
private func holds(_ json: JSON, on input: JSON, variables: [String: JSON] = [:],
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
    try rule(json, sourceLocation: sourceLocation).evaluate(in: PathEnvironment(input: input, variables: variables))
}

/// `{"Variable": "$.v", op: operand}` evaluated with `$.v` = `value` (and `$.w` = `other`).
private func compare(_ value: JSON, _ op: String, _ operand: JSON, other: JSON = .null,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
    let object: JSONObject = ["Variable": "$.v", op: operand]
    return try holds(.object(object), on: ["v": value, "w": other], sourceLocation: sourceLocation)
}

/// The diagnostics of an invalid rule (parse must return nil).
private func diagnostics(of json: JSON, sourceLocation: SourceLocation = #_sourceLocation) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let parsed = ChoiceRule.parse(json, at: "/States/C/Choices/0", diagnostics: &diagnostics)
    #expect(parsed == nil, sourceLocation: sourceLocation)
    #expect(diagnostics.allSatisfy { $0.code == "SCHEMA_VALIDATION_FAILED" }, sourceLocation: sourceLocation)
    return diagnostics
}

@Suite("Choice rules: string operators")
struct ChoiceStringOperatorTests {
    @Test("StringEquals is true only for the identical string")
    func stringEquals() throws {
        #expect(try compare("Hello", "StringEquals", "Hello"))
        #expect(try !compare("Hello", "StringEquals", "hello"))
        #expect(try !compare(" ", "StringEquals", "     "))
        #expect(try !compare("\t\n", "StringEquals", "\t\r\n"))
    }

    @Test("StringEquals compares code units, not canonical equivalence")
    func stringEqualsIsExact() throws {
        #expect(try !compare("\u{E9}", "StringEquals", "e\u{301}"))
    }

    @Test("string ordering is lexicographic by UTF-16 code unit, a prefix sorting first")
    func stringOrdering() throws {
        #expect(try compare("A", "StringLessThan", "AB"))
        #expect(try !compare("AB", "StringLessThan", "A"))
        #expect(try !compare("", "StringLessThan", ""))
        #expect(try compare("B", "StringGreaterThan", "AZ"))
        #expect(try !compare("A", "StringGreaterThan", "A"))
        #expect(try compare("A", "StringLessThanEquals", "A"))
        #expect(try compare("A", "StringLessThanEquals", "AB"))
        #expect(try !compare("AB", "StringLessThanEquals", "A"))
        #expect(try compare("", "StringGreaterThanEquals", ""))
        #expect(try compare("AB", "StringGreaterThanEquals", "A"))
        #expect(try !compare("A", "StringGreaterThanEquals", "AB"))
        // U+FF5E (one code unit) sorts after U+1F600 (a surrogate pair starting 0xD83D) in UTF-16.
        #expect(try compare("\u{FF5E}", "StringGreaterThan", "\u{1F600}"))
        #expect(try compare("Z", "StringLessThan", "a"))
    }

    @Test("the Path forms read the right-hand string from the input")
    func stringPathForms() throws {
        #expect(try compare("Hello", "StringEqualsPath", "$.w", other: "Hello"))
        #expect(try compare("A", "StringLessThanPath", "$.w", other: "AB"))
        #expect(try !compare("A", "StringGreaterThanPath", "$.w", other: "A "))
        #expect(try compare("A", "StringLessThanEqualsPath", "$.w", other: "A"))
        #expect(try compare("AB", "StringGreaterThanEqualsPath", "$.w", other: "A"))
    }

    @Test("a string operator on a non-string is false, whichever side it is on")
    func stringTypeMismatch() throws {
        for value: JSON in [nil, 0, 1.1, true, false, [], [""], [:], ["A": 0]] {
            #expect(try !compare(value, "StringEquals", "HelloWorld"))
            #expect(try !compare(value, "StringLessThan", "HelloWorld"))
        }
        #expect(try !compare("1", "StringEqualsPath", "$.w", other: 1))
    }
}

@Suite("Choice rules: StringMatches")
struct ChoiceStringMatchesTests {
    @Test("a star matches any run of characters, including none")
    func wildcards() throws {
        #expect(try compare("log.txt", "StringMatches", "*.txt"))
        #expect(try compare(".txt", "StringMatches", "*.txt"))
        #expect(try !compare("log.txt.bak", "StringMatches", "*.txt"))
        #expect(try compare("foo23.log", "StringMatches", "foo*.log"))
        #expect(try compare("abcabc", "StringMatches", "a*c"))
        #expect(try compare("anything", "StringMatches", "*"))
        #expect(try compare("", "StringMatches", "*"))
        #expect(try compare("a-b-c", "StringMatches", "*-*-*"))
        #expect(try !compare("ab", "StringMatches", "a*b*c"))
    }

    @Test("without a star the whole string must match")
    func exact() throws {
        #expect(try compare("abc", "StringMatches", "abc"))
        #expect(try !compare("abcd", "StringMatches", "abc"))
        #expect(try !compare("", "StringMatches", "a"))
        #expect(try compare("", "StringMatches", ""))
    }

    @Test("backslash-star is a literal star and double backslash a literal backslash")
    func escapes() throws {
        #expect(try compare("a*b", "StringMatches", "a\\*b"))
        #expect(try !compare("axb", "StringMatches", "a\\*b"))
        #expect(try compare("a\\b", "StringMatches", "a\\\\b"))
        #expect(try compare("C:\\dir\\file", "StringMatches", "C:\\\\*"))
        #expect(try compare("*x", "StringMatches", "\\**"))
        #expect(try !compare("yx", "StringMatches", "\\**"))
    }

    @Test("StringMatches on a non-string is false")
    func mismatch() throws {
        #expect(try !compare(12, "StringMatches", "*"))
        #expect(try !compare(nil, "StringMatches", "*"))
    }
}

@Suite("Choice rules: numeric operators")
struct ChoiceNumericOperatorTests {
    @Test("NumericEquals compares by value, integer or decimal")
    func numericEquals() throws {
        #expect(try compare(1, "NumericEquals", 1))
        #expect(try compare(1, "NumericEquals", 1.0))
        #expect(try compare(0.0, "NumericEquals", 0))
        #expect(try compare(2.22, "NumericEquals", 2.22))
        #expect(try !compare(1.1, "NumericEquals", 1))
        #expect(try !compare(0, "NumericEquals", 1))
    }

    @Test("the ordering operators")
    func ordering() throws {
        #expect(try compare(0, "NumericLessThan", 1))
        #expect(try !compare(1, "NumericLessThan", 1))
        #expect(try compare(1, "NumericGreaterThan", 0))
        #expect(try !compare(0.0, "NumericGreaterThan", 0))
        #expect(try compare(1, "NumericLessThanEquals", 1))
        #expect(try !compare(1.5, "NumericLessThanEquals", 1))
        #expect(try compare(-3, "NumericGreaterThanEquals", -3.0))
        #expect(try !compare(0, "NumericGreaterThanEquals", 1))
    }

    @Test("integers beyond 64 bits still compare")
    func bigIntegers() throws {
        let big = try JSON(parsing: "123456789012345678901234567890")
        #expect(try compare(big, "NumericEquals", big))
        #expect(try compare(big, "NumericGreaterThan", 1))
    }

    @Test("the Path forms read the right-hand number from the input")
    func numericPathForms() throws {
        #expect(try compare(0, "NumericEqualsPath", "$.w", other: 0.0))
        #expect(try compare(0, "NumericLessThanPath", "$.w", other: 1))
        #expect(try compare(1, "NumericGreaterThanPath", "$.w", other: 0))
        #expect(try compare(1, "NumericLessThanEqualsPath", "$.w", other: 1))
        #expect(try compare(1, "NumericGreaterThanEqualsPath", "$.w", other: 0))
        #expect(try !compare(1, "NumericEqualsPath", "$.w", other: "1"))
    }

    @Test("a numeric operator on a non-number is false: strings of digits and booleans are not numbers")
    func numericTypeMismatch() throws {
        for value: JSON in [nil, "", " ", "0", true, false, [], [""], [:], ["A": 0]] {
            #expect(try !compare(value, "NumericEquals", 0))
            #expect(try !compare(value, "NumericGreaterThanEquals", 0))
        }
    }
}

@Suite("Choice rules: BooleanEquals")
struct ChoiceBooleanTests {
    @Test("BooleanEquals matches true and false exactly")
    func booleanEquals() throws {
        #expect(try compare(true, "BooleanEquals", true))
        #expect(try compare(false, "BooleanEquals", false))
        #expect(try !compare(false, "BooleanEquals", true))
        #expect(try compare(true, "BooleanEqualsPath", "$.w", other: true))
        #expect(try !compare(false, "BooleanEqualsPath", "$.w", other: true))
    }

    @Test("numbers, strings and null are not booleans")
    func booleanMismatch() throws {
        for value: JSON in [nil, 0, 1, 0.0, "", "true", [], [:]] {
            #expect(try !compare(value, "BooleanEquals", true))
            #expect(try !compare(value, "BooleanEquals", false))
        }
        #expect(try !compare(true, "BooleanEqualsPath", "$.w", other: 1))
    }
}

@Suite("Choice rules: timestamps")
struct ChoiceTimestampTests {
    @Test("timestamps compare as instants, whatever their offset or precision")
    func instants() throws {
        #expect(try compare("2012-10-09T19:00:55Z", "TimestampEquals", "2012-10-09T19:00:55Z"))
        #expect(try compare("2012-10-09T20:00:55+01:00", "TimestampEquals", "2012-10-09T19:00:55Z"))
        #expect(try compare("2012-10-09T19:00:55.000Z", "TimestampEquals", "2012-10-09T19:00:55Z"))
        #expect(try !compare("2012-10-09T19:00:56Z", "TimestampEquals", "2012-10-09T19:00:55Z"))
        #expect(try compare("2012-10-09T19:00:55.1Z", "TimestampGreaterThan", "2012-10-09T19:00:55.099999999Z"))
    }

    @Test("the ordering operators")
    func ordering() throws {
        #expect(try compare("2012-10-09T19:00:55Z", "TimestampLessThan", "2012-10-09T19:00:56Z"))
        #expect(try !compare("2012-10-09T19:00:56Z", "TimestampLessThan", "2012-10-09T19:00:55Z"))
        #expect(try compare("2012-10-09T19:00:56Z", "TimestampGreaterThan", "2012-10-09T19:00:55Z"))
        #expect(try !compare("2012-10-09T19:00:55Z", "TimestampGreaterThan", "2012-10-09T19:00:55Z"))
        #expect(try compare("2012-10-09T19:00:55Z", "TimestampLessThanEquals", "2012-10-09T19:00:55Z"))
        #expect(try !compare("2012-10-09T19:00:56Z", "TimestampLessThanEquals", "2012-10-09T19:00:55Z"))
        #expect(try compare("2012-10-09T19:00:55Z", "TimestampGreaterThanEquals", "2012-10-09T19:00:55Z"))
        #expect(try !compare("2012-10-09T19:00:55Z", "TimestampGreaterThanEquals", "2012-10-09T19:00:56Z"))
    }

    @Test("the Path forms read the right-hand timestamp from the input; a non-timestamp there is false")
    func timestampPathForms() throws {
        let a: JSON = "2012-10-09T19:00:55Z", b: JSON = "2012-10-09T19:00:56Z"
        #expect(try compare(a, "TimestampEqualsPath", "$.w", other: a))
        #expect(try compare(a, "TimestampLessThanPath", "$.w", other: b))
        #expect(try compare(b, "TimestampGreaterThanPath", "$.w", other: a))
        #expect(try compare(a, "TimestampLessThanEqualsPath", "$.w", other: a))
        #expect(try !compare(a, "TimestampGreaterThanEqualsPath", "$.w", other: b))
        #expect(try !compare(a, "TimestampEqualsPath", "$.w", other: "yesterday"))
    }

    @Test("values that are not RFC 3339 timestamps make the comparison false")
    func mismatch() throws {
        for value: JSON in [nil, 0, 1.1, true, "", " ", "2012-10-09T19:00:55", "2012-10-09 19:00:55Z",
                            "2023-02-24", "2023-02-24 12:15:56.832957", [""], [:]] {
            #expect(try !compare(value, "TimestampEquals", "2012-10-09T19:00:55Z"))
            #expect(try !compare(value, "TimestampLessThan", "2999-01-01T00:00:00Z"))
        }
    }

    @Test("RFC 3339 as the ASL reads it: uppercase T and Z, seconds, an offset, real dates, at most nine fraction digits")
    func timestampSyntax() {
        let valid = ["2012-10-09T19:00:55Z", "2012-10-09T19:00:55+01:00", "2012-10-09T19:00:55-05:30",
                     "2026-11-25T12:39:15.000000Z", "2026-11-25T12:39:15.00Z", "2024-02-29T00:00:00Z",
                     "2012-10-09T19:00:55.123456789Z"]
        let invalid = ["2012-10-09T19:00:55", "2026-11-25T12:39:15.000000", "2012-10-09 19:00:55Z",
                       "2016-13-05T21:29:29Z", "2016-12-05T25:29:29Z", "05-12-2016T21:29:29Z",
                       "2023-02-29T00:00:00Z", "2012-10-09T19:00Z", "2012-10-09T19:00:60Z", "2023-02-24",
                       "2012-10-09T19:00:55.Z", "2012-10-09T19:00:55.1234567890Z", "2012-10-09T19:00:55+0100",
                       "2012-10-09T19:00:55+01", " 2012-10-09T19:00:55Z", "2012-10-09t19:00:55Z",
                       "2012-10-09T19:00:55z", ""]
        for text in valid { #expect(RFC3339Timestamp(parsing: text) != nil, "\(text)") }
        for text in invalid { #expect(RFC3339Timestamp(parsing: text) == nil, "\(text)") }
        #expect(RFC3339Timestamp(parsing: "1970-01-01T00:00:00Z")?.epochSeconds == 0)
        #expect(RFC3339Timestamp(parsing: "2000-03-01T00:00:00+01:00")?.epochSeconds == 951_865_200)
    }
}

@Suite("Choice rules: type tests")
struct ChoiceTypeTestTests {
    @Test("IsNull, IsNumeric, IsString and IsBoolean say what JSON type the value has")
    func typeTests() throws {
        #expect(try compare(nil, "IsNull", true))
        #expect(try compare("", "IsNull", false))
        #expect(try compare(0, "IsNumeric", true))
        #expect(try compare(1.1, "IsNumeric", true))
        #expect(try compare("1", "IsNumeric", false))
        #expect(try compare("2012-10-09T19:00:55", "IsString", true))
        #expect(try compare(nil, "IsString", false))
        #expect(try compare(false, "IsBoolean", true))
        #expect(try compare(0, "IsBoolean", false))
        #expect(try !compare([], "IsBoolean", true))
        #expect(try !compare([:], "IsNull", true))
    }

    @Test("IsTimestamp is true only for strings that are RFC 3339 timestamps")
    func isTimestamp() throws {
        #expect(try compare("2012-10-09T19:00:55Z", "IsTimestamp", true))
        #expect(try compare("2012-10-09T19:00:55+01:00", "IsTimestamp", true))
        #expect(try compare("2012-10-09T19:00:55", "IsTimestamp", false))
        #expect(try compare("2023-02-24", "IsTimestamp", false))
        #expect(try compare(0, "IsTimestamp", false))
    }

    @Test("IsPresent tells whether the path selects anything, null included")
    func isPresent() throws {
        #expect(try compare(nil, "IsPresent", true))
        #expect(try holds(["Variable": "$.missing", "IsPresent": false], on: ["v": 1]))
        #expect(try !holds(["Variable": "$.missing", "IsPresent": true], on: ["v": 1]))
        #expect(try holds(["Variable": "$missingVariable", "IsPresent": false], on: [:]))
    }
}

@Suite("Choice rules: paths that select nothing")
struct ChoiceMissingPathTests {
    @Test("a missing Variable fails with States.Runtime for every operator but IsPresent")
    func missingVariable() throws {
        let rules: [JSON] = [["Variable": "$.nope", "StringEquals": "x"], ["Variable": "$.nope", "IsNull": true],
                             ["Variable": "$.nope", "NumericEqualsPath": "$.v"]]
        for json in rules {
            let r = try rule(json)
            #expect(throws: StatesError.runtime(
                "Invalid path '$.nope': The choice state's condition path references an invalid value.")) {
                try r.evaluate(in: PathEnvironment(input: ["v": 1]))
            }
        }
    }

    @Test("a Path operand that selects nothing fails the same way")
    func missingOperandPath() throws {
        let r = try rule(["Variable": "$.v", "NumericEqualsPath": "$.other"])
        #expect(throws: StatesError.runtime(
            "Invalid path '$.other': The choice state's condition path references an invalid value.")) {
            try r.evaluate(in: PathEnvironment(input: ["v": 1]))
        }
    }

    @Test("an unassigned variable is missing too")
    func missingVariableReference() throws {
        let r = try rule(["Variable": "$guess", "StringEquals": "x"])
        #expect(throws: StatesError.runtime(
            "Invalid path '$guess': The choice state's condition path references an invalid value.")) {
            try r.evaluate(in: PathEnvironment(input: [:]))
        }
    }
}

@Suite("Choice rules: Variable sources and composition")
struct ChoiceCompositionTests {
    @Test("Variable reads the input, the context object or a variable")
    func sources() throws {
        let env = PathEnvironment(input: ["n": 3], context: ["Execution": ["Name": "run-1"]],
                                  variables: ["guess": "42", "answer": "42"])
        #expect(try rule(["Variable": "$.n", "NumericEquals": 3]).evaluate(in: env))
        #expect(try rule(["Variable": "$", "IsPresent": true]).evaluate(in: env))
        #expect(try rule(["Variable": "$$.Execution.Name", "StringEquals": "run-1"]).evaluate(in: env))
        #expect(try rule(["Variable": "$guess", "StringEqualsPath": "$answer"]).evaluate(in: env))
    }

    @Test("And needs every rule, Or any rule, Not the opposite; they nest")
    func composition() throws {
        let input: JSON = ["type": "Private", "value": 22]
        let twenties: JSON = ["And": [["Variable": "$.value", "NumericGreaterThanEquals": 20],
                                      ["Variable": "$.value", "NumericLessThan": 30]]]
        #expect(try holds(twenties, on: input))
        #expect(try !holds(["Not": ["Variable": "$.type", "StringEquals": "Private"]], on: input))
        #expect(try holds(["Or": [["Variable": "$.value", "NumericEquals": 0], twenties]], on: input))
        #expect(try !holds(["Or": [["Variable": "$.value", "NumericEquals": 0]]], on: input))
        #expect(try holds(["And": [["Variable": "$.type", "IsString": true],
                                   ["Not": ["Or": [["Variable": "$.value", "IsNull": true],
                                                   ["Variable": "$.value", "NumericLessThan": 0]]]]]], on: input))
    }

    @Test("And and Or stop at the first deciding rule, so a later missing path doesn't fail")
    func shortCircuit() throws {
        let missing: JSON = ["Variable": "$.missing", "NumericEquals": 1]
        #expect(try !holds(["And": [["Variable": "$.v", "NumericEquals": 0], missing]], on: ["v": 1]))
        #expect(try holds(["Or": [["Variable": "$.v", "NumericEquals": 1], missing]], on: ["v": 1]))
    }

    @Test("Comment is allowed at every level; Next, Assign and Output at the top level are left to the caller")
    func allowedExtras() throws {
        _ = try rule(["And": [["Variable": "$.s", "StringEquals": "complete", "Comment": "nested"]],
                      "Comment": "top", "Next": "Done", "Assign": ["x": 1]])
        _ = try rule(["Variable": "$.s", "IsPresent": true, "Next": "Done", "Output": "x"])
    }

    @Test("every one of the 39 operator field names parses")
    func allOperatorsParse() throws {
        #expect(ChoiceOperator.allFieldNames.count == 39)
        for name in ChoiceOperator.allFieldNames {
            let (op, isPath) = try #require(ChoiceOperator.field(name))
            let operand: JSON
            if isPath {
                operand = "$.w"
            } else {
                switch op.family {
                case .string, .stringMatches: operand = "x"
                case .numeric: operand = 1
                case .boolean, .typeTest: operand = true
                case .timestamp: operand = "2020-01-01T00:00:00Z"
                }
            }
            let parsed = try rule(.object(["Variable": "$.v", name: operand]))
            guard case .comparison(let c) = parsed else { Issue.record("\(name) is not a comparison"); continue }
            #expect(c.fieldName == name)
        }
    }
}

@Suite("Choice rules: parse diagnostics")
struct ChoiceDiagnosticTests {
    @Test("an unknown operator is not supported")
    func unknownOperator() {
        let d = diagnostics(of: ["Variable": "$.v", "StringContains": "x"])
        #expect(d.map(\.message).contains("Field 'StringContains' is not supported"))
        #expect(d.first?.location == "/States/C/Choices/0")
    }

    @Test("a comparison needs a Variable")
    func missingVariable() {
        let d = diagnostics(of: ["NumericEquals": 1])
        #expect(d.map(\.message) == ["These fields are required: [Variable]"])
    }

    @Test("a rule needs exactly one of And, Or, Not and Variable")
    func selectors() {
        let message = "The object must have only one of the following fields, [And, Or, Not, Variable, Condition]"
        #expect(diagnostics(of: [:]).map(\.message) == [message])
        #expect(diagnostics(of: ["Variable": "$.v", "Not": ["Variable": "$.v", "IsNull": true]])
            .map(\.message) == [message])
    }

    @Test("a comparison has exactly one operator")
    func operatorCount() {
        let two = diagnostics(of: ["Variable": "$.v", "NumericEquals": 1, "NumericLessThan": 2])
        #expect(two.count == 1)
        #expect(two.first?.message.hasPrefix("There should only be one of the following fields: [StringEquals, ") == true)
        #expect(diagnostics(of: ["Variable": "$.v"]).count == 1)
    }

    @Test("an operand of the wrong type is reported at the operator")
    func operandTypes() {
        let cases: [(JSON, String, String)] = [
            (["Variable": "$.v", "NumericEquals": "x"], "NumericEquals", "Expected value of type Number"),
            (["Variable": "$.v", "StringEquals": 1], "StringEquals", "Expected value of type String"),
            (["Variable": "$.v", "StringMatches": nil], "StringMatches", "Expected value of type String"),
            (["Variable": "$.v", "BooleanEquals": "true"], "BooleanEquals", "Expected value of type Boolean"),
            (["Variable": "$.v", "IsNull": 1], "IsNull", "Expected value of type Boolean"),
            (["Variable": "$.v", "TimestampEquals": 0], "TimestampEquals", "Expected value of type String"),
        ]
        for (json, field, message) in cases {
            let d = diagnostics(of: json)
            #expect(d.map(\.message) == [message])
            #expect(d.first?.location == "/States/C/Choices/0/" + field)
        }
    }

    @Test("a Timestamp literal must be an RFC 3339 timestamp")
    func timestampLiteral() {
        let d = diagnostics(of: ["Variable": "$.v", "TimestampLessThan": "2016-12-05T21:29:29"])
        #expect(d.map(\.message) == ["String does not match RFC3339 timestamp"])
        #expect(d.first?.location == "/States/C/Choices/0/TimestampLessThan")
    }

    @Test("Variable and Path operands must be valid paths")
    func invalidPaths() {
        let v = diagnostics(of: ["Variable": "v", "IsNull": true])
        #expect(v.map(\.message) == ["The value for the field 'Variable' must be a valid JSONPath"])
        #expect(v.first?.location == "/States/C/Choices/0/Variable")
        let p = diagnostics(of: ["Variable": "$.v", "StringEqualsPath": "abc"])
        #expect(p.map(\.message) == ["The value for the field 'StringEqualsPath' must be a valid JSONPath"])
        #expect(diagnostics(of: ["Variable": 3, "IsNull": true]).map(\.message) == ["Expected value of type String"])
    }

    @Test("nested rules may not carry Next, Assign or Output")
    func nestedNext() {
        let and = diagnostics(of: ["And": [["Variable": "$.v", "IsNull": true, "Next": "X"]], "Next": "X"])
        #expect(and.map(\.message) == ["Field 'Next' is not supported"])
        #expect(and.first?.location == "/States/C/Choices/0/And/0")
        let not = diagnostics(of: ["Not": ["Variable": "$.v", "IsNull": true, "Assign": ["a": 1]]])
        #expect(not.map(\.message) == ["Field 'Assign' is not supported"])
        #expect(not.first?.location == "/States/C/Choices/0/Not")
    }

    @Test("And and Or take a non-empty array of rules; Not takes one rule")
    func compositeShapes() {
        #expect(diagnostics(of: ["And": []]).map(\.message) == ["Value cannot be empty"])
        #expect(diagnostics(of: ["Or": ["Variable": "$.v", "IsNull": true]]).map(\.message)
            == ["Expected value of type Array"])
        #expect(diagnostics(of: ["Not": [["Variable": "$.v", "IsNull": true]]]).map(\.message)
            == ["Expected value of type Object"])
        #expect(diagnostics(of: ["And": [["Variable": "$.v", "IsNull": true]], "IsNull": true]).map(\.message)
            == ["Field 'IsNull' is not supported"])
    }

    @Test("every problem in nested rules is reported, each at its own location")
    func allProblemsReported() {
        let d = diagnostics(of: ["Or": [["Variable": "$.v", "NumericEquals": "1"],
                                        ["Variable": "$.v", "Bogus": 1, "IsNull": true]]])
        #expect(d.map(\.location) == ["/States/C/Choices/0/Or/0/NumericEquals", "/States/C/Choices/0/Or/1"])
    }

    @Test("diagnostics already collected are kept")
    func appends() {
        var diagnostics = [Diagnostic(code: "X", location: "/", message: "earlier")]
        _ = ChoiceRule.parse(["NumericEquals": 1], at: "/States/C/Choices/2", diagnostics: &diagnostics)
        #expect(diagnostics.count == 2)
        #expect(diagnostics.last?.location == "/States/C/Choices/2")
    }
}
