import BatonWorker
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the example worker until Ctrl-C: `BATON_AMQP_URL=amqp://localhost swift run baton-example-worker`.
@main
struct ResizeWorkerMain {
    static func main() async throws {
        let url = ProcessInfo.processInfo.environment["BATON_AMQP_URL"] ?? "amqp://localhost"
        let worker = try Worker(url: url, concurrency: 4)
        ResizeWorker.register(on: worker)
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { worker.stop() }   // finish the tasks in flight, then return from run()
        interrupt.resume()
        try await worker.run()
        interrupt.cancel()
    }
}
