import Crypto
import Foundation

// AWS Signature Version 4, as the AWS CLI and every SDK sign requests, and as AWS checks them:
//
//   canonical request = METHOD \n URI \n QUERY \n headers \n signed header names \n hex(SHA-256(body))
//   string to sign    = AWS4-HMAC-SHA256 \n X-Amz-Date \n DATE/REGION/SERVICE/aws4_request \n hex(SHA-256(canonical))
//   signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, DATE), REGION), SERVICE), "aws4_request")
//   signature         = hex(HMAC(signing key, string to sign))
//
// Verification refuses, with a 403 and AWS's names: no or malformed Authorization
// (MissingAuthenticationTokenException, IncompleteSignatureException), an unknown key
// (UnrecognizedClientException), a wrong signature, scope, or a time more than 5 minutes from now
// (InvalidSignatureException). A request replayed within 5 minutes is accepted, as AWS accepts it.

/// AWS Signature Version 4: signing (for Baton's client) and checking (for Baton's server).
public enum SigV4 {
    /// The parts of a request that are signed.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// The raw query string (without `?`), empty when none.
        public var query: String
        /// Header names (any case) and values; `host` must be among them.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }

        /// The first value of a header (names compared without case).
        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name.lowercased() == lower }?.value
        }
    }

    /// The `Authorization` header's parts.
    public struct Authorization: Sendable, Hashable {
        public var accessKey: String
        public var date: String
        public var region: String
        public var service: String
        public var signedHeaders: [String]
        public var signature: String

        /// Reads `AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`.
        public init?(header: String) {
            let prefix = "AWS4-HMAC-SHA256 "
            guard header.hasPrefix(prefix) else { return nil }
            var fields: [String: String] = [:]
            for part in header.dropFirst(prefix.count).split(separator: ",") {
                let kv = part.trimmingCharacters(in: .whitespaces)
                guard let eq = kv.firstIndex(of: "=") else { return nil }
                fields[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            }
            guard let credential = fields["Credential"], let signed = fields["SignedHeaders"],
                  let signature = fields["Signature"] else { return nil }
            let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else { return nil }
            accessKey = scope[0]
            date = scope[1]
            region = scope[2]
            service = scope[3]
            signedHeaders = signed.split(separator: ";").map { String($0) }
            self.signature = signature
        }
    }

    /// The canonical request over the headers named in `signedHeaders` (lower case, sorted).
    public static func canonicalRequest(_ r: Request, signedHeaders: [String]) -> String {
        var values: [String: [String]] = [:]
        for (name, value) in r.headers {
            values[name.lowercased(), default: []].append(trimmed(value))
        }
        var headerLines = ""
        for name in signedHeaders {
            headerLines += "\(name):\((values[name] ?? []).joined(separator: ","))\n"
        }
        let payload = r.header("x-amz-content-sha256") ?? hex(SHA256.hash(data: r.body))
        return [r.method.uppercased(), canonicalPath(r.path), canonicalQuery(r.query), headerLines,
                signedHeaders.joined(separator: ";"), payload].joined(separator: "\n")
    }

    /// The string to sign for a canonical request.
    public static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(hex(SHA256.hash(data: Array(canonicalRequest.utf8))))"
    }

    /// The signing key of a secret for a day, region and service.
    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// The hex signature of a request.
    public static func signature(_ r: Request, signedHeaders: [String], amzDate: String, secret: String,
                                 region: String, service: String) -> String {
        let date = String(amzDate.prefix(8))
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let toSign = stringToSign(amzDate: amzDate, scope: scope,
                                  canonicalRequest: canonicalRequest(r, signedHeaders: signedHeaders))
        let key = signingKey(secret: secret, date: date, region: region, service: service)
        return hex(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key))
    }

    /// Signs a request: returns it with `X-Amz-Date` and `Authorization` added (every header given is signed).
    public static func sign(_ r: Request, accessKey: String, secret: String, region: String, service: String = "states",
                            now: Date = Date()) -> Request {
        var r = r
        let amzDate = format(now)
        r.headers.append((name: "X-Amz-Date", value: amzDate))
        let signed = Set(r.headers.map { $0.name.lowercased() }).sorted()
        let sig = signature(r, signedHeaders: signed, amzDate: amzDate, secret: secret, region: region, service: service)
        r.headers.append((name: "Authorization", value:
            "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(amzDate.prefix(8))/\(region)/\(service)/aws4_request, SignedHeaders=\(signed.joined(separator: ";")), Signature=\(sig)"))
        return r
    }

    /// `20150830T123600Z`.
    public static func format(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }

    /// Reads `20150830T123600Z`.
    public static func parse(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return text.count == 16 ? f.date(from: text) : nil
    }

    static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The URI path, each segment percent-encoded once more (as AWS does for services other than S3).
    static func canonicalPath(_ path: String) -> String {
        if path.isEmpty { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }.joined(separator: "/")
    }

    /// The query with its parameters sorted by name, then value, each percent-encoded.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs: [(String, String)] = query.split(separator: "&").map { item in
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(kv[0]).removingPercentEncoding ?? String(kv[0])
            let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            return (uriEncode(name), uriEncode(value))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func uriEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits: [Character] = Array("0123456789abcdef")
        var s = ""
        for b in digest {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }
}

