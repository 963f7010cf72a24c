import ArgumentParser
import BatonCore
import BatonLanguage
import Foundation

/// `baton bench`: the interpreter's speed on four scenarios, beside the reference interpreter when present.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the interpreter (release build recommended) and compare with the reference one.",
        discussion: """
            Scenarios: chain1000 (a chain of 1,000 Pass states), map1000x3 (a Map of 1,000 items × 3 Pass states),
            parallel10x10 (a Parallel of 10 branches × 10 Pass states), exec100x10 (100 executions of a 10-state chain).
            When --peer points at ../shared/oracle/bench_peer.py (found automatically), each scenario also runs there
            with --cache-jsonpath and the ratio is printed.
            """
    )

    @Argument(help: "Scenarios to run (default: all four).")
    var scenarios: [String] = []

    @Option(help: "Path of the reference bench_peer.py (default: ../shared/oracle/bench_peer.py when present).")
    var peer: String?

    @Flag(name: .customLong("no-peer"), help: "Don't run the reference interpreter.")
    var noPeer = false

    @Option(name: .customLong("write-scenarios"), help: "Write each scenario's definition and input into DIR and exit.")
    var writeScenarios: String?

    @Option(help: "Minimum seconds to repeat each scenario for.")
    var seconds: Double = 1.0

    func run() throws {
        let names = scenarios.isEmpty ? BenchScenario.all.map(\.name) : scenarios
        var chosen: [BenchScenario] = []
        for n in names {
            guard let s = BenchScenario.all.first(where: { $0.name == n }) else {
                printError("baton bench: unknown scenario '\(n)' (known: \(BenchScenario.all.map(\.name).joined(separator: ", ")))")
                throw ExitCode(2)
            }
            chosen.append(s)
        }
        if let dir = writeScenarios {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for s in chosen {
                try Data(s.definition.serialized().utf8).write(to: URL(fileURLWithPath: "\(dir)/\(s.name).json"))
                try Data(s.input.serialized().utf8).write(to: URL(fileURLWithPath: "\(dir)/\(s.name).input.json"))
            }
            return
        }
        let peerPath = noPeer ? nil : (peer ?? Self.defaultPeer())
        printOut("scenario        baton: runs  ms/run   transitions/s | reference: transitions/s   ratio")
        for s in chosen {
            let m = try s.measure(minSeconds: seconds)
            var line = "\(s.name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(String(format: "%11d %7.3f %15.0f", m.runs, m.msPerRun, m.transitionsPerSecond))"
            if let peerPath, let p = Self.runPeer(peerPath, s.name) {
                line += String(format: " | %24.0f %7.0fx", p, m.transitionsPerSecond / p)
            }
            printOut(line)
        }
    }

    static func defaultPeer() -> String? {
        let candidates = ["../shared/oracle/bench_peer.py", "../../shared/oracle/bench_peer.py"]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Runs `python3 bench_peer.py SCENARIO --cache-jsonpath` and returns its transitions per second.
    static func runPeer(_ path: String, _ scenario: String) -> Double? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", path, scenario, "--cache-jsonpath"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
              let json = try? JSONParser.parse(String(line)) else { return nil }
        return json["transitions_per_s"]?.doubleValue
    }
}

/// One benchmark scenario: a definition, an input, and how many executions to run.
struct BenchScenario {
    var name: String
    var definition: JSON
    var input: JSON
    var executions: Int

    static func chain(_ n: Int, prefix: String = "S") -> JSONObject {
        var states = JSONObject()
        for i in 0..<n {
            states["\(prefix)\(i)"] = i + 1 < n ? ["Type": "Pass", "Next": .string("\(prefix)\(i + 1)")] : ["Type": "Pass", "End": true]
        }
        return ["StartAt": .string("\(prefix)0"), "States": .object(states)]
    }

    static let all: [BenchScenario] = [
        BenchScenario(name: "chain1000", definition: .object(chain(1000)), input: ["k": 1], executions: 1),
        BenchScenario(name: "map1000x3", definition: [
            "StartAt": "M",
            "States": ["M": ["Type": "Map", "ItemsPath": "$.items", "End": true,
                             "ItemProcessor": .object(chain(3, prefix: "P").merging(["ProcessorConfig": ["Mode": "INLINE"]]) { a, _ in a })]],
        ], input: ["items": .array((0..<1000).map { JSON.int($0) })], executions: 1),
        BenchScenario(name: "parallel10x10", definition: [
            "StartAt": "P",
            "States": ["P": ["Type": "Parallel", "End": true, "Branches": .array((0..<10).map { .object(chain(10, prefix: "B\($0)_")) })]],
        ], input: ["k": 1], executions: 1),
        BenchScenario(name: "exec100x10", definition: .object(chain(10)), input: ["k": 1], executions: 100),
    ]

    struct Measurement {
        var runs: Int
        var msPerRun: Double
        var transitionsPerSecond: Double
    }

    /// Runs the scenario repeatedly for at least `minSeconds`; reports the fastest run.
    func measure(minSeconds: Double) throws -> Measurement {
        guard case .success(let machine) = DefinitionParser.parse(json: definition) else {
            throw CLIError("scenario \(name) does not validate")
        }
        var best = Double.infinity
        var transitions = 0
        var runs = 0
        let deadline = Date().addingTimeInterval(minSeconds)
        repeat {
            let t0 = DispatchTime.now().uptimeNanoseconds
            var count = 0
            for e in 0..<executions {
                let info = ExecutionInfo(executionArn: "arn:aws:states:us-east-1:123456789012:execution:bench:e\(e)",
                                         name: "e\(e)", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:bench",
                                         stateMachineName: "bench", roleArn: "arn:aws:iam::123456789012:role/x",
                                         startTime: 0, input: input, seed: UInt64(e))
                var runner = LocalRunner(mocks: MockAnswers(), clock: .virtual(start: 0), keepHistory: true)
                let outcome = runner.run(machine: machine, info: info)
                guard outcome.result?.status == .succeeded else { throw CLIError("scenario \(name) did not succeed") }
                count += outcome.transitions
            }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            best = min(best, ms)
            transitions = count
            runs += 1
        } while Date() < deadline
        return Measurement(runs: runs, msPerRun: best, transitionsPerSecond: Double(transitions) / (best / 1000))
    }
}
