/// The query language a state machine or a state is written in.
public enum QueryLanguage: String, Sendable, Hashable {
    case jsonPath = "JSONPath"
    case jsonata = "JSONata"
}

/// A parsed and validated Amazon States Language state machine.
public struct StateMachine: Sendable {
    public var comment: String?
    public var version: String?
    /// TimeoutSeconds of the whole execution, if set.
    public var timeoutSeconds: Int?
    /// The machine-wide query language (default JSONPath).
    public var queryLanguage: QueryLanguage
    /// The top-level states.
    public var states: StateList

    public init(comment: String? = nil, version: String? = nil, timeoutSeconds: Int? = nil,
                queryLanguage: QueryLanguage = .jsonPath, states: StateList) {
        self.comment = comment
        self.version = version
        self.timeoutSeconds = timeoutSeconds
        self.queryLanguage = queryLanguage
        self.states = states
    }
}

/// A set of states with a start: the machine itself, a Parallel branch, or a Map item processor.
public struct StateList: Sendable {
    public var startAt: String
    /// The states by name.
    public var states: [String: State]
    /// State names in the order they were written.
    public var order: [String]

    public init(startAt: String, states: [String: State], order: [String]) {
        self.startAt = startAt
        self.states = states
        self.order = order
    }

    public subscript(name: String) -> State? { states[name] }
}

/// One state: the fields every type shares, and what its type adds.
public struct State: Sendable {
    public var name: String
    public var comment: String?
    /// The effective query language of this state (its own field, else the machine's).
    public var queryLanguage: QueryLanguage
    /// Where it goes next; nil for Choice, Succeed and Fail.
    public var transition: Transition?
    /// InputPath (JSONPath mode); default `$`.
    public var inputPath: IOPath
    /// OutputPath (JSONPath mode); default `$`.
    public var outputPath: IOPath
    /// Parameters (JSONPath mode) or Arguments (JSONata mode).
    public var parameters: ValueTemplate?
    /// ResultSelector (JSONPath mode).
    public var resultSelector: ValueTemplate?
    /// ResultPath (JSONPath mode); default `$`.
    public var resultPath: ResultPath
    /// Output (JSONata mode).
    public var output: JSON?
    /// Assign: variables set when the state completes.
    public var assign: ValueTemplate?
    /// What the type adds.
    public var kind: Kind

    /// The state type name as written in `Type`.
    public var typeName: String {
        switch kind {
        case .pass: return "Pass"
        case .task: return "Task"
        case .choice: return "Choice"
        case .wait: return "Wait"
        case .succeed: return "Succeed"
        case .fail: return "Fail"
        case .parallel: return "Parallel"
        case .map: return "Map"
        }
    }

    /// The fields that belong to one state type.
    public enum Kind: Sendable {
        case pass(PassState)
        case task(TaskState)
        case choice(ChoiceState)
        case wait(WaitState)
        case succeed
        case fail(FailState)
        case parallel(ParallelState)
        case map(MapState)
    }

    public init(name: String, comment: String? = nil, queryLanguage: QueryLanguage = .jsonPath,
                transition: Transition? = nil, inputPath: IOPath = .root, outputPath: IOPath = .root,
                parameters: ValueTemplate? = nil, resultSelector: ValueTemplate? = nil,
                resultPath: ResultPath = .root, output: JSON? = nil, assign: ValueTemplate? = nil, kind: Kind) {
        self.name = name
        self.comment = comment
        self.queryLanguage = queryLanguage
        self.transition = transition
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.parameters = parameters
        self.resultSelector = resultSelector
        self.resultPath = resultPath
        self.output = output
        self.assign = assign
        self.kind = kind
    }
}

/// Where a state goes when it completes.
public enum Transition: Sendable, Hashable {
    case next(String)
    case end
}

/// InputPath or OutputPath: a path, or `null` (which gives `{}`).
public enum IOPath: Sendable, Hashable {
    case path(PathReference)
    case null

    /// The default `$`.
    public static var root: IOPath {
        // "$" always parses.
        (try? PathReference("$")).map(IOPath.path) ?? .null
    }

    /// True for the default `$` (nothing to do).
    public var isRoot: Bool {
        if case .path(let p) = self, p.text == "$" { return true }
        return false
    }
}

/// ResultPath: where the result goes in the state's input, or `null` to discard it.
public enum ResultPath: Sendable, Hashable {
    case path(JSONPath)
    case discard

    /// The default `$`: the result replaces the input.
    public static var root: ResultPath {
        (try? JSONPath("$")).map(ResultPath.path) ?? .discard
    }

    public var isRoot: Bool {
        if case .path(let p) = self, p.text == "$" { return true }
        return false
    }
}

/// A template for Parameters, ResultSelector, ItemSelector or Assign in JSONPath mode, or the same
/// fields (Arguments, Output, Assign) in JSONata mode, kept as written for the JSONata evaluator.
public enum ValueTemplate: Sendable {
    case jsonPath(PayloadTemplate)
    case jsonata(JSON)

    /// The value as written in the definition.
    public var written: JSON {
        switch self {
        case .jsonPath(let t): return t.template
        case .jsonata(let j): return j
        }
    }
}

/// A number given as a value, read from a path, or computed by a JSONata expression (`{% … %}`).
public enum NumberSource: Sendable, Hashable {
    case value(Double)
    case path(PathReference)
    case jsonata(String)
}

/// A string given as a value, read from a path, computed by an intrinsic function, or by JSONata.
public enum StringSource: Sendable, Hashable {
    case literal(String)
    case path(PathReference)
    case intrinsic(IntrinsicFunction)
    case jsonata(String)
}
