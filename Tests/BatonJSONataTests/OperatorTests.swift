import BatonJSONata
import Testing

@Suite("Operators and expressions")
struct OperatorTests {
    @Test("arithmetic follows JavaScript numbers; integers print without .0")
    func arithmetic() throws {
        #expect(try run("1 + 2 * 3") == "7")
        #expect(try run("7 % 3") == "1")
        #expect(try run("10 / 4") == "2.5")
        #expect(try run("-(2 + 3)") == "-5")
    }

    @Test("arithmetic with an undefined operand is undefined")
    func undefinedArithmetic() throws {
        #expect(try run("nothing + 1") == nil)
    }

    @Test("comparisons, equality and deep equality")
    func comparisons() throws {
        #expect(try run("3 > 2 and 'a' < 'b'") == "true")
        #expect(try run("{'a': [1, 2]} = {'a': [1, 2]}") == "true")
        #expect(try run("1 != 1") == "false")
    }

    @Test("& concatenates the string forms of its operands")
    func concatenation() throws {
        #expect(try run("'n=' & 5 & true") == "\"n=5true\"")
    }

    @Test("in tests membership")
    func membership() throws {
        #expect(try run("2 in [1, 2, 3]") == "true")
        #expect(try run("'x' in 'y'") == "false")
    }

    @Test("conditionals choose a branch by the truthiness of the condition")
    func conditionals() throws {
        #expect(try run("[] ? 'yes' : 'no'") == "\"no\"")
        #expect(try run("0 ? 'yes'") == nil)
    }

    @Test("?? falls back when the left side is undefined; ?: when it is falsy")
    func defaults() throws {
        #expect(try run("missing ?? 'dflt'", "{}") == "\"dflt\"")
        #expect(try run("v ?? 'dflt'", #"{"v": 0}"#) == "0")
        #expect(try run("v ?: 'dflt'", #"{"v": 0}"#) == "\"dflt\"")
    }

    @Test("blocks evaluate in order and scope their := bindings")
    func blocks() throws {
        #expect(try run("($a := 2; $b := $a * 3; $b)") == "6")
        #expect(try run("($a := 1; ($a := 2); $a)") == "1")
    }

    @Test("bindings given by the embedder are variables")
    func externalBindings() throws {
        #expect(try run("$x + 1", bindings: ["x": .number(41)]) == "42")
    }

    @Test("regex literals match with flags")
    func regexes() throws {
        #expect(try run("$match('Abc abc', /ab(c)/i).groups") == "[\"c\",\"c\"]")
        #expect(try run("$replace('2024-01-31', /(\\d+)-(\\d+)-(\\d+)/, '$3/$2/$1')") == "\"31/01/2024\"")
    }

    @Test("comments are ignored")
    func comments() throws {
        #expect(try run("1 /* one */ + /* two */ 2") == "3")
    }
}
