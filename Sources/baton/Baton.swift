import ArgumentParser

/// The `baton` command: AWS Step Functions on RabbitMQ.
@main
struct Baton: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Run Amazon States Language state machines: in process, or over RabbitMQ.",
        subcommands: [RunCommand.self, ValidateCommand.self, JSONataCommand.self, BenchCommand.self]
    )
}
