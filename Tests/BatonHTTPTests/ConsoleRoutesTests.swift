import BatonEngine
import BatonHTTP
import BatonLanguage
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Drops every effect: the tests run Pass-only machines, which finish inside the orchestrator.
private struct NoEffects: EffectSink {
    func perform(_ effects: [Effect]) async throws {}
}

/// A server on a free port with the console as its fallback; `body` gets the base URL.
private func withConsoleServer(_ body: @Sendable (URL, StepFunctionsAPI) async throws -> Void) async throws {
    let orchestrator = Orchestrator(clock: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }, seeds: { 42 })
    let configuration = APIConfiguration(port: 0)
    let api = StepFunctionsAPI(orchestrator: orchestrator, effects: NoEffects(), activities: nil, configuration: configuration)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let server = APIServer(api: api, configuration: configuration, fallback: ConsoleRoutes(api: api, pollInterval: .milliseconds(20)).fallback,
                           onRunning: { continuation.yield($0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let base = try #require(URL(string: "http://127.0.0.1:\(port)"))
        try await body(base, api)
        group.cancelAll()
    }
}

/// Answers redirects with themselves, so that tests see the 302.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// One HTTP exchange: status, content type (or Location, for a redirect) and body text.
private func fetch(_ url: URL, method: String = "GET", body: String? = nil) async throws -> (Int, String, String) {
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.httpBody = body.map { Data($0.utf8) }
    let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
    defer { session.finishTasksAndInvalidate() }
    let (data, response) = try await session.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    let header = http.statusCode == 302 ? "Location" : "Content-Type"
    return (http.statusCode, http.value(forHTTPHeaderField: header) ?? "", String(decoding: data, as: UTF8.self))
}

@Suite("the console's routes beside the API")
struct ConsoleRoutesTests {
    @Test("the console's page and modules are served from the binary with their media types")
    func files() async throws {
        try await withConsoleServer { base, _ in
            let (status, type, html) = try await fetch(base.appendingPathComponent("console/"))
            #expect(status == 200 && type == "text/html; charset=utf-8")
            #expect(html.contains("<script type=\"module\" src=\"app.js\"></script>"))
            let (jsStatus, jsType, js) = try await fetch(base.appendingPathComponent("console/editor.js"))
            #expect(jsStatus == 200 && jsType == "text/javascript; charset=utf-8" && js.contains("export async function editorPage"))
            let (cssStatus, cssType, _) = try await fetch(base.appendingPathComponent("console/console.css"))
            #expect(cssStatus == 200 && cssType == "text/css; charset=utf-8")
            let (missing, _, _) = try await fetch(base.appendingPathComponent("console/nothing.js"))
            #expect(missing == 404)
        }
    }

    @Test("POST /console/api/graph answers the layout baton graph draws; not JSON is a 400 with a code")
    func graph() async throws {
        try await withConsoleServer { base, _ in
            let definition = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#
            let (status, type, text) = try await fetch(base.appendingPathComponent("console/api/graph"), method: "POST", body: definition)
            #expect(status == 200 && type == "application/json")
            let json = try JSONParser.parse(text)
            let a = try #require(json["nodes"]?.arrayValue?.first { $0["name"]?.stringValue == "A" })
            #expect(a["diagnostics"]?.arrayValue?.first?["code"]?.stringValue == "MISSING_TRANSITION_TARGET")
            #expect(json["svg"]?.stringValue?.hasPrefix("<svg") == true)
            let (dotStatus, dotType, dot) = try await fetch(try #require(URL(string: "/console/api/graph?format=dot", relativeTo: base)),
                                                            method: "POST", body: definition)
            #expect(dotStatus == 200 && dotType == "text/vnd.graphviz; charset=utf-8" && dot.hasPrefix("digraph \"state_machine\" {"))
            let (png, _, pngError) = try await fetch(try #require(URL(string: "/console/api/graph?format=png", relativeTo: base)),
                                                     method: "POST", body: definition)
            #expect(png == 400 && pngError.contains("UnknownFormat"))
            let (bad, _, error) = try await fetch(base.appendingPathComponent("console/api/graph"), method: "POST", body: "{")
            #expect(bad == 400)
            #expect(try JSONParser.parse(error)["code"]?.stringValue == "InvalidJSON")
        }
    }

    @Test("the watch stream of an execution sends its status and last event, then ends with it")
    func watch() async throws {
        try await withConsoleServer { base, api in
            let definition = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#
            let created = try await api.handle(action: "CreateStateMachine", body: [
                "name": "watched", "definition": .string(definition), "roleArn": "arn:aws:iam::123456789012:role/x"])
            let machine = try #require(created["stateMachineArn"]?.stringValue)
            let started = try await api.handle(action: "StartExecution", body: ["stateMachineArn": .string(machine)])
            let arn = try #require(started["executionArn"]?.stringValue)
            var components = try #require(URLComponents(url: base.appendingPathComponent("console/api/watch"), resolvingAgainstBaseURL: false))
            components.queryItems = [URLQueryItem(name: "executionArn", value: arn)]
            let (status, type, stream) = try await fetch(try #require(components.url))
            #expect(status == 200 && type == "text/event-stream")
            #expect(stream.contains("event: change\ndata: {\"status\":\"SUCCEEDED\",\"lastEventId\":"))
            let (unknown, _, _) = try await fetch(base.appendingPathComponent("console/api/watch"))
            #expect(unknown == 404)
        }
    }

    @Test("GET / and /console lead to the console; API calls still go to the API")
    func redirect() async throws {
        try await withConsoleServer { base, _ in
            for path in ["/", "/console"] {
                let (status, location, _) = try await fetch(try #require(URL(string: path, relativeTo: base)))
                #expect(status == 302 && location == "/console/")
            }
            var request = URLRequest(url: base)
            request.httpMethod = "POST"
            request.setValue("AWSStepFunctions.ListStateMachines", forHTTPHeaderField: "X-Amz-Target")
            request.setValue("application/x-amz-json-1.0", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data("{}".utf8)
            let (data, _) = try await URLSession.shared.data(for: request)
            #expect(String(decoding: data, as: UTF8.self) == #"{"stateMachines":[]}"#)
        }
    }
}
