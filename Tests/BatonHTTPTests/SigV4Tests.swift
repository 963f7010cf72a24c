import Foundation
import Testing
@testable import BatonHTTP

/// AWS Signature Version 4 against AWS's published test vectors, and the verifier's refusals.
@Suite("SigV4")
struct SigV4Tests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let vanillaHeaders: [(name: String, value: String)] = [
        (name: "Host", value: "example.amazonaws.com"), (name: "X-Amz-Date", value: "20150830T123600Z"),
    ]

    @Test("the signing key of AWS's documentation example (iam, us-east-1, 20120215)")
    func signingKey() {
        let key = SigV4.signingKey(secret: Self.secret, date: "20120215", region: "us-east-1", service: "iam")
        let hex = key.withUnsafeBytes { SigV4.hex(Array($0)) }
        #expect(hex == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test("the AWS test suite's get-vanilla, post-vanilla and get-vanilla-query-order-key-case",
          arguments: [
            ("GET", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            ("POST", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
            ("GET", "Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
          ])
    func vectors(method: String, query: String, signature: String) {
        let r = SigV4.Request(method: method, path: "/", query: query, headers: Self.vanillaHeaders, body: [])
        #expect(SigV4.signature(r, signedHeaders: ["host", "x-amz-date"], amzDate: "20150830T123600Z", secret: Self.secret,
                                region: "us-east-1", service: "service") == signature)
    }

    @Test("the canonical request of get-vanilla, line by line")
    func canonicalRequest() {
        let r = SigV4.Request(method: "GET", path: "/", headers: Self.vanillaHeaders, body: [])
        #expect(SigV4.canonicalRequest(r, signedHeaders: ["host", "x-amz-date"]) == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
    }

    static let now = Date(timeIntervalSince1970: 1_764_000_000)
    static let verifier = SigV4Verifier(keys: ["AKIDBATON": "right-secret"], region: "us-east-1")

    static func request(secret: String, key: String = "AKIDBATON", at date: Date = now, body: String = "{}") -> SigV4.Request {
        let r = SigV4.Request(method: "POST", path: "/", headers: [
            (name: "Host", value: "127.0.0.1:8083"), (name: "Content-Type", value: "application/x-amz-json-1.0"),
            (name: "X-Amz-Target", value: "AWSStepFunctions.ListStateMachines"),
        ], body: Array(body.utf8))
        return SigV4.sign(r, accessKey: key, secret: secret, region: "us-east-1", now: date)
    }

    @Test("a request signed with a known key's secret is accepted, and replayed within 5 minutes too")
    func accepts() throws {
        let r = Self.request(secret: "right-secret")
        #expect(try Self.verifier.verify(r, now: Self.now) == "AKIDBATON")
        #expect(try Self.verifier.verify(r, now: Self.now.addingTimeInterval(290)) == "AKIDBATON")
    }

    @Test("a wrong secret is InvalidSignatureException (403)")
    func wrongSecret() {
        #expect(throws: APIError("InvalidSignatureException",
                                 "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                                 status: 403)) {
            try Self.verifier.verify(Self.request(secret: "wrong-secret"), now: Self.now)
        }
    }

    @Test("a body changed after signing is InvalidSignatureException")
    func tamperedBody() throws {
        var r = Self.request(secret: "right-secret")
        r.body = Array("{\"maxResults\":1}".utf8)
        let error = #expect(throws: APIError.self) { try Self.verifier.verify(r, now: Self.now) }
        #expect(error?.type == "InvalidSignatureException")
    }

    @Test("a request signed more than 5 minutes ago (a replay) is refused as expired")
    func oldRequest() {
        let r = Self.request(secret: "right-secret", at: Self.now.addingTimeInterval(-301))
        let error = #expect(throws: APIError.self) { try Self.verifier.verify(r, now: Self.now) }
        #expect(error?.type == "InvalidSignatureException")
        #expect(error?.status == 403)
        #expect(error?.message.hasPrefix("Signature expired: ") == true)
    }

    @Test("a request dated more than 5 minutes ahead is refused")
    func futureRequest() {
        let r = Self.request(secret: "right-secret", at: Self.now.addingTimeInterval(400))
        let error = #expect(throws: APIError.self) { try Self.verifier.verify(r, now: Self.now) }
        #expect(error?.message.hasPrefix("Signature not yet current: ") == true)
    }

    @Test("an unknown access key is UnrecognizedClientException; no Authorization is MissingAuthenticationTokenException")
    func unknownKeyAndMissing() {
        let unknown = #expect(throws: APIError.self) {
            try Self.verifier.verify(Self.request(secret: "x", key: "AKIDOTHER"), now: Self.now)
        }
        #expect(unknown?.type == "UnrecognizedClientException")
        var bare = Self.request(secret: "right-secret")
        bare.headers.removeAll { $0.name == "Authorization" }
        let missing = #expect(throws: APIError.self) { try Self.verifier.verify(bare, now: Self.now) }
        #expect(missing?.type == "MissingAuthenticationTokenException")
        #expect(missing?.status == 403)
    }

    @Test("a credential scoped to another region is refused")
    func wrongRegion() {
        let r = SigV4.sign(SigV4.Request(method: "POST", path: "/", headers: [(name: "Host", value: "h")], body: []),
                           accessKey: "AKIDBATON", secret: "right-secret", region: "eu-west-1", now: Self.now)
        let error = #expect(throws: APIError.self) { try Self.verifier.verify(r, now: Self.now) }
        #expect(error?.type == "InvalidSignatureException")
    }

    @Test("the Authorization header is read into its parts")
    func authorizationHeader() {
        let a = SigV4.Authorization(header: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
        #expect(a == SigV4.Authorization(header: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request,SignedHeaders=host;x-amz-date,Signature=abc"))
        #expect(a?.accessKey == "AKID")
        #expect(a?.signedHeaders == ["host", "x-amz-date"])
        #expect(SigV4.Authorization(header: "Basic xyz") == nil)
    }

    @Test("auth keys files: a JSON object, or ID SECRET lines with comments")
    func authKeys() throws {
        #expect(try AuthKeys.parse("{\"A\": \"s1\", \"B\": \"s2\"}") == ["A": "s1", "B": "s2"])
        #expect(try AuthKeys.parse("# keys\nA s1\nB=s2\n") == ["A": "s1", "B": "s2"])
        #expect(throws: APIError.self) { try AuthKeys.parse("A\n") }
        #expect(throws: APIError.self) { try AuthKeys.parse("") }
    }
}
