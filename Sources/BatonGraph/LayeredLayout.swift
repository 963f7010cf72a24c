/// A Sugiyama-style layered layout of one scope, top to bottom, on node indices and sizes:
///
/// 1. cycles broken by reversing the back edges of a depth-first search from the start node;
/// 2. ranks by longest path from the sources, doubled so that every edge has a virtual node between
///    two ranks (which carries its label, as dot does), longer edges one per rank crossed;
/// 3. the order within each rank by barycenter sweeps down and up, keeping the order with fewest crossings;
/// 4. x coordinates by repeated sweeps, each rank placed as close as its order and spacing allow to the
///    mean of its neighbours (an isotonic regression, solved exactly by pool-adjacent-violators);
/// 5. each edge a polyline through its virtual nodes (each a vertical segment as tall as its rank), clipped
///    to the borders of its two nodes.
struct LayeredLayout {
    /// An edge between two node indices, with the size of its label if it has one.
    struct Edge {
        var from: Int
        var to: Int
        var label: Size?
    }

    /// A width and a height.
    struct Size {
        var width: Double
        var height: Double
    }

    /// Where everything went: node centers, and per edge its polyline (source border to target border)
    /// and the center of its label.
    struct Result {
        var centers: [Point]
        var routes: [[Point]]
        var labelCenters: [Point?]
        var reversed: [Bool]
        var width: Double
        var height: Double
    }

    var sizes: [Size]
    var edges: [Edge]
    var start: Int?
    /// Horizontal space between two real nodes of a rank.
    var nodeGap = 36.0
    /// Vertical space between a rank and the rank of virtual nodes below it.
    var halfRankGap = 20.0
    /// Room right of a node for an edge that loops back to it.
    var selfLoopRoom = 34.0

