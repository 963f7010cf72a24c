import BatonConsole
import BatonGraph
import BatonLanguage
import Foundation
import Hummingbird

// The web console over HTTP, beside the API on the same port (as APIServer's fallback):
//
//   GET  /  and  /console          -> 302 /console/
//   GET  /console/                 -> index.html; /console/<file> -> the embedded file
//   POST /console/api/graph[?format=svg|dot|mermaid|json]
//                                  -> body: a definition -> the Swift layout as JSON (+ the SVG), or the drawing
//                                     in that format, as `baton graph` draws it
//   GET  /console/api/watch?executionArn=ARN
//                                  -> server-sent events: `change` {status, lastEventId} whenever the execution moves,
//                                     until it ends or the browser goes away. Only for loopback callers and only
//                                     when the API takes unsigned calls (an EventSource can't sign): otherwise 403,
//                                     and the console polls the API with signed calls instead.
// Anything else -> nil (the server answers 404).

/// The console's routes: its files, the graph layout and live updates of an execution.
public struct ConsoleRoutes: Sendable {
    let api: StepFunctionsAPI?
    /// True when the API requires SigV4 (`--auth-keys`).
    let signedCallsOnly: Bool
    let pollInterval: Duration
    /// The longest a watch stream stays open.
    let maxWatch: Duration
    /// BATON_CONSOLE_DIR: serve the console's files from this folder instead of the binary (while editing them).
    let developmentDirectory = ProcessInfo.processInfo.environment["BATON_CONSOLE_DIR"]
    /// The largest definition the graph endpoint reads (AWS's limit is 1 MB).
    static let maxDefinitionBytes = 1_048_576

    /// Routes over `api` (nil serves the files and the graph only); a watch looks for changes every `pollInterval`.
    /// With `signedCallsOnly` (the API requires SigV4) the watch stream is refused and the console polls instead.
    public init(api: StepFunctionsAPI?, signedCallsOnly: Bool = false, pollInterval: Duration = .milliseconds(200),
                maxWatch: Duration = .seconds(3600)) {
        self.api = api
        self.signedCallsOnly = signedCallsOnly
        self.pollInterval = pollInterval
        self.maxWatch = maxWatch
    }

    /// The routes as APIServer's fallback.
    public var fallback: APIServer.Fallback {
        { request, context in try await self.respond(to: request, context: context) }
    }

    /// The console's answer to a request, or nil when it isn't one of its routes.
    public func respond(to request: Request, context: APIRequestContext) async throws -> Response? {
        let path = request.uri.path
        switch request.method {
        case .get, .head:
            if path == "/" || path == "/console" { return Self.redirect("/console/") }
            if path == "/console/api/watch" {
                guard !signedCallsOnly, APIResponder.isLoopback(context.remoteAddress) else {
                    return Self.json(.forbidden, ["code": "AccessDeniedException",
                                                  "message": "the watch stream serves unsigned loopback callers only; poll the API"])
                }
                return watch(request)
            }
            guard path.hasPrefix("/console/") else { return nil }
            let name = String(path.dropFirst("/console/".count))
            guard var asset = ConsoleAssets.file(name) else { return nil }
            if let dir = developmentDirectory, let bytes = FileManager.default.contents(atPath: dir + "/" + (name.isEmpty ? "index.html" : name)) {
                asset.bytes = [UInt8](bytes)
            }
            var headers: HTTPFields = [:]
            headers[.contentType] = asset.contentType
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        case .post where path == "/console/api/graph":
            return await graph(request)
        default:
            return nil
        }
    }

    /// The layout of the posted definition, or 400 with `{code, message}`.
    func graph(_ request: Request) async -> Response {
        let text: String
        do {
            text = String(buffer: try await request.body.collect(upTo: Self.maxDefinitionBytes))
        } catch {
            return Self.json(.contentTooLarge, ["code": "TooLarge", "message": "the definition is larger than 1 MB"])
        }
        do {
            // The API's own validation options: the editor shows what Create/UpdateStateMachine would say.
            let options = api?.configuration.validation(.standard) ?? ValidationOptions()
            let format = try GraphFormat(name: request.uri.queryParameters["format"].map(String.init) ?? "json")
            let drawing = try GraphRenderer.render(definitionText: text, format: format, title: "state_machine", options: options)
            guard format != .json else { return Self.json(.ok, text: drawing) }
            var headers: HTTPFields = [:]
            headers[.contentType] = format == .svg ? "image/svg+xml" : (format == .dot ? "text/vnd.graphviz; charset=utf-8" : "text/plain; charset=utf-8")
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: drawing)))
        } catch {
            return Self.json(.badRequest, ["code": .string(error.code.rawValue), "message": .string(error.message)])
        }
    }

    /// Server-sent events for one execution: a `change` event each time its status or last event moves.
    func watch(_ request: Request) -> Response {
        guard let api, let arn = request.uri.queryParameters["executionArn"].map(String.init), !arn.isEmpty else {
            return Self.json(.notFound, ["code": "NotFound", "message": "watching executions needs ?executionArn= and the API"])
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let interval = pollInterval, limit = maxWatch
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: limit)
            var last = ""
            var quiet = 0
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            while clock.now < deadline {
                let (state, ended) = await Self.snapshot(api, arn)
                if state != last {
                    last = state
                    quiet = 0
                    try await writer.write(ByteBuffer(string: "event: change\ndata: \(state)\n\n"))
                } else {
                    quiet += 1
                    // A comment now and then: proxies keep the stream, and a gone browser is noticed.
                    if quiet % 50 == 0 { try await writer.write(ByteBuffer(string: ": idle\n\n")) }
                }
                if ended { break }
                try await Task.sleep(for: interval)
            }
            try await writer.finish(nil)
        })
    }

    /// `{"status", "lastEventId"}` of an execution, and whether it has ended (or is unknown).
    static func snapshot(_ api: StepFunctionsAPI, _ arn: String) async -> (String, Bool) {
        let status: String
        do {
            let d = try await api.handle(action: "DescribeExecution", body: ["executionArn": .string(arn)])
            status = d["status"]?.stringValue ?? "UNKNOWN"
        } catch {
            return (JSON.object(["status": "UNKNOWN", "error": .string(error.type)]).serialized(), true)
        }
        var lastEventId = 0
        if let h = try? await api.handle(action: "GetExecutionHistory",
                                         body: ["executionArn": .string(arn), "maxResults": 1, "reverseOrder": true,
                                                "includeExecutionData": false]),
           let id = h["events"]?.arrayValue?.first?["id"]?.intValue {
            lastEventId = id
        }
        let text = JSON.object(["status": .string(status), "lastEventId": .int(lastEventId)]).serialized()
        return (text, status != "RUNNING")
    }

    static func redirect(_ location: String) -> Response {
        var headers: HTTPFields = [:]
        headers[.location] = location
        return Response(status: .found, headers: headers)
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSON) -> Response {
        json(status, text: value.serialized())
    }

    static func json(_ status: HTTPResponse.Status, text: String) -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
