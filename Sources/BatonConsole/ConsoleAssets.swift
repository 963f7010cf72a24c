/// The web console's files (HTML, CSS, JavaScript modules), compiled into the binary from `Resources/`.
public enum ConsoleAssets {
    /// One file of the console: its bytes and its media type.
    public struct Asset: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
    }

    /// The file at `path` (`index.html`, `app.js` …), or nil when there is none.
    public static func file(_ path: String) -> Asset? {
        let name = path.isEmpty ? "index.html" : path
        guard let bytes = table[name] else { return nil }
        return Asset(bytes: bytes, contentType: contentType(name))
    }

    /// Every file name served.
    public static var names: [String] { table.keys.sorted() }

    static func contentType(_ name: String) -> String {
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if name.hasSuffix(".svg") { return "image/svg+xml" }
        return "application/octet-stream"
    }

    private static let table: [String: [UInt8]] = [
        "index.html": PackageResources.index_html,
        "console.css": PackageResources.console_css,
        "app.js": PackageResources.app_js,
        "api.js": PackageResources.api_js,
        "util.js": PackageResources.util_js,
        "graph.js": PackageResources.graph_js,
        "history.js": PackageResources.history_js,
        "machines.js": PackageResources.machines_js,
        "executions.js": PackageResources.executions_js,
        "editor.js": PackageResources.editor_js,
        "asl.js": PackageResources.asl_js,
        "sigv4.js": PackageResources.sigv4_js,
    ]
}
