import BatonJSONata
import Foundation

/// Evaluates `expr` against JSON `input` and returns the result as compact JSON (nil = undefined).
func run(_ expr: String, _ input: String? = nil, bindings: [String: JSONataValue] = [:],
         limits: JSONataLimits = .init(), environment: JSONataEnvironment = .init()) throws(JSONataError) -> String? {
    let e = try JSONataExpression(expr, environment: environment)
    var data: JSONataValue?
    if let text = input { data = try JSONataValue.parse(json: text) }
    return try e.evaluate(input: data, bindings: bindings, limits: limits)?.jsonText()
}

/// The error code raised by compiling or evaluating `expr`, or nil when it succeeds.
func errorCode(_ expr: String, _ input: String? = nil, limits: JSONataLimits = .init()) -> String? {
    do {
        _ = try run(expr, input, limits: limits)
        return nil
    } catch {
        return error.code
    }
}

let invoice = """
{"Account": {"Name": "Firefly", "Order": [
  {"OrderID": "order103", "Product": [
    {"Name": "Bowler Hat", "SKU": "0406654608", "Price": 34.45, "Quantity": 2},
    {"Name": "Trilby hat", "SKU": "0406634348", "Price": 21.67, "Quantity": 1}]},
  {"OrderID": "order104", "Product": [
    {"Name": "Bowler Hat", "SKU": "040657863", "Price": 34.45, "Quantity": 4},
    {"Name": "Cloak", "SKU": "0406654603", "Price": 107.99, "Quantity": 1}]}]}}
"""
