import BatonEngine
import BatonLanguage

// PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion.
//
// A version is an immutable copy of a machine's definition and role, numbered from 1 and never reused.
// It is registered with the orchestrator under the name `NAME:N`, whose ARN is the version ARN
// (`…:stateMachine:NAME:N`), so StartExecution runs it; ListStateMachines hides those names. Its
// document (kind `api.stateMachineVersion`, keyed by the version ARN) keeps its number, date,
// revision and description.

extension StepFunctionsAPI {
    func publishVersion(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("stateMachineArn")
        let (name, version) = try ResourceARN.stateMachine(arn)
        guard version == nil else { throw APIError.validation("Publish a version of a state machine, not of a version: '\(arn)'") }
        _ = try await registered(name, arn: arn)
        let v = try await publish(name: name, description: input.optionalString("description", maxLength: 256),
                                  revisionId: input.optionalString("revisionId"))
        return ["creationDate": JSONText.timestamp(v.creationDate), "stateMachineVersionArn": .string(v.arn)]
    }

    /// Publishes the machine's current revision; returns the latest version instead when it is that revision already.
    func publish(name: String, description: String?, revisionId: String?) async throws -> (arn: String, creationDate: Int64) {
        guard let record = await orchestrator.stateMachine(name) else { throw APIError.stateMachineDoesNotExist(stateMachineArn(name)) }
        var meta = await orchestrator.catalogDocument(kind: Kind.stateMachineMeta, key: name)?.objectValue ?? [:]
        let current = meta["revisionId"]?.stringValue ?? ""
        if let revisionId, revisionId != current {
            throw APIError("ConflictException",
                           "Failed to publish the State Machine version for revision \(revisionId). The current State Machine revision is \(current).")
        }
        let versions = await versionDocuments(of: name)
        if let latest = versions.first, latest.doc["revisionId"]?.stringValue == current,
           description == nil || latest.doc["description"]?.stringValue == description {
            return (latest.arn, Int64(latest.doc["creationDate"]?.intValue ?? 0))
        }
        let number = max(meta["lastVersion"]?.intValue ?? 0, versions.first?.doc["version"]?.intValue ?? 0) + 1
        let hidden = "\(name):\(number)"
        let saved = try await orchestrator.save(name: hidden, definition: record.definition, type: record.type, roleArn: record.roleArn)
        var doc: JSONObject = [
            "machine": .string(name), "version": .int(number), "definition": .string(record.definition),
            "roleArn": .string(record.roleArn), "type": .string(record.type), "creationDate": .int(Int(saved.creationDate)),
            "revisionId": .string(current),
        ]
        if let description { doc["description"] = .string(description) }
        try await orchestrator.catalogPut(kind: Kind.version, key: saved.arn, document: .object(doc))
        meta["lastVersion"] = .int(number)
        try await orchestrator.catalogPut(kind: Kind.stateMachineMeta, key: name, document: .object(meta))
        return (saved.arn, saved.creationDate)
    }

    func listVersions(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("stateMachineArn")
        let (name, version) = try ResourceARN.stateMachine(arn)
        guard version == nil else { throw APIError.validation("List the versions of a state machine, not of a version: '\(arn)'") }
        let page = try Page(token: input.optionalString("nextToken"), maxResults: input.int("maxResults"))
        let (items, next) = page.slice(await versionDocuments(of: name))
        var out: JSONObject = ["stateMachineVersions": .array(items.map {
            ["stateMachineVersionArn": .string($0.arn), "creationDate": JSONText.timestamp(Int64($0.doc["creationDate"]?.intValue ?? 0))]
        })]
        if let next { out["nextToken"] = .string(next) }
        return .object(out)
    }

    func deleteVersion(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("stateMachineVersionArn")
        let (name, version) = try ResourceARN.stateMachine(arn)
        guard let version else { throw APIError.validation("Not a state machine version ARN: '\(arn)'") }
        try await removeVersion(name: name, version: version)
        return [:]
    }

    /// The versions of a machine, newest first.
    func versionDocuments(of name: String) async -> [(arn: String, doc: JSON)] {
        await orchestrator.catalogDocuments(kind: Kind.version)
            .filter { $0.value["machine"]?.stringValue == name }
            .map { (arn: $0.key, doc: $0.value) }
            .sorted { ($0.doc["version"]?.intValue ?? 0) > ($1.doc["version"]?.intValue ?? 0) }
    }

    func removeVersion(name: String, version: Int) async throws {
        let arn = stateMachineArn("\(name):\(version)")
        try await orchestrator.deregister(name: "\(name):\(version)")
        try await orchestrator.catalogDelete(kind: Kind.version, key: arn)
        try await orchestrator.catalogDelete(kind: Kind.tags, key: arn)
    }
}
