import BatonEngine
import BatonLanguage
import Foundation

// CreateStateMachine, UpdateStateMachine, DescribeStateMachine, DescribeStateMachineForExecution,
// ListStateMachines, DeleteStateMachine, ValidateStateMachineDefinition.
//
// The orchestrator keeps the definition, type and role (and journals them); the API keeps beside them,
// in the catalog kind `api.stateMachine` keyed by name: the creation and update dates, the revision id,
// the logging and tracing configurations, and the last version number.

extension StepFunctionsAPI {
    static let defaultLogging: JSON = ["level": "OFF", "includeExecutionData": false]
    static let defaultTracing: JSON = ["enabled": false]

    func createStateMachine(_ input: RequestInput) async throws -> JSON {
        let name = try input.string("name")
        let definition = try input.string("definition")
        let roleArn = try input.string("roleArn")
        let type = try machineType(input.optionalString("type"))
        guard Orchestrator.isValidResourceName(name) else { throw APIError("InvalidName", "Invalid Name: '\(name)'") }
        try checkRoleArn(roleArn)
        try checkDefinition(definition, type: type)
        let tags = try readTags(input.array("tags"))
        let logging = try input.object("loggingConfiguration").map(JSON.object) ?? Self.defaultLogging
        let tracing = try input.object("tracingConfiguration").map(JSON.object) ?? Self.defaultTracing
        if let existing = await orchestrator.stateMachine(name) {
            guard existing.definition == definition, existing.roleArn == roleArn, existing.type == type else {
                throw APIError("StateMachineAlreadyExists", "State Machine Already Exists: '\(existing.arn)'")
            }
            let meta = await orchestrator.catalogDocument(kind: Kind.stateMachineMeta, key: name)
            return ["stateMachineArn": .string(existing.arn),
                    "creationDate": JSONText.timestamp(meta?["creationDate"]?.intValue.map(Int64.init) ?? existing.creationDate)]
        }
        let record = try await orchestrator.save(name: name, definition: definition, type: type, roleArn: roleArn)
        let meta: JSON = [
            "creationDate": .int(Int(record.creationDate)), "updateDate": .int(Int(record.creationDate)),
            "revisionId": .string(UUID().uuidString.lowercased()), "loggingConfiguration": logging,
            "tracingConfiguration": tracing, "lastVersion": 0,
        ]
        try await orchestrator.catalogPut(kind: Kind.stateMachineMeta, key: name, document: meta)
        if !tags.isEmpty { try await putTags(tags, on: record.arn) }
        var out: JSONObject = ["stateMachineArn": .string(record.arn), "creationDate": JSONText.timestamp(record.creationDate)]
        if try input.bool("publish") == true {
            let version = try await publish(name: name, description: input.optionalString("versionDescription", maxLength: 256),
                                            revisionId: nil)
            out["stateMachineVersionArn"] = .string(version.arn)
        }
        return .object(out)
    }

