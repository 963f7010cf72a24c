import BatonLanguage

/// A state machine read as a graph: one scope of states (the machine, a Parallel branch or a Map's
/// item processor) with the transitions between them; nested scopes hang off their Parallel or Map node.
public struct GraphScope: Sendable {
    /// The scope's JSON pointer as the validator writes locations: "" for the machine,
    /// `/States/P/Branches[0]` for a branch, `/States/M/ItemProcessor` for an item processor.
    public var id: String
    /// The node the scope starts at, when `StartAt` names one.
    public var startAt: String?
    /// The nodes in the order the states were written (pseudo-nodes for start, end and missing targets last).
    public var nodes: [GraphNode]
    public var edges: [GraphEdge]

    public init(id: String, startAt: String? = nil, nodes: [GraphNode] = [], edges: [GraphEdge] = []) {
        self.id = id
        self.startAt = startAt
        self.nodes = nodes
        self.edges = edges
    }
}

/// One state of the graph (or a start, end or missing-target pseudo-node).
public struct GraphNode: Sendable {
    /// What a node stands for: a state type as written in `Type`, or a pseudo-node.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case task = "Task", pass = "Pass", choice = "Choice", wait = "Wait", succeed = "Succeed", fail = "Fail"
        case parallel = "Parallel", map = "Map"
        /// A `Type` the language doesn't know (or none).
        case unknown = "Unknown"
        /// The machine's entry marker.
        case start = "Start"
        /// The machine's exit marker.
        case end = "End"
        /// A transition target that names no state.
        case missing = "Missing"

        /// True for the markers and placeholders that are not states.
        public var isPseudo: Bool { self == .start || self == .end || self == .missing }
    }

    /// The state's JSON pointer (`/States/A`, `/States/P/Branches[0]/States/B`): unique in the machine.
    public var id: String
    /// The state's name as written.
    public var name: String
    public var kind: Kind
    /// A short line under the name: the Task's resource, the Wait's duration, the Fail's error.
    public var detail: String?
    /// One concise line per `Retry` entry: `States.ALL ×3`.
    public var retry: [String]
    /// Parallel branches, or the Map's item processor.
    public var children: [GraphScope]
    /// The validator's diagnostics located in this state.
    public var diagnostics: [Diagnostic]
    /// True when the state ends its scope (`End: true`, Succeed, Fail).
    public var isTerminal: Bool

    public init(id: String, name: String, kind: Kind, detail: String? = nil, retry: [String] = [],
                children: [GraphScope] = [], diagnostics: [Diagnostic] = [], isTerminal: Bool = false) {
        self.id = id
        self.name = name
        self.kind = kind
        self.detail = detail
        self.retry = retry
        self.children = children
        self.diagnostics = diagnostics
        self.isTerminal = isTerminal
    }
}

/// A transition between two nodes of one scope.
public struct GraphEdge: Sendable, Hashable {
    /// Which field the transition comes from.
    public enum Kind: String, Sendable, Hashable {
        case start, next, choice, `default`, `catch`, end
    }

    public var from: String
    public var to: String
    public var kind: Kind
    /// The Choice rule, `Default`, or the caught errors.
    public var label: String?

    public init(from: String, to: String, kind: Kind, label: String? = nil) {
        self.from = from
        self.to = to
        self.kind = kind
        self.label = label
    }
}

/// A whole state machine as a graph, with the validator's diagnostics that belong to no single state.
public struct StateGraph: Sendable {
    public var root: GraphScope
    /// Diagnostics located outside every state (`/StartAt`, the machine's own fields).
    public var diagnostics: [Diagnostic]

    public init(root: GraphScope, diagnostics: [Diagnostic] = []) {
        self.root = root
        self.diagnostics = diagnostics
    }
}
