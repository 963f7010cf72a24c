import BatonLanguage

/// A state machine the engine can run.
public struct StateMachineRecord: Sendable {
    public var name: String
    public var arn: String
    /// The definition as given.
    public var definition: String
    public var machine: StateMachine
    /// `STANDARD` or `EXPRESS`.
    public var type: String
    public var roleArn: String
    public var creationDate: Int64

    public init(name: String, arn: String, definition: String, machine: StateMachine, type: String = "STANDARD",
                roleArn: String, creationDate: Int64) {
        self.name = name
        self.arn = arn
        self.definition = definition
        self.machine = machine
        self.type = type
        self.roleArn = roleArn
        self.creationDate = creationDate
    }
}

/// State machines by name and ARN.
public struct StateMachineRegistry: Sendable {
    private var byName: [String: StateMachineRecord] = [:]
    private var nameByArn: [String: String] = [:]

    public init() {}

    public mutating func put(_ record: StateMachineRecord) {
        byName[record.name] = record
        nameByArn[record.arn] = record.name
    }

    public mutating func remove(name: String) {
        if let r = byName.removeValue(forKey: name) { nameByArn[r.arn] = nil }
    }

    /// Looks a machine up by name or ARN.
    public func find(_ nameOrArn: String) -> StateMachineRecord? {
        if let r = byName[nameOrArn] { return r }
        if let n = nameByArn[nameOrArn] { return byName[n] }
        return nil
    }

    public var all: [StateMachineRecord] { byName.values.sorted { $0.name < $1.name } }
}
