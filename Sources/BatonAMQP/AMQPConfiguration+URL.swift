import Foundation

extension AMQPConfiguration {
    /// Environment variable read for the user name when the URL has none.
    public static let userEnvironmentVariable = "BATON_AMQP_USER"
    /// Environment variable read for the password when the URL has none.
    public static let passwordEnvironmentVariable = "BATON_AMQP_PASSWORD"

    /// Parses an `amqp://` or `amqps://` URL (RabbitMQ's URI spec); a user or password missing from the URL
    /// comes from `BATON_AMQP_USER` / `BATON_AMQP_PASSWORD` in `environment`, else `guest`.
    ///
    /// Query parameters understood: `heartbeat` (s), `connection_timeout` (ms), `frame_max`, `connection_name`, `cacertfile`,
    /// `certfile`, `keyfile`, `verify` (`verify_peer` | `verify_none`). Others are ignored.
    /// Errors never quote the password.
    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(AMQPError) {
        self = try AMQPURLParser.parse(url, environment: environment)
    }

    /// The URL with any password replaced by `***`, for logs and error messages.
    public static func redacting(url: String) -> String {
        AMQPURLParser.redact(url)
    }
}

/// Parses and renders AMQP URLs; internal so the public surface stays small.
enum AMQPURLParser {
    static func parse(_ url: String, environment: [String: String]) throws(AMQPError) -> AMQPConfiguration {
        var config = AMQPConfiguration()
        let redacted = redact(url)
        func fail(_ why: String) -> AMQPError { AMQPError(.invalidURL, "\(why): \(redacted)") }

        guard let schemeEnd = url.range(of: "://") else { throw fail("missing scheme") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "amqp": config.port = 5672
        case "amqps":
            config.port = 5671
            config.tls = AMQPTLSConfiguration()
        default: throw fail("scheme must be amqp or amqps")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                user = try decode(userinfo[..<colon], fail)
                password = try decode(userinfo[userinfo.index(after: colon)...], fail)
            } else {
                user = try decode(userinfo, fail)
            }
        }
        // host[:port], host may be an IPv6 literal in brackets
        var hostPart = rest
        var portPart: Substring?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw fail("unterminated IPv6 address") }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty { throw fail("bad host") }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        if !hostPart.isEmpty { config.host = try decode(hostPart, fail) }
        if let portPart {
            guard let port = Int(portPart), (1...65535).contains(port) else { throw fail("bad port") }
            config.port = port
        }
        if let path, !path.isEmpty {
            guard !path.contains("/") else { throw fail("the virtual host must be one path segment (encode / as %2F)") }
            config.virtualHost = try decode(path, fail)
        }
        config.credentials = AMQPCredentials(
            user: user ?? environment[AMQPConfiguration.userEnvironmentVariable] ?? AMQPCredentials.guest.user,
            password: password ?? environment[AMQPConfiguration.passwordEnvironmentVariable] ?? AMQPCredentials.guest.password
        )
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try decode(parts[0], fail)
            let value = parts.count > 1 ? try decode(parts[1], fail) : ""
            switch key {
            case "heartbeat":
                guard let seconds = Int(value), seconds >= 0, seconds <= 65535 else { throw fail("bad heartbeat") }
                config.heartbeatSeconds = seconds
            case "connection_timeout":
                guard let ms = Int(value), ms > 0 else { throw fail("bad connection_timeout") }
                config.timeout = .milliseconds(ms)
            case "connection_name":
                config.connectionName = value
            case "frame_max":
                guard let size = Int(value), size >= 4096 else { throw fail("bad frame_max") }
                config.frameMax = size
            case "cacertfile", "certfile", "keyfile", "verify":
                guard config.tls != nil else { throw AMQPError(.invalidConfiguration, "\(key) needs an amqps:// URL: \(redacted)") }
                switch key {
                case "cacertfile": config.tls?.caCertificatePath = value
                case "certfile": config.tls?.clientCertificatePath = value
                case "keyfile": config.tls?.clientKeyPath = value
                default:
                    switch value {
                    case "verify_peer":
                        config.tls?.verifyPeer = true
                        config.tls?.verifyHostname = true
                    case "verify_none":
                        config.tls?.verifyPeer = false
                        config.tls?.verifyHostname = false
                    default: throw fail("verify must be verify_peer or verify_none")
                    }
                }
            default:
                continue
            }
        }
        return config
    }

    /// Percent-decodes one URL component.
    private static func decode(_ part: Substring, _ fail: (String) -> AMQPError) throws(AMQPError) -> String {
        guard part.contains("%") else { return String(part) }
        var bytes: [UInt8] = []
        var utf8 = part.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard let hi = utf8.popFirst(), let lo = utf8.popFirst(),
                      let h = hexValue(hi), let l = hexValue(lo) else { throw fail("bad percent escape") }
                bytes.append(h << 4 | l)
            } else {
                bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("percent escape is not UTF-8") }
        return text
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }

    /// Renders a configuration as a URL with the password shown as `***`.
    static func render(_ config: AMQPConfiguration) -> String {
        let scheme = config.tls == nil ? "amqp" : "amqps"
        let host = config.host.contains(":") ? "[\(config.host)]" : config.host
        var url = "\(scheme)://\(encode(config.credentials.user)):***@\(host):\(config.port)/\(encode(config.virtualHost))"
        var query: [String] = []
        if config.heartbeatSeconds != 10 { query.append("heartbeat=\(config.heartbeatSeconds)") }
        if let name = config.connectionName { query.append("connection_name=\(encode(name))") }
        if let tls = config.tls {
            if let ca = tls.caCertificatePath { query.append("cacertfile=\(encode(ca))") }
            if let cert = tls.clientCertificatePath { query.append("certfile=\(encode(cert))") }
            if let key = tls.clientKeyPath { query.append("keyfile=\(encode(key))") }
            if !tls.verifyPeer { query.append("verify=verify_none") }
        }
        if !query.isEmpty { url += "?" + query.joined(separator: "&") }
        return url
    }

    /// Replaces the password of any `scheme://user:password@` in `text` with `***`.
    static func redact(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        let authority = text[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return text }
        let userinfo = authority[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<userinfo.index(after: colon)]) + "***" + String(text[at...])
    }
}
