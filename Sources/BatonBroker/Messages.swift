import BatonAMQP
import BatonCore
import BatonEngine
import BatonLanguage

/// Reads a StartExecution-shaped message (or a trigger's message, whose body is the input).
enum StartMessage {
    static func decode(_ delivery: AMQPDelivery, trigger: BrokerConfiguration.Trigger?, maxBytes: Int) throws(EngineError) -> Orchestrator.StartRequest {
        let json = try MessageJSON.parse(delivery.body, maxBytes: maxBytes)
        let reply = delivery.properties.replyTo.map {
            ReplyAddress(replyTo: $0, correlationId: delivery.properties.correlationID ?? "")
        }
        if let trigger {
            // A trigger's body is the input as it is; a message_id names the execution (idempotent).
            return Orchestrator.StartRequest(stateMachine: trigger.stateMachine, name: delivery.properties.messageID,
                                             input: json, replyTo: reply)
        }
        guard case .object(let o) = json else {
            throw EngineError(.invalidMessage, "a start message must be a JSON object, not \(json.typeName)")
        }
        guard let machine = (o["stateMachineArn"] ?? o["stateMachine"])?.stringValue, !machine.isEmpty else {
            throw EngineError(.invalidMessage, "a start message needs \"stateMachineArn\" or \"stateMachine\" (a string)")
        }
        var name: String?
        switch o["name"] {
        case nil, .null?: name = nil
        case .string(let s)?: name = s
        case let other?: throw EngineError(.invalidMessage, "\"name\" must be a string, not \(other.typeName)")
        }
        var input = JSON.emptyObject
        switch o["input"] {
        case nil, .null?: break
        case .string(let text)?:
            // As in the AWS API, a string is the input's JSON text.
            do {
                input = try JSONParser.parse(text)
            } catch {
                throw EngineError(.invalidJSON, "\"input\" is a string but not JSON text: \(error)")
            }
        case let value?: input = value
        }
        // Without a name, the message_id names the execution, so a start redelivered after a crash (saved,
        // not yet acked) finds the execution it already started instead of starting a second one.
        return Orchestrator.StartRequest(stateMachine: machine, name: name ?? delivery.properties.messageID.map { executionName(fromMessageID: $0) },
                                         input: input, replyTo: reply)
    }

    /// The message_id itself when it is a valid execution name, else a UUID-shaped digest of it.
    static func executionName(fromMessageID id: String) -> String {
        if Orchestrator.isValidName(id) { return id }
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in id.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9e37_79b9
        }
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, 16 - s.count)) + s
        }
        let h = hex(a) + hex(b)
        let c = Array(h)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }
}

/// Reads a worker's reply: the token from `correlation_id`, the outcome from `baton-status` and the body.
enum ReplyMessage {
    static func decode(_ delivery: AMQPDelivery, maxBytes: Int) throws(EngineError) -> (String, Orchestrator.TaskAnswer) {
        guard let token = delivery.properties.correlationID, !token.isEmpty else {
            throw EngineError(.invalidMessage, "a reply needs the task token as its correlation_id")
        }
        let status = delivery.properties.headers?["baton-status"]?.stringValue ?? "succeeded"
        switch status {
        case "succeeded":
            return (token, .succeeded(try MessageJSON.parse(delivery.body, maxBytes: maxBytes)))
        case "failed":
            return (token, try failure(delivery.body, maxBytes: maxBytes))
        case "heartbeat":
            return (token, .heartbeat)
        default:
            throw EngineError(.invalidMessage, "unknown baton-status '\(status)' (succeeded, failed or heartbeat)")
        }
    }

    /// `{"error","cause"}`; a body that isn't one still fails the task, with the body as the cause.
    static func failure(_ body: [UInt8], maxBytes: Int) throws(EngineError) -> Orchestrator.TaskAnswer {
        if body.count > maxBytes {
            throw EngineError(.payloadTooLarge, "the message is \(body.count) bytes; the limit is \(maxBytes)")
        }
        if let json = try? JSONParser.parse(bytes: body), case .object(let o) = json, let error = o["error"]?.stringValue {
            let cause: String? = switch o["cause"] {
            case nil, .null?: nil
            case .string(let s)?: s
            case let other?: other.serialized()
            }
            return .failed(error: error, cause: cause)
        }
        return .failed(error: StatesError.Name.taskFailed, cause: String(decoding: body.prefix(32_768), as: UTF8.self))
    }
}

