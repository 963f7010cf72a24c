import BatonLanguage

extension StateGraph {
    /// The id of the machine's start marker.
    public static let startID = "#start"
    /// The id of the machine's end marker.
    public static let endID = "#end"

    /// Reads definition text leniently, so that drafts and invalid definitions still draw, and attaches
    /// the validator's diagnostics (checked with `options`) to the states they are located in.
    public init(definitionText text: String, options: ValidationOptions = .init()) throws(GraphError) {
        let json: JSON
        do {
            json = try JSONParser.parse(text)
        } catch {
            throw GraphError(.invalidJSON, "not JSON: \(error)")
        }
        try self.init(definition: json, options: options)
    }

    /// Reads a definition already parsed as JSON (see `init(definitionText:)`).
    public init(definition json: JSON, diagnostics: [Diagnostic]? = nil, options: ValidationOptions = .init()) throws(GraphError) {
        guard case .object(let object) = json, case .object? = object["States"] else {
            throw GraphError(.notAStateMachine, "not a state machine: no \"States\" object")
        }
        let found: [Diagnostic]
        if let diagnostics {
            found = diagnostics
        } else if case .failure(let invalid) = DefinitionParser.parse(json: json, options: options) {
            found = invalid.diagnostics
        } else {
            found = []
        }
        var root = StateGraphReader.scope(object, id: "", top: true)
        var loose: [Diagnostic] = []
        for d in found where !StateGraphReader.attach(d, to: &root) { loose.append(d) }
        self.init(root: root, diagnostics: loose)
    }
}

/// Builds graph scopes from definition JSON, tolerating whatever a draft may lack.
enum StateGraphReader {
    /// One StartAt/States object as a scope; `top` adds the start and end markers.
    static func scope(_ object: JSONObject, id: String, top: Bool) -> GraphScope {
        var scope = GraphScope(id: id)
        let statesObject = object["States"]?.objectValue ?? JSONObject()
        let statesPointer = id + "/States"
        func nodeID(_ name: String) -> String { statesPointer + "/" + name }
        var known = Set<String>()
        for name in statesObject.keys { known.insert(name) }
        var missing: [String] = []
        func target(_ name: String) -> String {
            if !known.contains(name) && !missing.contains(name) { missing.append(name) }
            return nodeID(name)
        }
        if let start = object["StartAt"]?.stringValue {
            scope.startAt = target(start)
            if top {
                scope.edges.append(GraphEdge(from: StateGraph.startID, to: nodeID(start), kind: .start))
            }
        }
        for (name, value) in statesObject {
            let sid = nodeID(name)
            let state = value.objectValue ?? JSONObject()
            var node = GraphNode(id: sid, name: name, kind: GraphNode.Kind(rawValue: state["Type"]?.stringValue ?? "")
                                    .flatMap { $0.isPseudo ? nil : $0 } ?? .unknown)
            node.detail = detail(state, kind: node.kind)
            node.retry = (state["Retry"]?.arrayValue ?? []).compactMap { $0.objectValue.map(GraphLabel.retrier) }
            node.isTerminal = state["End"]?.boolValue == true || node.kind == .succeed || node.kind == .fail
            switch node.kind {
            case .parallel:
                for (i, branch) in (state["Branches"]?.arrayValue ?? []).enumerated() {
                    node.children.append(Self.scope(branch.objectValue ?? JSONObject(), id: sid + "/Branches[\(i)]", top: false))
                }
            case .map:
                for key in ["ItemProcessor", "Iterator"] {
                    if case .object(let processor)? = state[key] {
                        node.children.append(Self.scope(processor, id: sid + "/" + key, top: false))
                        break
                    }
                }
            default: break
            }
            if let next = state["Next"]?.stringValue {
                scope.edges.append(GraphEdge(from: sid, to: target(next), kind: .next))
            }
            for (i, choice) in (state["Choices"]?.arrayValue ?? []).enumerated() {
                guard let entry = choice.objectValue, let next = entry["Next"]?.stringValue else { continue }
                scope.edges.append(GraphEdge(from: sid, to: target(next), kind: .choice,
                                             label: GraphLabel.choice(entry, index: i)))
            }
            if let next = state["Default"]?.stringValue {
                scope.edges.append(GraphEdge(from: sid, to: target(next), kind: .default, label: "Default"))
            }
            for entry in state["Catch"]?.arrayValue ?? [] {
                guard let c = entry.objectValue, let next = c["Next"]?.stringValue else { continue }
                scope.edges.append(GraphEdge(from: sid, to: target(next), kind: .catch, label: GraphLabel.errors(c)))
            }
            if top && node.isTerminal {
                scope.edges.append(GraphEdge(from: sid, to: StateGraph.endID, kind: .end))
            }
            scope.nodes.append(node)
        }
        for name in missing {
            scope.nodes.append(GraphNode(id: nodeID(name), name: name, kind: .missing, detail: "no such state"))
        }
        if top {
            scope.nodes.insert(GraphNode(id: StateGraph.startID, name: "Start", kind: .start), at: 0)
            scope.nodes.append(GraphNode(id: StateGraph.endID, name: "End", kind: .end))
        }
        return scope
    }

