import BatonLanguage

/// JSON text helpers for the protocol layer: strings, and timestamps as AWS's JSON 1.0 protocol sends them.
enum JSONText {
    static func append(_ s: String, to out: inout String) {
        JSONSerializer.writeString(s, into: &out)
    }

    /// A timestamp as epoch seconds with milliseconds, a JSON number (`1732550000.123`), as boto3 and the
    /// AWS CLI read it.
    static func timestamp(_ millis: Int64) -> JSON {
        let seconds = millis / 1000
        let fraction = Int(abs(millis % 1000))
        let pad = fraction < 10 ? "00" : fraction < 100 ? "0" : ""
        return .bigInt("\(seconds).\(pad)\(fraction)")
    }
}
