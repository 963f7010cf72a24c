extension DefinitionReader {
    /// One state: its type, the fields its type accepts in its query language, and what they hold.
    /// Returns nil when its type or transition cannot be told (it then takes no part in graph checks).
    mutating func readState(name: String, _ value: JSON, at location: String) -> State? {
        guard case .object(let o) = value else {
            typeError(name, "OBJECT", at: location)
            return nil
        }
        var language = machineLanguage
        if let text = string(o, "QueryLanguage", at: location) {
            if let chosen = QueryLanguage(rawValue: text) {
                if machineLanguage == .jsonata, chosen == .jsonPath {
                    issues.schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                                  at: location)
                } else {
                    language = chosen
                }
            } else {
                issues.schema("The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]",
                              at: Pointer.join(location, "QueryLanguage"))
            }
        }
        guard let typeValue = o["Type"] else {
            checkRequired(o, ["Type"], at: location)
            return nil
        }
        guard case .string(let type) = typeValue, FieldRules.stateTypes.contains(type) else {
            issues.schema("The field 'Type' should have one of these values: [\(FieldRules.stateTypes.joined(separator: ", "))]",
                          at: Pointer.join(location, "Type"))
            return nil
        }
        let allowed = FieldRules.allowed(type: type, language: language)
        checkFields(o, allowed: allowed, at: location)
        if language == .jsonata { checkJSONataExpressions(o, at: location) }
        var state = State(name: name, queryLanguage: language, kind: .succeed)
        state.comment = string(o, "Comment", at: location)

        var transitionKnown = true
        if allowed.contains("Next") {
            state.transition = readTransition(o, at: location)
            transitionKnown = state.transition != nil
        }
        if language == .jsonPath {
            if allowed.contains("InputPath") { state.inputPath = ioPath(o, "InputPath", at: location) }
            if allowed.contains("OutputPath") { state.outputPath = ioPath(o, "OutputPath", at: location) }
            if allowed.contains("ResultPath") { state.resultPath = resultPath(o, at: location) }
            if allowed.contains("Parameters"), type != "Map" {
                state.parameters = payloadTemplate(o, "Parameters", at: location)
            }
            if allowed.contains("ResultSelector") {
                state.resultSelector = payloadTemplate(o, "ResultSelector", at: location)
            }
        } else {
            if allowed.contains("Arguments") {
                state.parameters = jsonataTemplate(o, "Arguments", objectOnly: false, at: location)
            }
            if allowed.contains("Output") { state.output = o["Output"] }
        }
        if allowed.contains("Assign") { state.assign = assign(o, language: language, at: location) }

        switch type {
        case "Pass":
            state.kind = .pass(PassState(result: language == .jsonPath ? o["Result"] : nil))
        case "Task":
            state.kind = .task(readTask(o, language: language, at: location))
        case "Choice":
            guard let choice = readChoice(o, language: language, at: location) else { return nil }
            state.kind = .choice(choice)
        case "Wait":
            // A bad duration leaves the transition known: keep the state in the graph checks.
            if let wait = readWait(o, language: language, at: location) {
                state.kind = .wait(wait)
            } else {
                incomplete = true
                state.kind = .wait(WaitState(duration: .seconds(.value(0))))
            }
        case "Succeed":
            state.kind = .succeed
        case "Fail":
            state.kind = .fail(readFail(o, language: language, at: location))
        case "Parallel":
            state.kind = .parallel(readParallel(o, language: language, at: location))
        default:
            guard let map = readMap(o, language: language, at: location) else { return nil }
            state.kind = .map(map)
        }
        if !transitionKnown { incomplete = true }
        return transitionKnown ? state : nil
    }

    /// Next or End: exactly one of them.
    mutating func readTransition(_ o: JSONObject, at location: String) -> Transition? {
        let next = string(o, "Next", at: location)
        let end = bool(o, "End", at: location)
        if o["Next"] != nil, end == true {
            issues.schema("The fields 'Next' and 'End' cannot both be set", at: location)
            return nil
        }
        if let next { return .next(next) }
        if end == true { return .end }
        if o["Next"] == nil, o["End"] == nil || end == false {
            issues.schema("These fields are required: [Next or End]", at: location)
        }
        return nil
    }

    mutating func readTask(_ o: JSONObject, language: QueryLanguage, at location: String) -> TaskState {
        checkRequired(o, ["Resource"], at: location)
        let resource = string(o, "Resource", at: location) ?? ""
        if o["Resource"] != nil, o["Resource"]?.isString == true { checkResource(resource, at: Pointer.join(location, "Resource")) }
        var task = TaskState(resource: resource)
        task.timeoutSeconds = numberSource(o, "TimeoutSeconds", language: language, integer: true,
                                           in: 1...99_999_999, at: location)
        task.heartbeatSeconds = numberSource(o, "HeartbeatSeconds", language: language, integer: true,
                                             in: 1...99_999_999, at: location)
        if case .value(let t)? = task.timeoutSeconds, case .value(let h)? = task.heartbeatSeconds, h >= t {
            issues.schema("The value for the field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
                          at: Pointer.join(location, "HeartbeatSeconds"))
        }
        task.retry = readRetry(o, at: location)
        task.catchers = readCatch(o, language: language, at: location)
        if let credentials = o["Credentials"] {
            let pointer = Pointer.join(location, "Credentials")
            if case .object(let c) = credentials {
                readCredentials(c, language: language, at: pointer)
            } else {
                typeError("Credentials", "OBJECT", at: pointer)
            }
            task.credentials = credentials
        }
        return task
    }

    /// Credentials: the role to assume, `RoleArn` (a string, or in JSONPath mode `RoleArn.$`, a path).
    mutating func readCredentials(_ c: JSONObject, language: QueryLanguage, at pointer: String) {
        let fields = language == .jsonPath ? ["RoleArn", "RoleArn.$"] : ["RoleArn"]
        let present = fields.filter { c[$0] != nil }
        if present.isEmpty {
            issues.schema("The field 'RoleArn' is required but was missing", at: pointer)
        }
        checkFields(c, allowed: Set(fields), at: pointer)
        checkExclusive(c, fields, at: pointer)
        _ = string(c, "RoleArn", at: pointer)
        if let path = string(c, "RoleArn.$", at: pointer), !Self.isPathOrIntrinsic(path) {
            issues.schema(Self.invalidExpressionMessage("RoleArn.$", path), at: pointer)
        }
    }

    /// The Resource must be an ARN AWS recognizes (or Baton's native queue form); an EXPRESS machine
    /// takes no callbacks, no `.sync` and no activities.
    mutating func checkResource(_ resource: String, at pointer: String) {
        // Baton's own forms for any queue (DESIGN.md: "a native form for any queue") are not AWS's to judge.
        switch TaskResource(resource) {
        case .queue(_, let name), .rpcFunction(_, let name):
            if name.isEmpty { issues.schema("The resource provided \(resource) names no queue", at: pointer) }
            return
        default:
            break
        }
        guard let kind = ResourceRules.classify(resource) else {
            guard ResourceRules.looksLikeARN(resource) else {
                issues.schema("Value is not a valid resource ARN", at: pointer)
                return
            }
            issues.schema("The resource provided \(resource) is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.",
                          at: pointer)
            return
        }
        guard options.stateMachineType == .express else { return }
        switch kind {
        case .activity:
            issues.schema("Express state machine does not support Activity ARN", at: pointer)
        case .service(_, _, let pattern), .sdk(_, _, let pattern):
            switch pattern {
            case .sync, .sync2:
                issues.schema("Express state machine does not support '.sync' service integration ", at: pointer)
            case .waitForTaskToken:
                issues.schema("Express state machine does not support '.waitForTaskToken' service integration ",
                              at: pointer)
            case .requestResponse:
                break
            }
        case .lambdaFunction:
            break
        }
    }

    mutating func readWait(_ o: JSONObject, language: QueryLanguage, at location: String) -> WaitState? {
        let fields = language == .jsonPath ? ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"] : ["Seconds", "Timestamp"]
        let present = fields.filter { o[$0] != nil }
        if present.isEmpty {
            issues.schema("Exactly one of these fields is required: [\(fields.joined(separator: ", "))]", at: location)
            return nil
        }
        if present.count > 1 {
            issues.schema("These fields cannot be used together: [\(present.joined(separator: ", "))]", at: location)
            return nil
        }
        switch present[0] {
        case "Seconds", "SecondsPath":
            return numberSource(o, "Seconds", language: language, integer: true, in: 0...99_999_999, at: location)
                .map { WaitState(duration: .seconds($0)) }
        case "Timestamp":
            guard let text = string(o, "Timestamp", at: location) else { return nil }
            if language == .jsonata, Self.isJSONata(text) { return WaitState(duration: .timestamp(.jsonata(text))) }
            guard TimestampRules.isRFC3339(text) else {
                issues.schema("String does not match RFC3339 timestamp", at: Pointer.join(location, "Timestamp"))
                return nil
            }
            return WaitState(duration: .timestamp(.literal(text)))
        default:
            return referencePath(o, "TimestampPath", at: location).map { WaitState(duration: .timestamp(.path($0))) }
        }
    }

    mutating func readFail(_ o: JSONObject, language: QueryLanguage, at location: String) -> FailState {
        if language == .jsonPath {
            checkExclusive(o, ["Error", "ErrorPath"], at: location)
            checkExclusive(o, ["Cause", "CausePath"], at: location)
        }
        return FailState(error: stringSource(o, "Error", language: language, at: location),
                         cause: stringSource(o, "Cause", language: language, at: location))
    }

    mutating func readParallel(_ o: JSONObject, language: QueryLanguage, at location: String) -> ParallelState {
        checkRequired(o, ["Branches"], at: location)
        var branches: [StateList] = []
        if let items = array(o, "Branches", at: location) {
            let base = Pointer.join(location, "Branches")
            if items.isEmpty { issues.schema("The field 'Branches' should be non-empty", at: base) }
            for (i, item) in items.enumerated() {
                let pointer = Pointer.join(base, i)
                guard case .object(let b) = item else {
                    typeError("Branches", "OBJECT", at: pointer)
                    continue
                }
                if let list = readStateList(b, at: pointer, fields: FieldRules.stateList) { branches.append(list) }
            }
        }
        return ParallelState(branches: branches, retry: readRetry(o, at: location),
                             catchers: readCatch(o, language: language, at: location))
    }
}