    func run() -> Result {
        let n = sizes.count
        var result = Result(centers: Array(repeating: Point(x: 0, y: 0), count: n),
                            routes: Array(repeating: [], count: edges.count),
                            labelCenters: Array(repeating: nil, count: edges.count),
                            reversed: Array(repeating: false, count: edges.count), width: 0, height: 0)
        guard n > 0 else { return result }
        let hasLoop = Set(edges.filter { $0.from == $0.to }.map(\.from))

        // 1. Back edges by depth-first search from the start, then from every node not yet seen.
        var out = Array(repeating: [Int](), count: n)
        for (i, e) in edges.enumerated() where e.from != e.to { out[e.from].append(i) }
        var state = Array(repeating: 0, count: n) // 0 new, 1 on the stack, 2 done
        var discovery: [Int] = []
        var isBack = Array(repeating: false, count: edges.count)
        let roots = (start.map { [$0] } ?? []) + Array(0..<n)
        for root in roots where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            discovery.append(root)
            while let top = stack.last {
                if top.next < out[top.node].count {
                    stack[stack.count - 1].next += 1
                    let e = out[top.node][top.next]
                    let v = edges[e].to
                    switch state[v] {
                    case 0:
                        state[v] = 1
                        discovery.append(v)
                        stack.append((v, 0))
                    case 1: isBack[e] = true
                    default: break
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        result.reversed = isBack

        // 2. Longest-path ranks on the acyclic graph (Kahn's order), doubled.
        var dagOut = Array(repeating: [Int](), count: n)
        var indegree = Array(repeating: 0, count: n)
        for (i, e) in edges.enumerated() where e.from != e.to {
            let (a, b) = isBack[i] ? (e.to, e.from) : (e.from, e.to)
            dagOut[a].append(b)
            indegree[b] += 1
        }
        var rank = Array(repeating: 0, count: n)
        var queue = discovery.filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for v in dagOut[u] {
                rank[v] = max(rank[v], rank[u] + 2)
                indegree[v] -= 1
                if indegree[v] == 0 { queue.append(v) }
            }
        }
        // A start node with incoming back edges only still goes first; nothing else is left unranked.

        // 3. Virtual nodes: every edge crosses at least one virtual rank.
        var vSize = sizes.map { s in Size(width: s.width, height: s.height) }
        for i in hasLoop { vSize[i].width += 2 * selfLoopRoom }
        var vRank = rank
        var chains = Array(repeating: [Int](), count: edges.count)
        var vPred = Array(repeating: [Int](), count: n)
        var vSucc = Array(repeating: [Int](), count: n)
        func addVertex(_ size: Size, _ r: Int) -> Int {
            vSize.append(size)
            vRank.append(r)
            vPred.append([])
            vSucc.append([])
            return vSize.count - 1
        }
        for (i, e) in edges.enumerated() where e.from != e.to {
            let (a, b) = isBack[i] ? (e.to, e.from) : (e.from, e.to)
            var previous = a
            var chain: [Int] = []
            let span = rank[b] - rank[a]
            for step in 1..<max(span, 2) {
                let labelled = e.label != nil && (isBack[i] ? step == span - 1 : step == 1)
                let size = labelled ? (e.label ?? Size(width: 8, height: 0)) : Size(width: 8, height: 0)
                let d = addVertex(size, rank[a] + step)
                vSucc[previous].append(d)
                vPred[d].append(previous)
                chain.append(d)
                previous = d
            }
            vSucc[previous].append(b)
            vPred[b].append(previous)
            chains[i] = chain
        }
        let total = vSize.count
        let rankCount = (vRank.max() ?? 0) + 1

        // Initial order: depth-first discovery over the layered graph.
        var seen = Array(repeating: false, count: total)
        var orderKey = Array(repeating: 0, count: total)
        var counter = 0
        for root in discovery where !seen[root] {
            var stack = [root]
            while let v = stack.popLast() {
                if seen[v] { continue }
                seen[v] = true
                orderKey[v] = counter
                counter += 1
                for s in vSucc[v].reversed() where !seen[s] { stack.append(s) }
            }
        }
        var layers = Array(repeating: [Int](), count: rankCount)
        for v in 0..<total { layers[vRank[v]].append(v) }
        for r in layers.indices { layers[r].sort { orderKey[$0] < orderKey[$1] } }

        // 4. Barycenter sweeps, keeping the best order.
        var position = Array(repeating: 0.0, count: total)
        func index() { for layer in layers { for (i, v) in layer.enumerated() { position[v] = Double(i) } } }
        func crossings() -> Int {
            var count = 0
            for r in 0..<max(rankCount - 1, 0) {
                var pairs: [(Double, Double)] = []
                for u in layers[r] { for v in vSucc[u] { pairs.append((position[u], position[v])) } }
                for i in pairs.indices {
                    for j in (i + 1)..<pairs.count {
                        let (a1, b1) = pairs[i], (a2, b2) = pairs[j]
                        if (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2) { count += 1 }
                    }
                }
            }
            return count
        }
        index()
        var best = layers
        var bestCrossings = crossings()
        for iteration in 0..<12 where bestCrossings > 0 {
            let down = iteration % 2 == 0
            let ranks = down ? Array(1..<rankCount) : Array((0..<max(rankCount - 1, 0)).reversed())
            for r in ranks {
                var keyed: [(v: Int, key: Double)] = []
                for v in layers[r] {
                    let neighbours = down ? vPred[v] : vSucc[v]
                    let key = neighbours.isEmpty ? position[v]
                        : neighbours.reduce(0.0) { $0 + position[$1] } / Double(neighbours.count)
                    keyed.append((v, key))
                }
                // A stable sort: equal keys keep their order.
                let sorted = keyed.enumerated().sorted { l, r in
                    l.element.key != r.element.key ? l.element.key < r.element.key : l.offset < r.offset
                }
                layers[r] = sorted.map(\.element.v)
                for (i, v) in layers[r].enumerated() { position[v] = Double(i) }
            }
            let c = crossings()
            if c < bestCrossings {
                bestCrossings = c
                best = layers
            }
        }
        layers = best

        // 5. Coordinates. y: ranks stacked; x: sweeps towards the neighbours' mean.
        var y = Array(repeating: 0.0, count: total)
        var rankHeight = Array(repeating: 0.0, count: rankCount)
        var top = 0.0
        for r in 0..<rankCount {
            let height = layers[r].map { vSize[$0].height }.max() ?? 0
            rankHeight[r] = height
            for v in layers[r] { y[v] = top + height / 2 }
            top += height + halfRankGap
        }
        let height = max(top - halfRankGap, 0)
        var x = Array(repeating: 0.0, count: total)
        func gap(_ a: Int, _ b: Int) -> Double {
            let real = (a < n ? 1 : 0) + (b < n ? 1 : 0)
            let g = real == 2 ? nodeGap : (real == 1 ? nodeGap / 2 : 10)
            return (vSize[a].width + vSize[b].width) / 2 + g
        }
        for layer in layers {
            var cursor = 0.0
            for (i, v) in layer.enumerated() {
                cursor += i == 0 ? vSize[v].width / 2 : gap(layer[i - 1], v)
                x[v] = cursor
            }
        }
        func place(_ layer: [Int], desired: [Double], weights: [Double]) {
            // Minimise Σ w(x−d)² subject to x[i+1] − x[i] ≥ gap: with o the running gaps, y = x − o is
            // non-decreasing, an isotonic regression of d − o.
            guard !layer.isEmpty else { return }
            var offsets = [0.0]
            for i in 1..<layer.count { offsets.append(offsets[i - 1] + gap(layer[i - 1], layer[i])) }
            var blocks: [(sum: Double, weight: Double, count: Int)] = []
            for i in layer.indices {
                blocks.append((weights[i] * (desired[i] - offsets[i]), weights[i], 1))
                while blocks.count > 1 {
                    let last = blocks[blocks.count - 1], previous = blocks[blocks.count - 2]
                    guard previous.sum / previous.weight > last.sum / last.weight else { break }
                    blocks.removeLast(2)
                    blocks.append((previous.sum + last.sum, previous.weight + last.weight, previous.count + last.count))
                }
            }
            var i = 0
            for b in blocks {
                for _ in 0..<b.count {
                    x[layer[i]] = b.sum / b.weight + offsets[i]
                    i += 1
                }
            }
        }
        func sweep(_ ranks: [Int], usePred: Bool, useSucc: Bool) {
            for r in ranks {
                var desired: [Double] = []
                var weights: [Double] = []
                for v in layers[r] {
                    var neighbours: [Int] = []
                    if usePred { neighbours += vPred[v] }
                    if useSucc { neighbours += vSucc[v] }
                    if neighbours.isEmpty {
                        desired.append(x[v])
                        weights.append(0.1)
                    } else {
                        desired.append(neighbours.reduce(0.0) { $0 + x[$1] } / Double(neighbours.count))
                        // Virtual nodes follow more readily: long edges straighten before real nodes move.
                        weights.append(v < n ? 2 : 1)
                    }
                }
                place(layers[r], desired: desired, weights: weights)
            }
        }
        let downRanks = Array(0..<rankCount), upRanks = Array((0..<rankCount).reversed())
        for _ in 0..<6 {
            sweep(downRanks, usePred: true, useSucc: false)
            sweep(upRanks, usePred: false, useSucc: true)
        }
        sweep(downRanks, usePred: true, useSucc: true)
        var minX = Double.infinity, maxX = -Double.infinity
        for v in 0..<total {
            minX = min(minX, x[v] - vSize[v].width / 2)
            maxX = max(maxX, x[v] + vSize[v].width / 2)
        }
        for v in 0..<total { x[v] -= minX }
        result.width = maxX - minX
        result.height = height

        // 6. Routes, clipped to the node borders.
        for v in 0..<n { result.centers[v] = Point(x: x[v], y: y[v]) }
        for (i, e) in edges.enumerated() {
            let size = sizes[e.from]
            let c = result.centers[e.from]
            if e.from == e.to {
                let right = c.x + size.width / 2
                let dy = min(size.height / 4, 10)
                result.routes[i] = [Point(x: right, y: c.y - dy), Point(x: right + selfLoopRoom * 0.8, y: c.y - dy * 2),
                                    Point(x: right + selfLoopRoom * 0.8, y: c.y + dy * 2), Point(x: right, y: c.y + dy)]
                if let label = e.label {
                    result.labelCenters[i] = Point(x: right + selfLoopRoom * 0.8 + label.width / 2 - 4, y: c.y)
                }
                continue
            }
            // A virtual node spans its rank's height, so the edge bends only between ranks, never beside a node.
            var middle = chains[i].flatMap { d -> [Point] in
                let half = rankHeight[vRank[d]] / 2
                return half < 1 ? [Point(x: x[d], y: y[d])]
                    : [Point(x: x[d], y: y[d] - half), Point(x: x[d], y: y[d] + half)]
            }
            if isBack[i] { middle.reverse() }
            let from = result.centers[e.from], to = result.centers[e.to]
            let first = middle.first ?? to, last = middle.last ?? from
            let start = Self.exit(from: from, size: sizes[e.from], toward: first)
            let end = Self.exit(from: to, size: sizes[e.to], toward: last)
            result.routes[i] = [start] + middle + [end]
            if e.label != nil {
                let labelVertex = isBack[i] ? chains[i].last : chains[i].first
                result.labelCenters[i] = labelVertex.map { Point(x: x[$0], y: y[$0]) }
            }
        }
        return result
    }

    /// Where a line leaving a node toward `p` crosses its border: straight down or up when `p` is
    /// above or below the node (through the node's middle third), else the border of the line to `p`.
    static func exit(from c: Point, size: Size, toward p: Point) -> Point {
        let hw = size.width / 2, hh = size.height / 2
        if abs(p.y - c.y) > hh {
            let inset = min(hw, max(hw - 14, hw * 0.5))
            let bx = min(max(p.x, c.x - inset), c.x + inset)
            return Point(x: bx, y: p.y > c.y ? c.y + hh : c.y - hh)
        }
        let dx = p.x - c.x, dy = p.y - c.y
        guard dx != 0 || dy != 0 else { return Point(x: c.x, y: c.y + hh) }
        let tx = dx == 0 ? Double.infinity : hw / abs(dx)
        let ty = dy == 0 ? Double.infinity : hh / abs(dy)
        let t = min(tx, ty)
        return Point(x: c.x + dx * t, y: c.y + dy * t)
    }
}
