import CRabbitMQ
import Foundation

// The connection thread's life:
//
//   state          event                                  next
//   -------------  -------------------------------------  ---------------------------------------------
//   connecting     connected (first time)                 serving; `connect` returns
//   connecting     failed (first time)                    stopped; `connect` throws
//   connecting     failed (later)                         waiting (backoff)
//   waiting        backoff elapsed                        connecting
//   serving        socket error / connection.close        waiting: unconfirmed publishes fail (connectionLost)
//   serving        channel.close (broker)                 serving: that channel is reopened
//   any            close command                          stopped (after in-flight confirms, bounded)
//
// Channels: 1 publishes in confirm mode, 2 declares topology, 3… one per consumer (its own basic.qos).

/// Owns one rabbitmq-c connection and runs on its own thread; nothing else touches the C handle.
///
/// `@unchecked Sendable`: after `connect` starts the thread, every field is used only by `run()` on that
/// thread, except `firstConnect`, which is set before the thread starts.
final class ConnectionWorker: @unchecked Sendable {
    private let configuration: AMQPConfiguration
    private let mailbox: Mailbox
    private let executor: AMQPConnectionExecutor
    private let logger: AMQPLogger
    var firstConnect: CheckedContinuation<Void, any Error>?
    /// Until when failures of the first connection are retried (nil: the first failure is final).
    var firstConnectDeadline: ContinuousClock.Instant?

    private var connection: amqp_connection_state_t?
    private var generation: UInt64 = 0
    private var confirms = ConfirmTracker<PublishCompletion>()
    /// Topology declared so far, declared again after each reconnect.
    private var topologies: [AMQPTopology] = []
    /// Consumers by id, in creation order of ids.
    private var consumers: [UInt64: ConsumerState] = [:]
    /// Open channels and the epoch of their current incarnation.
    private var channelEpochs: [UInt16: UInt64] = [:]
    private var consumerByChannel: [UInt16: UInt64] = [:]
    private var nextEpoch: UInt64 = 1
    /// Declarations and consumers asked for while disconnected, run after reconnecting.
    private var deferred: [Command] = []
    private var closeWaiters: [CheckedContinuation<Void, Never>?] = []
    private var closeDeadline: ContinuousClock.Instant?
    private var stopping = false
    /// Publishes and settlements of this round, written with one system call (plain TCP only; see `flushOutgoing`).
    private var outgoing = OutgoingFrames()
    /// Whether `outgoing` is used: the socket is plain TCP (a TLS socket's bytes must go through rabbitmq-c).
    private var gathersFrames: Bool { configuration.tls == nil }

    private static let publishChannel: UInt16 = 1
    private static let declareChannel: UInt16 = 2

    init(configuration: AMQPConfiguration, mailbox: Mailbox, executor: AMQPConnectionExecutor, logger: AMQPLogger) {
        self.configuration = configuration
        self.mailbox = mailbox
        self.executor = executor
        self.logger = logger
    }

    // MARK: - The loop

    func run() {
        mailbox.adoptCurrentThread()
        var attempt = 0
        while !stopping {
            if let deadline = closeDeadline, connection == nil || confirms.count == 0 || ContinuousClock.now >= deadline {
                break
            }
            if connection == nil {
                do {
                    try connect()
                    attempt = 0
                    if let first = firstConnect {
                        firstConnect = nil
                        first.resume()
                    }
                    let pending = deferred
                    deferred = []
                    for command in pending { handle(command) }
                } catch {
                    dropConnection(error, reason: "connect failed")
                    let keepTrying = firstConnectDeadline.map { ContinuousClock.now < $0 } ?? false
                        && error.code != .accessRefused && error.code != .invalidConfiguration
                    if let first = firstConnect, !keepTrying {
                        firstConnect = nil
                        stopping = true
                        first.resume(throwing: error)
                        break
                    }
                    let delay = configuration.reconnect.delay(attempt: attempt) * Double.random(in: 0.5...1.0)
                    attempt += 1
                    // The first failure and every tenth after it at warning level; the rest at debug.
                    logger.log(attempt % 10 == 1 ? .warning : .debug, "AMQP connection attempt failed; retrying", [
                        "amqp.url": configuration.description, "error": error.description, "attempt": "\(attempt)",
                        "retry_in_ms": "\(Int(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000))",
                    ])
                    waitWhileDisconnected(delay)
                    continue
                }
            }
            for command in mailbox.take() { handle(command) }
            runJobs()
            flushOutgoing()
            if connection != nil { pumpIncoming() }
            // Deliveries just handed over resume their consumers here, on this thread.
            runJobs()
            expireConfirms()
            if let deadline = closeDeadline, connection == nil || confirms.count == 0 || ContinuousClock.now >= deadline {
                break
            }
            flushOutgoing()
            if connection != nil, !mailbox.hasWork { waitForActivity() }
        }
        shutdown()
        if mailbox.hasRunJobs { serveJobs() }
    }

