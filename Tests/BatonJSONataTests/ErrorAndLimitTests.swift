import BatonJSONata
import Testing

@Suite("Error codes and evaluation limits")
struct ErrorAndLimitTests {
    @Test("syntax errors carry the reference S0xxx codes")
    func syntaxErrors() {
        #expect(errorCode("1 +") == "S0207")
        #expect(errorCode("(1") == "S0203")
        #expect(errorCode("'open") == "S0101")
        #expect(errorCode("a b") == "S0201")
        #expect(errorCode("1 := 2") == "S0212")
        #expect(errorCode("/* no end") == "S0106")
        #expect(errorCode("%") == "S0217")
    }

    @Test("type errors carry the reference T codes")
    func typeErrors() {
        #expect(errorCode("'a' + 1") == "T2001")
        #expect(errorCode("1 + 'a'") == "T2002")
        #expect(errorCode("1 < 'a'") == "T2009")
        #expect(errorCode("{} < 1") == "T2010")
        #expect(errorCode("nofunc()", "{}") == "T1006")
        #expect(errorCode("sum([1])", "{}") == "T1005")
        #expect(errorCode("{1: 2}") == "T1003")
        #expect(errorCode("1 ~> 2") == "T2006")
    }

    @Test("dynamic errors carry the reference D codes")
    func dynamicErrors() {
        #expect(errorCode("$number('x')") == "D3030")
        #expect(errorCode("-'x'") == "D1002")
        #expect(errorCode("$sqrt(-1)") == "D3060")
        #expect(errorCode("$formatBase(1, 99)") == "D3100")
        #expect(errorCode("$single([1, 2])") == "D3138")
        #expect(errorCode("[1..20000000]") == "D2014")
        #expect(errorCode("$error('boom')") == "D3137")
        #expect(errorCode("$assert(false)") == "D3141")
    }

    @Test("errors report the position where the reference does")
    func positions() {
        do {
            _ = try run("1 + 'a'")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "T2002")
            #expect(error.position == 3)
        }
    }

    @Test("going deeper than the depth limit fails with U1001")
    func depthLimit() {
        let expr = "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000))"
        #expect(errorCode(expr, limits: JSONataLimits(maxDepth: 500)) == "U1001")
        #expect(errorCode(expr, limits: JSONataLimits(maxDepth: 5000)) == nil)
    }

    @Test("running past the time limit fails with U1001")
    func timeLimit() {
        #expect(errorCode("($f := function(){ $f() }; $f())", limits: JSONataLimits(maxDepth: 1000, timeLimitMilliseconds: 200)) == "U1001")
    }

    @Test("hostile nesting fails cleanly instead of crashing")
    func hostileNesting() {
        let deep = String(repeating: "(", count: 50_000) + "1" + String(repeating: ")", count: 50_000)
        #expect(errorCode(deep) == "U1001")
        let deepRecursion = "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(300000))"
        #expect(errorCode(deepRecursion, limits: JSONataLimits(maxDepth: 100_000_000, timeLimitMilliseconds: 60_000)) != nil)
        #expect(errorCode("$reduce([1..100000], function($a, $b){ {'a': $a} })") == "U1001")
    }

    @Test("a catastrophically backtracking regular expression is stopped by the time limit")
    func runawayRegex() {
        let expr = "$match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /(a+)+$/)"
        #expect(errorCode(expr, limits: JSONataLimits(maxDepth: 1000, timeLimitMilliseconds: 300)) == "U1001")
    }
}
