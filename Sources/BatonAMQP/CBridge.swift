import CRabbitMQ

/// Owns C memory built for one call (strings, tables) and frees it all at once; used only on the connection thread.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for pointer in allocations { pointer.deallocate() }
    }

    /// Copies bytes into arena memory.
    func bytes(_ value: some Collection<UInt8>) -> amqp_bytes_t {
        let count = value.count
        guard count > 0 else { return amqp_bytes_t(len: 0, bytes: nil) }
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 1)
        allocations.append(pointer)
        let buffer = UnsafeMutableRawBufferPointer(start: pointer, count: count)
        buffer.copyBytes(from: value)
        return amqp_bytes_t(len: count, bytes: pointer)
    }

    /// Copies a string's UTF-8 into arena memory.
    func bytes(_ value: String) -> amqp_bytes_t { bytes(Array(value.utf8)) }

    /// Builds an `amqp_table_t` whose memory lives as long as the arena.
    func table(_ table: AMQPTable) -> amqp_table_t {
        guard !table.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let entries = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: table.count)
        allocations.append(UnsafeMutableRawPointer(entries))
        for (index, key) in table.keys.sorted().enumerated() {
            // Force-unwrap free: the key comes from the table itself.
            let value = table[key] ?? .void
            (entries + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(value)))
        }
        return amqp_table_t(num_entries: Int32(table.count), entries: entries)
    }

    /// Builds one field value.
    func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .bool(let v): field.kind = kind(AMQP_FIELD_KIND_BOOLEAN); field.value.boolean = v ? 1 : 0
        case .int8(let v): field.kind = kind(AMQP_FIELD_KIND_I8); field.value.i8 = v
        case .uint8(let v): field.kind = kind(AMQP_FIELD_KIND_U8); field.value.u8 = v
        case .int16(let v): field.kind = kind(AMQP_FIELD_KIND_I16); field.value.i16 = v
        case .uint16(let v): field.kind = kind(AMQP_FIELD_KIND_U16); field.value.u16 = v
        case .int32(let v): field.kind = kind(AMQP_FIELD_KIND_I32); field.value.i32 = v
        case .uint32(let v): field.kind = kind(AMQP_FIELD_KIND_U32); field.value.u32 = v
        case .int64(let v): field.kind = kind(AMQP_FIELD_KIND_I64); field.value.i64 = v
        case .uint64(let v): field.kind = kind(AMQP_FIELD_KIND_U64); field.value.u64 = v
        case .float(let v): field.kind = kind(AMQP_FIELD_KIND_F32); field.value.f32 = v
        case .double(let v): field.kind = kind(AMQP_FIELD_KIND_F64); field.value.f64 = v
        case .decimal(let scale, let v):
            field.kind = kind(AMQP_FIELD_KIND_DECIMAL); field.value.decimal = amqp_decimal_t(decimals: scale, value: v)
        case .string(let s): field.kind = kind(AMQP_FIELD_KIND_UTF8); field.value.bytes = bytes(s)
        case .bytes(let b): field.kind = kind(AMQP_FIELD_KIND_BYTES); field.value.bytes = bytes(b)
        case .timestamp(let v): field.kind = kind(AMQP_FIELD_KIND_TIMESTAMP); field.value.u64 = v
        case .void: field.kind = kind(AMQP_FIELD_KIND_VOID)
        case .table(let t): field.kind = kind(AMQP_FIELD_KIND_TABLE); field.value.table = table(t)
        case .array(let elements):
            field.kind = kind(AMQP_FIELD_KIND_ARRAY)
            if elements.isEmpty {
                field.value.array = amqp_array_t(num_entries: 0, entries: nil)
            } else {
                let entries = UnsafeMutablePointer<amqp_field_value_t>.allocate(capacity: elements.count)
                allocations.append(UnsafeMutableRawPointer(entries))
                for (index, element) in elements.enumerated() { (entries + index).initialize(to: self.field(element)) }
                field.value.array = amqp_array_t(num_entries: Int32(elements.count), entries: entries)
            }
        }
        return field
    }

    /// Builds `amqp_basic_properties_t` with its flags.
    func properties(_ p: AMQPProperties) -> amqp_basic_properties_t {
        var c = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ value: String?, _ flag: Int32, _ assign: (amqp_bytes_t) -> Void) {
            guard let value else { return }
            flags |= UInt32(flag)
            assign(bytes(value))
        }
        set(p.contentType, AMQP_BASIC_CONTENT_TYPE_FLAG) { c.content_type = $0 }
        set(p.contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG) { c.content_encoding = $0 }
        set(p.correlationID, AMQP_BASIC_CORRELATION_ID_FLAG) { c.correlation_id = $0 }
        set(p.replyTo, AMQP_BASIC_REPLY_TO_FLAG) { c.reply_to = $0 }
        set(p.expiration, AMQP_BASIC_EXPIRATION_FLAG) { c.expiration = $0 }
        set(p.messageID, AMQP_BASIC_MESSAGE_ID_FLAG) { c.message_id = $0 }
        set(p.type, AMQP_BASIC_TYPE_FLAG) { c.type = $0 }
        set(p.userID, AMQP_BASIC_USER_ID_FLAG) { c.user_id = $0 }
        set(p.appID, AMQP_BASIC_APP_ID_FLAG) { c.app_id = $0 }
        if let headers = p.headers {
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
            c.headers = table(headers)
        }
        if let mode = p.deliveryMode {
            flags |= UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
            c.delivery_mode = mode.rawValue
        }
        if let priority = p.priority {
            flags |= UInt32(AMQP_BASIC_PRIORITY_FLAG)
            c.priority = priority
        }
        if let timestamp = p.timestamp {
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
            c.timestamp = timestamp
        }
        c._flags = amqp_flags_t(flags)
        return c
    }

    private func kind(_ k: amqp_field_value_kind_t) -> UInt8 { UInt8(truncatingIfNeeded: k.rawValue) }
}