    /// Runs the jobs queued for ``AMQPConnectionExecutor`` (a bounded number of rounds, so that jobs queueing
    /// more jobs cannot keep the socket from being read).
    private func runJobs() {
        for _ in 0..<64 {
            let jobs = mailbox.takeJobs()
            if jobs.isEmpty { return }
            for job in jobs { executor.run(job) }
        }
    }

    /// After the connection closed: runs jobs for the actors bound to the executor, for as long as the process lives.
    private func serveJobs() {
        while true {
            runJobs()
            for command in mailbox.take() { command.failClosed() }
            if !mailbox.hasWork, baton_amqp_wait_readable(-1, mailbox.wakeReadFD, -1) & 2 != 0 { mailbox.drainWakeups() }
        }
    }

    /// Sleeps for `delay` while still answering commands (publishes fail fast, the rest waits for the connection).
    private func waitWhileDisconnected(_ delay: Duration) {
        let deadline = ContinuousClock.now + delay
        while !stopping {
            for command in mailbox.take() { handle(command) }
            runJobs()
            if closeDeadline != nil { stopping = true; return }
            let left = deadline - ContinuousClock.now
            if left <= .zero { return }
            if mailbox.hasWork { continue }
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            if baton_amqp_wait_readable(-1, mailbox.wakeReadFD, ms) & 2 != 0 { mailbox.drainWakeups() }
        }
    }

    private func waitForActivity() {
        guard let c = connection else { return }
        if amqp_frames_enqueued(c) != 0 || amqp_data_in_buffer(c) != 0 { return }
        let heartbeat = configuration.heartbeatSeconds
        let timeout: Int32 = heartbeat > 0 ? Int32(min(1000, heartbeat * 250)) : 1000
        let ready = baton_amqp_wait_readable(amqp_get_sockfd(c), mailbox.wakeReadFD, closeDeadline == nil ? timeout : 10)
        if ready & 2 != 0 { mailbox.drainWakeups() }
    }

    // MARK: - Commands

    private func handle(_ command: Command) {
        switch command {
        case .publish(let message, let completion):
            guard connection != nil else {
                completion.complete(.failure(AMQPError(.notConnected, "not connected to the broker (reconnecting); nothing was sent")))
                return
            }
            if closeDeadline != nil {
                completion.complete(.failure(AMQPError(.closed, "the connection is closing")))
                return
            }
            publish(message, completion)
        case .declare(let topology, let continuation):
            guard connection != nil else { deferred.append(command); return }
            do {
                try declareOnWire(topology)
                topologies.append(topology)
                continuation.resume()
            } catch {
                continuation.resume(throwing: error.error)
                if error.isConnectionLevel { dropConnection(error.error, reason: "declare") }
            }
        case .inspect(let queue, let continuation):
            guard connection != nil else {
                continuation.resume(throwing: AMQPError(.notConnected, "not connected to the broker (reconnecting)"))
                return
            }
            do {
                continuation.resume(returning: try inspectOnWire(queue))
            } catch {
                continuation.resume(throwing: error.error)
                if error.isConnectionLevel { dropConnection(error.error, reason: "inspect") }
            }
        case .consume(let spec, let continuation):
            // While disconnected, wait with the declarations asked for earlier, so they run first.
            guard connection != nil else { deferred.append(command); return }
            let consumer = ConsumerState(spec: spec)
            consumers[spec.id] = consumer
            do {
                try startConsumer(consumer)
                continuation.resume()
            } catch {
                consumers[spec.id] = nil
                spec.continuation.finish(throwing: error.error)
                continuation.resume(throwing: error.error)
                if error.isConnectionLevel { dropConnection(error.error, reason: "consume") }
            }
        case .cancel(let id, let continuation):
            deferred.removeAll { pending in
                guard case .consume(let spec, let started) = pending, spec.id == id else { return false }
                spec.continuation.finish()
                started.resume(throwing: AMQPError(.consumerCancelled, "the consumer of \(spec.queue) was cancelled before it started"))
                return true
            }
            cancelConsumer(id)
            continuation?.resume()
        case .settle(let settlement):
            settle(settlement)
        case .close(let continuation):
            closeWaiters.append(continuation)
            if closeDeadline == nil {
                closeDeadline = ContinuousClock.now + configuration.timeout
                for id in Array(consumers.keys) { cancelConsumer(id) }
            }
        }
    }

