/// The message of a JSON syntax error in the words of the Jackson parser AWS uses, with its position.
enum JSONErrorText {
    /// The message, and the position part of it that AWS also gives as the diagnostic's location.
    static func describe(_ error: JSONParseError, in text: String) -> (message: String, location: String) {
        let source = excerpt(text)
        let bytes = Array(text.utf8)
        let start = min(max(error.offset, 0), bytes.count)
        // A bare word where a value was expected: Jackson's "Unrecognized token".
        if start < bytes.count, isWordByte(bytes[start]) {
            var end = start
            while end < bytes.count, isWordByte(bytes[end]), end - start < 256 { end += 1 }
            let token = String(decoding: bytes[start..<end], as: UTF8.self)
            if !["true", "false", "null"].contains(token) {
                let at = "[Source: (String)\"\(source)\"; line: \(error.line), column: \(error.column + token.count)]"
                return ("Unrecognized token '\(token)': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at \(at)", at)
            }
        }
        let at = "[Source: (String)\"\(source)\"; line: \(error.line), column: \(error.column)]"
        return ("\(capitalized(error.message))\n at \(at)", at)
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b >= 0x80
    }

    private static func capitalized(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst()
    }

    /// The start of the text, as Jackson quotes it (at most 500 characters).
    private static func excerpt(_ text: String) -> String {
        text.count > 500 ? String(text.prefix(500)) + "\"[truncated \(text.utf8.count - 500) bytes]" : text
    }
}
