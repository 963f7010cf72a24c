@testable import BatonAMQP
import Testing

@Suite("AMQP URLs and credentials")
struct URLTests {
    @Test("a full amqp URL gives host, port, vhost and credentials")
    func fullURL() throws {
        let config = try AMQPConfiguration(url: "amqp://alice:s3cret@broker.example:5673/prod", environment: [:])
        #expect(config.host == "broker.example")
        #expect(config.port == 5673)
        #expect(config.virtualHost == "prod")
        #expect(config.credentials == AMQPCredentials(user: "alice", password: "s3cret"))
        #expect(config.tls == nil)
    }

    @Test("defaults: localhost, 5672, vhost /, guest")
    func defaults() throws {
        let config = try AMQPConfiguration(url: "amqp://", environment: [:])
        #expect(config.host == "localhost")
        #expect(config.port == 5672)
        #expect(config.virtualHost == "/")
        #expect(config.credentials == .guest)
    }

    @Test("amqps defaults to port 5671 and verifies the peer")
    func amqps() throws {
        let config = try AMQPConfiguration(url: "amqps://mq.internal", environment: [:])
        #expect(config.port == 5671)
        #expect(config.tls == AMQPTLSConfiguration(verifyPeer: true, verifyHostname: true))
    }

    @Test("amqps query options set TLS files and verification")
    func amqpsOptions() throws {
        let config = try AMQPConfiguration(
            url: "amqps://mq:5671/?cacertfile=/etc/ca.pem&certfile=/etc/c.pem&keyfile=/etc/k.pem&verify=verify_none&heartbeat=5&connection_timeout=2500",
            environment: [:])
        #expect(config.tls?.caCertificatePath == "/etc/ca.pem")
        #expect(config.tls?.clientCertificatePath == "/etc/c.pem")
        #expect(config.tls?.clientKeyPath == "/etc/k.pem")
        #expect(config.tls?.verifyPeer == false)
        #expect(config.heartbeatSeconds == 5)
        #expect(config.timeout == .milliseconds(2500))
        let named = try AMQPConfiguration(url: "amqp://h/?connection_name=baton%20serve", environment: [:])
        #expect(named.connectionName == "baton serve")
        #expect(named.description == "amqp://guest:***@h:5672/%2F?connection_name=baton%20serve")
    }

    @Test("percent-encoded vhost and password are decoded")
    func percentDecoding() throws {
        let config = try AMQPConfiguration(url: "amqp://bob:p%40ss%3Aw%2Fd@h/%2F", environment: [:])
        #expect(config.virtualHost == "/")
        #expect(config.credentials.password == "p@ss:w/d")
    }

    @Test("IPv6 literal hosts")
    func ipv6() throws {
        let config = try AMQPConfiguration(url: "amqp://[::1]:5680/v", environment: [:])
        #expect(config.host == "::1")
        #expect(config.port == 5680)
        #expect(config.description == "amqp://guest:***@[::1]:5680/v")
    }

    @Test("credentials missing from the URL come from BATON_AMQP_USER and BATON_AMQP_PASSWORD")
    func environmentCredentials() throws {
        let env = ["BATON_AMQP_USER": "svc", "BATON_AMQP_PASSWORD": "from-env"]
        let none = try AMQPConfiguration(url: "amqp://h", environment: env)
        #expect(none.credentials == AMQPCredentials(user: "svc", password: "from-env"))
        let userOnly = try AMQPConfiguration(url: "amqp://carol@h", environment: env)
        #expect(userOnly.credentials == AMQPCredentials(user: "carol", password: "from-env"))
        let both = try AMQPConfiguration(url: "amqp://dan:pw@h", environment: env)
        #expect(both.credentials == AMQPCredentials(user: "dan", password: "pw"))
    }

    @Test("descriptions, dumps and errors never show the password")
    func redaction() throws {
        let config = try AMQPConfiguration(url: "amqps://alice:hunter2@mq:5671/prod", environment: [:])
        #expect(config.description == "amqps://alice:***@mq:5671/prod")
        #expect(!"\(config)".contains("hunter2"))
        #expect(!String(reflecting: config).contains("hunter2"))
        #expect(!"\(config.credentials)".contains("hunter2"))
        var dumped = ""
        dump(config, to: &dumped)
        dump(config.credentials, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(AMQPConfiguration.redacting(url: "amqp://u:hunter2@h:1/v?x=1") == "amqp://u:***@h:1/v?x=1")
        #expect(AMQPConfiguration.redacting(url: "amqp://h/v") == "amqp://h/v")
        do {
            _ = try AMQPConfiguration(url: "amqp://u:hunter2@h:notaport/v", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidURL)
            #expect(!error.description.contains("hunter2"))
            #expect(error.description.contains("***"))
        }
    }

    @Test("bad URLs are rejected with invalidURL", arguments: [
        "http://h", "amqp//h", "amqp://h:0", "amqp://h:70000", "amqp://h/a/b", "amqp://h/%zz", "amqp://[::1",
    ])
    func badURLs(url: String) {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url, environment: [:]) }
    }

    @Test("TLS options on a plain amqp URL are a configuration error")
    func tlsOptionOnPlainURL() {
        #expect(throws: AMQPError(.invalidConfiguration, "cacertfile needs an amqps:// URL: amqp://guest:***@h/?cacertfile=x")) {
            try AMQPConfiguration(url: "amqp://guest:guest@h/?cacertfile=x", environment: [:])
        }
    }
}
