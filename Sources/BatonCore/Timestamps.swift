import BatonLanguage

/// Milliseconds since the Unix epoch: the only notion of time the core knows, always given to it.
public typealias Millis = Int64

/// ISO-8601 timestamps as AWS writes and reads them, computed without a clock or a calendar library.
public enum Timestamps {
    /// `2024-05-01T12:34:56.789Z`, the form AWS uses in the context object and history.
    public static func format(_ ms: Millis) -> String {
        let (days, msOfDay) = floorDivMod(ms, 86_400_000)
        let (y, m, d) = civil(fromDays: days)
        let h = msOfDay / 3_600_000
        let mi = (msOfDay / 60_000) % 60
        let s = (msOfDay / 1000) % 60
        let frac = msOfDay % 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(frac, 3))Z"
    }

    /// Parses an RFC 3339 timestamp as AWS's Wait and Choice accept it into milliseconds; nil when it isn't one.
    public static func parse(_ text: String) -> Millis? {
        guard let t = RFC3339Timestamp(parsing: text) else { return nil }
        return t.epochSeconds * 1000 + Millis(t.nanoseconds / 1_000_000)
    }

    static func pad(_ v: some BinaryInteger, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b
        var r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