    private func publish(_ message: AMQPMessage, _ completion: PublishCompletion) {
        guard let c = connection else { return }
        let arena = CArena()
        var properties = arena.properties(message.properties)
        let exchange = arena.bytes(message.exchange)
        let routingKey = arena.bytes(message.routingKey)
        if gathersFrames {
            do {
                try message.body.withUnsafeBytes { raw in
                    try outgoing.appendPublish(channel: Self.publishChannel, exchange: exchange, routingKey: routingKey,
                                               properties: &properties, body: raw, frameMax: Int(amqp_get_frame_max(c)))
                }
            } catch {
                // Nothing of it was gathered: only this publish fails.
                completion.complete(.failure(error as? AMQPError ?? AMQPError(.protocolError, "\(error)")))
                return
            }
            _ = confirms.published(completion, deadline: .now + configuration.confirmTimeout)
            return
        }
        _ = confirms.published(completion, deadline: .now + configuration.confirmTimeout)
        let status = message.body.withUnsafeBytes { raw in
            amqp_basic_publish(c, Self.publishChannel, exchange, routingKey, 0, 0, &properties,
                               amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
        }
        if status != AMQP_STATUS_OK.rawValue {
            dropConnection(AMQPError(.connectionLost, "publish failed: \(Self.statusText(status))"), reason: "publish")
        }
    }

    /// Fails publishes whose confirm is overdue (a broker-side queue that never answers must not hang callers).
    private func expireConfirms() {
        guard let next = confirms.nextDeadline, next < .now else { return }
        let error = AMQPError(.publishTimedOut, "no confirm from the broker within \(configuration.confirmTimeout); the message may or may not be queued")
        for waiter in confirms.expire(now: .now) { waiter.complete(.failure(error)) }
    }

    private func settle(_ s: Settlement) {
        guard let c = connection, channelEpochs[s.channel] == s.channelEpoch else {
            logger.log(.debug, "settlement for a closed channel dropped (the broker requeued the message)")
            return
        }
        var status = AMQP_STATUS_OK.rawValue
        if gathersFrames {
            do {
                try outgoing.appendSettlement(channel: s.channel, deliveryTag: s.deliveryTag, kind: s.kind, multiple: s.multiple)
            } catch {
                dropConnection(error, reason: "settle")
                return
            }
        } else {
            switch s.kind {
            case .ack: status = amqp_basic_ack(c, s.channel, s.deliveryTag, s.multiple ? 1 : 0)
            case .nack(let requeue): status = amqp_basic_nack(c, s.channel, s.deliveryTag, s.multiple ? 1 : 0, requeue ? 1 : 0)
            case .reject(let requeue): status = amqp_basic_reject(c, s.channel, s.deliveryTag, requeue ? 1 : 0)
            }
        }
        if status != AMQP_STATUS_OK.rawValue {
            dropConnection(AMQPError(.connectionLost, "settle failed: \(Self.statusText(status))"), reason: "settle")
            return
        }
        if let id = consumerByChannel[s.channel], let consumer = consumers[id] {
            if s.multiple {
                consumer.outstanding = consumer.outstanding.filter { $0 > s.deliveryTag }
            } else {
                consumer.outstanding.remove(s.deliveryTag)
            }
            if consumer.cancelled, consumer.outstanding.isEmpty { retire(consumer) }
        }
    }

    // MARK: - Connecting

    private func connect() throws(AMQPError) {
        guard let c = amqp_new_connection() else { throw AMQPError(.connectionFailed, "out of memory") }
        connection = c
        let config = configuration
        var timeout = Self.makeTimeval(config.timeout)
        let socket: OpaquePointer?
        if let tls = config.tls {
            socket = amqp_ssl_socket_new(c)
            guard let socket else { throw AMQPError(.connectionFailed, "cannot create a TLS socket") }
            if let ca = tls.caCertificatePath {
                let status = amqp_ssl_socket_set_cacert(socket, ca)
                guard status == AMQP_STATUS_OK.rawValue else {
                    throw AMQPError(.invalidConfiguration, "cannot load CA certificates from \(ca): \(Self.statusText(status))")
                }
            }
            if let cert = tls.clientCertificatePath, let key = tls.clientKeyPath {
                let status = amqp_ssl_socket_set_key(socket, cert, key)
                guard status == AMQP_STATUS_OK.rawValue else {
                    throw AMQPError(.invalidConfiguration, "cannot load client certificate \(cert): \(Self.statusText(status))")
                }
            }
            amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
            amqp_ssl_socket_set_verify_hostname(socket, tls.verifyHostname ? 1 : 0)
        } else {
            socket = amqp_tcp_socket_new(c)
        }
        guard let socket else { throw AMQPError(.connectionFailed, "cannot create a socket") }
        let opened = amqp_socket_open_noblock(socket, config.host, Int32(config.port), &timeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionFailed, "cannot connect to \(config.host):\(config.port): \(Self.statusText(opened))")
        }
        _ = amqp_set_handshake_timeout(c, &timeout)
        _ = amqp_set_rpc_timeout(c, &timeout)
        let arena = CArena()
        var clientProperties = arena.table(config.connectionName.map { ["connection_name": .string($0)] } ?? [:])
        let login = baton_amqp_login_plain_with_properties(
            c, config.virtualHost, 0, Int32(clamping: config.frameMax), Int32(clamping: config.heartbeatSeconds),
            &clientProperties, config.credentials.user, config.credentials.password)
        do {
            try check(login, channel: 0, context: "login")
        } catch {
            if error.error.code == .connectionLost || error.error.code == .protocolError {
                throw AMQPError(.accessRefused, "login refused for user \(config.credentials.user) on vhost \(config.virtualHost): \(error.error.message)")
            }
            throw error.error
        }
        do throws(WireError) {
            try openChannel(Self.publishChannel)
            _ = amqp_confirm_select(c, Self.publishChannel)
            try check(amqp_get_rpc_reply(c), channel: Self.publishChannel, context: "confirm.select")
            try openChannel(Self.declareChannel)
            for topology in topologies {
                var failure: WireError?
                do {
                    try declareOnWire(topology)
                } catch {
                    if error.isConnectionLevel { failure = error }
                    logger.log(.error, "re-declaring topology after reconnect failed", ["error": error.error.description])
                }
                if let failure { throw failure }
            }
            for id in consumers.keys.sorted() {
                guard let consumer = consumers[id], !consumer.cancelled else { continue }
                var failure: WireError?
                do {
                    try startConsumer(consumer)
                } catch {
                    if !error.isConnectionLevel {
                        logger.log(.error, "resuming a consumer after reconnect failed",
                                   ["queue": consumer.spec.queue, "error": error.error.description])
                        consumers[id] = nil
                        consumer.spec.continuation.finish(throwing: error.error)
                    } else if error.isTimeout {
                        // A queue whose broker side is stuck (seen: a quorum queue declared < 1 s before a crash)
                        // would otherwise keep the whole connection from coming back: drop that consumer.
                        logger.log(.error, "the broker did not answer basic.consume after reconnect; dropping the consumer",
                                   ["queue": consumer.spec.queue])
                        consumers[id] = nil
                        consumer.spec.continuation.finish(throwing: AMQPError(
                            .consumerCancelled, "could not resume consuming \(consumer.spec.queue): the broker did not answer in time"))
                        failure = error
                    } else {
                        failure = error
                    }
                }
                if let failure { throw failure }
            }
        } catch {
            throw error.error
        }
        generation += 1
        mailbox.setConnected(true, generation: generation)
        logger.log(.info, "AMQP connected", ["amqp.url": config.description, "generation": "\(generation)"])
    }

