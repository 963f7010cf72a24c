import ArgumentParser

/// The `baton` command: AWS Step Functions on RabbitMQ.
@main
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Run Amazon States Language state machines: in process, or over RabbitMQ.",
        subcommands: [ServeCommand.self, WorkerCommand.self, RunCommand.self, ValidateCommand.self, GraphCommand.self, JSONataCommand.self,
                      BenchCommand.self, BenchE2ECommand.self, BenchTimersCommand.self, BenchStoreCommand.self,
                      DescribeExecutionCommand.self, ListExecutionsCommand.self, GetExecutionHistoryCommand.self,
                      StopExecutionCommand.self, StartExecutionCommand.self]
    )
}
