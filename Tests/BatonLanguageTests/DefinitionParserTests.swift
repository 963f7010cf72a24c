import Foundation
import Testing
@testable import BatonLanguage

/// Parses a definition that must be valid.
private func machine(_ text: String, _ options: ValidationOptions = .init(),
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> StateMachine {
    switch DefinitionParser.parse(text: text, options: options) {
    case .success(let machine):
        return machine
    case .failure(let invalid):
        Issue.record("expected a valid definition, got \(invalid.diagnostics)", sourceLocation: sourceLocation)
        throw invalid
    }
}

/// The one state `name` of the machine's top-level list.
private func state(_ m: StateMachine, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> State {
    try #require(m.states[name], sourceLocation: sourceLocation)
}

@Suite("Definition parser: valid definitions become the model")
struct DefinitionParserModelTests {
    @Test("top-level fields, StartAt and the states in the order written")
    func topLevel() throws {
        let m = try machine("""
            {"Comment": "c", "Version": "1.0", "TimeoutSeconds": 30, "StartAt": "B",
             "States": {"B": {"Type": "Pass", "Next": "A"}, "A": {"Type": "Succeed"}}}
            """)
        #expect(m.comment == "c")
        #expect(m.version == "1.0")
        #expect(m.timeoutSeconds == 30)
        #expect(m.queryLanguage == .jsonPath)
        #expect(m.states.startAt == "B")
        #expect(m.states.order == ["B", "A"])
        #expect(try state(m, "B").transition == .next("A"))
        #expect(try state(m, "A").transition == nil)
    }

    @Test("Pass: Result, Parameters, InputPath, ResultPath, OutputPath and Assign")
    func pass() throws {
        let m = try machine("""
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.in", "Parameters": {"x.$": "$.a", "y": 1},
             "Result": {"r": [1, 2]}, "ResultPath": "$.out", "OutputPath": null, "Assign": {"v.$": "$.a"}, "End": true}}}
            """)
        let p = try state(m, "P")
        #expect(p.transition == .end)
        guard case .pass(let pass) = p.kind else { Issue.record("not a Pass"); return }
        #expect(pass.result == ["r": [1, 2]])
        #expect(p.parameters?.written == ["x.$": "$.a", "y": 1])
        #expect(p.assign?.written == ["v.$": "$.a"])
        #expect(p.inputPath == .path(try PathReference("$.in")))
        #expect(p.outputPath == .null)
        #expect(p.resultPath == .path(try JSONPath("$.out")))
    }

    @Test("ResultPath null discards the result")
    func resultPathNull() throws {
        let m = try machine(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "ResultPath": null, "End": true}}}"#)
        #expect(try state(m, "P").resultPath == .discard)
    }

    @Test("Task: resource, timeouts, Retry with its defaults and Catch")
    func task() throws {
        let m = try machine("""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f",
                    "TimeoutSeconds": 10, "HeartbeatSecondsPath": "$.hb",
                    "Retry": [{"ErrorEquals": ["E"]}, {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2,
                               "MaxAttempts": 0, "BackoffRate": 1.5, "MaxDelaySeconds": 9, "JitterStrategy": "FULL"}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.err"}], "End": true},
              "F": {"Type": "Fail", "Error": "Oops", "Cause": "because"}}}
            """)
        guard case .task(let t) = try state(m, "T").kind else { Issue.record("not a Task"); return }
        #expect(t.resource == "arn:aws:lambda:us-east-1:111111111111:function:f")
        #expect(t.timeoutSeconds == .value(10))
        #expect(t.heartbeatSeconds == .path(try PathReference("$.hb")))
        #expect(t.retry == [
            Retrier(errorEquals: ["E"]),
            Retrier(errorEquals: ["States.ALL"], intervalSeconds: 2, maxAttempts: 0, backoffRate: 1.5,
                    maxDelaySeconds: 9, jitterStrategy: .full),
        ])
        #expect(t.catchers.count == 1)
        #expect(t.catchers.first?.next == "F")
        #expect(t.catchers.first?.resultPath == .path(try JSONPath("$.err")))
        guard case .fail(let f) = try state(m, "F").kind else { Issue.record("not a Fail"); return }
        #expect(f.error == .literal("Oops"))
        #expect(f.cause == .literal("because"))
    }

    @Test("Choice: each rule with its Next, and the Default")
    func choice() throws {
        let m = try machine("""
            {"StartAt": "C", "States": {
              "C": {"Type": "Choice", "Choices": [
                      {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"},
                      {"And": [{"Variable": "$.s", "IsPresent": true}, {"Variable": "$.s", "StringEquals": "x"}],
                       "Next": "X", "Assign": {"picked": "x"}}],
                    "Default": "Small"},
              "Big": {"Type": "Succeed"}, "X": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}}
            """)
        guard case .choice(let c) = try state(m, "C").kind else { Issue.record("not a Choice"); return }
        #expect(c.choices.map(\.next) == ["Big", "X"])
        #expect(c.defaultNext == "Small")
        #expect(c.choices[1].assign?.written == ["picked": "x"])
        guard case .rule(let rule) = c.choices[0].condition else { Issue.record("not a rule"); return }
        #expect(try rule.evaluate(in: PathEnvironment(input: ["n": 2])))
        #expect(try !rule.evaluate(in: PathEnvironment(input: ["n": 1])))
    }

    @Test("Wait: Seconds, SecondsPath, Timestamp and TimestampPath")
    func wait() throws {
        let m = try machine("""
            {"StartAt": "A", "States": {
              "A": {"Type": "Wait", "Seconds": 0, "Next": "B"},
              "B": {"Type": "Wait", "SecondsPath": "$.s", "Next": "C"},
              "C": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00.5+01:00", "Next": "D"},
              "D": {"Type": "Wait", "TimestampPath": "$.t", "End": true}}}
            """)
        func duration(_ name: String) throws -> WaitDuration? {
            guard case .wait(let w) = try state(m, name).kind else { return nil }
            return w.duration
        }
        guard case .seconds(.value(0))? = try duration("A") else { Issue.record("A"); return }
        guard case .seconds(.path(let p))? = try duration("B") else { Issue.record("B"); return }
        #expect(p.text == "$.s")
        guard case .timestamp(.literal(let t))? = try duration("C") else { Issue.record("C"); return }
        #expect(t == "2016-03-14T01:59:00.5+01:00")
        guard case .timestamp(.path)? = try duration("D") else { Issue.record("D"); return }
    }

    @Test("Fail: ErrorPath and CausePath may be paths or intrinsic functions")
    func failPaths() throws {
        let m = try machine("""
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.e",
             "CausePath": "States.Format('bad {}', $.c)"}}}
            """)
        guard case .fail(let f) = try state(m, "F").kind else { Issue.record("not a Fail"); return }
        #expect(f.error == .path(try PathReference("$.e")))
        guard case .intrinsic? = f.cause else { Issue.record("cause is not an intrinsic"); return }
    }

    @Test("Parallel: each branch is a state list of its own")
    func parallel() throws {
        let m = try machine("""
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
               {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
               {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}}}],
             "ResultSelector": {"first.$": "$[0]"}, "End": true}}}
            """)
        let p = try state(m, "P")
        guard case .parallel(let par) = p.kind else { Issue.record("not a Parallel"); return }
        #expect(par.branches.map(\.startAt) == ["A", "B"])
        #expect(par.branches[1].order == ["B", "C"])
        #expect(p.resultSelector?.written == ["first.$": "$[0]"])
    }

    @Test("Map: an inline ItemProcessor with ItemsPath, ItemSelector and MaxConcurrency")
    func inlineMap() throws {
        let m = try machine("""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
             "ItemSelector": {"v.$": "$$.Map.Item.Value"},
             "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I",
                               "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}}
            """)
        guard case .map(let map) = try state(m, "M").kind else { Issue.record("not a Map"); return }
        #expect(map.mode == .inline)
        #expect(map.itemsPath == (try PathReference("$.items")))
        #expect(map.maxConcurrency == .value(2))
        #expect(map.itemSelector?.written == ["v.$": "$$.Map.Item.Value"])
        #expect(map.processor.startAt == "I")
    }

    @Test("Map: the older Iterator and Parameters are read as ItemProcessor and ItemSelector")
    func legacyMap() throws {
        let m = try machine("""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "Parameters": {"x.$": "$"},
             "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "End": true}}}
            """)
        guard case .map(let map) = try state(m, "M").kind else { Issue.record("not a Map"); return }
        #expect(map.processor.order == ["I"])
        #expect(map.itemSelector?.written == ["x.$": "$"])
    }

    @Test("Map: a distributed map with its execution type, Label and failure tolerance")
    func distributedMap() throws {
        let m = try machine("""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "my-label_1",
             "ToleratedFailurePercentage": 12.5, "ToleratedFailureCountPath": "$.n",
             "ItemBatcher": {"MaxItemsPerBatch": 10},
             "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                               "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}}
            """)
        guard case .map(let map) = try state(m, "M").kind else { Issue.record("not a Map"); return }
        #expect(map.mode == .distributed)
        #expect(map.executionType == "EXPRESS")
        #expect(map.label == "my-label_1")
        #expect(map.toleratedFailurePercentage == .value(12.5))
        #expect(map.toleratedFailureCount == .path(try PathReference("$.n")))
        #expect(map.itemBatcher == ["MaxItemsPerBatch": 10])
    }

    @Test("JSONata: Arguments, Output, Assign, Items, Condition and expressions in number fields")
    func jsonata() throws {
        let m = try machine("""
            {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
                    "TimeoutSeconds": "{% $t %}", "Output": "{% $states.result.Payload %}",
                    "Assign": {"n": 1}, "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Condition": "{% $n > 0 %}", "Next": "M", "Output": {"x": 1}}],
                    "Default": "W"},
              "W": {"Type": "Wait", "Timestamp": "{% $ts %}", "Next": "M"},
              "M": {"Type": "Map", "Items": "{% [1, 2] %}", "MaxConcurrency": "{% 1 %}",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "Output": 5, "End": true}}},
                    "End": true}}}
            """)
        #expect(m.queryLanguage == .jsonata)
        let t = try state(m, "T")
        #expect(t.queryLanguage == .jsonata)
        #expect(t.parameters?.written == ["FunctionName": "f", "Payload": "{% $states.input %}"])
        #expect(t.output == "{% $states.result.Payload %}")
        guard case .task(let task) = t.kind else { Issue.record("not a Task"); return }
        #expect(task.timeoutSeconds == .jsonata("{% $t %}"))
        guard case .choice(let c) = try state(m, "C").kind else { Issue.record("not a Choice"); return }
        guard case .jsonata(let condition) = c.choices[0].condition else { Issue.record("no Condition"); return }
        #expect(condition == "{% $n > 0 %}")
        #expect(c.choices[0].output == ["x": 1])
        guard case .map(let map) = try state(m, "M").kind else { Issue.record("not a Map"); return }
        #expect(map.items == "{% [1, 2] %}")
        #expect(map.maxConcurrency == .jsonata("{% 1 %}"))
        #expect(map.processor["I"]?.output == 5)
    }

    @Test("a state may switch to JSONata in a JSONPath machine")
    func mixedLanguages() throws {
        let m = try machine("""
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"a": 1},
             "Next": "B"}, "B": {"Type": "Pass", "Result": 1, "End": true}}}
            """)
        #expect(try state(m, "A").queryLanguage == .jsonata)
        #expect(try state(m, "B").queryLanguage == .jsonPath)
    }
}

