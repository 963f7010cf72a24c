import BatonEngine
import BatonLanguage

// TagResource, UntagResource, ListTagsForResource: tags of state machines, versions and activities,
// kept as one catalog document per resource (kind `api.tags`, keyed by ARN: `{"key": "value", …}`).

extension StepFunctionsAPI {
    /// AWS's limit of tags per resource.
    static let maxTags = 50

    func tagResource(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("resourceArn")
        try await checkTaggable(arn)
        let added = try readTags(input.array("tags") ?? [])
        var tags = await orchestrator.catalogDocument(kind: Kind.tags, key: arn)?.objectValue ?? [:]
        for (k, v) in added { tags[k] = v }
        guard tags.count <= Self.maxTags else {
            throw APIError("TooManyTags", "Too many tags: a resource has at most \(Self.maxTags) tags ('\(arn)')")
        }
        try await putTags(tags, on: arn)
        return [:]
    }

    func untagResource(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("resourceArn")
        try await checkTaggable(arn)
        guard let keys = try input.array("tagKeys") else { throw APIError.missing("tagKeys") }
        var tags = await orchestrator.catalogDocument(kind: Kind.tags, key: arn)?.objectValue ?? [:]
        for k in keys { if let key = k.stringValue { tags[key] = nil } }
        try await putTags(tags, on: arn)
        return [:]
    }

    func listTags(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("resourceArn")
        try await checkTaggable(arn)
        let tags = await orchestrator.catalogDocument(kind: Kind.tags, key: arn)?.objectValue ?? [:]
        return ["tags": .array(tags.map { ["key": .string($0.key), "value": $0.value] })]
    }

    /// Writes a resource's tags (deletes the document when none is left).
    func putTags(_ tags: JSONObject, on arn: String) async throws {
        if tags.isEmpty {
            try await orchestrator.catalogDelete(kind: Kind.tags, key: arn)
        } else {
            try await orchestrator.catalogPut(kind: Kind.tags, key: arn, document: .object(tags))
        }
    }

    /// Reads `[{"key": …, "value": …}]` with AWS's limits.
    func readTags(_ list: [JSON]?) throws(APIError) -> JSONObject {
        var tags: JSONObject = [:]
        for item in list ?? [] {
            guard let key = item["key"]?.stringValue, !key.isEmpty, key.count <= 128 else {
                throw APIError.validation("1 validation error detected: a tag's key must have 1 to 128 characters")
            }
            let value = item["value"]?.stringValue ?? ""
            guard value.count <= 256 else {
                throw APIError.validation("1 validation error detected: a tag's value must have at most 256 characters")
            }
            tags[key] = .string(value)
        }
        guard tags.count <= Self.maxTags else {
            throw APIError("TooManyTags", "Too many tags: a resource has at most \(Self.maxTags) tags")
        }
        return tags
    }

    /// The resource must be a state machine, a version or an activity that exists: else ResourceNotFound.
    func checkTaggable(_ arn: String) async throws {
        let parsed = try ResourceARN.parse(arn)
        let exists: Bool
        switch parsed.type {
        case "stateMachine":
            let (name, version) = try ResourceARN.stateMachine(arn)
            if version != nil {
                exists = await orchestrator.catalogDocument(kind: Kind.version, key: arn) != nil
            } else {
                exists = await orchestrator.stateMachine(name)?.arn == arn
            }
        case "activity":
            exists = await orchestrator.catalogDocument(kind: Kind.activity, key: arn) != nil
        default:
            throw APIError.invalidArn(arn, "Resource type not valid in this context")
        }
        guard exists else { throw APIError("ResourceNotFound", "Resource not found: '\(arn)'") }
    }
}
