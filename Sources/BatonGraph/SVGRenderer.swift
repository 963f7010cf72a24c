import BatonLanguage

/// Draws a layout as a self-contained SVG document: colours per state type, labelled edges, groups,
/// retry badges and diagnostics. Every state is a `g.node` with `data-id` and `data-name`, so the
/// console can colour it by status and open it on click.
public enum SVGRenderer {
    /// The fill and stroke of each kind of node.
    public static func colours(_ kind: GraphNode.Kind) -> (fill: String, stroke: String) {
        switch kind {
        case .task: return ("#e8f1fb", "#2f6fb3")
        case .pass: return ("#f1f3f5", "#6c757d")
        case .choice: return ("#fff4e0", "#b86e00")
        case .wait: return ("#f3ecfb", "#7b4bb7")
        case .succeed: return ("#e6f6ea", "#2e7d32")
        case .fail: return ("#fdecea", "#c62828")
        case .parallel: return ("#e6f6f4", "#00796b")
        case .map: return ("#eceffa", "#3949ab")
        case .unknown: return ("#f5f5f5", "#888888")
        case .missing: return ("#ffffff", "#c62828")
        case .start, .end: return ("#37474f", "#37474f")
        }
    }

    /// The stylesheet embedded in every drawing.
    public static var style: String {
        var css = """
        .baton-graph{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
        .baton-graph .box{stroke-width:1.5}
        .baton-graph .type{font-size:10px;fill:#5f6b76;letter-spacing:.04em;text-transform:uppercase}
        .baton-graph .name{font-size:13px;font-weight:600;fill:#1d2329}
        .baton-graph .detail{font-size:11px;fill:#46505a}
        .baton-graph .marker .name{fill:#fff;font-size:12px}
        .baton-graph .edge path{fill:none;stroke:#6b7785;stroke-width:1.4}
        .baton-graph .edge.k-catch path{stroke:#c62828;stroke-dasharray:5 3}
        .baton-graph .edge.k-default path{stroke-dasharray:2 3}
        .baton-graph .label rect{fill:#fff;stroke:#d0d6dc}
        .baton-graph .label text{font-size:11px;fill:#37414b}
        .baton-graph .label.k-catch text{fill:#b71c1c}
        .baton-graph .label.k-choice text{fill:#7a4a00}
        .baton-graph .frame rect{fill:#fff;fill-opacity:.75;stroke:#b0bac4;stroke-dasharray:4 3}
        .baton-graph .frame text{font-size:10px;fill:#6b7785}
        .baton-graph .badge rect{fill:#fff8e1;stroke:#b86e00}
        .baton-graph .badge text{font-size:10px;fill:#7a4a00}
        .baton-graph .diag circle{fill:#d32f2f}
        .baton-graph .diag text{font-size:12px;font-weight:700;fill:#fff}
        .baton-graph .missing .box{stroke-dasharray:5 3}
        .baton-graph .start-state .box{stroke-width:2.5}

        """
        for kind in GraphNode.Kind.allCases {
            let c = colours(kind)
            css += ".baton-graph .t-\(kind.rawValue) .box{fill:\(c.fill);stroke:\(c.stroke)}\n"
        }
        return css + ".baton-graph .node.invalid .box{stroke:#d32f2f;stroke-width:3}\n"
    }

    /// The whole drawing.
    public static func render(_ layout: GraphLayout, title: String? = nil) -> String {
        var out = ""
        out.reserveCapacity(4096 + layout.nodes.count * 700)
        let w = number(layout.width), h = number(layout.height)
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"baton-graph\" width=\"\(w)\" height=\"\(h)\" "
        out += "viewBox=\"0 0 \(w) \(h)\" role=\"img\">\n"
        if let title { out += "<title>\(escape(title))</title>\n" }
        out += "<style>\n\(style)</style>\n"
        out += """
        <defs><marker id="baton-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" \
        orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7785"/></marker>\
        <marker id="baton-arrow-catch" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" \
        orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker></defs>

        """
        out += "<rect class=\"background\" width=\"\(w)\" height=\"\(h)\" fill=\"#fbfcfd\"/>\n"
        // Groups (outermost first), then their frames, edges, labels and plain nodes on top.
        for node in layout.nodes.sorted(by: { $0.depth < $1.depth }) where node.isGroup {
            out += nodeSVG(node)
            for frame in layout.frames where frame.owner == node.id {
                let r = frame.rect
                out += "<g class=\"frame\" data-id=\"\(escape(frame.id))\"><rect x=\"\(number(r.x))\" y=\"\(number(r.y))\" "
                out += "width=\"\(number(r.width))\" height=\"\(number(r.height))\" rx=\"6\"/>"
                out += "<text x=\"\(number(r.x + 8))\" y=\"\(number(r.y + 14))\">\(escape(frame.title))</text></g>\n"
            }
        }
        out += "<g class=\"edges\">\n"
        for edge in layout.edges {
            out += "<g class=\"edge k-\(edge.kind.rawValue)\(edge.isBack ? " back" : "")\" data-from=\"\(escape(edge.from))\" "
            out += "data-to=\"\(escape(edge.to))\"><path d=\"\(path(edge.points))\" marker-end=\"url(#\(edge.kind == .catch ? "baton-arrow-catch" : "baton-arrow"))\"/></g>\n"
        }
        out += "</g>\n<g class=\"labels\">\n"
        for edge in layout.edges {
            guard let label = edge.label, let c = edge.labelCenter else { continue }
            let lw = TextMetrics.width(label, size: GraphLayout.labelSize) + 10
            out += "<g class=\"label k-\(edge.kind.rawValue)\" data-from=\"\(escape(edge.from))\" data-to=\"\(escape(edge.to))\">"
            out += "<rect x=\"\(number(c.x - lw / 2))\" y=\"\(number(c.y - 8))\" width=\"\(number(lw))\" height=\"16\" rx=\"3\"/>"
            out += "<text x=\"\(number(c.x))\" y=\"\(number(c.y + 4))\" text-anchor=\"middle\">\(escape(label))</text></g>\n"
        }
        out += "</g>\n<g class=\"nodes\">\n"
        for node in layout.nodes where !node.isGroup { out += nodeSVG(node) }
        out += "</g>\n</svg>\n"
        return out
    }

