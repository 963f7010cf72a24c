import BatonLanguage
import Foundation

/// The `--auth-keys FILE` of `baton serve`: access key ids and their secrets.
public enum AuthKeys {
    /// Reads a JSON object `{"AKID": "secret", …}`, or lines `AKID SECRET` (or `AKID=SECRET`; `#` starts a comment).
    public static func parse(_ text: String) throws(APIError) -> [String: String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var keys: [String: String] = [:]
        if trimmed.hasPrefix("{") {
            guard case .object(let o)? = try? JSONParser.parse(trimmed) else {
                throw APIError.validation("the auth keys file is not a JSON object of access key id → secret")
            }
            for (k, v) in o {
                guard case .string(let s) = v, !k.isEmpty, !s.isEmpty else {
                    throw APIError.validation("the auth keys file's value for '\(k)' is not a non-empty string")
                }
                keys[k] = s
            }
        } else {
            for (n, raw) in trimmed.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" }).map(String.init)
                guard parts.count == 2 else {
                    throw APIError.validation("line \(n + 1) of the auth keys file is not 'ACCESS_KEY_ID SECRET'")
                }
                keys[parts[0]] = parts[1]
            }
        }
        guard !keys.isEmpty else { throw APIError.validation("the auth keys file holds no key") }
        return keys
    }
}
