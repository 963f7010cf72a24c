/// Gathers every problem found in a definition, so that all are reported at once.
struct DiagnosticCollector {
    private(set) var diagnostics: [Diagnostic] = []

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Adds a diagnostic; `location` is a JSON pointer where "" means the document itself.
    mutating func add(_ code: String, _ message: String, at location: String) {
        diagnostics.append(Diagnostic(code: code, location: location.isEmpty ? "/" : location, message: message))
    }

    /// Adds a SCHEMA_VALIDATION_FAILED diagnostic.
    mutating func schema(_ message: String, at location: String) {
        add(Diagnostic.Code.schemaValidationFailed, message, at: location)
    }

    /// Adds diagnostics produced elsewhere (the Choice rule parser).
    mutating func append(contentsOf other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }
}

/// JSON pointers (RFC 6901) into the definition.
enum Pointer {
    /// `base` followed by one member name or index, escaped as RFC 6901 says.
    static func join(_ base: String, _ key: String) -> String {
        var escaped = key
        if escaped.contains("~") { escaped = escaped.replacingAll("~", with: "~0") }
        if escaped.contains("/") { escaped = escaped.replacingAll("/", with: "~1") }
        return base + "/" + escaped
    }

    static func join(_ base: String, _ index: Int) -> String { base + "/" + String(index) }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
