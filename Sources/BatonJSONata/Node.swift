import Foundation

/// Ancestor slot used by the parent operator `%`.
final class Slot {
    var label: String
    var level: Int
    let index: Int
    init(label: String, level: Int, index: Int) {
        self.label = label
        self.level = level
        self.index = index
    }
}

/// A step stage: a filter predicate or a positional (`#`) binding.
enum Stage {
    case filter(Node)
    case index(String)
}

/// AST node (both the raw parse tree and the processed tree use it).
final class Node {
    enum Kind {
        case path, binary, unary, name, string, number, value, wildcard, descendant, parent
        case condition, block, bind, regex, function, partial, variable, lambda, apply, transform
        case sort, placeholder, op, end, signatureHolder
    }

    var kind: Kind
    var value: String = ""
    var literal: V? = nil
    var position: Int = 0

    var lhs: Node?
    var rhs: Node?
    var expression: Node?
    var steps: [Node] = []
    var expressions: [Node] = []
    var pairs: [(Node, Node)] = []
    var arguments: [Node] = []
    var procedure: Node?
    var body: Node?
    var condition: Node?
    var then: Node?
    var els: Node?
    var pattern: Node?
    var update: Node?
    var delete: Node?
    var terms: [(descending: Bool, expr: Node)] = []
    var rawTerms: [(descending: Bool, expr: Node)] = []

    var predicate: [Node]?
    var stages: [Stage]?
    var group: (pairs: [(Node, Node)], position: Int)?

    var keepArray = false
    var keepSingletonArray = false
    var consarray = false
    var tuple = false
    var thunk = false
    var focus: String?
    var index: String?
    var ancestor: Slot?
    var slot: Slot?
    var seekingParent: [Slot]?
    var signature: Signature?
    var regex: NSRegularExpression?
    var paramNames: [String] = []

    /// A path of exactly one plain field-name step (no predicates, bindings, grouping or array flags).
    /// Set once by `finalize()` after parsing; the tree is read-only during evaluation.
    private(set) var simpleField = false

    /// Computes derived flags for the whole tree (call once, after post-processing).
    func finalize() {
        var seen = Set<ObjectIdentifier>()
        var stack: [Node] = [self]
        while let n = stack.popLast() {
            guard seen.insert(ObjectIdentifier(n)).inserted else { continue }
            n.simpleField = n.computeSimpleField()
            for c in [n.lhs, n.rhs, n.expression, n.procedure, n.body, n.condition, n.then, n.els, n.pattern, n.update, n.delete] {
                if let c = c { stack.append(c) }
            }
            stack.append(contentsOf: n.steps)
            stack.append(contentsOf: n.expressions)
            stack.append(contentsOf: n.arguments)
            for (k, v) in n.pairs { stack.append(k); stack.append(v) }
            for t in n.terms { stack.append(t.expr) }
            if let p = n.predicate { stack.append(contentsOf: p) }
            if let st = n.stages { for s in st { if case .filter(let f) = s { stack.append(f) } } }
            if let g = n.group { for (k, v) in g.pairs { stack.append(k); stack.append(v) } }
        }
    }

    private func computeSimpleField() -> Bool {
        guard kind == .path, steps.count == 1, !keepSingletonArray, !keepArray, group == nil, predicate == nil, !tuple else { return false }
        let s = steps[0]
        return s.kind == .name && s.stages == nil && s.predicate == nil && s.group == nil && !s.tuple && s.focus == nil
            && s.index == nil && s.ancestor == nil && !s.keepArray && !s.consarray
    }

    init(_ kind: Kind, _ value: String = "", position: Int = 0) {
        self.kind = kind
        self.value = value
        self.position = position
    }
}
