/// Gathers every problem found in a definition, so that all are reported at once.
struct DiagnosticCollector {
    private(set) var diagnostics: [Diagnostic] = []

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Adds a diagnostic; `location` is a `Pointer` where "" means the document itself.
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

/// Locations in the definition, written as AWS writes them: `/States/A/Catch[0]/Next` (a slash before
/// each member name, as written; `[i]` after an array's name).
enum Pointer {
    /// `base` followed by one member name.
    static func join(_ base: String, _ key: String) -> String { base + "/" + key }

    /// `base` (an array) followed by one index.
    static func join(_ base: String, _ index: Int) -> String { base + "[" + String(index) + "]" }
}
