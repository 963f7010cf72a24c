import Testing

@testable import BatonLanguage

@Suite("JSONPath and reference paths as ASL (Jayway) reads them")
struct JSONPathTests {
    static let store: JSON = [
        "store": [
            "book": [
                ["category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95],
                ["category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99],
                ["category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553", "price": 8.99],
                ["category": "fiction", "author": "J. R. R. Tolkien", "title": "Rings", "isbn": "0-395", "price": 22.99],
            ],
            "bicycle": ["color": "red", "price": 19.95],
        ],
        "expensive": 10,
        "odd key": ["a.b": 1, "it's": 2],
    ]

    func eval(_ path: String, _ root: JSON = store) throws -> JSON? {
        try JSONPath(path).evaluate(root)
    }

    @Test("$ is the whole document")
    func root() throws {
        #expect(try eval("$") == Self.store)
    }

    @Test("dot and bracket names reach the same member")
    func names() throws {
        #expect(try eval("$.store.bicycle.color") == "red")
        #expect(try eval("$['store']['bicycle']['color']") == "red")
        #expect(try eval(#"$["store"]["bicycle"].color"#) == "red")
        #expect(try eval("$['odd key']['a.b']") == 1)
        #expect(try eval(#"$['odd key']['it\'s']"#) == 2)
    }

    @Test("a definite path that is missing gives nil")
    func missing() throws {
        #expect(try eval("$.nope") == nil)
        #expect(try eval("$.store.bicycle.color.x") == nil)
        #expect(try eval("$.store.book[10]") == nil)
        #expect(try eval("$.store[0]") == nil)
    }

    @Test("indexes count from the start, negative ones from the end")
    func indexes() throws {
        #expect(try eval("$.store.book[0].title") == "Sayings")
        #expect(try eval("$.store.book[-1].title") == "Rings")
        #expect(try eval("$.store.book[0,2].title") == ["Sayings", "Moby Dick"])
    }

    @Test("wildcards collect every member or element in order")
    func wildcards() throws {
        #expect(try eval("$.store.book[*].author") == ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"])
        #expect(try eval("$.store.bicycle.*") == ["red", 19.95])
        #expect(try eval("$.store.bicycle[*]") == ["red", 19.95])
    }

    @Test("an indefinite path that matches nothing gives an empty array")
    func indefiniteEmpty() throws {
        #expect(try eval("$[*]", [:]) == [])
        #expect(try eval("$.items[*].value", [:]) == [])
        #expect(try eval("$.items[1:]", [:]) == [])
        #expect(try eval("$..nothing") == [])
    }

    @Test("slices take start, end and step like Python", arguments: [
        ("$[1:3]", [1, 2] as [Int]), ("$[:2]", [0, 1]), ("$[-2:]", [4, 5]), ("$[4:]", [4, 5]), ("$[::2]", [0, 2, 4]),
        ("$[::-1]", [5, 4, 3, 2, 1, 0]), ("$[10:]", []), ("$[1:-3]", [1, 2]),
    ])
    func slices(path: String, expected: [Int]) throws {
        let numbers: JSON = [0, 1, 2, 3, 4, 5]
        #expect(try eval(path, numbers) == .array(expected.map { .int($0) }))
    }

    @Test("descendants are found at every depth in document order")
    func descendants() throws {
        #expect(try eval("$..author") == ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"])
        #expect(try eval("$.store..price") == [8.95, 12.99, 8.99, 22.99, 19.95])
        #expect(try eval("$..book[2].title") == ["Moby Dick"])
        let nested: JSON = ["a": ["b": 1, "c": ["b": 2]], "b": 3]
        #expect(try eval("$..b", nested) == [3, 1, 2])
    }

    @Test("filters compare members with literals, other paths and each other")
    func filters() throws {
        #expect(try eval("$.store.book[?(@.price < 10)].title") == ["Sayings", "Moby Dick"])
        #expect(try eval("$.store.book[?(@.price >= 12.99)].title") == ["Sword", "Rings"])
        #expect(try eval("$.store.book[?(@.category == 'reference')].author") == ["Nigel Rees"])
        #expect(try eval(#"$.store.book[?(@.category != "fiction")].title"#) == ["Sayings"])
        #expect(try eval("$.store.book[?(@.price > $.expensive)].title") == ["Sword", "Rings"])
        #expect(try eval("$.store.book[?(@.isbn)].title") == ["Moby Dick", "Rings"])
        #expect(try eval("$.store.book[?(!@.isbn)].title") == ["Sayings", "Sword"])
        #expect(
            try eval("$.store.book[?(@.category == 'fiction' && @.price < 20)].title") == ["Sword", "Moby Dick"])
        #expect(try eval("$.store.book[?(@.price < 9 || @.price > 20)].title") == ["Sayings", "Moby Dick", "Rings"])
        #expect(try eval("$.store.book[?(@.author =~ /.*Mel.*/)].title") == ["Moby Dick"])
        #expect(try eval("$.store.book[?(@.author =~ /herman.*/i)].title") == ["Moby Dick"])
        #expect(try eval("$.store.book[?(@.title in ['Sword','Rings'])].price") == [12.99, 22.99])
        #expect(try eval("$..book[?(@.price == 8.99)].isbn") == ["0-553"])
    }

    @Test("filters know Jayway's word operators: in, nin, size, empty, subsetof, anyof, noneof")
    func wordOperators() throws {
        let items: JSON = [["t": ["a", "b"], "s": "xy", "k": 1], ["t": [], "s": "", "k": 2], ["t": ["c"], "s": "z", "k": 3]]
        #expect(try eval("$[?(@.k nin [1,3])].k", items) == [2])
        #expect(try eval("$[?(@.t size 2)].k", items) == [1])
        #expect(try eval("$[?(@.s size 1)].k", items) == [3])
        #expect(try eval("$[?(@.t empty true)].k", items) == [2])
        #expect(try eval("$[?(@.s empty false)].k", items) == [1, 3])
        #expect(try eval("$[?(@.t subsetof ['a','b','c'])].k", items) == [1, 2, 3])
        #expect(try eval("$[?(@.t anyof ['b','c'])].k", items) == [1, 3])
        #expect(try eval("$[?(@.t noneof ['b','c'])].k", items) == [2])
    }

    @Test("filters match booleans, nulls and numbers written as integers")
    func filterLiterals() throws {
        let items: JSON = [["ok": true, "n": 0], ["ok": false, "n": 1], ["ok": nil, "n": 2]]
        #expect(try eval("$[?(@.ok == true)].n", items) == [0])
        #expect(try eval("$[?(@.ok == null)].n", items) == [2])
        #expect(try eval("$[?(@.n == 1.0)].n", items) == [1])
        #expect(try eval("$[?(@.missing != 1)].n", items) == [0, 1, 2])
        #expect(try eval("$[?(@.missing == 1)].n", items) == [])
    }

    @Test("definite paths are told apart from indefinite ones", arguments: [
        ("$", true), ("$.a.b[0]", true), ("$['a']", true), ("$[*]", false), ("$.a[0,1]", false), ("$.a[1:]", false),
        ("$..a", false), ("$.a[?(@.x)]", false), ("$.*", false), ("$['a','b']", true), ("$['a','b'].c", false),
    ])
    func definiteness(path: String, definite: Bool) throws {
        #expect(try JSONPath(path).isDefinite == definite)
    }

    @Test("the normalized form is Jayway's bracket form", arguments: [
        ("$", "$"), ("$.a.b[0]", "$['a']['b'][0]"), ("$.NoSuchInputPath", "$['NoSuchInputPath']"),
        ("$..a[*]", "$..['a'][*]"), ("$.a[1:]", "$['a'][1:]"), ("$.a[?(@.x)]", "$['a'][?]"),
        ("$['a','b']", "$['a','b']"),
    ])
    func normalized(path: String, form: String) throws {
        #expect(try JSONPath(path).normalized == form)
    }

    @Test("malformed paths are rejected", arguments: [
        "", "a.b", "$.", "$[", "$['a'", "$[abc]", "$.a[?(@.x ==)]", "$a", "$.a b", "$[?(@.x =~ 'no')]",
    ])
    func malformed(path: String) {
        #expect(throws: JSONPathError.self) { try JSONPath(path) }
    }

    @Test("a backslash in a bracket name is kept unless it escapes the quote")
    func bracketEscapes() throws {
        let doc: JSON = [#"Test\""Name""#: "v"]
        #expect(try eval(#"$['Test\""Name"']"#, doc) == "v")
    }

    @Test("ResultPath places the value, creating objects on the way")
    func settingCreates() throws {
        let root: JSON = ["a": 1]
        #expect(try JSONPath("$.b.c").setting("x", in: root) == ["a": 1, "b": ["c": "x"]])
        #expect(try JSONPath("$.a").setting(["n": 2], in: root) == ["a": ["n": 2]])
        #expect(try JSONPath("$").setting("whole", in: root) == "whole")
        #expect(try JSONPath("$.list[1]").setting(9, in: ["list": [1, 2, 3]]) == ["list": [1, 9, 3]])
        #expect(try JSONPath("$['x y']").setting(true, in: [:]).serialized() == #"{"x y":true}"#)
    }

    @Test("ResultPath keeps the key order and appends new keys")
    func settingOrder() throws {
        let root = try JSON(parsing: #"{"z":1,"a":{"k":1}}"#)
        #expect(try JSONPath("$.a.m").setting(2, in: root).serialized() == #"{"z":1,"a":{"k":1,"m":2}}"#)
    }

    @Test("ResultPath through a value that is not an object fails as AWS does")
    func settingFails() throws {
        let path = try JSONPath("$.a.b")
        do {
            _ = try path.setting(1, in: ["a": "text"])
            Issue.record("must fail")
        } catch {
            #expect(error.error == "States.ResultPathMatchFailure")
            #expect(error.cause == #"Unable to apply step "b" to input {"a":"text"}"#)
        }
        #expect(throws: StatesError.self) { try JSONPath("$.a").setting(1, in: [1, 2]) }
        #expect(throws: StatesError.self) { try JSONPath("$.a[5]").setting(1, in: ["a": [1]]) }
    }

    @Test("reference paths read the input, the context object or a variable")
    func references() throws {
        let env = PathEnvironment(
            input: ["x": 1], context: ["Execution": ["Name": "run-1"]], variables: ["total": ["sum": 5], "list": [7, 8]])
        #expect(try PathReference("$.x").evaluate(in: env) == 1)
        #expect(try PathReference("$").evaluate(in: env) == ["x": 1])
        #expect(try PathReference("$$.Execution.Name").evaluate(in: env) == "run-1")
        #expect(try PathReference("$$").evaluate(in: env) == ["Execution": ["Name": "run-1"]])
        #expect(try PathReference("$total.sum").evaluate(in: env) == 5)
        #expect(try PathReference("$total").evaluate(in: env) == ["sum": 5])
        #expect(try PathReference("$list[1]").evaluate(in: env) == 8)
        #expect(try PathReference("$nothing").evaluate(in: env) == nil)
        #expect(try PathReference("$.y").evaluate(in: env) == nil)
    }

    @Test("reference paths keep their text and their kind")
    func referenceKinds() throws {
        for text in ["$.a.b", "$$.Map.Item.Value", "$var.a[0]", "$var", "$"] {
            #expect(try PathReference(text).text == text)
        }
        if case .variable(let name, let path) = try PathReference("$my_var1.a") {
            #expect(name == "my_var1")
            #expect(path.text == "$.a")
        } else {
            Issue.record("$my_var1.a must be a variable reference")
        }
        #expect(throws: JSONPathError.self) { try PathReference("a.b") }
        #expect(throws: JSONPathError.self) { try PathReference("$var.") }
    }
}
