/// Writes a state graph in Graphviz's DOT language: a cluster per Parallel or Map, one per branch.
public enum DOTRenderer {
    /// The DOT text of the whole graph.
    public static func render(_ graph: StateGraph, name: String = "state_machine") -> String {
        var out = "digraph \(quote(name)) {\n"
        out += "  rankdir=TB;\n  compound=true;\n"
        out += "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#6b7785\"];\n"
        scope(graph.root, indent: "  ", into: &out)
        out += "}\n"
        return out
    }

    private static func scope(_ scope: GraphScope, indent: String, into out: inout String) {
        for node in scope.nodes {
            let c = SVGRenderer.colours(node.kind)
            if !node.children.isEmpty {
                out += "\(indent)subgraph \(quote("cluster_" + node.id)) {\n"
                out += "\(indent)  label=\(quote(node.kind.rawValue + ": " + node.name)); style=\"rounded\"; color=\(quote(c.stroke));\n"
                out += "\(indent)  \(quote(node.id)) [label=\(quote(label(node))), shape=box, fillcolor=\(quote(c.fill)), color=\(quote(c.stroke))];\n"
                for (i, child) in node.children.enumerated() {
                    out += "\(indent)  subgraph \(quote("cluster_" + child.id)) {\n"
                    out += "\(indent)    label=\(quote(node.kind == .map ? "Item processor" : "Branch \(i + 1)")); style=\"dashed\"; color=\"#b0bac4\";\n"
                    Self.scope(child, indent: indent + "    ", into: &out)
                    out += "\(indent)  }\n"
                }
                out += "\(indent)}\n"
                continue
            }
            var attributes = "label=\(quote(label(node))), fillcolor=\(quote(c.fill)), color=\(quote(c.stroke))"
            switch node.kind {
            case .start, .end: attributes += ", shape=oval, fontcolor=\"white\""
            case .choice: attributes += ", shape=diamond, style=\"filled\""
            case .missing: attributes += ", style=\"dashed\""
            default: break
            }
            if !node.diagnostics.isEmpty { attributes += ", penwidth=3, color=\"#d32f2f\"" }
            out += "\(indent)\(quote(node.id)) [\(attributes)];\n"
        }
        for edge in scope.edges {
            var attributes: [String] = []
            if let l = edge.label { attributes.append("label=\(quote(l))") }
            switch edge.kind {
            case .catch: attributes += ["style=dashed", "color=\"#c62828\"", "fontcolor=\"#b71c1c\""]
            case .default: attributes.append("style=dotted")
            default: break
            }
            out += "\(indent)\(quote(edge.from)) -> \(quote(edge.to))"
            out += attributes.isEmpty ? ";\n" : " [\(attributes.joined(separator: ", "))];\n"
        }
    }

    /// Type, name, detail and retriers, one a line.
    static func label(_ node: GraphNode) -> String {
        if node.kind == .start || node.kind == .end { return node.name }
        var lines = [node.kind == .missing ? "missing" : node.kind.rawValue, node.name]
        if let d = node.detail { lines.append(d) }
        for r in node.retry { lines.append("retry " + r) }
        for d in node.diagnostics { lines.append("⚠ " + d.code) }
        return lines.joined(separator: "\n")
    }

    /// A DOT string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}
