import Foundation

/// A one-line error of the command line, printed on stderr before a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes text to standard output without buffering surprises.
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Reads a whole file as bytes, with a clear error when it can't.
func readFile(_ path: String, what: String) throws(CLIError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            throw CLIError("cannot read the \(what) '\(path)'\(isDir.boolValue ? ": it is a directory" : "")")
        }
        throw CLIError("cannot read the \(what) '\(path)': no such file")
    }
    return [UInt8](data)
}
