// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif

/// `cgi on`: finds the script a URI names under the document root, the way CGI servers split
/// `/cgi-bin/report.py/2024/06` into the script `/cgi-bin/report.py` and `PATH_INFO` `/2024/06`.
/// Blocking (stat): call it off the event loop.
public enum CGIScriptLocator {
    public struct Script: Sendable, Equatable {
        /// `SCRIPT_NAME`: the URI path of the script.
        public var scriptName: String
        /// `SCRIPT_FILENAME`: its absolute file name.
        public var filename: String
        /// `PATH_INFO`: the rest of the URI (empty or starting with `/`).
        public var pathInfo: String
        /// The interpreter from `cgi_interpreter` for the script's extension, if any.
        public var interpreter: String?

        public init(scriptName: String, filename: String, pathInfo: String, interpreter: String?) {
            self.scriptName = scriptName
            self.filename = filename
            self.pathInfo = pathInfo
            self.interpreter = interpreter
        }
    }

    public enum Outcome: Sendable, Equatable {
        case script(Script)
        /// No such file: 404.
        case notFound
        /// A directory, or a file that is neither executable nor has an interpreter: 403.
        case forbidden
    }

    /// `interpreters` maps extensions with their dot (`.py`) to interpreter paths.
    public static func locate(documentRoot: String, uri: String, interpreters: [String: String]) -> Outcome {
        let root = documentRoot.hasSuffix("/") ? String(documentRoot.dropLast()) : documentRoot
        var scriptName = ""
        var rest = Substring(uri)
        while !rest.isEmpty {
            // Take the next "/segment".
            let afterSlash = rest.dropFirst()
            let end = afterSlash.firstIndex(of: "/") ?? afterSlash.endIndex
            let segment = rest[rest.startIndex..<end]
            rest = rest[end...]
            if segment == "/" { continue }
            scriptName += segment
            var st = stat()
            guard stat(root + scriptName, &st) == 0 else { return .notFound }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                continue
            case S_IFREG:
                let filename = root + scriptName
                let interpreter = interpreters.isEmpty ? nil : extensionOf(scriptName).flatMap { interpreters[$0] }
                if interpreter == nil, access(filename, X_OK) != 0 { return .forbidden }
                return .script(Script(scriptName: scriptName, filename: filename, pathInfo: String(rest), interpreter: interpreter))
            default:
                return .forbidden
            }
        }
        return .forbidden
    }

    static func extensionOf(_ name: String) -> String? {
        let base = name.lastIndex(of: "/").map { name[name.index(after: $0)...] } ?? name[...]
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return nil }
        return String(base[dot...])
    }
}
