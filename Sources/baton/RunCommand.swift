import ArgumentParser
import BatonCore
import BatonLanguage

/// `baton run`: one execution in process, tasks answered by a mock file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a state machine in process and print its result as JSON.",
        discussion: """
            Prints {"status", "output" | "error"+"cause"[, "history"]} and exits 0 whatever the execution's
            status; non-zero only when it could not run (invalid definition: 1, unreadable input: 2).
            """
    )

    @Argument(help: "The definition file (Amazon States Language JSON).")
    var definition: String

    @Option(help: "The execution input as JSON text.")
    var input: String?

    @Option(name: .customLong("input-file"), help: "A file holding the execution input.")
    var inputFile: String?

    @Option(name: .customLong("mock-file"), help: "Answers for Task states by function, activity or queue name.")
    var mockFile: String?

    @Flag(name: .customLong("virtual-time"), help: "Let waits, retry intervals and timeouts elapse at once.")
    var virtualTime = false

    @Flag(help: "Include the execution history in the result.")
    var history = false

    @Option(help: "The execution name.")
    var name: String = "local"

    @Option(help: "The seed of random choices (UUIDs, jitter); random when omitted.")
    var seed: UInt64?

    func run() throws {
        do {
            let machine = try loadMachine(definition)
            let inputValue = try loadInput()
            var mocks = MockAnswers()
            if let mockFile {
                let bytes = try readFile(mockFile, what: "mock file")
                do {
                    mocks = try MockAnswers(json: try JSONParser.parse(bytes: bytes))
                } catch let e as JSONParseError {
                    throw CLIError("\(mockFile): not JSON: \(e)")
                }
            }
            let smName = stateMachineName(definition)
            let info = ExecutionInfo(
                executionArn: "arn:aws:states:us-east-1:123456789012:execution:\(smName):\(name)",
                name: name,
                stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:\(smName)",
                stateMachineName: smName,
                roleArn: "arn:aws:iam::123456789012:role/baton-local",
                startTime: 0, input: inputValue, seed: seed ?? UInt64.random(in: .min ... .max))
            var runner = LocalRunner(mocks: mocks, clock: virtualTime ? .virtual(start: LocalRunner.wallClock()) : .real,
                                     keepHistory: history)
            let outcome = runner.run(machine: machine, info: info)
            guard let result = outcome.result else {
                throw CLIError("the execution is stuck: it waits for a task answer or callback that nothing will send",
                               exitCode: 3)
            }
            var o: JSONObject = ["status": .string(result.status.rawValue)]
            if result.status == .succeeded {
                o["output"] = result.output ?? .null
            } else {
                o["error"] = result.error.map(JSON.string) ?? .null
                o["cause"] = result.cause.map(JSON.string) ?? .null
            }
            if history { o["history"] = .array(outcome.history.map { $0.awsJSON() }) }
            printOut(JSON.object(o).serialized())
        } catch let e as CLIError {
            printError("baton run: \(e.message)")
            throw ExitCode(e.exitCode)
        }
    }

    func loadInput() throws(CLIError) -> JSON {
        if input != nil && inputFile != nil { throw CLIError("give --input or --input-file, not both") }
        if let input {
            do { return try JSONParser.parse(input) } catch { throw CLIError("--input is not JSON: \(error)") }
        }
        if let inputFile {
            let bytes = try readFile(inputFile, what: "input file")
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .object([:]) }
            do { return try JSONParser.parse(bytes: bytes) } catch { throw CLIError("\(inputFile): not JSON: \(error)") }
        }
        return .object([:])
    }
}

/// Reads, parses and validates a definition file, with one clear error line when it can't.
func loadMachine(_ path: String) throws(CLIError) -> StateMachine {
    let bytes = try readFile(path, what: "definition")
    let json: JSON
    do {
        json = try JSONParser.parse(bytes: bytes)
    } catch {
        throw CLIError("\(path): not JSON: \(error)")
    }
    switch DefinitionParser.parse(json: json, options: .baton()) {
    case .success(let machine):
        return machine
    case .failure(let invalid):
        let first = invalid.diagnostics.first.map(\.description) ?? "invalid definition"
        let more = invalid.diagnostics.count > 1 ? " (and \(invalid.diagnostics.count - 1) more: see baton validate)" : ""
        throw CLIError("\(path): invalid definition: \(first)\(more)", exitCode: 1)
    }
}

/// The state machine name a file stands for: its base name without extension.
func stateMachineName(_ path: String) -> String {
    var base = path.split(separator: "/").last.map(String.init) ?? path
    if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
    let allowed = base.unicodeScalars.map { c -> Character in
        (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_") ? Character(c) : "_"
    }
    return allowed.isEmpty ? "local" : String(allowed)
}
