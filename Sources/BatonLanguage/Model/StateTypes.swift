/// A Pass state's own fields.
public struct PassState: Sendable {
    /// `Result`: the state's result instead of its input.
    public var result: JSON?

    public init(result: JSON? = nil) { self.result = result }
}

/// A Task state's own fields.
public struct TaskState: Sendable {
    /// The resource ARN as written (`arn:aws:lambda:…`, `arn:aws:states:::lambda:invoke`, an activity …).
    public var resource: String
    public var timeoutSeconds: NumberSource?
    public var heartbeatSeconds: NumberSource?
    public var retry: [Retrier]
    public var catchers: [Catcher]
    /// `Credentials` as written (kept, not interpreted locally).
    public var credentials: JSON?

    public init(resource: String, timeoutSeconds: NumberSource? = nil, heartbeatSeconds: NumberSource? = nil,
                retry: [Retrier] = [], catchers: [Catcher] = [], credentials: JSON? = nil) {
        self.resource = resource
        self.timeoutSeconds = timeoutSeconds
        self.heartbeatSeconds = heartbeatSeconds
        self.retry = retry
        self.catchers = catchers
        self.credentials = credentials
    }
}

/// A Choice state's own fields.
public struct ChoiceState: Sendable {
    public var choices: [ChoiceBranch]
    /// `Default`: the state to go to when no rule matches.
    public var defaultNext: String?

    public init(choices: [ChoiceBranch], defaultNext: String? = nil) {
        self.choices = choices
        self.defaultNext = defaultNext
    }
}

/// One entry of `Choices`: a condition, where to go, and what it assigns or outputs when taken.
public struct ChoiceBranch: Sendable {
    public var condition: ChoiceCondition
    public var next: String
    public var assign: ValueTemplate?
    /// Output (JSONata mode) when this branch is taken.
    public var output: JSON?

    public init(condition: ChoiceCondition, next: String, assign: ValueTemplate? = nil, output: JSON? = nil) {
        self.condition = condition
        self.next = next
        self.assign = assign
        self.output = output
    }
}

/// A Choice condition: a JSONPath-mode rule, or a JSONata `Condition` expression.
public enum ChoiceCondition: Sendable {
    case rule(ChoiceRule)
    case jsonata(String)
}

/// A Wait state's own fields.
public struct WaitState: Sendable {
    public var duration: WaitDuration

    public init(duration: WaitDuration) { self.duration = duration }
}

/// How long a Wait state waits.
public enum WaitDuration: Sendable {
    case seconds(NumberSource)
    /// An ISO-8601 timestamp: as written, from a path, or from JSONata.
    case timestamp(StringSource)
}

/// A Fail state's own fields.
public struct FailState: Sendable {
    public var error: StringSource?
    public var cause: StringSource?

    public init(error: StringSource? = nil, cause: StringSource? = nil) {
        self.error = error
        self.cause = cause
    }
}

/// A Parallel state's own fields.
public struct ParallelState: Sendable {
    public var branches: [StateList]
    public var retry: [Retrier]
    public var catchers: [Catcher]

    public init(branches: [StateList], retry: [Retrier] = [], catchers: [Catcher] = []) {
        self.branches = branches
        self.retry = retry
        self.catchers = catchers
    }
}

/// How a Map state runs its items.
public enum MapMode: String, Sendable, Hashable {
    case inline = "INLINE"
    case distributed = "DISTRIBUTED"
}