    /// Writes the gathered publishes and settlements: before reading, before sleeping, and before anything else is
    /// sent through rabbitmq-c (every function here that calls it starts with this), so frames leave in the order
    /// they were decided — an ack before the close of its channel.
    private func flushOutgoing() {
        guard !outgoing.isEmpty else { return }
        guard let c = connection else {
            outgoing.discard()
            return
        }
        do {
            try outgoing.write(to: amqp_get_sockfd(c))
        } catch {
            dropConnection(error, reason: "write")
        }
    }

    /// Tears the connection down after a failure: unconfirmed publishes fail, consumers wait to be resumed.
    private func dropConnection(_ error: AMQPError, reason: String) {
        outgoing.discard()
        guard let c = connection else { return }
        connection = nil
        if generation > 0, mailbox.status.connected {
            logger.log(.warning, "AMQP connection lost", ["reason": reason, "error": error.description])
        }
        mailbox.setConnected(false, generation: generation)
        amqp_destroy_connection(c)
        channelEpochs = [:]
        consumerByChannel = [:]
        for consumer in consumers.values {
            consumer.channel = 0
            consumer.outstanding = []
        }
        for id in Array(consumers.keys) where consumers[id]?.cancelled == true {
            consumers[id] = nil
        }
        let lost = AMQPError(.connectionLost,
                             "the connection was lost before the broker confirmed the publish; it may or may not have been delivered: \(error.message)")
        for waiter in confirms.reset() { waiter.complete(.failure(lost)) }
    }

