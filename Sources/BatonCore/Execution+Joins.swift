import BatonLanguage

// Parallel and Map: fan out child frames, collect their results in order, and resume the owner
// when all have ended. A failing child fails the state (Map: beyond its tolerated failures) and
// its siblings are aborted; their late answers then find no task and change nothing.
// Map starts at most MaxConcurrency iterations at once (0: no limit) and the next as one ends.

extension Execution {
    mutating func startParallel(_ id: Int, _ node: CompiledState, input: JSON) {
        emit(.parallelStateStarted, .none, frame: id)
        nextJoinId += 1
        let joinId = nextJoinId
        var join = Join(owner: id, map: nil, results: Array(repeating: nil, count: node.branches.count),
                        remaining: node.branches.count)
        let variables = frames[id]?.variables ?? [:]
        let silent = frames[id]?.silent ?? false
        var started: [Int] = []
        for (index, branch) in node.branches.enumerated() {
            guard let start = branch.startIndex else { continue }
            let child = newFrame(list: branch, start: start, parent: .init(join: joinId, index: index), variables: variables, input: input)
            frames[child]?.silent = silent
            join.children.insert(child)
            started.append(child)
        }
        joins[joinId] = join
        frames[id]?.phase = .waitingJoin(joinId)
        if node.branches.isEmpty {
            joinCompleted(joinId)
            return
        }
        runnable.append(contentsOf: started.reversed())
    }

    mutating func startMap(_ id: Int, _ node: CompiledState, _ map: MapState, input: JSON) throws(StatesError) {
        let state = node.state
        let env = environment(id, input: input)
        var items: [JSON]
        if let itemsPath = map.itemsPath {
            guard let v = itemsPath.evaluate(in: env) else {
                throw StatesError.runtime("Invalid path '\(itemsPath.text)' : No results for path: \(normalized(itemsPath))")
            }
            guard case .array(let a) = v else {
                throw StatesError.runtime("Map state input must be an array but was: \(v.serialized())")
            }
            items = a
        } else if let written = map.items {
            let v: JSON
            var exprText = written.serialized()
            if case .string(let s) = written, let expr = JSONataBridge.expression(s) {
                exprText = expr
                v = try evaluateJSONata(expr, field: "Items", frame: id, binding: StatesBinding(input: input))
            } else {
                v = try evaluateJSONataTemplate(written, field: "Items", frame: id, binding: StatesBinding(input: input))
            }
            guard case .array(let a) = v else {
                throw StatesError(StatesError.Name.queryEvaluationError,
                                  "The JSONata expression '\(exprText)' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '\(v.typeName)' for value: \(v.serialized())")
            }
            items = a
        } else {
            guard case .array(let a) = input else {
                let name = state.queryLanguage == .jsonata ? StatesError.Name.queryEvaluationError : StatesError.Name.runtime
                throw StatesError(name, "Map state input must be an array but was: \(input.serialized())")
            }
            items = a
        }
        let maxConcurrency = try integerSetting(map.maxConcurrency, env: env, field: "MaxConcurrencyPath", frame: id) ?? 0
        let toleratedCount = try integerSetting(map.toleratedFailureCount, env: env, field: "ToleratedFailureCountPath", frame: id)
        let toleratedPercentage = try floatSetting(map.toleratedFailurePercentage, env: env, field: "ToleratedFailurePercentagePath", frame: id)
        if let c = toleratedCount, c < 0 { throw StatesError.runtime("ToleratedFailureCount cannot be negative.") }
        if let p = toleratedPercentage, p < 0 || p > 100 {
            throw StatesError.runtime("ToleratedFailurePercentage must be between 0 and 100.")
        }
        if let batcher = map.itemBatcher {
            items = try batch(items, batcher, env: env, frame: id)
        }
        let distributed = map.mode == .distributed
        emit(.mapStateStarted, .mapStateStarted(length: items.count), frame: id)
        if distributed {
            emit(.mapRunStarted, .mapRunStarted(mapRunArn: "\(info.stateMachineArn.replacingStateMachineWithMapRun()):\(state.name):\(serial())"),
                 frame: id)
        }
        nextJoinId += 1
        let joinId = nextJoinId
        let run = Join.MapRun(items: items, maxConcurrency: maxConcurrency, toleratedCount: toleratedCount,
                              toleratedPercentage: toleratedPercentage, distributed: distributed)
        joins[joinId] = Join(owner: id, map: run, results: Array(repeating: nil, count: items.count), remaining: items.count)
        frames[id]?.phase = .waitingJoin(joinId)
        if items.isEmpty {
            joinCompleted(joinId)
            return
        }
        let first = maxConcurrency > 0 ? min(maxConcurrency, items.count) : items.count
        var started: [Int] = []
        for _ in 0..<first {
            if let child = try startIteration(joinId) { started.append(child) }
        }
        runnable.append(contentsOf: started.reversed())
    }

