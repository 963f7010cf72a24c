import Foundation

/// `nextToken` and `maxResults` as the list actions use them: an opaque token for the position of the next page.
struct Page {
    var offset: Int
    var size: Int

    /// Reads `nextToken` and `maxResults` (0 or absent: `defaultSize`; at most 1,000, as AWS).
    init(token: String?, maxResults: Int?, defaultSize: Int = 100) throws(APIError) {
        let size = maxResults ?? 0
        guard size >= 0, size <= 1000 else {
            throw APIError.validation("1 validation error detected: Value '\(size)' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000")
        }
        self.size = size == 0 ? defaultSize : size
        if let token, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
                  text.hasPrefix("baton:"), let n = Int(text.dropFirst(6)), n >= 0 else {
                throw APIError("InvalidToken", "Invalid Token: '\(token.prefix(64))'")
            }
            offset = n
        } else {
            offset = 0
        }
    }

    /// The items of this page and the token of the next one, if any.
    func slice<T>(_ all: [T]) -> (items: ArraySlice<T>, next: String?) {
        let start = min(offset, all.count)
        let end = min(start + size, all.count)
        let next = end < all.count ? Data("baton:\(end)".utf8).base64EncodedString() : nil
        return (all[start..<end], next)
    }
}