    private func shutdown() {
        flushOutgoing()
        if let c = connection {
            connection = nil
            _ = amqp_connection_close(c, AMQP_REPLY_SUCCESS)
            amqp_destroy_connection(c)
        }
        let closed = AMQPError(.closed, "the connection was closed before the broker confirmed the publish")
        for waiter in confirms.reset() { waiter.complete(.failure(closed)) }
        for consumer in consumers.values { consumer.spec.continuation.finish() }
        consumers = [:]
        for command in deferred { command.failClosed() }
        deferred = []
        for command in mailbox.shut() {
            if case .close(let continuation) = command { closeWaiters.append(continuation) } else { command.failClosed() }
        }
        logger.log(.info, "AMQP connection closed", ["amqp.url": configuration.description])
        for waiter in closeWaiters { waiter?.resume() }
        closeWaiters = []
    }

    // MARK: - Channels, topology, consumers

    private func openChannel(_ channel: UInt16) throws(WireError) {
        flushOutgoing()
        guard let c = connection else { throw WireError(AMQPError(.notConnected, "not connected"), connectionLevel: true) }
        _ = amqp_channel_open(c, channel)
        try check(amqp_get_rpc_reply(c), channel: channel, context: "channel.open")
        channelEpochs[channel] = nextEpoch
        nextEpoch += 1
    }

    private func declareOnWire(_ topology: AMQPTopology) throws(WireError) {
        flushOutgoing()
        guard let c = connection else { throw WireError(AMQPError(.notConnected, "not connected"), connectionLevel: true) }
        let ch = Self.declareChannel
        let arena = CArena()
        do {
            for e in topology.exchanges {
                _ = amqp_exchange_declare(c, ch, arena.bytes(e.name), arena.bytes(e.kind.rawValue), 0,
                                          e.durable ? 1 : 0, e.autoDelete ? 1 : 0, e.internal ? 1 : 0, arena.table(e.arguments))
                try check(amqp_get_rpc_reply(c), channel: ch, context: "exchange.declare \(e.name)")
            }
            for q in topology.queues {
                _ = amqp_queue_declare(c, ch, arena.bytes(q.name), 0, q.durable ? 1 : 0, q.exclusive ? 1 : 0,
                                       q.autoDelete ? 1 : 0, arena.table(q.arguments))
                try check(amqp_get_rpc_reply(c), channel: ch, context: "queue.declare \(q.name)")
            }
            for b in topology.bindings {
                _ = amqp_queue_bind(c, ch, arena.bytes(b.queue), arena.bytes(b.exchange), arena.bytes(b.routingKey),
                                    arena.table(b.arguments))
                try check(amqp_get_rpc_reply(c), channel: ch, context: "queue.bind \(b.queue) to \(b.exchange)")
            }
        } catch {
            if !error.isConnectionLevel {
                // The broker closed the declaration channel; open it again for the next declaration.
                do { try openChannel(ch) } catch { throw WireError(error.error, connectionLevel: true) }
            }
            throw error
        }
    }