/// The conformance definitions in ../shared (when present): AWS rejected every one of `invalid/` and
/// accepted every one of `cases/` and `lambda_cases/`.
@Suite("Definition parser: the recorded AWS conformance definitions")
struct DefinitionParserConformanceTests {
    static let root = ProcessInfo.processInfo.environment["BATON_CONFORMANCE"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/conformance")

    static func cases(_ folder: String) -> [(name: String, object: [String: Any])] {
        let dir = root.appendingPathComponent(folder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }
        return names.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return (name, object)
        }
    }

    static func definitionText(_ object: [String: Any]) -> String {
        if let raw = object["definition_raw"] as? String { return raw }
        guard let d = object["definition"],
              let data = try? JSONSerialization.data(withJSONObject: d, options: [.fragmentsAllowed])
        else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    @Test("every definition AWS rejected is rejected")
    func invalidRejected() {
        let cases = Self.cases("invalid")
        if FileManager.default.fileExists(atPath: Self.root.path) { #expect(cases.count >= 82) }
        for (name, object) in cases {
            var options = ValidationOptions()
            if (object["state_machine_type"] as? String)?.contains("EXPRESS") == true { options.stateMachineType = .express }
            let diagnostics = DefinitionParser.validate(text: Self.definitionText(object), options: options)
            #expect(!diagnostics.isEmpty, "accepted \(name)")
        }
    }

    @Test("every definition AWS accepted is accepted")
    func validAccepted() {
        for folder in ["cases", "lambda_cases"] {
            let cases = Self.cases(folder)
            if FileManager.default.fileExists(atPath: Self.root.path) { #expect(!cases.isEmpty) }
            for (name, object) in cases {
                let diagnostics = DefinitionParser.validate(text: Self.definitionText(object))
                #expect(diagnostics.isEmpty, "rejected \(name): \(diagnostics)")
            }
        }
    }
}
