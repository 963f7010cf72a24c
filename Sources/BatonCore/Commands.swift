import BatonLanguage

/// Who an execution is: its names, ARNs and input, fixed when it starts.
public struct ExecutionInfo: Sendable {
    public var executionArn: String
    public var name: String
    public var stateMachineArn: String
    public var stateMachineName: String
    public var roleArn: String
    public var region: String
    public var startTime: Millis
    public var input: JSON
    /// The seed of every random choice (States.UUID, States.MathRandom, retry jitter, task tokens).
    public var seed: UInt64
    public var redriveCount: Int

    public init(executionArn: String, name: String, stateMachineArn: String, stateMachineName: String,
                roleArn: String, region: String = "us-east-1", startTime: Millis, input: JSON, seed: UInt64,
                redriveCount: Int = 0) {
        self.executionArn = executionArn
        self.name = name
        self.stateMachineArn = stateMachineArn
        self.stateMachineName = stateMachineName
        self.roleArn = roleArn
        self.region = region
        self.startTime = startTime
        self.input = input
        self.seed = seed
        self.redriveCount = redriveCount
    }
}

/// Limits the interpreter enforces.
public struct ExecutionLimits: Sendable {
    /// The largest state input, output or task result, in bytes of JSON text (AWS: 256 KiB).
    public var maxPayloadBytes: Int
    /// The most history events an execution may have; the last one is its ExecutionFailed (AWS: 25,000).
    public var maxHistoryEvents: Int

    public init(maxPayloadBytes: Int = 256 * 1024, maxHistoryEvents: Int = 25_000) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxHistoryEvents = maxHistoryEvents
    }
}

/// Something that happened to an execution, fed to the interpreter.
public enum ExecutionEvent: Sendable {
    /// A task's worker answered with its output.
    case taskSucceeded(token: String, output: JSON)
    /// A task's worker failed.
    case taskFailed(token: String, error: String, cause: String?)
    /// A task's worker is still alive.
    case taskHeartbeat(token: String)
    /// A timer the interpreter armed came due.
    case timerFired(id: String)
    /// Someone asked to stop the execution.
    case stopRequested(error: String?, cause: String?)
}

/// A task to hand to a worker.
public struct TaskRequest: Sendable, Hashable {
    /// Unguessable, bound to the execution, state and attempt; the correlation id of the reply.
    public var token: String
    public var resource: TaskResource
    /// The task's effective input (after InputPath and Parameters).
    public var input: JSON
    public var stateName: String
    /// 0 for the first attempt, then 1, 2 … for retries.
    public var attempt: Int
    public var timeoutSeconds: Int?
    public var heartbeatSeconds: Int?
}

/// What the interpreter asks its shell to do.
public enum Command: Sendable, Hashable {
    /// Send a task to its worker; its answer comes back as `taskSucceeded`/`taskFailed` with the token.
    case publishTask(TaskRequest)
    /// Call back with `timerFired(id)` at `dueAt` (or later; early firing is never needed).
    case startTimer(id: String, dueAt: Millis)
    /// The execution ended.
    case finish(ExecutionResult)
}

/// How an execution ended.
public enum ExecutionStatus: String, Sendable, Hashable {
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case aborted = "ABORTED"
}

/// The end of an execution: its status and output, or error and cause.
public struct ExecutionResult: Sendable, Hashable {
    public var status: ExecutionStatus
    public var output: JSON?
    public var error: String?
    public var cause: String?

    public init(status: ExecutionStatus, output: JSON? = nil, error: String? = nil, cause: String? = nil) {
        self.status = status
        self.output = output
        self.error = error
        self.cause = cause
    }
}

/// What one step of the interpreter produced: new history events and commands for the shell.
public struct Step: Sendable {
    public var events: [HistoryEvent] = []
    public var commands: [Command] = []

    public init(events: [HistoryEvent] = [], commands: [Command] = []) {
        self.events = events
        self.commands = commands
    }
}