    private func inspectOnWire(_ queue: String) throws(WireError) -> AMQPQueueInfo {
        flushOutgoing()
        guard let c = connection else { throw WireError(AMQPError(.notConnected, "not connected"), connectionLevel: true) }
        let ch = Self.declareChannel
        let arena = CArena()
        let ok = amqp_queue_declare(c, ch, arena.bytes(queue), 1, 0, 0, 0, amqp_table_t(num_entries: 0, entries: nil))
        do {
            try check(amqp_get_rpc_reply(c), channel: ch, context: "queue.declare (passive) \(queue)")
        } catch {
            if !error.isConnectionLevel {
                do { try openChannel(ch) } catch { throw WireError(error.error, connectionLevel: true) }
            }
            throw error
        }
        guard let ok else { throw WireError(AMQPError(.protocolError, "queue.declare-ok missing"), connectionLevel: true) }
        return AMQPQueueInfo(messageCount: ok.pointee.message_count, consumerCount: ok.pointee.consumer_count)
    }

    private func startConsumer(_ consumer: ConsumerState) throws(WireError) {
        flushOutgoing()
        guard let c = connection else { throw WireError(AMQPError(.notConnected, "not connected"), connectionLevel: true) }
        let ch = freeChannel()
        try openChannel(ch)
        let arena = CArena()
        _ = amqp_basic_qos(c, ch, 0, consumer.spec.prefetch, 0)
        try check(amqp_get_rpc_reply(c), channel: ch, context: "basic.qos")
        let ok = amqp_basic_consume(c, ch, arena.bytes(consumer.spec.queue), amqp_bytes_t(len: 0, bytes: nil), 0, 0,
                                    consumer.spec.exclusive ? 1 : 0, arena.table(consumer.spec.arguments))
        try check(amqp_get_rpc_reply(c), channel: ch, context: "basic.consume \(consumer.spec.queue)")
        consumer.tag = ok.map { CDecode.string($0.pointee.consumer_tag) } ?? ""
        consumer.channel = ch
        consumer.outstanding = []
        consumerByChannel[ch] = consumer.spec.id
        logger.log(.debug, "consuming", ["queue": consumer.spec.queue, "channel": "\(ch)"])
    }

    private func freeChannel() -> UInt16 {
        var ch: UInt16 = 3
        while channelEpochs[ch] != nil { ch += 1 }
        return ch
    }

    private func cancelConsumer(_ id: UInt64) {
        flushOutgoing()
        guard let consumer = consumers[id], !consumer.cancelled else { return }
        consumer.cancelled = true
        consumer.spec.continuation.finish()
        guard let c = connection, consumer.channel != 0 else {
            consumers[id] = nil
            return
        }
        let arena = CArena()
        _ = amqp_basic_cancel(c, consumer.channel, arena.bytes(consumer.tag))
        do {
            try check(amqp_get_rpc_reply(c), channel: consumer.channel, context: "basic.cancel")
        } catch {
            if error.isConnectionLevel { dropConnection(error.error, reason: "cancel"); return }
        }
        if consumer.outstanding.isEmpty { retire(consumer) }
    }

    /// Closes a cancelled consumer's channel once nothing delivered on it is left to settle.
    private func retire(_ consumer: ConsumerState) {
        flushOutgoing()
        consumers[consumer.spec.id] = nil
        let ch = consumer.channel
        guard let c = connection, ch != 0, channelEpochs[ch] != nil else { return }
        consumerByChannel[ch] = nil
        channelEpochs[ch] = nil
        let reply = amqp_channel_close(c, ch, AMQP_REPLY_SUCCESS)
        do {
            try check(reply, channel: ch, context: "channel.close")
        } catch where error.isConnectionLevel {
            dropConnection(error.error, reason: "channel.close")
        } catch {}
    }

    // MARK: - Incoming frames

