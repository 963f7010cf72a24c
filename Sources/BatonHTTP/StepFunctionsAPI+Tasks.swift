import BatonCore
import BatonEngine
import BatonLanguage

// SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, and the activities: CreateActivity,
// DescribeActivity, ListActivities, DeleteActivity, GetActivityTask.
//
// An activity is a catalog document (kind `api.activity`, keyed by ARN). A Task whose Resource is the
// activity's ARN publishes to the activity's queue (ResourceRouting: by default its name);
// GetActivityTask takes one task from that queue, waiting up to 60 s, and returns its token and input.

extension StepFunctionsAPI {
    func sendTaskSuccess(_ input: RequestInput) async throws -> JSON {
        let token = try taskToken(input)
        let text = try input.string("output", maxLength: Self.maxPayload)
        let output = try Self.parseJSON(text, error: "InvalidOutput", what: "Invalid Output")
        try await answer(token, .succeeded(output))
        return [:]
    }

    func sendTaskFailure(_ input: RequestInput) async throws -> JSON {
        let token = try taskToken(input)
        let error = try input.optionalString("error", maxLength: 256)
        let cause = try input.optionalString("cause", maxLength: 32_768)
        try await answer(token, .failed(error: error ?? "", cause: cause))
        return [:]
    }

    func sendTaskHeartbeat(_ input: RequestInput) async throws -> JSON {
        try await answer(taskToken(input), .heartbeat)
        return [:]
    }

    func taskToken(_ input: RequestInput) throws(APIError) -> String {
        let token = try input.string("taskToken")
        guard token.count <= 2048, !token.isEmpty, token.contains("-"), !token.contains(where: { $0.isWhitespace }) else {
            throw APIError("InvalidToken", "Invalid Token: 'Invalid token'")
        }
        return token
    }

    func answer(_ token: String, _ answer: Orchestrator.TaskAnswer) async throws {
        guard let effects = try await orchestrator.taskAnswered(token: token, answer, from: .callback) else {
            throw APIError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
        }
        try await perform(effects)
    }

    // MARK: Activities

    func createActivity(_ input: RequestInput) async throws -> JSON {
        let name = try input.string("name")
        guard Orchestrator.isValidResourceName(name) else { throw APIError("InvalidName", "Invalid Name: '\(name)'") }
        let tags = try readTags(input.array("tags"))
        let arn = activityArn(name)
        if let existing = await orchestrator.catalogDocument(kind: Kind.activity, key: arn) {
            let current = await orchestrator.catalogDocument(kind: Kind.tags, key: arn)?.objectValue ?? [:]
            if !tags.isEmpty, tags != current {
                throw APIError("ActivityAlreadyExists", "Activity already exists with different tags: '\(arn)'")
            }
            return ["activityArn": .string(arn), "creationDate": JSONText.timestamp(Int64(existing["creationDate"]?.intValue ?? 0))]
        }
        let now = clock()
        if let activities, let queue = activityQueue(arn) {
            do {
                try await activities.prepare(queue: queue)
            } catch {
                throw APIError("ServiceUnavailable", "the activity's queue '\(queue)' could not be declared: \(error)", status: 503)
            }
        }
        try await orchestrator.catalogPut(kind: Kind.activity, key: arn, document: ["name": .string(name), "creationDate": .int(Int(now))])
        if !tags.isEmpty { try await putTags(tags, on: arn) }
        return ["activityArn": .string(arn), "creationDate": JSONText.timestamp(now)]
    }

    func describeActivity(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("activityArn")
        let name = try ResourceARN.activity(arn)
        guard let doc = await orchestrator.catalogDocument(kind: Kind.activity, key: arn) else {
            throw APIError("ActivityDoesNotExist", "Activity Does Not Exist: '\(arn)'")
        }
        return ["activityArn": .string(arn), "name": .string(name),
                "creationDate": JSONText.timestamp(Int64(doc["creationDate"]?.intValue ?? 0))]
    }

    func listActivities(_ input: RequestInput) async throws -> JSON {
        let page = try Page(token: input.optionalString("nextToken"), maxResults: input.int("maxResults"))
        let all = await orchestrator.catalogDocuments(kind: Kind.activity).sorted { $0.key < $1.key }
        let (items, next) = page.slice(all)
        var out: JSONObject = ["activities": .array(items.map { arn, doc in
            ["activityArn": .string(arn), "name": doc["name"] ?? "",
             "creationDate": JSONText.timestamp(Int64(doc["creationDate"]?.intValue ?? 0))]
        })]
        if let next { out["nextToken"] = .string(next) }
        return .object(out)
    }

    func deleteActivity(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("activityArn")
        _ = try ResourceARN.activity(arn)
        try await orchestrator.catalogDelete(kind: Kind.activity, key: arn)
        try await orchestrator.catalogDelete(kind: Kind.tags, key: arn)
        return [:]
    }

    func getActivityTask(_ input: RequestInput) async throws -> JSON {
        let arn = try input.string("activityArn")
        _ = try ResourceARN.activity(arn)
        _ = try input.optionalString("workerName", maxLength: 80)
        guard await orchestrator.catalogDocument(kind: Kind.activity, key: arn) != nil else {
            throw APIError("ActivityDoesNotExist", "Activity Does Not Exist: '\(arn)'")
        }
        guard let activities, let queue = activityQueue(arn) else {
            throw APIError("ServiceUnavailable", "this server has no broker to take activity tasks from", status: 503)
        }
        let task: ActivityTask?
        do {
            task = try await activities.nextTask(queue: queue, timeout: configuration.activityPollSeconds)
        } catch {
            throw APIError("ServiceUnavailable", "the activity's queue '\(queue)' could not be read: \(error)", status: 503)
        }
        guard let task else { return [:] }
        return ["taskToken": .string(task.token), "input": .string(task.input)]
    }

    /// The queue an activity's tasks go to (the documented resource → queue rule).
    func activityQueue(_ arn: String) -> String? {
        orchestrator.routing.route(resource: TaskResource(arn), input: .null)?.queue
    }
}