/// Converts decoded rabbitmq-c values into Swift values (copies: the C memory is released afterwards).
enum CDecode {
    static func bytes(_ b: amqp_bytes_t) -> [UInt8] {
        guard b.len > 0, let pointer = b.bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: b.len))
    }

    static func string(_ b: amqp_bytes_t) -> String {
        String(decoding: bytes(b), as: UTF8.self)
    }

    static func table(_ t: amqp_table_t) -> AMQPTable {
        var result: AMQPTable = [:]
        guard t.num_entries > 0, let entries = t.entries else { return result }
        for index in 0..<Int(t.num_entries) {
            let entry = entries[index]
            result[string(entry.key)] = field(entry.value)
        }
        return result
    }

    static func field(_ f: amqp_field_value_t) -> AMQPFieldValue {
        switch UInt32(f.kind) {
        case AMQP_FIELD_KIND_BOOLEAN.rawValue: return .bool(f.value.boolean != 0)
        case AMQP_FIELD_KIND_I8.rawValue: return .int8(f.value.i8)
        case AMQP_FIELD_KIND_U8.rawValue: return .uint8(f.value.u8)
        case AMQP_FIELD_KIND_I16.rawValue: return .int16(f.value.i16)
        case AMQP_FIELD_KIND_U16.rawValue: return .uint16(f.value.u16)
        case AMQP_FIELD_KIND_I32.rawValue: return .int32(f.value.i32)
        case AMQP_FIELD_KIND_U32.rawValue: return .uint32(f.value.u32)
        case AMQP_FIELD_KIND_I64.rawValue: return .int64(f.value.i64)
        case AMQP_FIELD_KIND_U64.rawValue: return .uint64(f.value.u64)
        case AMQP_FIELD_KIND_F32.rawValue: return .float(f.value.f32)
        case AMQP_FIELD_KIND_F64.rawValue: return .double(f.value.f64)
        case AMQP_FIELD_KIND_DECIMAL.rawValue: return .decimal(scale: f.value.decimal.decimals, value: f.value.decimal.value)
        case AMQP_FIELD_KIND_UTF8.rawValue:
            let raw = bytes(f.value.bytes)
            if let text = String(validating: raw, as: UTF8.self) { return .string(text) }
            return .bytes(raw)
        case AMQP_FIELD_KIND_BYTES.rawValue: return .bytes(bytes(f.value.bytes))
        case AMQP_FIELD_KIND_TIMESTAMP.rawValue: return .timestamp(f.value.u64)
        case AMQP_FIELD_KIND_TABLE.rawValue: return .table(table(f.value.table))
        case AMQP_FIELD_KIND_ARRAY.rawValue:
            let array = f.value.array
            guard array.num_entries > 0, let entries = array.entries else { return .array([]) }
            return .array((0..<Int(array.num_entries)).map { field(entries[$0]) })
        default: return .void
        }
    }

    static func properties(_ c: amqp_basic_properties_t) -> AMQPProperties {
        let flags = UInt32(c._flags)
        func has(_ flag: Int32) -> Bool { flags & UInt32(flag) != 0 }
        var p = AMQPProperties()
        if has(AMQP_BASIC_CONTENT_TYPE_FLAG) { p.contentType = string(c.content_type) }
        if has(AMQP_BASIC_CONTENT_ENCODING_FLAG) { p.contentEncoding = string(c.content_encoding) }
        if has(AMQP_BASIC_HEADERS_FLAG) { p.headers = table(c.headers) }
        if has(AMQP_BASIC_DELIVERY_MODE_FLAG) { p.deliveryMode = AMQPProperties.DeliveryMode(rawValue: c.delivery_mode) }
        if has(AMQP_BASIC_PRIORITY_FLAG) { p.priority = c.priority }
        if has(AMQP_BASIC_CORRELATION_ID_FLAG) { p.correlationID = string(c.correlation_id) }
        if has(AMQP_BASIC_REPLY_TO_FLAG) { p.replyTo = string(c.reply_to) }
        if has(AMQP_BASIC_EXPIRATION_FLAG) { p.expiration = string(c.expiration) }
        if has(AMQP_BASIC_MESSAGE_ID_FLAG) { p.messageID = string(c.message_id) }
        if has(AMQP_BASIC_TIMESTAMP_FLAG) { p.timestamp = c.timestamp }
        if has(AMQP_BASIC_TYPE_FLAG) { p.type = string(c.type) }
        if has(AMQP_BASIC_USER_ID_FLAG) { p.userID = string(c.user_id) }
        if has(AMQP_BASIC_APP_ID_FLAG) { p.appID = string(c.app_id) }
        return p
    }
}