    /// Starts the next Map iteration of a join; returns its frame.
    /// (Only scalars are read out of the join: holding a copy of it would make the in-place
    /// mutations below copy its arrays, and a Map of n items quadratic.)
    mutating func startIteration(_ joinId: Int) throws(StatesError) -> Int? {
        guard let ownerId = joins[joinId]?.owner, let index = joins[joinId]?.map?.nextIndex,
              let value = joins[joinId]?.map?.items[index], let distributed = joins[joinId]?.map?.distributed,
              let owner = frames[ownerId], let processor = owner.node.processor, let start = processor.startIndex,
              case .map(let map) = owner.node.state.kind else { return nil }
        let state = owner.node.state
        let item = Frame.MapItem(index: index, value: value)
        joins[joinId]?.map?.nextIndex += 1
        joins[joinId]?.map?.running += 1
        var input = item.value
        if let selector = map.itemSelector ?? state.parameters {
            input = try evaluate(selector, input: owner.effectiveInput, frame: ownerId, field: "ItemSelector", mapItem: item)
        }
        if !distributed {
            emit(.mapIterationStarted, .mapIteration(name: state.name, index: index), frame: ownerId)
        }
        let child = newFrame(list: processor, start: start, parent: .init(join: joinId, index: index),
                             variables: owner.variables, input: input, mapItem: item)
        frames[child]?.silent = distributed || owner.silent
        joins[joinId]?.children.insert(child)
        return child
    }

    mutating func childSucceeded(_ child: Int, _ parent: Frame.Parent, output: JSON) {
        guard let ownerId = joins[parent.join]?.owner else { return }
        joins[parent.join]?.results[parent.index] = output
        joins[parent.join]?.remaining -= 1
        joins[parent.join]?.children.remove(child)
        frames.remove(child)
        if let distributed = joins[parent.join]?.map?.distributed {
            joins[parent.join]?.map?.running -= 1
            if !distributed, let owner = frames[ownerId] {
                emit(.mapIterationSucceeded, .mapIteration(name: owner.stateName, index: parent.index), frame: ownerId)
            }
        }
        continueJoin(parent.join)
    }

    mutating func childFailed(_ child: Int, _ parent: Frame.Parent, error: String?, cause: String?) {
        guard let ownerId = joins[parent.join]?.owner else { return }
        joins[parent.join]?.remaining -= 1
        joins[parent.join]?.children.remove(child)
        frames.remove(child)
        guard let owner = frames[ownerId] else { return }
        let state = owner.node.state
        if joins[parent.join]?.map != nil {
            joins[parent.join]?.map?.running -= 1
            joins[parent.join]?.map?.failures += 1
            let distributed = joins[parent.join]?.map?.distributed ?? false
            let failures = joins[parent.join]?.map?.failures ?? 0
            let total = max(joins[parent.join]?.map?.items.count ?? 1, 1)
            let toleratedCount = joins[parent.join]?.map?.toleratedCount
            let toleratedPercentage = joins[parent.join]?.map?.toleratedPercentage
            if !distributed {
                emit(.mapIterationFailed, .mapIteration(name: state.name, index: parent.index), frame: ownerId)
            }
            let tolerated = toleratedCount != nil || toleratedPercentage != nil
            let countOK = toleratedCount.map { failures <= $0 } ?? false
            let pctOK = toleratedPercentage.map { Double(failures) * 100 / Double(total) <= $0 } ?? false
            if tolerated && (countOK || pctOK) {
                var errorOutput: JSONObject = [:]
                if let error { errorOutput["Error"] = .string(error) }
                if let cause { errorOutput["Cause"] = .string(cause) }
                joins[parent.join]?.results[parent.index] = .object(errorOutput)
                continueJoin(parent.join)
                return
            }
            emit(.mapStateFailed, .none, frame: ownerId)
            if distributed { emit(.mapRunFailed, .none, frame: ownerId) }
            abortJoin(parent.join)
            let failure: StatesError
            if tolerated || distributed {
                failure = StatesError(StatesError.Name.exceedToleratedFailureThreshold,
                                      "The specified tolerated failure threshold was exceeded")
            } else {
                failure = StatesError(error ?? "", cause ?? "")
            }
            failState(ownerId, state, failure, hasCause: cause != nil || tolerated || distributed, fromTask: true)
        } else {
            emit(.parallelStateFailed, .none, frame: ownerId)
            abortJoin(parent.join)
            failState(ownerId, state, StatesError(error ?? "", cause ?? ""), hasCause: cause != nil, fromTask: true)
        }
        runnable.append(ownerId)
    }

    /// Starts more iterations if allowed, or completes the join when every child has ended.
    mutating func continueJoin(_ joinId: Int) {
        guard let ownerId = joins[joinId]?.owner else { return }
        if let next = joins[joinId]?.map?.nextIndex, let count = joins[joinId]?.map?.items.count, next < count,
           let max = joins[joinId]?.map?.maxConcurrency, let running = joins[joinId]?.map?.running,
           max == 0 || running < max {
            do throws(StatesError) {
                if let child = try startIteration(joinId) { runnable.append(child) }
            } catch {
                if let owner = frames[ownerId] {
                    abortJoin(joinId)
                    failState(ownerId, owner.node.state, error)
                    runnable.append(ownerId)
                }
            }
            return
        }
        if joins[joinId]?.remaining == 0 { joinCompleted(joinId) }
    }

