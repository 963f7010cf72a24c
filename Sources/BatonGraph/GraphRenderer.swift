import BatonLanguage

/// The output formats of `baton graph` and the console.
public enum GraphFormat: String, Sendable, CaseIterable {
    case svg, dot, mermaid, json

    /// The format named by a `--format` value (case-insensitive).
    public init(name: String) throws(GraphError) {
        guard let f = GraphFormat(rawValue: name.lowercased()) else {
            throw GraphError(.unknownFormat, "unknown format '\(name)': use svg, dot, mermaid or json")
        }
        self = f
    }
}

/// One call from definition text to a drawing: read leniently, lay out, render.
public enum GraphRenderer {
    /// The definition drawn in `format`; `title` names the SVG and DOT graph; `options` are the validator's.
    public static func render(definitionText text: String, format: GraphFormat, title: String? = nil,
                              options: ValidationOptions = .init()) throws(GraphError) -> String {
        let graph = try StateGraph(definitionText: text, options: options)
        return render(graph, format: format, title: title)
    }

    /// A graph drawn in `format`.
    public static func render(_ graph: StateGraph, format: GraphFormat, title: String? = nil) -> String {
        switch format {
        case .svg: return SVGRenderer.render(GraphLayout(graph), title: title)
        case .dot: return DOTRenderer.render(graph, name: title ?? "state_machine")
        case .mermaid: return MermaidRenderer.render(graph)
        case .json:
            let layout = GraphLayout(graph)
            var o = layout.json.objectValue ?? [:]
            o["svg"] = .string(SVGRenderer.render(layout, title: title))
            return JSON.object(o).serialized()
        }
    }
}
