import BatonLanguage

/// The members of a request body, read with AWS's validation errors.
struct RequestInput {
    let members: JSONObject

    init(_ body: JSON) throws(APIError) {
        guard case .object(let o) = body else {
            throw APIError("SerializationException", "The request body must be a JSON object")
        }
        members = o
    }

    func optionalString(_ key: String, maxLength: Int? = nil) throws(APIError) -> String? {
        guard let v = members[key], !v.isNull else { return nil }
        guard case .string(let s) = v else {
            throw APIError("SerializationException", "Unexpected value for '\(key)': expected a string")
        }
        if let maxLength, s.utf8.count > maxLength {
            throw APIError.validation("1 validation error detected: Value at '\(key)' failed to satisfy constraint: Member must have length less than or equal to \(maxLength)")
        }
        return s
    }

    func string(_ key: String, maxLength: Int? = nil) throws(APIError) -> String {
        guard let s = try optionalString(key, maxLength: maxLength) else { throw APIError.missing(key) }
        return s
    }

    func int(_ key: String) throws(APIError) -> Int? {
        guard let v = members[key], !v.isNull else { return nil }
        guard let n = v.intValue else {
            throw APIError("SerializationException", "Unexpected value for '\(key)': expected an integer")
        }
        return n
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = members[key], !v.isNull else { return nil }
        guard case .bool(let b) = v else {
            throw APIError("SerializationException", "Unexpected value for '\(key)': expected a boolean")
        }
        return b
    }

    func object(_ key: String) throws(APIError) -> JSONObject? {
        guard let v = members[key], !v.isNull else { return nil }
        guard case .object(let o) = v else {
            throw APIError("SerializationException", "Unexpected value for '\(key)': expected an object")
        }
        return o
    }

    func array(_ key: String) throws(APIError) -> [JSON]? {
        guard let v = members[key], !v.isNull else { return nil }
        guard case .array(let a) = v else {
            throw APIError("SerializationException", "Unexpected value for '\(key)': expected a list")
        }
        return a
    }
}
