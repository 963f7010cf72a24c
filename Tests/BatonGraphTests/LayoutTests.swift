import BatonGraph
import BatonLanguage
import Testing

/// Definitions whose layouts are checked geometrically.
enum Fixtures {
    static let linear = """
    {"StartAt": "A", "States": {
      "A": {"Type": "Pass", "Next": "B"},
      "B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "Next": "C",
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}]},
      "C": {"Type": "Succeed"}}}
    """

    static let choiceAndCatch = """
    {"StartAt": "Check", "States": {
      "Check": {"Type": "Choice", "Choices": [
          {"Variable": "$.kind", "StringEquals": "small", "Next": "Small"},
          {"And": [{"Variable": "$.n", "NumericGreaterThan": 10}, {"Variable": "$.ok", "BooleanEquals": true}], "Next": "Big"}],
        "Default": "Other"},
      "Small": {"Type": "Task", "Resource": "baton:queue:small", "Next": "Done",
                "Catch": [{"ErrorEquals": ["States.Timeout", "Custom.Error"], "Next": "Failed"}]},
      "Big": {"Type": "Wait", "Seconds": 5, "Next": "Check"},
      "Other": {"Type": "Pass", "Next": "Done"},
      "Failed": {"Type": "Fail", "Error": "Oops"},
      "Done": {"Type": "Succeed"}}}
    """

    static let nested = """
    {"StartAt": "Fan", "States": {
      "Fan": {"Type": "Parallel", "Next": "Each", "Branches": [
          {"StartAt": "L1", "States": {"L1": {"Type": "Pass", "Next": "L2"}, "L2": {"Type": "Pass", "End": true}}},
          {"StartAt": "R1", "States": {"R1": {"Type": "Wait", "Seconds": 1, "End": true}}}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]},
      "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Inner", "States": {
          "Inner": {"Type": "Parallel", "End": true, "Branches": [
             {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}]}}}, "End": true},
      "Recover": {"Type": "Pass", "End": true}}}
    """

    static let invalidTransition = """
    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}}}
    """

    static let all: [(String, String)] = [("linear", linear), ("choice and catch", choiceAndCatch),
                                          ("nested", nested), ("invalid transition", invalidTransition)]
}

@Suite("the layered layout")
struct LayoutTests {
    func layout(_ text: String) throws -> GraphLayout {
        GraphLayout(try StateGraph(definitionText: text))
    }

    @Test("no two nodes of the same scope overlap", arguments: Fixtures.all.map(\.1))
    func noOverlap(_ text: String) throws {
        let l = try layout(text)
        for (i, a) in l.nodes.enumerated() {
            for b in l.nodes[(i + 1)...] {
                // A group holds its contents; anything else must stand apart.
                if a.id == b.parent || b.id == a.parent || isAncestor(a, of: b, in: l) || isAncestor(b, of: a, in: l) { continue }
                #expect(!a.rect.overlaps(b.rect), "\(a.id) \(a.rect) overlaps \(b.id) \(b.rect)")
            }
        }
    }

    @Test("every edge starts on its source's border and ends on its target's", arguments: Fixtures.all.map(\.1))
    func edgesEndOnBorders(_ text: String) throws {
        let l = try layout(text)
        let rects = Dictionary(uniqueKeysWithValues: l.nodes.map { ($0.id, $0.rect) })
        #expect(!l.edges.isEmpty)
        for e in l.edges {
            let from = try #require(rects[e.from]), to = try #require(rects[e.to])
            let first = try #require(e.points.first), last = try #require(e.points.last)
            #expect(from.isOnBorder(first), "\(e.from)→\(e.to) starts at \(first), not on \(from)")
            #expect(to.isOnBorder(last), "\(e.from)→\(e.to) ends at \(last), not on \(to)")
        }
    }