    private static func nodeSVG(_ node: GraphLayout.Node) -> String {
        let r = node.rect
        var classes = "node t-\(node.kind.rawValue)"
        if node.isGroup { classes += " group" }
        if node.kind == .start || node.kind == .end { classes += " marker" }
        if node.kind == .missing { classes += " missing" }
        if node.isStart { classes += " start-state" }
        if !node.diagnostics.isEmpty { classes += " invalid" }
        var s = "<g class=\"\(classes)\" data-id=\"\(escape(node.id))\" data-name=\"\(escape(node.name))\" data-type=\"\(node.kind.rawValue)\""
        if !node.kind.isPseudo || node.kind == .missing { s += " tabindex=\"0\"" }
        s += ">"
        var tip = node.kind.isPseudo ? node.name : "\(node.name) (\(node.kind.rawValue))"
        for line in node.retry { tip += "\nRetry: " + line }
        for d in node.diagnostics { tip += "\n⚠ " + d.code + ": " + d.message }
        s += "<title>\(escape(tip))</title>"
        let rx = node.kind == .start || node.kind == .end ? r.height / 2 : (node.kind == .choice ? 14 : 6)
        s += "<rect class=\"box\" x=\"\(number(r.x))\" y=\"\(number(r.y))\" width=\"\(number(r.width))\" "
        s += "height=\"\(number(r.height))\" rx=\"\(number(rx))\"/>"
        let cx = number(r.x + r.width / 2)
        switch node.kind {
        case .start, .end:
            s += "<text class=\"name\" x=\"\(cx)\" y=\"\(number(r.y + r.height / 2 + 4))\" text-anchor=\"middle\">\(escape(node.name))</text>"
        default:
            s += "<text class=\"type\" x=\"\(cx)\" y=\"\(number(r.y + 14))\" text-anchor=\"middle\">\(escape(node.kind == .missing ? "missing" : node.kind.rawValue))</text>"
            s += "<text class=\"name\" x=\"\(cx)\" y=\"\(number(r.y + 30))\" text-anchor=\"middle\">\(escape(TextMetrics.fit(node.name, size: TextMetrics.boldName, width: r.width - 12)))</text>"
            if let detail = node.detail {
                s += "<text class=\"detail\" x=\"\(cx)\" y=\"\(number(r.y + 43))\" text-anchor=\"middle\">\(escape(detail))</text>"
            }
        }
        if !node.retry.isEmpty {
            let text = node.retry.count == 1 ? "↻ retry" : "↻ retry ×\(node.retry.count)"
            let bw = TextMetrics.width(text, size: 10) + 10
            s += "<g class=\"badge\"><rect x=\"\(number(r.maxX - bw - 4))\" y=\"\(number(r.y - 8))\" width=\"\(number(bw))\" height=\"15\" rx=\"7\"/>"
            s += "<text x=\"\(number(r.maxX - 4 - bw / 2))\" y=\"\(number(r.y + 3))\" text-anchor=\"middle\">\(escape(text))</text></g>"
        }
        if !node.diagnostics.isEmpty {
            s += "<g class=\"diag\"><circle cx=\"\(number(r.x + 2))\" cy=\"\(number(r.y + 2))\" r=\"8\"/>"
            s += "<text x=\"\(number(r.x + 2))\" y=\"\(number(r.y + 6))\" text-anchor=\"middle\">!</text></g>"
        }
        s += "</g>\n"
        return s
    }

    /// The edge as a path: curves with vertical tangents between consecutive points (a loop to itself
    /// as one curve through its four points).
    static func path(_ points: [Point]) -> String {
        guard let first = points.first else { return "" }
        var d = "M\(number(first.x)),\(number(first.y))"
        if points.count == 4 && abs(points[0].x - points[3].x) < 0.01 && points[1].x > points[0].x {
            d += " C\(number(points[1].x)),\(number(points[1].y)) \(number(points[2].x)),\(number(points[2].y)) "
            d += "\(number(points[3].x)),\(number(points[3].y))"
            return d
        }
        for i in 1..<max(points.count, 1) {
            let a = points[i - 1], b = points[i]
            let my = (a.y + b.y) / 2
            d += " C\(number(a.x)),\(number(my)) \(number(b.x)),\(number(my)) \(number(b.x)),\(number(b.y))"
        }
        return d
    }

    /// A coordinate with at most one decimal.
    static func number(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        if r == r.rounded() { return String(Int(r)) }
        return String(r)
    }

    /// Text safe in XML content and attributes.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
