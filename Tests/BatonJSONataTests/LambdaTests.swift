import BatonJSONata
import Testing

@Suite("Functions, closures and signatures")
struct LambdaTests {
    @Test("lambdas close over the scope they were defined in")
    func closures() throws {
        #expect(try run("($add := function($n){ function($x){ $x + $n } }; $add(3)(4))") == "7")
    }

    @Test("recursion works, and tail calls run in constant depth")
    func recursion() throws {
        #expect(try run("($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10))") == "3628800")
        let tail = "($loop := function($n, $acc){ $n = 0 ? $acc : $loop($n - 1, $acc + 1) }; $loop(5000, 0))"
        #expect(try run(tail, limits: JSONataLimits(maxDepth: 100)) == "5000")
    }

    @Test("? placeholders make a partially applied function")
    func partialApplication() throws {
        #expect(try run("($first3 := $substring(?, 0, 3); $first3('abcdef'))") == "\"abc\"")
        #expect(try run("($f := function($a, $b){ $a - $b }; $g := $f(?, 1); $g(10))") == "9")
    }

    @Test("~> passes the left side as the first argument, or composes functions")
    func chaining() throws {
        #expect(try run("'abc' ~> $uppercase() ~> $substring(1)") == "\"BC\"")
        #expect(try run("($both := $uppercase ~> $trim; $both(' x '))") == "\"X\"")
    }

    @Test("signatures coerce the context and reject wrong argument types")
    func signatures() throws {
        #expect(try run("($f := function($s)<s-:s>{ $s & '!' }; $f())", "\"hi\"") == "\"hi!\"")
        #expect(errorCode("($f := function($n)<n:n>{ $n }; $f('x'))") == "T0410")
        #expect(errorCode("$sum(['a'])") == "T0412")
    }

    @Test("native functions can be registered by the embedder")
    func nativeFunctions() throws {
        var e = try JSONataExpression("$double(21) & '/' & $greet()")
        e.register(JSONataNativeFunction(name: "double", signature: "<n:n>") { args in
            guard case .number(let n)? = args.first ?? nil else { return nil }
            return .number(n * 2)
        })
        e.register(JSONataNativeFunction(name: "greet") { _ in .string("hi") })
        #expect(try e.evaluate(input: nil)?.jsonText() == "\"42/hi\"")
    }
}
