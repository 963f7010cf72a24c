import Foundation

/// Evaluation bounds: nesting depth of evaluation steps and wall-clock time; exceeding either fails with `U1001`.
public struct JSONataLimits: Sendable, Equatable {
    /// Maximum nesting depth of evaluation steps (not the total number of steps).
    public var maxDepth: Int
    /// Time limit in milliseconds; 0 means unlimited.
    public var timeLimitMilliseconds: Int

    public init(maxDepth: Int = 10_000, timeLimitMilliseconds: Int = 10_000) {
        self.maxDepth = maxDepth
        self.timeLimitMilliseconds = timeLimitMilliseconds
    }
}

/// A native function an embedder adds to the evaluation environment (e.g. Step Functions' `$uuid`).
public struct JSONataNativeFunction: Sendable {
    /// The name without `$`.
    public var name: String
    /// Optional JSONata signature such as `<n-n:n>`; arguments are validated and coerced with it.
    public var signature: String?
    /// The implementation; `nil` arguments are `undefined`. Return `nil` for `undefined`.
    public var implementation: @Sendable ([JSONataValue?]) throws -> JSONataValue?

    public init(name: String, signature: String? = nil, implementation: @escaping @Sendable ([JSONataValue?]) throws -> JSONataValue?) {
        self.name = name
        self.signature = signature
        self.implementation = implementation
    }
}

/// Sources of time and randomness, injectable so an embedder can make evaluation deterministic.
public struct JSONataEnvironment: Sendable {
    /// The clock read once per evaluation for `$now()` and `$millis()`.
    public var now: @Sendable () -> Date
    /// Uniform random numbers in [0, 1) for `$random()` and `$shuffle()`.
    public var random: @Sendable () -> Double
    /// Extra native functions, looked up like built-ins (they may shadow them).
    public var functions: [JSONataNativeFunction]

    public init(now: @escaping @Sendable () -> Date = { Date() },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                functions: [JSONataNativeFunction] = []) {
        self.now = now
        self.random = random
        self.functions = functions
    }
}

/// A compiled JSONata expression: parse once, evaluate many times.
public struct JSONataExpression: @unchecked Sendable {
    let ast: Node
    /// The source text.
    public let text: String
    /// Time, randomness and extra functions used by `evaluate`.
    public var environment: JSONataEnvironment

    /// Compiles `text`; throws a syntax error (`S0xxx`) if it is not valid JSONata.
    public init(_ text: String, environment: JSONataEnvironment = JSONataEnvironment()) throws(JSONataError) {
        self.text = text
        self.environment = environment
        ast = try StackGuard.run { try Parser.parse(text) }
    }

    /// Registers (or replaces) a native function callable as `$name(...)`.
    public mutating func register(_ function: JSONataNativeFunction) {
        environment.functions.removeAll { $0.name == function.name }
        environment.functions.append(function)
    }

    /// Evaluates against `input` (`nil` = no input) with variable `bindings` (names without `$`).
    /// Returns `nil` when the result is undefined.
    public func evaluate(input: JSONataValue?, bindings: [String: JSONataValue] = [:], limits: JSONataLimits = .init()) throws(JSONataError) -> JSONataValue? {
        let me = self
        return try StackGuard.run { try me.evaluateHere(input: input, bindings: bindings, limits: limits) }
    }

    /// Evaluates against values converted once with `JSONataPreparedValue` (cheaper when the same
    /// document is used by many evaluations). Prepared values are never modified, so they can be shared.
    public func evaluate(prepared input: JSONataPreparedValue?, bindings: [String: JSONataPreparedValue] = [:], limits: JSONataLimits = .init()) throws(JSONataError) -> JSONataValue? {
        let me = self
        return try StackGuard.run {
            try me.evaluateInternal(input: input?.value, bindings: bindings.mapValues { $0.value }, limits: limits)
        }
    }

    func evaluateHere(input: JSONataValue?, bindings: [String: JSONataValue], limits: JSONataLimits) throws -> JSONataValue? {
        var converted: [String: V] = [:]
        for (k, v) in bindings { converted[k] = try V.from(v) }
        return try evaluateInternal(input: try input.map(V.from), bindings: converted, limits: limits)
    }

    func evaluateInternal(input inputV: V?, bindings: [String: V], limits: JSONataLimits) throws -> JSONataValue? {
        let root = Frame(parent: nil)
        for f in environment.functions {
            let impl = f.implementation
            let sig = f.signature.flatMap { try? Signature($0) }
            root.bind(f.name, .fn(JFunc(.native(name: f.name, impl: { args, _ in
                let r = try impl(try args.map { try $0?.toPublic() })
                return try r.map(V.from)
            }), signature: sig, arity: sig?.params.count ?? 1)))
        }
        let frame = Frame(parent: root)
        for (k, v) in bindings { frame.bind(k, v) }
        frame.bind("$", inputV)
        let ev = Evaluator(limits: limits, root: root, now: environment.now, random: environment.random)
        var start = inputV
        if case .arr(let a)? = inputV, !a.isSeq {
            let w = JArr.seq([.arr(a)])
            w.outerWrapper = true
            start = .arr(w)
        }
        let r = try ev.eval(ast, start, frame)
        return try r.map { try $0.toPublic() }
    }
}

/// A JSON value converted once into the evaluator's representation, for reuse across evaluations.
public struct JSONataPreparedValue: @unchecked Sendable {
    let value: V

    /// Converts `value`; fails with U1001 only if it is nested too deeply for the stack.
    public init(_ value: JSONataValue) throws(JSONataError) {
        self.value = try StackGuard.run { try V.from(value) }
    }
}
