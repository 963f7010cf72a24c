import BatonLanguage
import BatonWorker

/// The example's handler: `resize` halves an image's width and height, and refuses images over 10,000 px a side.
enum ResizeWorker {
    /// Registers the handler on a worker, for the queue `resize` (the resource `…:function:resize`).
    static func register(on worker: Worker, queue: String = "resize") {
        worker.handle(queue: queue) { task in
            guard let width = task.input["width"]?.intValue, let height = task.input["height"]?.intValue else {
                throw TaskFailure(error: "BadInput", cause: "width and height must be integers")
            }
            guard width <= 10_000, height <= 10_000 else {
                throw TaskFailure(error: "ImageTooLarge", cause: "\(width)x\(height) is over 10000 px a side")
            }
            // Long work can report progress itself; with HeartbeatSeconds set, heartbeats also go out on their own.
            try await task.heartbeat()
            return ["width": .int(width / 2), "height": .int(height / 2), "attempt": .int(task.attempt)]
        }
    }
}