    /// The line under a state's name.
    static func detail(_ state: JSONObject, kind: GraphNode.Kind) -> String? {
        switch kind {
        case .task:
            guard let arn = state["Resource"]?.stringValue else { return nil }
            if arn.hasPrefix("{%") { return GraphLabel.shorten(GraphLabel.stripJSONata(arn), to: 30) }
            let text: String
            switch TaskResource(arn) {
            case .lambdaFunction(_, let name): text = "λ " + name
            case .activity(_, let name): text = "activity " + name
            case .service(_, let service, let action, let pattern):
                if service == "lambda", action == "invoke",
                   let fn = state["Parameters"]?["FunctionName"]?.stringValue ?? state["Arguments"]?["FunctionName"]?.stringValue {
                    text = "λ " + (fn.split(separator: ":").count >= 7 ? String(fn.split(separator: ":")[6]) : fn)
                } else {
                    text = service + ":" + action + pattern.rawValue
                }
            case .rpcFunction(_, let name), .queue(_, let name): text = "queue " + name
            case .unknown(let a): text = a
            }
            return GraphLabel.shorten(text, to: 30)
        case .wait:
            for key in ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"] {
                if let v = state[key] {
                    let value = v.stringValue ?? v.serialized()
                    return GraphLabel.shorten(key == "Seconds" && v.isNumber ? value + " s" : key + " " + value, to: 30)
                }
            }
            return nil
        case .fail:
            return (state["Error"]?.stringValue ?? state["ErrorPath"]?.stringValue).map { GraphLabel.shorten($0, to: 30) }
        case .parallel:
            let n = state["Branches"]?.arrayValue?.count ?? 0
            return n == 1 ? "1 branch" : "\(n) branches"
        case .map:
            var parts: [String] = []
            if let mode = state["ItemProcessor"]?["ProcessorConfig"]?["Mode"]?.stringValue, mode == "DISTRIBUTED" {
                parts.append("distributed")
            }
            if let items = state["ItemsPath"]?.stringValue { parts.append("items " + items) }
            if let n = state["MaxConcurrency"]?.intValue, n > 0 { parts.append("max \(n)") }
            return parts.isEmpty ? nil : GraphLabel.shorten(parts.joined(separator: " · "), to: 30)
        default:
            return nil
        }
    }

    /// Puts a diagnostic on the deepest state whose pointer its location starts with; false when none.
    static func attach(_ diagnostic: Diagnostic, to scope: inout GraphScope) -> Bool {
        guard let location = diagnostic.location else { return false }
        for i in scope.nodes.indices where !scope.nodes[i].kind.isPseudo {
            let id = scope.nodes[i].id
            guard location == id || location.hasPrefix(id + "/") || location.hasPrefix(id + "[") else { continue }
            for c in scope.nodes[i].children.indices where attach(diagnostic, to: &scope.nodes[i].children[c]) {
                return true
            }
            scope.nodes[i].diagnostics.append(diagnostic)
            return true
        }
        return false
    }
}
