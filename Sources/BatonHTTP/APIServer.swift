import BatonLanguage
import Foundation
import Hummingbird
import Logging

// The HTTP face of the API: AWS's JSON 1.0 protocol on Hummingbird.
//
//   POST /  X-Amz-Target: AWSStepFunctions.<Action>  body: JSON
//     -> caller check: SigV4 with --auth-keys, else loopback only       (403 otherwise)
//     -> StepFunctionsAPI.handle(action, body)
//     -> 200 application/x-amz-json-1.0 JSON | 4xx/5xx {"__type", "message"}
//
// Any other request goes to `fallback` (the web console), or gets 404.

/// What a request handler of the server sees of a request: Hummingbird's context and the caller's address.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's IP address, when known.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// The Step Functions API server; `run()` serves until graceful shutdown of the surrounding service group.
public struct APIServer: Sendable {
    /// Another handler for requests that are not API calls (the console); nil answers 404.
    public typealias Fallback = @Sendable (Request, APIRequestContext) async throws -> Response?

    let responder: APIResponder
    let api: StepFunctionsAPI
    let configuration: APIConfiguration
    let logger: Logger
    let onRunning: @Sendable (Int) async -> Void

    /// `onRunning` receives the port once the server listens (useful with port 0).
    public init(api: StepFunctionsAPI, configuration: APIConfiguration, logger: Logger = Logger(label: "baton.api"),
                fallback: Fallback? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        let verifier = configuration.authKeys.map {
            SigV4Verifier(keys: $0, region: api.region, maxSkewSeconds: configuration.signatureSkewSeconds)
        }
        self.api = api
        responder = APIResponder(api: api, verifier: verifier, maxBytes: configuration.maxRequestBytes,
                                 fallback: fallback, logger: logger)
        self.configuration = configuration
        self.logger = logger
        self.onRunning = onRunning
    }

    public func run() async throws {
        let logger = self.logger
        let onRunning = self.onRunning
        let host = configuration.host
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "Baton"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("Step Functions API listening", metadata: ["host": "\(host)", "port": "\(port)"])
                await onRunning(port)
            },
            logger: logger)
        let api = self.api
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await api.runEffects { error in logger.error("effects not published", metadata: ["error": "\(error)"]) }
            }
            group.addTask { try await app.run() }
            // The server returns on graceful shutdown (or fails): then the pump flushes what is queued and stops.
            try await group.next()
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

/// Answers one HTTP request: an API call, or the fallback's page.
struct APIResponder: HTTPResponder {
    typealias Context = APIRequestContext

    let api: StepFunctionsAPI
    let verifier: SigV4Verifier?
    let maxBytes: Int
    let fallback: APIServer.Fallback?
    let logger: Logger

    static let targetPrefix = "AWSStepFunctions."

    func respond(to request: Request, context: APIRequestContext) async throws -> Response {
        var target: String?
        for field in request.headers where field.name.canonicalName == "x-amz-target" { target = field.value }
        guard request.method == .post, let target else {
            if let fallback, let response = try await fallback(request, context) { return response }
            return Self.error(APIError("UnknownOperationException", "POST / with an X-Amz-Target header is the only API route", status: 404))
        }
        let body: [UInt8]
        do {
            let buffer = try await request.body.collect(upTo: maxBytes)
            body = Array(buffer.readableBytesView)
        } catch {
            return Self.error(APIError("ValidationException", "the request body is larger than \(maxBytes) bytes", status: 413))
        }
        if let verifier {
            do {
                try verifier.verify(Self.signed(request, body: body), now: Date())
            } catch {
                return Self.error(error)
            }
        } else if !Self.isLoopback(context.remoteAddress) {
            return Self.error(APIError("AccessDeniedException",
                                       "Baton serves callers other than this machine only with --auth-keys (AWS Signature Version 4)",
                                       status: 403))
        }
        guard target.hasPrefix(Self.targetPrefix) else {
            return Self.error(APIError("UnknownOperationException", "Unknown target '\(target)'"))
        }
        let action = String(target.dropFirst(Self.targetPrefix.count))
        let json: JSON
        do {
            json = body.isEmpty ? .emptyObject : try JSONParser.parse(bytes: body)
        } catch {
            return Self.error(APIError("SerializationException", "The request body is not JSON: \(error)"))
        }
        do {
            let result = try await api.handle(action: action, body: json)
            return Self.response(status: .ok, text: result.serialized())
        } catch {
            if error.status >= 500 {
                logger.error("API action failed", metadata: ["action": "\(action)", "error": "\(error)"])
            }
            return Self.error(error)
        }
    }

    static func error(_ e: APIError) -> Response {
        var r = response(status: HTTPResponse.Status(code: e.status), text: e.body)
        r.headers[.init("x-amzn-ErrorType")!] = e.type
        return r
    }

    static func response(status: HTTPResponse.Status, text: String) -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/x-amz-json-1.0"
        headers[.init("x-amzn-RequestId")!] = UUID().uuidString.lowercased()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The signed parts of the request (HTTP/1's Host header arrives as the authority).
    static func signed(_ request: Request, body: [UInt8]) -> SigV4.Request {
        var headers: [(name: String, value: String)] = []
        if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
        for field in request.headers { headers.append((name: field.name.canonicalName, value: field.value)) }
        return SigV4.Request(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                             headers: headers, body: body)
    }

    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
