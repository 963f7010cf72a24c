import BatonLanguage

// The catalog: documents the API keeps beside the state machines (activities, tags, versions, …), by kind
// and key, held in memory and written to the journal so a durable store restores them at start.

extension Orchestrator {
    /// Writes a catalog document (memory and journal).
    public func catalogPut(kind: String, key: String, document: JSON) async throws {
        catalog[kind, default: [:]][key] = document
        try await journal.record([.catalogPut(kind: kind, key: key, document: document)]).wait()
    }

    /// Deletes a catalog document (memory and journal); deleting a missing one is not an error.
    public func catalogDelete(kind: String, key: String) async throws {
        catalog[kind]?[key] = nil
        try await journal.record([.catalogDelete(kind: kind, key: key)]).wait()
    }

    /// One catalog document, if present.
    public func catalogDocument(kind: String, key: String) -> JSON? { catalog[kind]?[key] }

    /// Every document of a kind, by key.
    public func catalogDocuments(kind: String) -> [String: JSON] { catalog[kind] ?? [:] }
}
