import BatonLanguage

/// A state graph with every node, group, edge and label placed: what the renderers draw.
public struct GraphLayout: Sendable {
    /// One node where it is drawn; a Parallel or Map with contents is a group around its frames.
    public struct Node: Sendable {
        public var id: String
        public var name: String
        public var kind: GraphNode.Kind
        public var detail: String?
        public var retry: [String]
        public var diagnostics: [Diagnostic]
        public var isTerminal: Bool
        /// True for the state its scope starts at.
        public var isStart: Bool
        public var rect: Rect
        /// The id of the group node it is drawn in, if any.
        public var parent: String?
        /// True when it is drawn as a group around its branches or item processor.
        public var isGroup: Bool
        /// How many groups it is nested in.
        public var depth: Int
    }

    /// The area of one Parallel branch or Map item processor inside its group.
    public struct Frame: Sendable {
        /// The scope's pointer (`/States/P/Branches[0]`).
        public var id: String
        /// The group node it belongs to.
        public var owner: String
        /// "Branch 1", "Item processor".
        public var title: String
        public var rect: Rect
    }

    /// One transition as a polyline from its source's border to its target's border.
    public struct Edge: Sendable {
        public var from: String
        public var to: String
        public var kind: GraphEdge.Kind
        public var label: String?
        public var points: [Point]
        /// Where the label's box is centered.
        public var labelCenter: Point?
        /// True when it runs against the flow (a loop back).
        public var isBack: Bool
    }

    public var width: Double
    public var height: Double
    /// Nodes in drawing order: every group before what it contains.
    public var nodes: [Node]
    public var frames: [Frame]
    public var edges: [Edge]
    /// Diagnostics that belong to no single state.
    public var diagnostics: [Diagnostic]

    /// The margin around the drawing.
    static let margin = 16.0
    /// Height of a group's title bar.
    static let groupHeader = 46.0
    /// Space around and between the frames of a group.
    static let groupPadding = 12.0
    /// Height of a frame's title.
    static let frameHeader = 20.0
    /// The label font size.
    static let labelSize = 11.0

    /// Lays out a state graph.
    public init(_ graph: StateGraph) {
        let scope = Self.layout(graph.root, depth: 0)
        let m = Self.margin
        width = scope.width + 2 * m
        height = scope.height + 2 * m
        nodes = scope.nodes.map { var n = $0; n.rect = n.rect.offsetBy(m, m); return n }
        frames = scope.frames.map { var f = $0; f.rect = f.rect.offsetBy(m, m); return f }
        edges = scope.edges.map { e in
            var e = e
            e.points = e.points.map { $0.offsetBy(m, m) }
            e.labelCenter = e.labelCenter?.offsetBy(m, m)
            return e
        }
        diagnostics = graph.diagnostics
    }

    /// One scope laid out with its origin at (0, 0).
    private struct ScopeLayout {
        var width = 0.0
        var height = 0.0
        var nodes: [Node] = []
        var frames: [Frame] = []
        var edges: [Edge] = []

        mutating func append(_ other: ScopeLayout, dx: Double, dy: Double) {
            nodes += other.nodes.map { var n = $0; n.rect = n.rect.offsetBy(dx, dy); return n }
            frames += other.frames.map { var f = $0; f.rect = f.rect.offsetBy(dx, dy); return f }
            edges += other.edges.map { e in
                var e = e
                e.points = e.points.map { $0.offsetBy(dx, dy) }
                e.labelCenter = e.labelCenter?.offsetBy(dx, dy)
                return e
            }
        }
    }

    /// The size of a plain node: wide enough for its name and detail, within bounds.
    static func plainSize(_ node: GraphNode) -> LayeredLayout.Size {
        switch node.kind {
        case .start, .end: return LayeredLayout.Size(width: 64, height: 28)
        default:
            let text = max(TextMetrics.width(node.name, size: TextMetrics.boldName), TextMetrics.width(node.detail ?? "", size: 11))
            return LayeredLayout.Size(width: min(max(text + 30, 130), 260), height: 50)
        }
    }

