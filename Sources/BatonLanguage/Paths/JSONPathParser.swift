/// Reads JSONPath text into steps: `$`, `.name`, `['x']`, `[n]`, `[*]`, `[a,b]`, slices, `..`, filters.
struct JSONPathParser {
    let chars: [Character]
    let text: String
    var i = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text)
    }

    func error(_ message: String) -> JSONPathError {
        JSONPathError("Invalid JSONPath '\(text)': \(message)")
    }

    var atEnd: Bool { i >= chars.count }
    func peek(_ offset: Int = 0) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }

    mutating func skipSpaces() {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
    }

    /// A whole path: `$` then steps to the end of the text.
    mutating func parsePath() throws(JSONPathError) -> [JSONPathStep] {
        guard peek() == "$" else { throw error("a path must start with '$'") }
        i += 1
        let steps = try parseSteps(stopAt: [])
        guard atEnd else { throw error("unexpected '\(chars[i])' at position \(i)") }
        return steps
    }

    /// Steps until the end or a character in `stopAt` (used inside filters).
    mutating func parseSteps(stopAt: Set<Character>) throws(JSONPathError) -> [JSONPathStep] {
        var steps: [JSONPathStep] = []
        while let c = peek(), !stopAt.contains(c) {
            if c == "." {
                if peek(1) == "." {
                    i += 2
                    steps.append(.descendant)
                    if peek() == "[" {
                        steps.append(try parseBracket())
                    } else if peek() == "*" {
                        i += 1
                        steps.append(.wildcard)
                    } else {
                        steps.append(.property(try parseDotName(stopAt: stopAt)))
                    }
                } else {
                    i += 1
                    if peek() == "*" {
                        i += 1
                        steps.append(.wildcard)
                    } else {
                        steps.append(.property(try parseDotName(stopAt: stopAt)))
                    }
                }
            } else if c == "[" {
                steps.append(try parseBracket())
            } else {
                break
            }
        }
        return steps
    }

    mutating func parseDotName(stopAt: Set<Character>) throws(JSONPathError) -> String {
        let start = i
        // As Jayway, a blank ends a dot name (a name with blanks needs brackets).
        while let c = peek(), c != ".", c != "[", c != " ", !stopAt.contains(c) {
            if !stopAt.isEmpty, c == ")" || c == "=" || c == "!" || c == "<" || c == ">" || c == "&" || c == "|" {
                break
            }
            i += 1
        }
        guard i > start else { throw error("a property name is expected at position \(start)") }
        return String(chars[start..<i])
    }

    mutating func parseBracket() throws(JSONPathError) -> JSONPathStep {
        i += 1  // [
        skipSpaces()
        guard let c = peek() else { throw error("unterminated '['") }
        let step: JSONPathStep
        if c == "'" || c == "\"" {
            var names: [String] = []
            while true {
                skipSpaces()
                guard let q = peek(), q == "'" || q == "\"" else { throw error("a quoted name is expected at position \(i)") }
                names.append(try parseQuoted(q))
                skipSpaces()
                if peek() == "," { i += 1; continue }
                break
            }
            step = names.count == 1 ? .property(names[0]) : .properties(names)
        } else if c == "*" {
            i += 1
            step = .wildcard
        } else if c == "?" {
            i += 1
            skipSpaces()
            guard peek() == "(" else { throw error("'(' expected after '?'") }
            i += 1
            var fp = JSONPathFilterParser(parser: self)
            let expr = try fp.parseExpression()
            self = fp.parser
            skipSpaces()
            guard peek() == ")" else { throw error("')' expected to close the filter at position \(i)") }
            i += 1
            step = .filter(expr)
        } else {
            step = try parseIndexesOrSlice()
        }
        skipSpaces()
        guard peek() == "]" else { throw error("']' expected at position \(i)") }
        i += 1
        return step
    }

    /// A quoted name; a backslash escapes the quote that delimits it and is otherwise kept (as Jayway).
    mutating func parseQuoted(_ quote: Character) throws(JSONPathError) -> String {
        i += 1
        var out = ""
        while let c = peek() {
            if c == "\\", let n = peek(1), n == quote || n == "\\" {
                out.append(n)
                i += 2
                continue
            }
            if c == quote {
                i += 1
                return out
            }
            out.append(c)
            i += 1
        }
        throw error("unterminated quoted name")
    }

    mutating func parseInt() -> Int? {
        skipSpaces()
        let start = i
        if peek() == "-" || peek() == "+" { i += 1 }
        while let c = peek(), c.isASCII, c.isNumber { i += 1 }
        guard i > start else { return nil }
        guard let v = Int(String(chars[start..<i])) else {
            i = start
            return nil
        }
        skipSpaces()
        return v
    }

    mutating func parseIndexesOrSlice() throws(JSONPathError) -> JSONPathStep {
        let first = parseInt()
        if peek() == ":" {
            i += 1
            let end = parseInt()
            var stride: Int? = nil
            if peek() == ":" {
                i += 1
                stride = parseInt()
                if stride == 0 { throw error("a slice step cannot be 0") }
            }
            return .slice(start: first, end: end, step: stride)
        }
        guard let first else { throw error("an index, slice, '*', name or filter is expected at position \(i)") }
        var list = [first]
        while peek() == "," {
            i += 1
            guard let n = parseInt() else { throw error("an index is expected at position \(i)") }
            list.append(n)
        }
        return list.count == 1 ? .index(first) : .indexes(list)
    }
}
