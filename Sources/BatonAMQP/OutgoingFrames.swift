import CRabbitMQ
import Foundation

/// Publishes and acknowledgements encoded as AMQP frames into one buffer, written to the socket with one system call
/// per round of the connection thread instead of one per frame.
///
/// rabbitmq-c's `amqp_basic_publish` sends the method, header and body frames with a `send` each, and every ack
/// with another: about five system calls and two TCP pushes per task round trip, each waking the broker. Encoding
/// uses rabbitmq-c's own encoders (`amqp_encode_method`, `amqp_encode_properties`), so the bytes are those it would
/// have sent. Only for plain TCP: a TLS socket's bytes must go through rabbitmq-c.
struct OutgoingFrames {
    private var bytes: [UInt8] = []

    var isEmpty: Bool { bytes.isEmpty }

    /// The frames gathered so far, as they will be written.
    var encoded: [UInt8] { bytes }

    // AMQP 0-9-1 numbers (class 60 = basic).
    private static let methodFrame: UInt8 = 1
    private static let headerFrame: UInt8 = 2
    private static let bodyFrame: UInt8 = 3
    private static let frameEnd: UInt8 = 0xCE
    private static let basicClass: UInt16 = 60
    private static let publishMethod: UInt32 = 0x003C_0028
    private static let ackMethod: UInt32 = 0x003C_0050
    private static let rejectMethod: UInt32 = 0x003C_005A
    private static let nackMethod: UInt32 = 0x003C_0078
    /// Frame header (type, channel, size) and end byte.
    private static let frameOverhead = 8

    /// Appends a `basic.publish` with its header and body frames (bodies split to fit `frameMax`); on an error nothing
    /// of it is appended.
    mutating func appendPublish(channel: UInt16, exchange: amqp_bytes_t, routingKey: amqp_bytes_t,
                                properties: inout amqp_basic_properties_t, body: UnsafeRawBufferPointer,
                                frameMax: Int) throws(AMQPError) {
        let start = bytes.count
        do {
            try appendPublishFrames(channel: channel, exchange: exchange, routingKey: routingKey, properties: &properties,
                                    body: body, frameMax: frameMax)
        } catch {
            bytes.removeSubrange(start...)
            throw error
        }
    }

    private mutating func appendPublishFrames(channel: UInt16, exchange: amqp_bytes_t, routingKey: amqp_bytes_t,
                                              properties: inout amqp_basic_properties_t, body: UnsafeRawBufferPointer,
                                              frameMax: Int) throws(AMQPError) {
        var method = amqp_basic_publish_t(ticket: 0, exchange: exchange, routing_key: routingKey, mandatory: 0, immediate: 0)
        try appendMethod(channel: channel, Self.publishMethod, &method, capacity: exchange.len + routingKey.len + 16)
        let maxPayload = max(4096, frameMax) - Self.frameOverhead
        // Properties rarely exceed a few hundred bytes; a large headers table gets the whole frame.
        var encoded = false
        for capacity in [1024, maxPayload] where !encoded {
            encoded = try appendFrame(Self.headerFrame, channel: channel, capacity: capacity) { payload in
                Self.put16(Self.basicClass, payload, 0)
                Self.put16(0, payload, 2)
                Self.put64(UInt64(body.count), payload, 4)
                let n = amqp_encode_properties(Self.basicClass, &properties,
                                               amqp_bytes_t(len: payload.count - 12, bytes: payload.baseAddress! + 12))
                return n < 0 ? nil : 12 + Int(n)
            }
        }
        guard encoded else { throw AMQPError(.protocolError, "the message's properties do not fit in one frame of \(frameMax) bytes") }
        var offset = 0
        while offset < body.count {
            let chunk = min(maxPayload, body.count - offset)
            _ = try appendFrame(Self.bodyFrame, channel: channel, capacity: chunk) { payload in
                payload.copyMemory(from: UnsafeRawBufferPointer(rebasing: body[offset..<(offset + chunk)]))
                return chunk
            }
            offset += chunk
        }
    }

