/// A `StringMatches` pattern: `*` matches any run of characters (none included); `\*` is a literal
/// star and `\\` a literal backslash. Any other backslash stands for itself. Compares UTF-16 code
/// units, as AWS's Java service does.
public struct StringMatchPattern: Sendable, Hashable, CustomStringConvertible {
    /// One piece of a pattern.
    enum Token: Sendable, Hashable {
        case literal(UInt16)
        case star
    }

    /// The pattern as written.
    public let text: String
    let tokens: [Token]

    public init(_ text: String) {
        self.text = text
        var tokens: [Token] = []
        let units = Array(text.utf16)
        var i = 0
        let backslash: UInt16 = 0x5C, star: UInt16 = 0x2A
        while i < units.count {
            let u = units[i]
            if u == backslash, i + 1 < units.count, units[i + 1] == star || units[i + 1] == backslash {
                tokens.append(.literal(units[i + 1]))
                i += 2
            } else if u == star {
                // Consecutive stars match the same as one.
                if tokens.last != .star { tokens.append(.star) }
                i += 1
            } else {
                tokens.append(.literal(u))
                i += 1
            }
        }
        self.tokens = tokens
    }

    public var description: String { text }

    /// Whether the whole of `string` matches the pattern.
    public func matches(_ string: String) -> Bool {
        let s = Array(string.utf16)
        var si = 0, ti = 0
        // Where to resume after the last star: the token after it and the text position it absorbed to.
        var starToken: Int? = nil
        var starText = 0
        while si < s.count {
            if ti < tokens.count {
                switch tokens[ti] {
                case .star:
                    starToken = ti
                    starText = si
                    ti += 1
                    continue
                case .literal(let u) where u == s[si]:
                    si += 1
                    ti += 1
                    continue
                default:
                    break
                }
            }
            // Mismatch: let the last star absorb one more character, or fail.
            guard let st = starToken else { return false }
            starText += 1
            si = starText
            ti = st + 1
        }
        while ti < tokens.count, tokens[ti] == .star { ti += 1 }
        return ti == tokens.count
    }
}
