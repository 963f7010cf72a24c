import BatonCore
import BatonEngine
import BatonLanguage
import Foundation

// StartExecution, StartSyncExecution, DescribeExecution, ListExecutions, GetExecutionHistory,
// StopExecution, RedriveExecution.

extension StepFunctionsAPI {
    /// AWS's limit on an execution's input, in bytes.
    static let maxPayload = 262_144

    func startExecution(_ input: RequestInput) async throws -> JSON {
        let (record, request) = try await startRequest(input)
        let (started, effects) = try await orchestrator.start(request)
        try await perform(effects)
        _ = record  // checked by startRequest
        return ["executionArn": .string(started.executionArn), "startDate": JSONText.timestamp(started.startDate)]
    }

    func startSyncExecution(_ input: RequestInput) async throws -> JSON {
        let (record, request) = try await startRequest(input)
        guard record.type == "EXPRESS" else {
            throw APIError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
        }
        let (started, effects) = try await orchestrator.start(request)
        try await perform(effects)
        let arn = started.executionArn
        let orchestrator = self.orchestrator
        let timeout = configuration.syncTimeoutSeconds
        var ended = await withTaskGroup(of: ExecutionRecord?.self) { group in
            group.addTask { await orchestrator.waitUntilEnded(arn) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        var status: String
        if ended == nil {
            try await perform(orchestrator.stop(executionArn: arn, error: StatesError.Name.timeout,
                                                cause: "The execution has timed out."))
            ended = await orchestrator.describe(arn)
            status = "TIMED_OUT"
        } else {
            status = ended?.status == .succeeded ? "SUCCEEDED" : ended?.status == .timedOut ? "TIMED_OUT" : "FAILED"
        }
        let r = ended ?? started
        let stop = r.stopDate ?? clock()
        var out: JSONObject = [
            "executionArn": .string(arn), "stateMachineArn": .string(r.stateMachineArn), "name": .string(r.name),
            "startDate": JSONText.timestamp(r.startDate), "stopDate": JSONText.timestamp(stop), "status": .string(status),
            "input": .string(r.input.serialized()), "inputDetails": ["included": true],
        ]
        if status == "SUCCEEDED" {
            out["output"] = .string((r.output ?? .null).serialized())
            out["outputDetails"] = ["included": true]
        } else {
            if let e = r.error ?? (status == "TIMED_OUT" ? StatesError.Name.timeout : nil) { out["error"] = .string(e) }
            if let c = r.cause { out["cause"] = .string(c) }
        }
        let billed = max(100, ((stop - r.startDate) + 99) / 100 * 100)
        out["billingDetails"] = ["billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": .int(Int(billed))]
        return .object(out)
    }

    /// The machine and start request of StartExecution / StartSyncExecution, checked as AWS checks them.
    func startRequest(_ input: RequestInput) async throws -> (StateMachineRecord, Orchestrator.StartRequest) {
        let arn = try input.string("stateMachineArn")
        let (name, version) = try ResourceARN.stateMachine(arn)
        let record = try await registered(version.map { "\(name):\($0)" } ?? name, arn: arn)
        let executionName = try input.optionalString("name")
        if let n = executionName, !Orchestrator.isValidResourceName(n) {
            throw APIError("InvalidName", "Invalid Name: '\(n)'")
        }
        let text = try input.optionalString("input") ?? "{}"
        guard text.utf8.count <= Self.maxPayload else {
            throw APIError("InvalidExecutionInput", "Invalid State Machine Execution Input: 'the input is larger than \(Self.maxPayload) bytes'")
        }
        let json = try Self.parseJSON(text, error: "InvalidExecutionInput", what: "Invalid State Machine Execution Input")
        if let executionName {
            // A name is idempotent only while its execution runs (with the same input); once it ended, it is taken.
            let arn = orchestrator.configuration.executionArn(machine: record.name, name: executionName)
            if let existing = try await orchestrator.executionDetails(arn), existing.record.status != .running {
                throw APIError("ExecutionAlreadyExists", "Execution Already Exists: '\(arn)'")
            }
        }
        return (record, Orchestrator.StartRequest(stateMachine: record.name, name: executionName, input: json))
    }

    func describeExecution(_ input: RequestInput) async throws -> JSON {
        let arn = try ResourceARN.execution(input.string("executionArn"))
        guard let d = try await orchestrator.executionDetails(arn) else { throw APIError.executionDoesNotExist(arn) }
        let r = d.record
        var out: JSONObject = [
            "executionArn": .string(r.executionArn), "stateMachineArn": .string(r.stateMachineArn), "name": .string(r.name),
            "status": .string(r.status.rawValue), "startDate": JSONText.timestamp(r.startDate),
        ]
        if let s = r.stopDate { out["stopDate"] = JSONText.timestamp(s) }
        out["input"] = .string(r.input.serialized())
        out["inputDetails"] = ["included": true]
        if let o = r.output {
            out["output"] = .string(o.serialized())
            out["outputDetails"] = ["included": true]
        }
        if let e = r.error { out["error"] = .string(e) }
        if let c = r.cause { out["cause"] = .string(c) }
        if r.stateMachineName.contains(":") { out["stateMachineVersionArn"] = .string(r.stateMachineArn) }
        out["redriveCount"] = .int(d.redriveCount)
        if let date = d.redriveDate { out["redriveDate"] = JSONText.timestamp(date) }
        if d.redrivable {
            out["redriveStatus"] = "REDRIVABLE"
        } else {
            out["redriveStatus"] = "NOT_REDRIVABLE"
            out["redriveStatusReason"] = .string(r.status == .running || r.status == .succeeded
                ? "Execution is \(r.status.rawValue) and cannot be redriven"
                : "Execution cannot be redriven")
        }
        return .object(out)
    }

    func listExecutions(_ input: RequestInput) async throws -> JSON {
        guard let arn = try input.optionalString("stateMachineArn") else {
            if try input.optionalString("mapRunArn") != nil {
                throw APIError.validation("Baton runs no Map Runs of its own: list the executions of a state machine")
            }
            throw APIError.validation("Must provide a StateMachine ARN or MapRun ARN")
        }
        let (name, version) = try ResourceARN.stateMachine(arn)
        let record = try await registered(version.map { "\(name):\($0)" } ?? name, arn: arn)
        var status: ExecutionStatus?
        if let f = try input.optionalString("statusFilter") {
            if f == "PENDING_REDRIVE" { return ["executions": []] }
            guard let s = ExecutionStatus(rawValue: f) else {
                throw APIError.validation("1 validation error detected: Value '\(f)' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]")
            }
            status = s
        }
        let redriveFilter = try input.optionalString("redriveFilter")
        let page = try Page(token: input.optionalString("nextToken"), maxResults: input.int("maxResults"))
        var records = try await orchestrator.executionRecords(stateMachine: record.name, status: status,
                                                              limit: page.offset + page.size + 1)
        records.sort { ($0.startDate, $0.executionArn) > ($1.startDate, $1.executionArn) }
        if let redriveFilter {
            var kept: [ExecutionRecord] = []
            for r in records {
                let count = try await orchestrator.executionDetails(r.executionArn)?.redriveCount ?? 0
                if (redriveFilter == "REDRIVEN") == (count > 0) { kept.append(r) }
            }
            records = kept
        }
        let (items, next) = page.slice(records)
        var out: JSONObject = ["executions": .array(items.map { r in
            var o: JSONObject = [
                "executionArn": .string(r.executionArn), "stateMachineArn": .string(r.stateMachineArn),
                "name": .string(r.name), "status": .string(r.status.rawValue), "startDate": JSONText.timestamp(r.startDate),
            ]
            if let s = r.stopDate { o["stopDate"] = JSONText.timestamp(s) }
            if r.stateMachineName.contains(":") { o["stateMachineVersionArn"] = .string(r.stateMachineArn) }
            return .object(o)
        })]
        if let next { out["nextToken"] = .string(next) }
        return .object(out)
    }

    func executionHistory(_ input: RequestInput) async throws -> JSON {
        let arn = try ResourceARN.execution(input.string("executionArn"))
        let reverse = try input.bool("reverseOrder") ?? false
        let includeData = try input.bool("includeExecutionData") ?? true
        let page = try Page(token: input.optionalString("nextToken"), maxResults: input.int("maxResults"))
        guard let events = try await orchestrator.executionHistory(arn) else { throw APIError.executionDoesNotExist(arn) }
        let ordered = reverse ? Array(events.reversed()) : events
        let (items, next) = page.slice(ordered)
        var out: JSONObject = ["events": .array(items.map { Self.eventJSON($0, includeData: includeData) })]
        if let next { out["nextToken"] = .string(next) }
        return .object(out)
    }

    /// A history event as GetExecutionHistory returns it over JSON 1.0 (the timestamp as epoch seconds).
    static func eventJSON(_ e: HistoryEvent, includeData: Bool) -> JSON {
        guard case .object(var o) = e.awsJSON() else { return .null }
        o["timestamp"] = JSONText.timestamp(e.timestamp)
        if !includeData {
            for (key, value) in o where key.hasSuffix("EventDetails") {
                guard case .object(var details) = value else { continue }
                for field in ["input", "output", "parameters"] where details[field] != nil {
                    details[field] = nil
                    details[field + "Details"] = ["included": false]
                }
                o[key] = .object(details)
            }
        }
        return .object(o)
    }

    func stopExecution(_ input: RequestInput) async throws -> JSON {
        let arn = try ResourceARN.execution(input.string("executionArn"))
        let error = try input.optionalString("error", maxLength: 256)
        let cause = try input.optionalString("cause", maxLength: 32_768)
        let effects: [Effect]
        do {
            effects = try await orchestrator.stop(executionArn: arn, error: error, cause: cause)
        } catch let e as EngineError where e.code == .executionDoesNotExist {
            guard let d = try await orchestrator.executionDetails(arn) else { throw APIError.executionDoesNotExist(arn) }
            return ["stopDate": JSONText.timestamp(d.record.stopDate ?? clock())]
        }
        try await perform(effects)
        let stopped = await orchestrator.describe(arn)
        return ["stopDate": JSONText.timestamp(stopped?.stopDate ?? clock())]
    }

    func redriveExecution(_ input: RequestInput) async throws -> JSON {
        let arn = try ResourceARN.execution(input.string("executionArn"))
        _ = try input.optionalString("clientToken", maxLength: 64)
        guard try await orchestrator.executionDetails(arn) != nil else { throw APIError.executionDoesNotExist(arn) }
        let (date, effects) = try await orchestrator.redrive(executionArn: arn)
        try await perform(effects)
        return ["redriveDate": JSONText.timestamp(date)]
    }
}
