import BatonLanguage
import Foundation
import Testing

/// Errors of the CLI test harness (no binary, a process that hangs …).
struct CLIHarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What one run of the `baton` binary printed and how it exited.
struct ProcessResult {
    var status: Int32
    /// False when the process died of a signal (a crash) instead of exiting.
    var exited: Bool
    var stdout: String
    var stderr: String

    /// The non-empty lines of standard error.
    var stderrLines: [String] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Standard output parsed as one JSON value.
    func json() throws -> JSON {
        try JSONParser.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// The `baton` executable built next to the test binary, and a scratch directory per test.
enum Baton {
    /// Where `swift build --build-tests` put `baton`: beside the test bundle, else `.build/debug/baton`.
    static let executable: String? = {
        let fm = FileManager.default
        var candidates: [String] = []
        var dirs: [URL] = []
        if let first = CommandLine.arguments.first {
            dirs.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        if let exe = Bundle.main.executablePath {
            dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            dirs.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent())
        }
        for dir in dirs {
            var d = dir
            // On macOS the test binary sits inside X.xctest/Contents/MacOS.
            for _ in 0..<4 {
                candidates.append(d.appendingPathComponent("baton").path)
                d = d.deletingLastPathComponent()
            }
        }
        candidates.append(fm.currentDirectoryPath + "/.build/debug/baton")
        return candidates.first { path in
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue && fm.isExecutableFile(atPath: path)
        }
    }()

    /// Runs `baton ARGS…` with a deadline; standard output and error go through files so large output cannot block.
    static func run(_ arguments: [String], in dir: URL, timeout: TimeInterval = 120) throws -> ProcessResult {
        guard let executable else { throw CLIHarnessError("the baton executable was not found next to the tests") }
        let outURL = dir.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning {
            if Date() > deadline {
                p.terminate()
                p.waitUntilExit()
                throw CLIHarnessError("baton \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
            }
            usleep(5_000)
        }
        p.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return ProcessResult(status: p.terminationStatus, exited: p.terminationReason == .exit, stdout: stdout, stderr: stderr)
    }
}

/// A temporary directory for one test's files, removed when the test ends.
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("baton-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` into `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    /// Writes raw bytes into `name` and returns its path.
    @discardableResult
    func write(_ name: String, bytes: Data) throws -> String {
        let file = url.appendingPathComponent(name)
        try bytes.write(to: file)
        return file.path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Runs `baton ARGS…` in this directory.
    func baton(_ arguments: String..., timeout: TimeInterval = 120) throws -> ProcessResult {
        try Baton.run(arguments, in: url, timeout: timeout)
    }
}

/// Expects a refusal: the process exited (no crash) with a non-zero status, printed nothing on stdout and exactly
/// one clear line on stderr.
func expectOneLineRefusal(_ r: ProcessResult, status: Int32? = nil, mentioning words: [String] = [],
                          sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.exited, "baton died of a signal: \(r.stderr.prefix(500))", sourceLocation: sourceLocation)
    #expect(r.status != 0, "baton accepted bad input and printed: \(r.stdout.prefix(300))", sourceLocation: sourceLocation)
    if let status {
        #expect(r.status == status, "stderr: \(r.stderr.prefix(300))", sourceLocation: sourceLocation)
    }
    #expect(r.stdout.isEmpty, "stdout: \(r.stdout.prefix(300))", sourceLocation: sourceLocation)
    #expect(r.stderrLines.count == 1, "stderr has \(r.stderrLines.count) lines: \(r.stderr.prefix(500))", sourceLocation: sourceLocation)
    let line = r.stderrLines.first ?? ""
    #expect(line.count < 2_000, "the error line is \(line.count) characters long", sourceLocation: sourceLocation)
    for w in words {
        #expect(line.contains(w), "stderr '\(line)' should mention '\(w)'", sourceLocation: sourceLocation)
    }
}