    /// Appends a `basic.ack`, `basic.nack` or `basic.reject`.
    mutating func appendSettlement(channel: UInt16, deliveryTag: UInt64, kind: Settlement.Kind, multiple: Bool) throws(AMQPError) {
        switch kind {
        case .ack:
            var m = amqp_basic_ack_t(delivery_tag: deliveryTag, multiple: multiple ? 1 : 0)
            try appendMethod(channel: channel, Self.ackMethod, &m, capacity: 16)
        case .nack(let requeue):
            var m = amqp_basic_nack_t(delivery_tag: deliveryTag, multiple: multiple ? 1 : 0, requeue: requeue ? 1 : 0)
            try appendMethod(channel: channel, Self.nackMethod, &m, capacity: 16)
        case .reject(let requeue):
            var m = amqp_basic_reject_t(delivery_tag: deliveryTag, requeue: requeue ? 1 : 0)
            try appendMethod(channel: channel, Self.rejectMethod, &m, capacity: 16)
        }
    }

    /// Writes everything gathered to `fd` (waiting while the socket is full, as rabbitmq-c does) and empties the buffer.
    mutating func write(to fd: Int32) throws(AMQPError) {
        defer { bytes.removeAll(keepingCapacity: true) }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            let code = errno
            if sent < 0, code == EINTR { continue }
            if sent < 0, code == EAGAIN || code == EWOULDBLOCK {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, -1)
                continue
            }
            throw AMQPError(.connectionLost, "send failed: \(String(cString: strerror(code)))")
        }
    }

    /// Drops what was gathered (the connection is gone).
    mutating func discard() {
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Encoding

    private mutating func appendMethod<Fields>(channel: UInt16, _ id: UInt32, _ fields: inout Fields, capacity: Int) throws(AMQPError) {
        let ok = try withUnsafeMutablePointer(to: &fields) { pointer throws(AMQPError) -> Bool in
            try appendFrame(Self.methodFrame, channel: channel, capacity: 4 + capacity) { payload in
                Self.put32(id, payload, 0)
                let n = amqp_encode_method(id, pointer, amqp_bytes_t(len: payload.count - 4, bytes: payload.baseAddress! + 4))
                return n < 0 ? nil : 4 + Int(n)
            }
        }
        guard ok else { throw AMQPError(.protocolError, "cannot encode method \(String(id, radix: 16))") }
    }

    /// Appends one frame whose payload `fill` writes into `capacity` bytes, returning its length (nil: did not fit,
    /// nothing appended).
    private mutating func appendFrame(_ type: UInt8, channel: UInt16, capacity: Int,
                                      _ fill: (UnsafeMutableRawBufferPointer) -> Int?) throws(AMQPError) -> Bool {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 7 + capacity + 1))
        let length = bytes.withUnsafeMutableBytes { raw in
            fill(UnsafeMutableRawBufferPointer(rebasing: raw[(start + 7)..<(start + 7 + capacity)]))
        }
        guard let length, length <= capacity else {
            bytes.removeSubrange(start...)
            return false
        }
        bytes.withUnsafeMutableBytes { raw in
            raw[start] = type
            Self.put16(channel, raw, start + 1)
            Self.put32(UInt32(length), raw, start + 3)
            raw[start + 7 + length] = Self.frameEnd
        }
        bytes.removeSubrange((start + 7 + length + 1)...)
        return true
    }

    private static func put16(_ v: UInt16, _ p: UnsafeMutableRawBufferPointer, _ at: Int) {
        p[at] = UInt8(v >> 8)
        p[at + 1] = UInt8(v & 0xFF)
    }

    private static func put32(_ v: UInt32, _ p: UnsafeMutableRawBufferPointer, _ at: Int) {
        for i in 0..<4 { p[at + i] = UInt8((v >> (24 - 8 * UInt32(i))) & 0xFF) }
    }

    private static func put64(_ v: UInt64, _ p: UnsafeMutableRawBufferPointer, _ at: Int) {
        for i in 0..<8 { p[at + i] = UInt8((v >> (56 - 8 * UInt64(i))) & 0xFF) }
    }
}
