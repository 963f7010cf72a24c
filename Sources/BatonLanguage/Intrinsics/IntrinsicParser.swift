/// Reads an intrinsic call: `States.Name(arg, …)` where an argument is a quoted string (escapes `\'`
/// `\{` `\}` `\\`), a number, `true`/`false`/`null`, a path (`$…`, `$$…`, `$var…`) or a nested call.
struct IntrinsicParser {
    let chars: [Character]
    let text: String
    var i = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text)
    }

    func error(_ message: String) -> IntrinsicParseError {
        IntrinsicParseError("Invalid intrinsic function call '\(text)': \(message)")
    }

    func peek(_ offset: Int = 0) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }

    mutating func skipSpaces() {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
    }

    mutating func parseWhole() throws(IntrinsicParseError) -> IntrinsicFunction {
        skipSpaces()
        let call = try parseCall()
        skipSpaces()
        guard i == chars.count else { throw error("unexpected text after the call at position \(i)") }
        return call
    }

    mutating func parseCall() throws(IntrinsicParseError) -> IntrinsicFunction {
        let start = i
        while let c = peek(), c.isLetter || c.isNumber || c == "." || c == "_" { i += 1 }
        let name = String(chars[start..<i])
        guard IntrinsicFunction.functionNames.contains(name) else {
            throw error("'\(name)' is not an intrinsic function")
        }
        skipSpaces()
        guard peek() == "(" else { throw error("'(' expected after \(name)") }
        i += 1
        var arguments: [IntrinsicArgument] = []
        skipSpaces()
        if peek() == ")" {
            i += 1
        } else {
            while true {
                skipSpaces()
                arguments.append(try parseArgument())
                skipSpaces()
                guard let c = peek() else { throw error("')' expected to close \(name)") }
                i += 1
                if c == "," { continue }
                if c == ")" { break }
                throw error("',' or ')' expected at position \(i - 1)")
            }
        }
        return IntrinsicFunction(text: String(chars[start..<i]), name: name, arguments: arguments)
    }

    mutating func parseArgument() throws(IntrinsicParseError) -> IntrinsicArgument {
        guard let c = peek() else { throw error("an argument is expected") }
        switch c {
        case "'": return try parseString()
        case "$": return try parsePath()
        case "-", "0"..."9": return try parseNumber()
        default:
            if chars[i...].starts(with: "States.") { return .call(try parseCall()) }
            for (word, value) in [("true", JSON.bool(true)), ("false", .bool(false)), ("null", .null)]
            where chars[i...].starts(with: word) {
                let after = i + word.count
                if after == chars.count || !(chars[after].isLetter || chars[after].isNumber) {
                    i = after
                    return .literal(value)
                }
            }
            throw error("unexpected '\(c)' at position \(i)")
        }
    }

    mutating func parseString() throws(IntrinsicParseError) -> IntrinsicArgument {
        i += 1
        var value = ""
        var raw = ""
        while let c = peek() {
            if c == "'" {
                i += 1
                return .string(value, raw: raw)
            }
            if c == "\\" {
                guard let n = peek(1), n == "'" || n == "{" || n == "}" || n == "\\" else {
                    throw error("invalid escape sequence at position \(i)")
                }
                value.append(n)
                raw.append(c)
                raw.append(n)
                i += 2
                continue
            }
            value.append(c)
            raw.append(c)
            i += 1
        }
        throw error("unterminated string literal")
    }

    mutating func parseNumber() throws(IntrinsicParseError) -> IntrinsicArgument {
        let start = i
        while let c = peek(), c.isNumber || c == "-" || c == "+" || c == "." || c == "e" || c == "E" { i += 1 }
        let word = String(chars[start..<i])
        guard let v = try? JSON(parsing: word), v.isNumber else { throw error("invalid number '\(word)'") }
        return .literal(v)
    }

    /// A path runs to the next `,` or `)` outside brackets and quotes.
    mutating func parsePath() throws(IntrinsicParseError) -> IntrinsicArgument {
        let start = i
        var depth = 0
        var quote: Character? = nil
        while let c = peek() {
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
                i += 1
                continue
            }
            if depth > 0, c == "'" || c == "\"" {
                quote = c
            } else if c == "[" || c == "(" {
                depth += 1
            } else if c == "]" || c == ")" {
                if depth == 0 { break }
                depth -= 1
            } else if c == ",", depth == 0 {
                break
            }
            i += 1
        }
        var pathText = String(chars[start..<min(i, chars.count)])
        while pathText.last == " " || pathText.last == "\t" || pathText.last == "\n" { pathText.removeLast() }
        do {
            return .path(try PathReference(pathText))
        } catch {
            throw self.error("invalid path '\(pathText)': \(error.message)")
        }
    }
}
