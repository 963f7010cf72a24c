/// A point of the drawing, in pixels, y downwards.
public struct Point: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle of the drawing.
public struct Rect: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// True when the two rectangles share interior area (touching edges don't count).
    public func overlaps(_ other: Rect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// True when `other` lies inside this rectangle (edges may touch).
    public func contains(_ other: Rect) -> Bool {
        other.x >= x - 1e-6 && other.y >= y - 1e-6 && other.maxX <= maxX + 1e-6 && other.maxY <= maxY + 1e-6
    }

    /// True when the point lies on the rectangle's outline, within `tolerance` pixels.
    public func isOnBorder(_ p: Point, tolerance: Double = 0.5) -> Bool {
        let inX = p.x >= x - tolerance && p.x <= maxX + tolerance
        let inY = p.y >= y - tolerance && p.y <= maxY + tolerance
        guard inX && inY else { return false }
        return abs(p.x - x) <= tolerance || abs(p.x - maxX) <= tolerance
            || abs(p.y - y) <= tolerance || abs(p.y - maxY) <= tolerance
    }

    /// The rectangle moved by (dx, dy).
    func offsetBy(_ dx: Double, _ dy: Double) -> Rect { Rect(x: x + dx, y: y + dy, width: width, height: height) }
}

extension Point {
    func offsetBy(_ dx: Double, _ dy: Double) -> Point { Point(x: x + dx, y: y + dy) }
}

/// Rough text metrics for the sans-serif 12 px the renderers use (no font files needed).
enum TextMetrics {
    /// The size at which to measure a 13 px bold name (bold runs about a tenth wider).
    static let boldName = 14.3

    /// The text, cut and ended with "…" when wider than `width` pixels at `size`.
    static func fit(_ text: String, size: Double, width: Double) -> String {
        if Self.width(text, size: size) <= width { return text }
        var cut = Substring(text)
        while !cut.isEmpty && Self.width(String(cut) + "…", size: size) > width { cut = cut.dropLast() }
        return String(cut) + "…"
    }

    /// The width of one line of text at `size` pixels.
    static func width(_ text: String, size: Double = 12) -> Double {
        var units = 0.0
        for ch in text {
            switch ch {
            case "i", "l", "j", "t", "f", "r", ".", ",", ":", ";", "'", "!", "|", "(", ")", " ": units += 0.33
            case "m", "w", "M", "W", "@": units += 0.85
            case "A"..."Z": units += 0.66
            default: units += 0.55
            }
        }
        return units * size
    }
}
