import BatonLanguage
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of the Step Functions API (Baton's or AWS's): JSON 1.0 calls, signed with SigV4 when
/// given credentials. The command line's `--endpoint` uses it.
public struct StepFunctionsClient: Sendable {
    /// A call that came back with an error: its HTTP status and AWS's error name and message.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var status: Int
        public var type: String
        public var message: String
        public var description: String { "\(type): \(message)" }
    }

    public let endpoint: URL
    public let region: String
    /// Access key id and secret; nil sends unsigned requests (Baton without --auth-keys accepts them from loopback).
    public let credentials: (accessKey: String, secret: String)?
    public let timeout: Double

    public init(endpoint: URL, region: String = "us-east-1", credentials: (accessKey: String, secret: String)? = nil,
                timeout: Double = 70) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.timeout = timeout
    }

    /// Calls `AWSStepFunctions.<action>` with a JSON body; returns the response's JSON or throws `Failure`.
    public func call(_ action: String, _ body: JSON) async throws -> JSON {
        let bytes = Array(body.serialized().utf8)
        var host = endpoint.host ?? "127.0.0.1"
        if let port = endpoint.port { host += ":\(port)" }
        var signed = SigV4.Request(method: "POST", path: endpoint.path.isEmpty ? "/" : endpoint.path, headers: [
            (name: "Host", value: host),
            (name: "Content-Type", value: "application/x-amz-json-1.0"),
            (name: "X-Amz-Target", value: "AWSStepFunctions.\(action)"),
        ], body: bytes)
        if let credentials {
            signed = SigV4.sign(signed, accessKey: credentials.accessKey, secret: credentials.secret, region: region)
        }
        var request = URLRequest(url: endpoint, timeoutInterval: timeout)
        request.httpMethod = "POST"
        for (name, value) in signed.headers where name.lowercased() != "host" {
            request.setValue(value, forHTTPHeaderField: name)
        }
        request.httpBody = Data(bytes)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = data.isEmpty ? JSON.emptyObject : ((try? JSONParser.parse(bytes: Array(data))) ?? .null)
        guard status == 200 else {
            let type = (json["__type"]?.stringValue ?? "HTTP\(status)").split(separator: "#").last.map(String.init) ?? ""
            let message = json["message"]?.stringValue ?? json["Message"]?.stringValue
                ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(status: status, type: type, message: message)
        }
        return json
    }
}