    private func pumpIncoming() {
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        var handled = 0
        while handled < 512, let c = connection {
            var frame = amqp_frame_t()
            let status = amqp_simple_wait_frame_noblock(c, &frame, &zero)
            if status == AMQP_STATUS_TIMEOUT.rawValue { break }
            guard status == AMQP_STATUS_OK.rawValue else {
                dropConnection(AMQPError(.connectionLost, Self.statusText(status)), reason: "read")
                return
            }
            handled += 1
            do {
                try handleFrame(frame)
            } catch {
                if error.isConnectionLevel { dropConnection(error.error, reason: "frame") }
            }
        }
        if let c = connection { amqp_maybe_release_buffers(c) }
    }

    private func handleFrame(_ frame: amqp_frame_t) throws(WireError) {
        guard let c = connection, frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return }
        let method = frame.payload.method
        let ch = frame.channel
        switch method.id {
        case AMQP_BASIC_ACK_METHOD:
            guard let decoded = method.decoded, ch == Self.publishChannel else { return }
            let ack = decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            for waiter in confirms.settle(tag: ack.delivery_tag, multiple: ack.multiple != 0) { waiter.complete(.success(())) }
        case AMQP_BASIC_NACK_METHOD:
            guard let decoded = method.decoded, ch == Self.publishChannel else { return }
            let nack = decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            let error = AMQPError(.publishNacked, "the broker refused the message (basic.nack); publish it again")
            for waiter in confirms.settle(tag: nack.delivery_tag, multiple: nack.multiple != 0) { waiter.complete(.failure(error)) }
        case AMQP_BASIC_DELIVER_METHOD:
            guard let decoded = method.decoded else { return }
            let deliver = decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            let tag = deliver.delivery_tag
            let redelivered = deliver.redelivered != 0
            let exchange = CDecode.string(deliver.exchange)
            let routingKey = CDecode.string(deliver.routing_key)
            let consumerTag = CDecode.string(deliver.consumer_tag)
            var message = amqp_message_t()
            try check(amqp_read_message(c, ch, &message, 0), channel: ch, context: "reading a delivery")
            let properties = CDecode.properties(message.properties)
            let body = CDecode.bytes(message.body)
            amqp_destroy_message(&message)
            guard let id = consumerByChannel[ch], let consumer = consumers[id], !consumer.cancelled,
                  let epoch = channelEpochs[ch] else {
                _ = amqp_basic_reject(c, ch, tag, 1)
                return
            }
            consumer.outstanding.insert(tag)
            consumer.spec.continuation.yield(AMQPDelivery(
                body: body, properties: properties, deliveryTag: tag, redelivered: redelivered, exchange: exchange,
                routingKey: routingKey, consumerTag: consumerTag, mailbox: mailbox, channel: ch, channelEpoch: epoch))
        case AMQP_BASIC_RETURN_METHOD:
            var message = amqp_message_t()
            try check(amqp_read_message(c, ch, &message, 0), channel: ch, context: "reading a returned message")
            amqp_destroy_message(&message)
            logger.log(.warning, "the broker returned an unroutable message")
        case AMQP_BASIC_CANCEL_METHOD:
            guard let id = consumerByChannel[ch], let consumer = consumers[id] else { return }
            logger.log(.warning, "the broker cancelled a consumer", ["queue": consumer.spec.queue])
            consumer.cancelled = true
            consumer.spec.continuation.finish(throwing: AMQPError(.consumerCancelled, "the broker cancelled the consumer of \(consumer.spec.queue)"))
            consumer.outstanding = []
            retire(consumer)
        case AMQP_CHANNEL_CLOSE_METHOD:
            let error = Self.closeError(method, context: "channel \(ch) closed by the broker")
            var closeOk = amqp_channel_close_ok_t(dummy: 0)
            _ = amqp_send_method(c, ch, AMQP_CHANNEL_CLOSE_OK_METHOD, &closeOk)
            try channelClosedByBroker(ch, error)
        case AMQP_CONNECTION_CLOSE_METHOD:
            let error = Self.closeError(method, context: "connection closed by the broker")
            var closeOk = amqp_connection_close_ok_t(dummy: 0)
            _ = amqp_send_method(c, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &closeOk)
            throw WireError(AMQPError(.connectionLost, error.message, replyCode: error.replyCode), connectionLevel: true)
        case AMQP_CONNECTION_BLOCKED_METHOD:
            logger.log(.warning, "the broker blocked publishing (resource alarm)")
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            logger.log(.notice, "the broker unblocked publishing")
        default:
            break
        }
    }

    /// Reopens a channel the broker closed, failing what was in flight on it.
    private func channelClosedByBroker(_ ch: UInt16, _ error: AMQPError) throws(WireError) {
        logger.log(.warning, "channel closed by the broker", ["channel": "\(ch)", "error": error.description])
        channelEpochs[ch] = nil
        if ch == Self.publishChannel {
            // Every publish in flight on the channel fails with the broker's reason (usually one bad exchange).
            let failure = AMQPError(error.code, "\(error.message); the publishes in flight on the channel were not confirmed",
                                    replyCode: error.replyCode)
            for waiter in confirms.reset() { waiter.complete(.failure(failure)) }
            guard let c = connection else { return }
            try openChannel(ch)
            _ = amqp_confirm_select(c, ch)
            try check(amqp_get_rpc_reply(c), channel: ch, context: "confirm.select")
        } else if ch == Self.declareChannel {
            try openChannel(ch)
        } else if let id = consumerByChannel.removeValue(forKey: ch), let consumer = consumers[id] {
            consumer.channel = 0
            consumer.outstanding = []
            if consumer.cancelled {
                consumers[id] = nil
                return
            }
            do {
                try startConsumer(consumer)
            } catch where !error.isConnectionLevel {
                consumers[id] = nil
                consumer.spec.continuation.finish(throwing: error.error)
            }
        }
    }

    // MARK: - Errors

    /// Turns an RPC reply into success or a `WireError`; answers the broker's close with close-ok.
    private func check(_ reply: amqp_rpc_reply_t, channel: UInt16, context: String) throws(WireError) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw WireError(AMQPError(.connectionLost, "\(context): \(Self.statusText(reply.library_error))"), connectionLevel: true,
                            timeout: reply.library_error == AMQP_STATUS_TIMEOUT.rawValue)
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            let error = Self.closeError(reply.reply, context: context)
            if reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD, let c = connection {
                var closeOk = amqp_channel_close_ok_t(dummy: 0)
                _ = amqp_send_method(c, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &closeOk)
                channelEpochs[channel] = nil
                return try { () throws(WireError) in throw WireError(error, connectionLevel: false) }()
            }
            if reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD, let c = connection {
                var closeOk = amqp_connection_close_ok_t(dummy: 0)
                _ = amqp_send_method(c, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &closeOk)
            }
            throw WireError(error, connectionLevel: true)
        default:
            throw WireError(AMQPError(.protocolError, "\(context): no reply"), connectionLevel: true)
        }
    }

    private static func closeError(_ method: amqp_method_t, context: String) -> AMQPError {
        var code: UInt16 = 0
        var text = ""
        if let decoded = method.decoded {
            if method.id == AMQP_CHANNEL_CLOSE_METHOD {
                let close = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                code = close.reply_code
                text = CDecode.string(close.reply_text)
            } else if method.id == AMQP_CONNECTION_CLOSE_METHOD {
                let close = decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                code = close.reply_code
                text = CDecode.string(close.reply_text)
            }
        }
        let kind: AMQPError.Code = switch code {
        case 403: .accessRefused
        case 404: .notFound
        case 406: .preconditionFailed
        case 320: .connectionLost
        default: .brokerError
        }
        return AMQPError(kind, "\(context): \(text)", replyCode: code == 0 ? nil : code)
    }

    static func statusText(_ status: Int32) -> String {
        guard let text = amqp_error_string2(status) else { return "status \(status)" }
        return String(cString: text)
    }

    static func makeTimeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

/// What the connection thread keeps for one consumer.
final class ConsumerState {
    let spec: ConsumerSpec
    var channel: UInt16 = 0
    var tag = ""
    var cancelled = false
    /// Delivery tags handed out and not yet settled on the current channel.
    var outstanding: Set<UInt64> = []

    init(spec: ConsumerSpec) { self.spec = spec }
}

/// An error from the wire, and whether it killed the connection (else only a channel).
struct WireError: Error {
    let error: AMQPError
    let isConnectionLevel: Bool
    /// A synchronous method got no answer in time (rabbitmq-c then closes the connection).
    let isTimeout: Bool

    init(_ error: AMQPError, connectionLevel: Bool, timeout: Bool = false) {
        self.error = error
        self.isConnectionLevel = connectionLevel
        self.isTimeout = timeout
    }
}
