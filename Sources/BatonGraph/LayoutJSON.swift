import BatonLanguage

extension GraphLayout {
    /// The layout as JSON for the console: size, nodes, frames, edges (points and label centers) and
    /// diagnostics, coordinates rounded to a tenth of a pixel.
    public var json: JSON {
        func n(_ v: Double) -> JSON { .number((v * 10).rounded() / 10) }
        func rect(_ r: Rect) -> JSON { ["x": n(r.x), "y": n(r.y), "width": n(r.width), "height": n(r.height)] }
        func diagnostic(_ d: Diagnostic) -> JSON {
            ["code": .string(d.code), "location": d.location.map(JSON.string) ?? .null, "message": .string(d.message)]
        }
        let nodes: [JSON] = self.nodes.map { node in
            var o: JSONObject = [:]
            o["id"] = .string(node.id)
            o["name"] = .string(node.name)
            o["type"] = .string(node.kind.rawValue)
            if let d = node.detail { o["detail"] = .string(d) }
            if !node.retry.isEmpty { o["retry"] = .array(node.retry.map(JSON.string)) }
            if !node.diagnostics.isEmpty { o["diagnostics"] = .array(node.diagnostics.map(diagnostic)) }
            o["terminal"] = .bool(node.isTerminal)
            o["start"] = .bool(node.isStart)
            o["group"] = .bool(node.isGroup)
            o["parent"] = node.parent.map(JSON.string) ?? .null
            o["depth"] = .int(node.depth)
            o["rect"] = rect(node.rect)
            return .object(o)
        }
        let frames: [JSON] = self.frames.map { f in
            ["id": .string(f.id), "owner": .string(f.owner), "title": .string(f.title), "rect": rect(f.rect)]
        }
        let edges: [JSON] = self.edges.map { e in
            var o: JSONObject = [:]
            o["from"] = .string(e.from)
            o["to"] = .string(e.to)
            o["kind"] = .string(e.kind.rawValue)
            if let l = e.label { o["label"] = .string(l) }
            o["points"] = .array(e.points.map { [n($0.x), n($0.y)] })
            if let c = e.labelCenter { o["labelCenter"] = [n(c.x), n(c.y)] }
            o["back"] = .bool(e.isBack)
            return .object(o)
        }
        return ["width": n(width), "height": n(height), "nodes": .array(nodes), "frames": .array(frames),
                "edges": .array(edges), "diagnostics": .array(diagnostics.map(diagnostic))]
    }
}