/// A Map state's own fields.
public struct MapState: Sendable {
    /// `ItemProcessor` (or the older `Iterator`).
    public var processor: StateList
    public var mode: MapMode
    /// `ProcessorConfig.ExecutionType` for distributed maps (`STANDARD` or `EXPRESS`).
    public var executionType: String?
    /// `ItemsPath` (JSONPath mode); default `$`.
    public var itemsPath: PathReference?
    /// `Items` (JSONata mode): an array or a `{% … %}` expression.
    public var items: JSON?
    /// `ItemSelector` (or the older `Parameters` on a Map).
    public var itemSelector: ValueTemplate?
    public var maxConcurrency: NumberSource?
    public var toleratedFailurePercentage: NumberSource?
    public var toleratedFailureCount: NumberSource?
    /// `ItemBatcher` as written.
    public var itemBatcher: JSON?
    /// `ItemReader` as written.
    public var itemReader: JSON?
    /// `ResultWriter` as written.
    public var resultWriter: JSON?
    public var label: String?
    public var retry: [Retrier]
    public var catchers: [Catcher]

    public init(processor: StateList, mode: MapMode = .inline, executionType: String? = nil,
                itemsPath: PathReference? = nil, items: JSON? = nil, itemSelector: ValueTemplate? = nil,
                maxConcurrency: NumberSource? = nil, toleratedFailurePercentage: NumberSource? = nil,
                toleratedFailureCount: NumberSource? = nil, itemBatcher: JSON? = nil, itemReader: JSON? = nil,
                resultWriter: JSON? = nil, label: String? = nil, retry: [Retrier] = [], catchers: [Catcher] = []) {
        self.processor = processor
        self.mode = mode
        self.executionType = executionType
        self.itemsPath = itemsPath
        self.items = items
        self.itemSelector = itemSelector
        self.maxConcurrency = maxConcurrency
        self.toleratedFailurePercentage = toleratedFailurePercentage
        self.toleratedFailureCount = toleratedFailureCount
        self.itemBatcher = itemBatcher
        self.itemReader = itemReader
        self.resultWriter = resultWriter
        self.label = label
        self.retry = retry
        self.catchers = catchers
    }
}

/// Retry jitter: none, or full (a random delay between 0 and the computed one).
public enum JitterStrategy: String, Sendable, Hashable {
    case none = "NONE"
    case full = "FULL"
}

/// One `Retry` entry.
public struct Retrier: Sendable, Hashable {
    public var errorEquals: [String]
    public var intervalSeconds: Int
    public var maxAttempts: Int
    public var backoffRate: Double
    public var maxDelaySeconds: Int?
    public var jitterStrategy: JitterStrategy

    public init(errorEquals: [String], intervalSeconds: Int = 1, maxAttempts: Int = 3, backoffRate: Double = 2.0,
                maxDelaySeconds: Int? = nil, jitterStrategy: JitterStrategy = .none) {
        self.errorEquals = errorEquals
        self.intervalSeconds = intervalSeconds
        self.maxAttempts = maxAttempts
        self.backoffRate = backoffRate
        self.maxDelaySeconds = maxDelaySeconds
        self.jitterStrategy = jitterStrategy
    }
}

/// One `Catch` entry.
public struct Catcher: Sendable {
    public var errorEquals: [String]
    public var next: String
    /// ResultPath of the caught error (JSONPath mode); default `$`.
    public var resultPath: ResultPath
    public var assign: ValueTemplate?
    /// Output (JSONata mode).
    public var output: JSON?

    public init(errorEquals: [String], next: String, resultPath: ResultPath = .root, assign: ValueTemplate? = nil,
                output: JSON? = nil) {
        self.errorEquals = errorEquals
        self.next = next
        self.resultPath = resultPath
        self.assign = assign
        self.output = output
    }
}

extension Array where Element == String {
    /// True when an `ErrorEquals` list matches the error name: the name itself; `States.ALL`, which
    /// matches every error but `States.Runtime`; or `States.TaskFailed`, which matches a task's own errors.
    public func matchesError(_ name: String) -> Bool {
        for e in self {
            if e == name { return true }
            if e == StatesError.Name.all && name != StatesError.Name.runtime { return true }
            if e == StatesError.Name.taskFailed && name != StatesError.Name.timeout && name != StatesError.Name.runtime {
                return true
            }
        }
        return false
    }
}
