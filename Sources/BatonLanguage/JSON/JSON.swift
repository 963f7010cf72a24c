import OrderedCollections

/// An ordered JSON object: keys keep the order in which they were written, as AWS keeps them.
public typealias JSONObject = OrderedDictionary<String, JSON>

/// A JSON value as AWS Step Functions keeps it: object key order, integers apart from decimals,
/// integers too large for 64 bits kept exactly, and any unicode text.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    /// An integer that fits in 64 bits.
    case int(Int)
    /// A number written with a fraction or an exponent.
    case double(Double)
    /// An integer literal too large for 64 bits, kept as its decimal text.
    case bigInt(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

extension JSON {
    /// The value's JSON type name as AWS's messages spell it (`string`, `number`, `object` …).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double, .bigInt: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var isNumber: Bool {
        switch self {
        case .int, .double, .bigInt: return true
        default: return false
        }
    }
    public var isString: Bool { if case .string = self { return true } else { return false } }
    public var isBool: Bool { if case .bool = self { return true } else { return false } }
    public var isArray: Bool { if case .array = self { return true } else { return false } }
    public var isObject: Bool { if case .object = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The number as a Double (big integers lose precision), or nil when not a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bigInt(let s): return Double(s)
        default: return nil
        }
    }

    /// The number as an Int when it is integral and fits, else nil.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard d.rounded() == d, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else { return nil }
            return Int(d)
        default: return nil
        }
    }

    /// True for an integer number (`1`, `1.0` is not), as Java's JSON tree tells them apart.
    public var isIntegral: Bool {
        switch self {
        case .int, .bigInt: return true
        default: return false
        }
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// `{}`.
    public static var emptyObject: JSON { .object(JSONObject()) }

    /// A number from a Double: integral values that fit become `.int`, others `.double`.
    public static func number(_ d: Double) -> JSON {
        if d.rounded() == d, abs(d) < 9.0e15 { return .int(Int(d)) }
        return .double(d)
    }
}

extension JSON: Equatable {
    /// JSON equality: numbers by value (`1 == 1.0`), objects regardless of key order.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.bigInt(let a), .bigInt(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double), (.bigInt, .double), (.double, .bigInt),
             (.int, .bigInt), (.bigInt, .int):
            return lhs.doubleValue == rhs.doubleValue
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a {
                guard let w = b[k], v == w else { return false }
            }
            return true
        default: return false
        }
    }
}

extension JSON: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int, .double, .bigInt: hasher.combine(doubleValue ?? 0)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o):
            var sum = 0
            for (k, v) in o {
                var h = Hasher()
                h.combine(k)
                h.combine(v)
                sum = sum &+ h.finalize()
            }
            hasher.combine(o.count)
            hasher.combine(sum)
        }
    }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var o = JSONObject(minimumCapacity: elements.count)
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSON: CustomStringConvertible {
    /// The compact JSON text of the value.
    public var description: String { serialized() }
}