/// A control message: SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat / StopExecution.
enum ControlMessage {
    case answer(token: String, Orchestrator.TaskAnswer)
    case stop(executionArn: String, error: String?, cause: String?)

    static func decode(_ delivery: AMQPDelivery, maxBytes: Int) throws(EngineError) -> ControlMessage {
        let json = try MessageJSON.parse(delivery.body, maxBytes: maxBytes)
        guard case .object(let o) = json else {
            throw EngineError(.invalidMessage, "a control message must be a JSON object, not \(json.typeName)")
        }
        guard let action = o["action"]?.stringValue else {
            throw EngineError(.invalidMessage, "a control message needs \"action\": SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat or StopExecution")
        }
        func string(_ key: String) -> String? { o[key]?.stringValue }
        func token() throws(EngineError) -> String {
            guard let t = string("taskToken"), !t.isEmpty else {
                throw EngineError(.invalidMessage, "\(action) needs \"taskToken\" (a string)")
            }
            return t
        }
        switch action {
        case "SendTaskSuccess":
            let t = try token()
            var output: JSON
            switch o["output"] {
            case nil: throw EngineError(.invalidMessage, "SendTaskSuccess needs \"output\"")
            case .string(let text)?:
                do { output = try JSONParser.parse(text) } catch {
                    throw EngineError(.invalidJSON, "\"output\" is a string but not JSON text: \(error)")
                }
            case let v?: output = v
            }
            return .answer(token: t, .succeeded(output))
        case "SendTaskFailure":
            return .answer(token: try token(), .failed(error: string("error") ?? "", cause: string("cause")))
        case "SendTaskHeartbeat":
            return .answer(token: try token(), .heartbeat)
        case "StopExecution":
            guard let arn = string("executionArn"), !arn.isEmpty else {
                throw EngineError(.invalidMessage, "StopExecution needs \"executionArn\" (a string)")
            }
            return .stop(executionArn: arn, error: string("error"), cause: string("cause"))
        default:
            throw EngineError(.invalidMessage, "unknown action '\(action)'")
        }
    }
}

/// Builds the message that hands a task to its worker.
enum TaskMessage {
    static func message(_ d: TaskDispatch, repliesQueue: String) -> AMQPMessage {
        var headers: AMQPTable = [
            "baton-execution-arn": .string(d.executionArn),
            "baton-state": .string(d.request.stateName),
            "baton-attempt": .int64(Int64(d.request.attempt)),
            "baton-resource": .string(d.request.resource.arn),
            "traceparent": .string(d.traceparent),
        ]
        if let deadline = d.deadline { headers["baton-deadline"] = .int64(deadline) }
        if let hb = d.request.heartbeatSeconds { headers["baton-heartbeat-seconds"] = .int64(Int64(hb)) }
        let properties = AMQPProperties(contentType: "application/json", headers: headers, deliveryMode: .persistent,
                                        correlationID: d.request.token, replyTo: repliesQueue,
                                        messageID: d.request.token)
        return AMQPMessage(routingKey: d.route.queue, body: Array(d.route.body.serialized().utf8), properties: properties)
    }
}

/// JSON bodies with a size limit and the engine's error names.
enum MessageJSON {
    static func parse(_ body: [UInt8], maxBytes: Int) throws(EngineError) -> JSON {
        if body.count > maxBytes {
            throw EngineError(.payloadTooLarge, "the message is \(body.count) bytes; the limit is \(maxBytes)")
        }
        do {
            return try JSONParser.parse(bytes: body)
        } catch {
            throw EngineError(.invalidJSON, "the body is not JSON: \(error)")
        }
    }
}
