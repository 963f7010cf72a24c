import ArgumentParser
import BatonLanguage

/// `baton validate FILE`: checks a definition as CreateStateMachine does.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a state machine definition; print one diagnostic a line on stderr.",
        discussion: "Exit status: 0 valid, 1 invalid (diagnostics on stderr), 2 the file can't be read or isn't JSON."
    )

    @Argument(help: "The definition file (Amazon States Language JSON).")
    var definition: String

    @Option(help: "The state machine type: STANDARD or EXPRESS.")
    var type: String = "STANDARD"

    func run() throws {
        do {
            guard let kind = ValidationOptions.StateMachineType(rawValue: type.uppercased()) else {
                throw CLIError("--type must be STANDARD or EXPRESS, not '\(type)'")
            }
            let bytes = try readFile(definition, what: "definition")
            let json: JSON
            do {
                json = try JSONParser.parse(bytes: bytes)
            } catch {
                throw CLIError("\(definition): not JSON: \(error)", exitCode: 2)
            }
            switch DefinitionParser.parse(json: json, options: .baton(kind)) {
            case .success:
                return
            case .failure(let invalid):
                for d in invalid.diagnostics { printError(d.description) }
                throw ExitCode(1)
            }
        } catch let e as CLIError {
            printError("baton validate: \(e.message)")
            throw ExitCode(e.exitCode)
        }
    }
}