    mutating func joinCompleted(_ joinId: Int) {
        guard let join = joins.removeValue(forKey: joinId), let owner = frames[join.owner] else { return }
        let state = owner.node.state
        let results = JSON.array(join.results.map { $0 ?? .null })
        if let run = join.map {
            if run.distributed { emit(.mapRunSucceeded, .none, frame: join.owner) }
            emit(.mapStateSucceeded, .none, frame: join.owner)
        } else {
            // As the AWS API conformance harness and the reference interpreter have it (GetExecutionHistory).
            emit(.parallelStateSucceeded, .none, frame: join.owner)
        }
        do throws(StatesError) {
            try completeState(join.owner, state, result: results, selector: true)
        } catch {
            failState(join.owner, state, error)
        }
        runnable.append(join.owner)
    }

    /// Aborts every child of a join, recursively; their tasks and timers become stale.
    mutating func abortJoin(_ joinId: Int) {
        guard let join = joins.removeValue(forKey: joinId) else { return }
        for child in join.children.sorted() { abortFrame(child) }
    }

    mutating func abortFrame(_ id: Int) {
        guard let f = frames[id] else { return }
        switch f.phase {
        case .waitingTask(let token):
            if let t = tasks.removeValue(forKey: token), let h = t.heartbeatTimer { timers[h] = nil }
            emit(.taskStateAborted, .none, frame: id)
        case .waitingTimer(let t):
            timers[t] = nil
            if case .wait = f.node.state.kind { emit(.waitStateAborted, .none, frame: id) }
        case .waitingJoin(let j):
            if case .map = f.node.state.kind { emit(.mapStateAborted, .none, frame: id) }
            if case .parallel = f.node.state.kind { emit(.parallelStateAborted, .none, frame: id) }
            abortJoin(j)
        default:
            break
        }
        frames.remove(id)
    }

    mutating func integerSetting(_ source: NumberSource?, env: PathEnvironment, field: String, frame id: Int) throws(StatesError) -> Int? {
        guard let v = try resolveNumber(source, env: env, field: field, frame: id) else { return nil }
        // A string holding an integer is accepted, as AWS's Java parser does.
        guard let n = v.intValue ?? v.stringValue.flatMap({ Int($0) }) else {
            let shown = v.stringValue ?? v.serialized()
            throw StatesError.runtime("The \(field) field refers to value \"\(shown)\" which is not a valid integer: \(sourcePath(source))")
        }
        return n
    }

    mutating func floatSetting(_ source: NumberSource?, env: PathEnvironment, field: String, frame id: Int) throws(StatesError) -> Double? {
        guard let v = try resolveNumber(source, env: env, field: field, frame: id) else { return nil }
        guard let d = v.doubleValue ?? v.stringValue.flatMap({ Double($0) }) else {
            let shown = v.stringValue ?? v.serialized()
            throw StatesError.runtime("The \(field) field refers to value \"\(shown)\" which is not a valid float: \(sourcePath(source))")
        }
        return d
    }

    func sourcePath(_ s: NumberSource?) -> String {
        if case .path(let p) = s { return p.text }
        return ""
    }

    /// Groups items into batches as ItemBatcher asks: `{"BatchInput": …, "Items": [...]}`.
    mutating func batch(_ items: [JSON], _ batcher: JSON, env: PathEnvironment, frame id: Int) throws(StatesError) -> [JSON] {
        var maxItems = Int.max
        if let n = batcher["MaxItemsPerBatch"]?.intValue, n > 0 { maxItems = n }
        if let p = batcher["MaxItemsPerBatchPath"]?.stringValue, let ref = try? PathReference(p),
           let n = ref.evaluate(in: env)?.intValue, n > 0 {
            maxItems = n
        }
        var batchInput: JSON?
        if let bi = batcher["BatchInput"] {
            if let t = try? PayloadTemplate(bi) {
                batchInput = try t.evaluate(in: env, random: &random)
            } else {
                batchInput = bi
            }
        }
        var batches: [JSON] = []
        var k = 0
        while k < items.count {
            let slice = Array(items[k..<min(k + maxItems, items.count)])
            var o: JSONObject = [:]
            if let batchInput { o["BatchInput"] = batchInput }
            o["Items"] = .array(slice)
            batches.append(.object(o))
            k += maxItems
        }
        return batches
    }
}

extension String {
    /// `arn:aws:states:R:A:stateMachine:NAME` → `arn:aws:states:R:A:mapRun:NAME`.
    func replacingStateMachineWithMapRun() -> String {
        var parts = split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 5, parts[5] == "stateMachine" { parts[5] = "mapRun" }
        return parts.joined(separator: ":")
    }
}
