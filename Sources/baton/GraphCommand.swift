import ArgumentParser
import BatonGraph
import Foundation

/// `baton graph FILE`: draws a state machine as SVG, DOT or Mermaid, laid out as the console draws it.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a state machine definition as SVG, DOT or Mermaid.",
        discussion: """
        The layout is the console's: states as nodes coloured by type, Choice rules, Default and Catch as \
        labelled edges, Retry on the node, Parallel branches and Map item processors as nested groups. \
        Invalid definitions still draw, with each diagnostic on its state. \
        Exit status: 0 drawn, 2 the file can't be read, isn't JSON or isn't a state machine.
        """
    )

    @Argument(help: "The definition file (Amazon States Language JSON).")
    var definition: String

    @Option(help: "svg, dot, mermaid or json (the console's layout).")
    var format: String = "svg"

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        do {
            let chosen: GraphFormat
            do { chosen = try GraphFormat(name: format) } catch { throw CLIError(error.message) }
            let bytes = try readFile(definition, what: "definition")
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw CLIError("\(definition): not UTF-8 text")
            }
            let title = URL(fileURLWithPath: definition).deletingPathExtension().lastPathComponent
            let drawing: String
            do {
                drawing = try GraphRenderer.render(definitionText: text, format: chosen, title: title, options: .baton())
            } catch {
                throw CLIError("\(definition): \(error.message)")
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(drawing.utf8)) else {
                    throw CLIError("cannot write '\(output)'")
                }
            } else {
                FileHandle.standardOutput.write(Data(drawing.utf8))
            }
        } catch let e as CLIError {
            printError("baton graph: \(e.message)")
            throw ExitCode(e.exitCode)
        }
    }
}
