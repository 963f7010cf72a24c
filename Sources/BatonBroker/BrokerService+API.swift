import BatonEngine

extension BrokerService {
    /// Carries out effects decided outside the broker's consumers (the Step Functions API): publishes with
    /// confirms, retried until done, then marks them published.
    public func carryOut(_ effects: [Effect]) async throws {
        try await perform(effects)
    }
}
