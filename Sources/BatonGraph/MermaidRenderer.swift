/// Writes a state graph as a Mermaid flowchart: subgraphs for Parallel branches and Map item processors.
public enum MermaidRenderer {
    /// The Mermaid text of the whole graph.
    public static func render(_ graph: StateGraph) -> String {
        var ids: [String: String] = [:]
        var counter = 0
        func assign(_ scope: GraphScope) {
            for node in scope.nodes {
                ids[node.id] = "n\(counter)"
                counter += 1
                for child in node.children { assign(child) }
            }
        }
        assign(graph.root)
        var out = "flowchart TD\n"
        var classes: [GraphNode.Kind: [String]] = [:]
        scope(graph.root, ids: ids, indent: "  ", classes: &classes, into: &out)
        for kind in GraphNode.Kind.allCases {
            let c = SVGRenderer.colours(kind)
            let text = kind == .start || kind == .end ? ",color:#fff" : ""
            out += "  classDef t\(kind.rawValue) fill:\(c.fill),stroke:\(c.stroke)\(text)\n"
            if let members = classes[kind], !members.isEmpty {
                out += "  class \(members.joined(separator: ",")) t\(kind.rawValue)\n"
            }
        }
        return out
    }

    private static func scope(_ scope: GraphScope, ids: [String: String], indent: String,
                              classes: inout [GraphNode.Kind: [String]], into out: inout String) {
        for node in scope.nodes {
            guard let id = ids[node.id] else { continue }
            let text = "\"" + DOTRenderer.label(node).split(separator: "\n").map { escape(String($0)) }.joined(separator: "<br/>") + "\""
            if !node.children.isEmpty {
                out += "\(indent)subgraph \(id) [\(text)]\n"
                for (i, child) in node.children.enumerated() {
                    let title = node.kind == .map ? "Item processor" : "Branch \(i + 1)"
                    out += "\(indent)  subgraph \(id)_\(i) [\(quote(title))]\n"
                    Self.scope(child, ids: ids, indent: indent + "    ", classes: &classes, into: &out)
                    out += "\(indent)  end\n"
                }
                out += "\(indent)end\n"
                continue
            }
            switch node.kind {
            case .start, .end: out += "\(indent)\(id)([\(text)])\n"
            case .choice: out += "\(indent)\(id){\(text)}\n"
            default: out += "\(indent)\(id)[\(text)]\n"
            }
            classes[node.kind, default: []].append(id)
        }
        for edge in scope.edges {
            guard let a = ids[edge.from], let b = ids[edge.to] else { continue }
            let arrow = edge.kind == .catch || edge.kind == .default ? "-.->" : "-->"
            if let l = edge.label {
                out += "\(indent)\(a) \(arrow)|\(quote(l))| \(b)\n"
            } else {
                out += "\(indent)\(a) \(arrow) \(b)\n"
            }
        }
    }

    /// A Mermaid quoted label.
    static func quote(_ s: String) -> String { "\"" + escape(s) + "\"" }

    /// Quotes and angle brackets as Mermaid's entities.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "#": out += "#35;"
            default: out.append(ch)
            }
        }
        return out
    }
}