/// Checks that requests are signed by one of the configured keys, as AWS checks them.
public struct SigV4Verifier: Sendable {
    public let keys: [String: String]
    public let region: String
    public let service: String
    /// How far the request's time may be from now, in seconds.
    public let maxSkewSeconds: Int64

    public init(keys: [String: String], region: String, service: String = "states", maxSkewSeconds: Int64 = 300) {
        self.keys = keys
        self.region = region
        self.service = service
        self.maxSkewSeconds = maxSkewSeconds
    }

    /// Throws a 403 APIError with AWS's name when the request is not signed by a known key, signed wrongly,
    /// or signed more than `maxSkewSeconds` from `now`. Returns the access key id.
    @discardableResult
    public func verify(_ r: SigV4.Request, now: Date) throws(APIError) -> String {
        guard let header = r.header("authorization") else {
            throw APIError("MissingAuthenticationTokenException", "Missing Authentication Token", status: 403)
        }
        guard let auth = SigV4.Authorization(header: header) else {
            throw APIError("IncompleteSignatureException",
                           "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, and the AWS4-HMAC-SHA256 algorithm. Authorization=\(header.prefix(120))",
                           status: 403)
        }
        guard let secret = keys[auth.accessKey] else {
            throw APIError("UnrecognizedClientException", "The security token included in the request is invalid.", status: 403)
        }
        guard let amzDate = r.header("x-amz-date"), let signedAt = SigV4.parse(amzDate) else {
            throw APIError("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", status: 403)
        }
        guard auth.signedHeaders.contains("host"), auth.signedHeaders == auth.signedHeaders.sorted() else {
            throw APIError("InvalidSignatureException", "'Host' must be a signed header and signed headers must be sorted.", status: 403)
        }
        let skew = Int64(signedAt.timeIntervalSince(now).rounded())
        if skew < -maxSkewSeconds {
            throw APIError("InvalidSignatureException",
                           "Signature expired: \(amzDate) is now earlier than \(SigV4.format(now.addingTimeInterval(-Double(maxSkewSeconds)))) (\(SigV4.format(now)) - \(maxSkewSeconds / 60) min.)",
                           status: 403)
        }
        if skew > maxSkewSeconds {
            throw APIError("InvalidSignatureException",
                           "Signature not yet current: \(amzDate) is still later than \(SigV4.format(now.addingTimeInterval(Double(maxSkewSeconds)))) (\(SigV4.format(now)) + \(maxSkewSeconds / 60) min.)",
                           status: 403)
        }
        guard auth.date == String(amzDate.prefix(8)) else {
            throw APIError("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(auth.date)' != '\(amzDate.prefix(8))'", status: 403)
        }
        guard auth.region == region else {
            throw APIError("InvalidSignatureException", "Credential should be scoped to a valid region, not '\(auth.region)'. ", status: 403)
        }
        guard auth.service == service else {
            throw APIError("InvalidSignatureException", "Credential should be scoped to correct service: '\(service)'. ", status: 403)
        }
        let expected = SigV4.signature(r, signedHeaders: auth.signedHeaders, amzDate: amzDate, secret: secret,
                                       region: auth.region, service: auth.service)
        guard constantTimeEqual(expected, auth.signature) else {
            throw APIError("InvalidSignatureException",
                           "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                           status: 403)
        }
        return auth.accessKey
    }

    func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