    @Test("groups contain their children and frames", arguments: Fixtures.all.map(\.1))
    func groupsContainChildren(_ text: String) throws {
        let l = try layout(text)
        let rects = Dictionary(uniqueKeysWithValues: l.nodes.map { ($0.id, $0.rect) })
        for node in l.nodes {
            guard let parent = node.parent else { continue }
            let outer = try #require(rects[parent])
            #expect(outer.contains(node.rect), "\(node.id) is not inside \(parent)")
        }
        for frame in l.frames {
            let outer = try #require(rects[frame.owner])
            #expect(outer.contains(frame.rect))
            for node in l.nodes where node.parent == frame.owner && node.id.hasPrefix(frame.id + "/") {
                #expect(frame.rect.contains(node.rect), "\(node.id) is not inside its frame \(frame.id)")
            }
        }
        #expect(l.nodes.allSatisfy { $0.rect.x >= 0 && $0.rect.y >= 0 && $0.rect.maxX <= l.width && $0.rect.maxY <= l.height })
    }

    @Test("ranks follow the flow: a state is below the state that leads to it, except on loops")
    func ranksFollowFlow() throws {
        let l = try layout(Fixtures.choiceAndCatch)
        let rects = Dictionary(uniqueKeysWithValues: l.nodes.map { ($0.id, $0.rect) })
        for e in l.edges where !e.isBack {
            let a = try #require(rects[e.from]), b = try #require(rects[e.to])
            #expect(b.y >= a.maxY, "\(e.to) is not below \(e.from)")
        }
        #expect(l.edges.contains { $0.from == "/States/Big" && $0.to == "/States/Check" && $0.isBack })
    }

    @Test("nested groups: a Parallel in a Map's item processor is placed inside it")
    func nestedGroups() throws {
        let l = try layout(Fixtures.nested)
        let byID = Dictionary(uniqueKeysWithValues: l.nodes.map { ($0.id, $0) })
        let inner = try #require(byID["/States/Each/ItemProcessor/States/Inner"])
        #expect(inner.isGroup && inner.parent == "/States/Each" && inner.depth == 1)
        let x = try #require(byID["/States/Each/ItemProcessor/States/Inner/Branches[0]/States/X"])
        #expect(x.parent == inner.id && x.depth == 2)
        #expect(l.frames.map(\.title).sorted() == ["Branch 1", "Branch 1", "Branch 2", "Item processor"])
    }

    @Test("a 200-state machine lays out with no overlap in well under a second")
    func large() throws {
        let text = LargeMachine.definition(states: 200)
        let clock = ContinuousClock()
        var l: GraphLayout?
        let elapsed = try clock.measure { l = try layout(text) }
        let large = try #require(l)
        #expect(large.nodes.count == 202)
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        let plain = large.nodes.filter { !$0.isGroup }
        for (i, a) in plain.enumerated() {
            for b in plain[(i + 1)...] { #expect(!a.rect.overlaps(b.rect)) }
        }
    }

    private func isAncestor(_ a: GraphLayout.Node, of b: GraphLayout.Node, in l: GraphLayout) -> Bool {
        var current = b.parent
        while let p = current {
            if p == a.id { return true }
            current = l.nodes.first { $0.id == p }?.parent
        }
        return false
    }
}

/// A large generated machine: chains of Tasks with Choices that skip ahead and Catches that jump.
enum LargeMachine {
    static func definition(states: Int) -> String {
        var parts: [String] = []
        for i in 0..<states {
            let next = i + 1 < states ? "\"Next\": \"S\(i + 1)\"" : "\"End\": true"
            if i % 10 == 5 && i + 3 < states {
                parts.append("\"S\(i)\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.v\", \"NumericEquals\": \(i), \"Next\": \"S\(i + 3)\"}], \"Default\": \"S\(i + 1)\"}")
            } else if i % 7 == 3 && i + 4 < states {
                parts.append("\"S\(i)\": {\"Type\": \"Task\", \"Resource\": \"baton:queue:q\(i)\", \(next), \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"S\(i + 4)\"}]}")
            } else {
                parts.append("\"S\(i)\": {\"Type\": \"Pass\", \(next)}")
            }
        }
        return "{\"StartAt\": \"S0\", \"States\": {\(parts.joined(separator: ", "))}}"
    }
}