    func updateStateMachine(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("stateMachineArn")
        let (name, version) = try ResourceARN.stateMachine(arn)
        guard version == nil else { throw APIError.validation("A state machine version cannot be updated: '\(arn)'") }
        let record = try await registered(name, arn: arn)
        let definition = try input.optionalString("definition")
        let roleArn = try input.optionalString("roleArn")
        let logging = try input.object("loggingConfiguration")
        let tracing = try input.object("tracingConfiguration")
        guard definition != nil || roleArn != nil || logging != nil || tracing != nil else {
            throw APIError("MissingRequiredParameter",
                           "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
        }
        if let definition { try checkDefinition(definition, type: record.type) }
        if let roleArn { try checkRoleArn(roleArn) }
        let now = clock()
        var meta = await orchestrator.catalogDocument(kind: Kind.stateMachineMeta, key: name)?.objectValue ?? [
            "creationDate": .int(Int(record.creationDate)), "loggingConfiguration": Self.defaultLogging,
            "tracingConfiguration": Self.defaultTracing, "lastVersion": 0,
        ]
        if definition != nil || roleArn != nil {
            try await orchestrator.save(name: name, definition: definition ?? record.definition, type: record.type,
                                        roleArn: roleArn ?? record.roleArn)
            meta["revisionId"] = .string(UUID().uuidString.lowercased())
        }
        if let logging { meta["loggingConfiguration"] = .object(logging) }
        if let tracing { meta["tracingConfiguration"] = .object(tracing) }
        meta["updateDate"] = .int(Int(now))
        try await orchestrator.catalogPut(kind: Kind.stateMachineMeta, key: name, document: .object(meta))
        var out: JSONObject = ["updateDate": JSONText.timestamp(now)]
        if let revision = meta["revisionId"] { out["revisionId"] = revision }
        if try input.bool("publish") == true {
            let v = try await publish(name: name, description: input.optionalString("versionDescription", maxLength: 256),
                                      revisionId: nil)
            out["stateMachineVersionArn"] = .string(v.arn)
        }
        return .object(out)
    }

    func describeStateMachine(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("stateMachineArn")
        let (name, version) = try ResourceARN.stateMachine(arn)
        if version != nil {
            guard let doc = await orchestrator.catalogDocument(kind: Kind.version, key: arn) else {
                throw APIError.stateMachineDoesNotExist(arn)
            }
            var out: JSONObject = [
                "stateMachineArn": .string(arn), "name": .string(name), "status": "ACTIVE",
                "definition": doc["definition"] ?? "", "roleArn": doc["roleArn"] ?? "", "type": doc["type"] ?? "STANDARD",
                "creationDate": JSONText.timestamp(Int64(doc["creationDate"]?.intValue ?? 0)),
                "loggingConfiguration": Self.defaultLogging, "tracingConfiguration": Self.defaultTracing,
            ]
            if let r = doc["revisionId"] { out["revisionId"] = r }
            if let d = doc["description"], !d.isNull { out["description"] = d }
            return .object(out)
        }
        let record = try await registered(name, arn: arn)
        let meta = await orchestrator.catalogDocument(kind: Kind.stateMachineMeta, key: name)
        var out: JSONObject = [
            "stateMachineArn": .string(record.arn), "name": .string(record.name), "status": "ACTIVE",
            "definition": .string(record.definition), "roleArn": .string(record.roleArn), "type": .string(record.type),
            "creationDate": JSONText.timestamp(meta?["creationDate"]?.intValue.map(Int64.init) ?? record.creationDate),
            "loggingConfiguration": meta?["loggingConfiguration"] ?? Self.defaultLogging,
            "tracingConfiguration": meta?["tracingConfiguration"] ?? Self.defaultTracing,
        ]
        if let r = meta?["revisionId"] { out["revisionId"] = r }
        return .object(out)
    }

    func describeStateMachineForExecution(_ input: RequestInput) async throws -> JSON {
        let arn = try ResourceARN.execution(input.string("executionArn"))
        guard try await orchestrator.executionDetails(arn) != nil else { throw APIError.executionDoesNotExist(arn) }
        guard let record = try await orchestrator.stateMachineOfExecution(arn) else {
            throw APIError("StateMachineDoesNotExist", "State Machine Does Not Exist: the state machine of '\(arn)' was deleted")
        }
        let base = String(record.name.split(separator: ":").first ?? Substring(record.name))
        let meta = await orchestrator.catalogDocument(kind: Kind.stateMachineMeta, key: base)
        var out: JSONObject = [
            "stateMachineArn": .string(record.arn), "name": .string(base), "definition": .string(record.definition),
            "roleArn": .string(record.roleArn),
            "updateDate": JSONText.timestamp(meta?["updateDate"]?.intValue.map(Int64.init) ?? record.creationDate),
            "loggingConfiguration": meta?["loggingConfiguration"] ?? Self.defaultLogging,
            "tracingConfiguration": meta?["tracingConfiguration"] ?? Self.defaultTracing,
        ]
        if let r = meta?["revisionId"] { out["revisionId"] = r }
        return .object(out)
    }

    func listStateMachines(_ input: RequestInput) async throws -> JSON {
        let page = try Page(token: input.optionalString("nextToken"), maxResults: input.int("maxResults"))
        let metas = await orchestrator.catalogDocuments(kind: Kind.stateMachineMeta)
        let all = await orchestrator.stateMachines.filter { !$0.name.contains(":") }
        let (items, next) = page.slice(all)
        var out: JSONObject = ["stateMachines": .array(items.map { r in
            let created = metas[r.name]?["creationDate"]?.intValue.map(Int64.init) ?? r.creationDate
            return ["stateMachineArn": .string(r.arn), "name": .string(r.name), "type": .string(r.type),
                    "creationDate": JSONText.timestamp(created)]
        })]
        if let next { out["nextToken"] = .string(next) }
        return .object(out)
    }

    func deleteStateMachine(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("stateMachineArn")
        let (name, version) = try ResourceARN.stateMachine(arn)
        if let version {
            try await removeVersion(name: name, version: version)
            return [:]
        }
        guard let record = await orchestrator.stateMachine(name), record.arn == arn else { return [:] }
        try await orchestrator.deregister(name: name)
        try await orchestrator.catalogDelete(kind: Kind.stateMachineMeta, key: name)
        try await orchestrator.catalogDelete(kind: Kind.tags, key: arn)
        for (key, doc) in await orchestrator.catalogDocuments(kind: Kind.version) where doc["machine"]?.stringValue == name {
            if let v = doc["version"]?.intValue { try await removeVersion(name: name, version: v) } else {
                try await orchestrator.catalogDelete(kind: Kind.version, key: key)
            }
        }
        return [:]
    }

    func validateDefinition(_ input: RequestInput) throws -> JSON {
        let definition = try input.string("definition")
        let type = try machineType(input.optionalString("type"))
        let severity = try input.optionalString("severity") ?? "ERROR"
        guard severity == "ERROR" || severity == "WARNING" else {
            throw APIError.validation("1 validation error detected: Value '\(severity)' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]")
        }
        let max = try input.int("maxResults") ?? 100
        guard max >= 0, max <= 100 else {
            throw APIError.validation("1 validation error detected: Value '\(max)' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100")
        }
        let kind = ValidationOptions.StateMachineType(rawValue: type) ?? .standard
        let all = DefinitionParser.validate(text: definition, options: configuration.validation(kind))
        let shown = all.filter { severity == "WARNING" || $0.severity == .error }
        let limit = max == 0 ? 100 : max
        var out: JSONObject = [
            "result": all.contains { $0.severity == .error } ? "FAIL" : "OK",
            "diagnostics": .array(shown.prefix(limit).map { d in
                var o: JSONObject = ["severity": .string(d.severity.rawValue), "code": .string(d.code), "message": .string(d.message)]
                if let l = d.location { o["location"] = .string(l) }
                return .object(o)
            }),
        ]
        out["truncated"] = .bool(shown.count > limit)
        return .object(out)
    }

    // MARK: Helpers

    /// The registered machine of a name whose ARN is exactly `arn` (another region or account is another machine).
    func registered(_ name: String, arn: String) async throws(APIError) -> StateMachineRecord {
        guard let record = await orchestrator.stateMachine(name), record.arn == arn else {
            throw APIError.stateMachineDoesNotExist(arn)
        }
        return record
    }

    func machineType(_ text: String?) throws(APIError) -> String {
        let type = text ?? "STANDARD"
        guard type == "STANDARD" || type == "EXPRESS" else {
            throw APIError.validation("1 validation error detected: Value '\(type)' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]")
        }
        return type
    }

    func checkRoleArn(_ arn: String) throws(APIError) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", parts[1].hasPrefix("aws"), !parts[2].isEmpty else {
            throw APIError.invalidArn(arn)
        }
    }

    /// Checks a definition as CreateStateMachine does: InvalidDefinition with every problem.
    func checkDefinition(_ definition: String, type: String) throws(APIError) {
        let kind = ValidationOptions.StateMachineType(rawValue: type) ?? .standard
        let problems = DefinitionParser.validate(text: definition, options: configuration.validation(kind))
            .filter { $0.severity == .error }
        guard problems.isEmpty else {
            let text = problems.map { "\($0.code): \($0.message)\($0.location.map { " at \($0)" } ?? "")" }
                .joined(separator: "; ")
            throw APIError("InvalidDefinition", "Invalid State Machine Definition: '\(text)'")
        }
    }
}
