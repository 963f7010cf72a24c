/// The rules for a Map state's `Label`: at most 40 characters, none of the characters AWS forbids in
/// names (white space, brackets, wildcards, some punctuation, control characters).
enum LabelRules {
    static let maxLength = 40
    private static let forbidden: Set<Character> = [
        " ", "<", ">", "{", "}", "[", "]", "?", "*", "\"", "#", "%", "\\", "^", "|", "~", "`", "$", "&", ",", ";",
        ":", "/",
    ]

    /// The problem with `label`, or nil when AWS accepts it.
    static func problem(_ label: String) -> String? {
        if label.isEmpty { return "Label cannot be empty" }
        if label.count > maxLength { return "Label cannot exceed \(maxLength) characters" }
        for c in label {
            if forbidden.contains(c) || c.unicodeScalars.contains(where: isControlOrSpace) {
                return "Label contains invalid character: '\(shown(c))'"
            }
        }
        return nil
    }

    /// A control character as `\xNN`, any other as itself.
    private static func shown(_ c: Character) -> String {
        guard let u = c.unicodeScalars.first, c.unicodeScalars.count == 1,
              u.value <= 0x1F || (u.value >= 0x7F && u.value <= 0x9F)
        else { return String(c) }
        let hex = String(u.value, radix: 16)
        return "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }

    private static func isControlOrSpace(_ u: Unicode.Scalar) -> Bool {
        u.value <= 0x1F || (u.value >= 0x7F && u.value <= 0x9F) || u.properties.isWhitespace
    }
}
