import BatonJSONata
import Foundation
import Testing

@Suite("Function library")
struct FunctionTests {
    @Test("string functions count code points and follow the reference")
    func strings() throws {
        #expect(try run("$length('héllo😀')") == "6")
        #expect(try run("$substring('hello world', -5, 3)") == "\"wor\"")
        #expect(try run("$uppercase('abc') & $lowercase('DEF')") == "\"ABCdef\"")
        #expect(try run("$trim('  a   b  ')") == "\"a b\"")
        #expect(try run("$pad('7', -3, '0')") == "\"007\"")
        #expect(try run("$split('a,b,c', ',', 2)") == "[\"a\",\"b\"]")
        #expect(try run("$join(['a', 'b'], '-')") == "\"a-b\"")
        #expect(try run("$substringBefore('a.b.c', '.') & $substringAfter('a.b.c', '.')") == "\"ab.c\"")
        #expect(try run("$contains('hello', /l+/)") == "true")
    }

    @Test("$string renders JSON and rounds to 15 significant digits")
    func stringify() throws {
        #expect(try run("$string({'a': [1, 2.5]})") == #""{\"a\":[1,2.5]}""#)
        #expect(try run("$string(0.1 + 0.2)") == "\"0.3\"")
        #expect(try run("$string(1e21)") == "\"1e+21\"")
    }

    @Test("numeric functions")
    func numeric() throws {
        #expect(try run("$round(2.5) & $round(3.5) & $round(1.255, 2)") == "\"241.26\"")
        #expect(try run("$abs(-2) + $floor(2.7) + $ceil(2.1) + $sqrt(16) + $power(2, 3)") == "19")
        #expect(try run("$number('0x1F') + $number('1e2')") == "131")
    }

    @Test("aggregation functions")
    func aggregation() throws {
        #expect(try run("[$sum([1,2,3]), $max([1,5,2]), $min([4,2]), $average([1,2,3]), $count([1,2])]") == "[6,5,2,2,2]")
    }

    @Test("array functions")
    func arrays() throws {
        #expect(try run("$append([1], 2)") == "[1,2]")
        #expect(try run("$reverse([1,2,3])") == "[3,2,1]")
        #expect(try run("$sort([3,1,2])") == "[1,2,3]")
        #expect(try run("$sort(['b','a'], function($x, $y){ $x < $y })") == "[\"b\",\"a\"]")
        #expect(try run("$distinct([1,1,2])") == "[1,2]")
        #expect(try run("$zip([1,2],[3,4])") == "[[1,3],[2,4]]")
        #expect(try run("$count($shuffle([1,2,3]))") == "3")
    }

    @Test("object functions")
    func objects() throws {
        #expect(try run("$keys({'a': 1, 'b': 2})") == "[\"a\",\"b\"]")
        #expect(try run("$lookup({'a': 1}, 'a')") == "1")
        #expect(try run("$merge([{'a': 1}, {'b': 2}])") == #"{"a":1,"b":2}"#)
        #expect(try run("$spread({'a': 1, 'b': 2})") == #"[{"a":1},{"b":2}]"#)
        #expect(try run("$each({'a': 1}, function($v, $k){ $k & $v })") == "\"a1\"")
        #expect(try run("$sift({'a': 1, 'b': 2}, function($v){ $v > 1 })") == #"{"b":2}"#)
        #expect(try run("$type([]) & $type({}) & $type(null)") == "\"arrayobjectnull\"")
    }

    @Test("boolean functions use JSONata truthiness")
    func booleans() throws {
        #expect(try run("[$boolean(''), $boolean('x'), $boolean([0]), $not(1), $exists(nothing)]", "{}") == "[false,true,false,false,false]")
    }

    @Test("higher-order functions pass value, index and array as the callback accepts")
    func higherOrder() throws {
        #expect(try run("$map([1,2,3], function($v, $i){ $v * $i })") == "[0,2,6]")
        #expect(try run("$filter([1,2,3,4], function($v){ $v % 2 = 0 })") == "[2,4]")
        #expect(try run("$reduce([1,2,3,4], function($a, $b){ $a + $b }, 10)") == "20")
        #expect(try run("$single([1,2,3], function($v){ $v = 2 })") == "2")
    }

    @Test("$formatNumber, $formatBase, $formatInteger and $parseInteger use picture strings")
    func pictures() throws {
        #expect(try run("$formatNumber(1234.5678, '#,##0.00')") == "\"1,234.57\"")
        #expect(try run("$formatNumber(0.14, '0%')") == "\"14%\"")
        #expect(try run("$formatBase(255, 16)") == "\"ff\"")
        #expect(try run("$formatInteger(1999, 'I')") == "\"MCMXCIX\"")
        #expect(try run("$formatInteger(21, 'w;o')") == "\"twenty-first\"")
        #expect(try run("$parseInteger('one hundred and two', 'w')") == "102")
    }

    @Test("date/time functions format and parse XPath pictures in UTC")
    func dates() throws {
        #expect(try run("$fromMillis(1510067557121)") == "\"2017-11-07T15:12:37.121Z\"")
        #expect(try run("$fromMillis(1510067557121, '[FNn], [D1o] [MNn] [Y]')") == "\"Tuesday, 7th November 2017\"")
        #expect(try run("$fromMillis(0, '[H01]:[m01] [z]', '+0530')") == "\"05:30 GMT+05:30\"")
        #expect(try run("$toMillis('2017-11-07T15:12:37.121Z')") == "1510067557121")
        #expect(try run("$toMillis('07/11/2017', '[D01]/[M01]/[Y0001]')") == "1510012800000")
    }

    @Test("$now and $millis read the injected clock once per evaluation")
    func clock() throws {
        let env = JSONataEnvironment(now: { Date(timeIntervalSince1970: 1_000) })
        #expect(try run("$millis()", environment: env) == "1000000")
        #expect(try run("$now()", environment: env) == "\"1970-01-01T00:16:40.000Z\"")
    }

    @Test("$random uses the injected source")
    func random() throws {
        let env = JSONataEnvironment(random: { 0.25 })
        #expect(try run("$random()", environment: env) == "0.25")
    }

    @Test("URL and base64 encoding")
    func encoding() throws {
        #expect(try run("$encodeUrlComponent('a b&c')") == "\"a%20b%26c\"")
        #expect(try run("$encodeUrl('http://x/a b?q=1')") == "\"http://x/a%20b?q=1\"")
        #expect(try run("$decodeUrlComponent('a%20b')") == "\"a b\"")
        #expect(try run("$base64decode($base64encode('hi'))") == "\"hi\"")
    }

    @Test("$eval evaluates an expression held in a string")
    func evalFunction() throws {
        #expect(try run("$eval('a + 1', {'a': 2})") == "3")
    }
}
