import ArgumentParser
import BatonJSONata
import BatonLanguage

/// `baton jsonata`: evaluate a JSONata expression, for people testing expressions.
struct JSONataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsonata",
        abstract: "Evaluate a JSONata expression and print the result as JSON (nothing when undefined).",
        discussion: """
            baton jsonata (EXPR | --expr-file FILE) [--input FILE] [--bindings FILE]
            An empty input file means no input. On error the exit status is 1 and stderr starts with the
            JSONata error code (T2001, D3030 …). JSONATA_TIMELIMIT_MS and JSONATA_DEPTH bound the evaluation
            (exceeding them fails with U1001).
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "EXPR | --expr-file FILE, then --input FILE, --bindings FILE.")
    var arguments: [String] = []

    func run() throws {
        let status = JSONataCommandLine.run(arguments: arguments)
        if status != 0 { throw ExitCode(status) }
    }
}

extension ValidationOptions {
    /// The options `baton` validates with: JSONata text inside `{% … %}` is checked by the JSONata parser.
    static func baton(_ type: StateMachineType = .standard) -> ValidationOptions {
        ValidationOptions(stateMachineType: type, jsonataSyntax: { text in
            do throws(JSONataError) {
                _ = try JSONataExpression(text)
                return nil
            } catch {
                return "\(error.code): \(error.message)"
            }
        })
    }
}
