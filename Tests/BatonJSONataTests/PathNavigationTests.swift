import BatonJSONata
import Testing

@Suite("Path navigation")
struct PathNavigationTests {
    @Test("a field name selects that member of the context object")
    func field() throws {
        #expect(try run("Account.Name", invoice) == "\"Firefly\"")
    }

    @Test("a missing field gives undefined, not null")
    func missing() throws {
        #expect(try run("Account.Nope.Deeper", invoice) == nil)
    }

    @Test("paths map over arrays and flatten the results into one sequence")
    func flattening() throws {
        #expect(try run("Account.Order.Product.Price", invoice) == "[34.45,21.67,34.45,107.99]")
    }

    @Test("a sequence of one item is a single value unless [] keeps it an array")
    func singletons() throws {
        #expect(try run("Account.Order[0].OrderID", invoice) == "\"order103\"")
        #expect(try run("Account.Order[0].OrderID[]", invoice) == "[\"order103\"]")
    }

    @Test("numeric predicates index from the start, negative ones from the end")
    func indexes() throws {
        #expect(try run("Account.Order.Product[0].Name", invoice) == "[\"Bowler Hat\",\"Bowler Hat\"]")
        #expect(try run("(Account.Order.Product)[-1].Name", invoice) == "\"Cloak\"")
    }

    @Test("boolean predicates filter the sequence")
    func filters() throws {
        #expect(try run("Account.Order.Product[Price > 30].SKU", invoice) == "[\"0406654608\",\"040657863\",\"0406654603\"]")
    }

    @Test("quoted names with backticks select members with awkward names")
    func backticks() throws {
        #expect(try run("`a b`.`c-d`", #"{"a b": {"c-d": 5}}"#) == "5")
    }

    @Test("* selects every member value; ** selects all descendants")
    func wildcards() throws {
        #expect(try run("*", #"{"a": 1, "b": [2, 3]}"#) == "[1,2,3]")
        #expect(try run("**.x", #"{"a": {"x": 1, "b": {"x": 2}}}"#) == "[1,2]")
    }

    @Test("$ is the context item and $$ the root input")
    func contextVariables() throws {
        #expect(try run("a.($ * 2)", #"{"a": [1, 2]}"#) == "[2,4]")
        #expect(try run("a.($$.k)", #"{"a": [1], "k": "root"}"#) == "\"root\"")
    }

    @Test("a top-level array input is treated as a single value")
    func arrayInput() throws {
        #expect(try run("$[1]", "[10, 20, 30]") == "20")
        #expect(try run("$count($)", "[10, 20, 30]") == "3")
    }

    @Test("^( ) sorts ascending by default and descending with >")
    func sorting() throws {
        #expect(try run("Account.Order.Product^(>Price).Price", invoice) == "[107.99,34.45,34.45,21.67]")
        #expect(try run("Account.Order.Product^(Price, >Quantity).Quantity", invoice) == "[1,4,2,1]")
    }

    @Test("{ } after a path groups values by key")
    func grouping() throws {
        #expect(try run("Account.Order.Product{Name: $sum(Quantity)}", invoice) == #"{"Bowler Hat":6,"Trilby hat":1,"Cloak":1}"#)
    }

    @Test("@ binds the context to a variable for joins")
    func contextBinding() throws {
        let data = #"{"a": [{"id": 1}, {"id": 2}], "b": [{"ref": 2, "v": "two"}, {"ref": 1, "v": "one"}]}"#
        #expect(try run("a@$x.b@$y[$x.id = $y.ref].{'id': $x.id, 'v': $y.v}", data) == #"[{"id":1,"v":"one"},{"id":2,"v":"two"}]"#)
    }

    @Test("# binds the position of each item")
    func positionalBinding() throws {
        #expect(try run("a#$i.{'i': $i, 'v': $}", #"{"a": ["x", "y"]}"#) == #"[{"i":0,"v":"x"},{"i":1,"v":"y"}]"#)
    }

    @Test("% refers to the parent of the current item")
    func parentOperator() throws {
        #expect(try run("Account.Order.Product[Price > 100].%.OrderID", invoice) == "\"order104\"")
    }

    @Test("array constructors keep nested arrays and ranges expand")
    func arrayConstructors() throws {
        #expect(try run("[1, [2, 3], [4..5]]") == "[1,[2,3],[4,5]]")
        #expect(try run("[1..3, 7]") == "[1,2,3,7]")
    }

    @Test("object constructors build objects from key/value expressions")
    func objectConstructors() throws {
        #expect(try run("{'n': Account.Name, 'c': $count(Account.Order)}", invoice) == #"{"n":"Firefly","c":2}"#)
    }

    @Test("transforms copy the input and apply updates and deletions")
    func transforms() throws {
        #expect(try run("$ ~> |a|{'x': 2}, ['y']|", #"{"a": {"x": 1, "y": 1}, "b": 0}"#) == #"{"a":{"x":2},"b":0}"#)
    }
}
