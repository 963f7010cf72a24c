import BatonGraph
import BatonLanguage
import Testing

@Suite("reading a definition as a graph, and the renderers")
struct RendererTests {
    @Test("Choice rules, Default and Catch become labelled edges; Retry stays on the node")
    func labels() throws {
        let g = try StateGraph(definitionText: Fixtures.choiceAndCatch)
        let labels = g.root.edges.compactMap { e in e.label.map { "\(e.kind.rawValue) \($0)" } }
        #expect(labels == ["choice $.kind == \"small\"", "choice $.n > 10 and $.ok == true", "default Default",
                           "catch States.Timeout, Custom.Error"])
        let linear = try StateGraph(definitionText: Fixtures.linear)
        #expect(linear.root.nodes.first { $0.name == "B" }?.retry == ["States.ALL ×2"])
        #expect(linear.root.nodes.first { $0.name == "B" }?.detail == "λ work")
    }

    @Test("an invalid transition is drawn to a missing node, its diagnostic on the state")
    func invalidTransition() throws {
        let g = try StateGraph(definitionText: Fixtures.invalidTransition)
        let a = try #require(g.root.nodes.first { $0.name == "A" })
        #expect(a.diagnostics.map(\.code) == ["MISSING_TRANSITION_TARGET"])
        #expect(g.root.nodes.contains { $0.kind == .missing && $0.name == "Nowhere" })
        let svg = GraphRenderer.render(g, format: .svg)
        #expect(svg.contains("class=\"node t-Pass start-state invalid\" data-id=\"/States/A\""))
    }

    @Test("text that is not a state machine is refused with a stable code")
    func refused() {
        for (text, code) in [("{", GraphError.Code.invalidJSON), ("[1]", .notAStateMachine), ("{\"StartAt\": \"A\"}", .notAStateMachine)] {
            do {
                _ = try StateGraph(definitionText: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.code == code)
            }
        }
        #expect(throws: GraphError.self) { try GraphFormat(name: "png") }
    }

    @Test("DOT and Mermaid name every state and draw groups as clusters and subgraphs")
    func textFormats() throws {
        let g = try StateGraph(definitionText: Fixtures.nested)
        let dot = GraphRenderer.render(g, format: .dot, title: "nested")
        #expect(dot.hasPrefix("digraph \"nested\" {"))
        #expect(dot.contains("subgraph \"cluster_/States/Fan\""))
        #expect(dot.contains("\"/States/Fan\" -> \"/States/Recover\" [label=\"States.ALL\", style=dashed"))
        let mermaid = GraphRenderer.render(g, format: .mermaid)
        #expect(mermaid.hasPrefix("flowchart TD\n"))
        #expect(mermaid.contains("subgraph n1 [\"Parallel<br/>Fan<br/>2 branches\"]"))
        #expect(mermaid.contains("-.->|\"States.ALL\"|"))
    }

    @Test("the JSON layout carries nodes, edges with points, and the SVG")
    func json() throws {
        let text = GraphRenderer.render(try StateGraph(definitionText: Fixtures.linear), format: .json)
        let json = try JSONParser.parse(text)
        #expect(json["nodes"]?.arrayValue?.count == 5)
        #expect(json["edges"]?.arrayValue?.first?["points"]?.arrayValue?.isEmpty == false)
        #expect(json["svg"]?.stringValue?.hasPrefix("<svg") == true)
    }
}