    private static func layout(_ scope: GraphScope, depth: Int) -> ScopeLayout {
        // Contents first: a group is as large as what it holds.
        var inner: [ScopeLayout?] = []
        var sizes: [LayeredLayout.Size] = []
        for node in scope.nodes {
            guard !node.children.isEmpty else {
                inner.append(nil)
                sizes.append(plainSize(node))
                continue
            }
            var group = ScopeLayout()
            var cursor = groupPadding
            var tallest = 0.0
            for (i, child) in node.children.enumerated() {
                let c = layout(child, depth: depth + 1)
                let frameWidth = max(c.width + 2 * groupPadding, 110)
                let frameHeight = c.height + frameHeader + groupPadding
                let title = node.kind == .map ? "Item processor" : "Branch \(i + 1)"
                group.frames.append(Frame(id: child.id, owner: node.id, title: title,
                                          rect: Rect(x: cursor, y: groupHeader, width: frameWidth, height: frameHeight)))
                group.append(c, dx: cursor + (frameWidth - c.width) / 2, dy: groupHeader + frameHeader)
                cursor += frameWidth + groupPadding
                tallest = max(tallest, frameHeight)
            }
            let plain = plainSize(node)
            group.width = max(cursor, plain.width)
            group.height = groupHeader + tallest + groupPadding
            if group.width > cursor {
                // A wide title: centre the frames.
                group.nodes = group.nodes.map { var n = $0; n.rect = n.rect.offsetBy((group.width - cursor) / 2, 0); return n }
                group.frames = group.frames.map { var f = $0; f.rect = f.rect.offsetBy((group.width - cursor) / 2, 0); return f }
                group.edges = group.edges.map { e in
                    var e = e
                    let dx = (group.width - cursor) / 2
                    e.points = e.points.map { $0.offsetBy(dx, 0) }
                    e.labelCenter = e.labelCenter?.offsetBy(dx, 0)
                    return e
                }
            }
            inner.append(group)
            sizes.append(LayeredLayout.Size(width: group.width, height: group.height))
        }
        var index: [String: Int] = [:]
        for (i, node) in scope.nodes.enumerated() { index[node.id] = i }
        var layeredEdges: [LayeredLayout.Edge] = []
        var kept: [GraphEdge] = []
        for edge in scope.edges {
            guard let a = index[edge.from], let b = index[edge.to] else { continue }
            let label = edge.label.map {
                LayeredLayout.Size(width: TextMetrics.width($0, size: labelSize) + 10, height: 16)
            }
            layeredEdges.append(LayeredLayout.Edge(from: a, to: b, label: label))
            kept.append(edge)
        }
        let start = scope.nodes.firstIndex { $0.kind == .start } ?? scope.startAt.flatMap { index[$0] }
        let result = LayeredLayout(sizes: sizes, edges: layeredEdges, start: start).run()

        var out = ScopeLayout(width: result.width, height: result.height)
        var contents = ScopeLayout()
        for (i, node) in scope.nodes.enumerated() {
            let c = result.centers[i], s = sizes[i]
            let rect = Rect(x: c.x - s.width / 2, y: c.y - s.height / 2, width: s.width, height: s.height)
            out.nodes.append(Node(id: node.id, name: node.name, kind: node.kind, detail: node.detail, retry: node.retry,
                                  diagnostics: node.diagnostics, isTerminal: node.isTerminal,
                                  isStart: node.id == scope.startAt, rect: rect, parent: nil,
                                  isGroup: inner[i] != nil, depth: depth))
            if var group = inner[i] {
                group.nodes = group.nodes.map { n in
                    var n = n
                    if n.parent == nil { n.parent = node.id }
                    return n
                }
                contents.append(group, dx: rect.x, dy: rect.y)
            }
        }
        for (i, edge) in kept.enumerated() {
            out.edges.append(Edge(from: edge.from, to: edge.to, kind: edge.kind, label: edge.label,
                                  points: result.routes[i], labelCenter: result.labelCenters[i],
                                  isBack: result.reversed[i]))
        }
        out.nodes += contents.nodes
        out.frames += contents.frames
        out.edges += contents.edges
        return out
    }
}
