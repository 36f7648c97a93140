// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostHTTPCore
import SWHostLog

/// nginx's variables for one request. Unknown names were refused at config load, so a nil here
/// means "not set for this request" (nginx's not-found value, logged as `-`).
extension RequestState {
    func value(of name: VariableName) -> String? {
        switch name {
        case .builtin(let n): builtin(n)
        case .httpHeader(let header):
            request.headers.joinedValues(header, separator: header == "cookie" ? "; " : ", ") ?? underscoreHeaderValue(header)
        case .sentHTTPHeader(let header): sentHeaders.first(header)
        case .argument(let arg): Self.argument(arg, in: args)
        case .cookie(let cookie): Self.cookie(cookie, in: request.headers.all("cookie"))
        case .capture(let index): captures?[index].map(String.init)
        case .user(let n): userVariables[n] ?? serverCaptures?[name: n].map(String.init)
        }
    }

    /// `$http_NAME` from fields whose names hold `_`, visible only with `underscores_in_headers on`
    /// (nginx compares names with `-` and `_` alike: `X_Token` and `X-Token` are `$http_x_token`).
    private func underscoreHeaderValue(_ header: String) -> String? {
        guard settings.underscoresInHeaders, !request.underscoreHeaders.isEmpty else { return nil }
        let wanted = Self.variableSpelling(header)
        var values: [String] = []
        for (name, value) in request.underscoreHeaders where Self.variableSpelling(name) == wanted {
            values.append(value)
        }
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// A header name as a variable suffix: lowercase, `-` as `_`.
    static func variableSpelling(_ name: String) -> String {
        String(decoding: name.utf8.map { b in
            b == UInt8(ascii: "-") ? UInt8(ascii: "_") : (b >= 0x41 && b <= 0x5A ? b + 32 : b)
        }, as: UTF8.self)
    }

    /// Renders a config template against this request.
    func render(_ template: VariableTemplate) -> String {
        if template.isLiteral { return template.literalValue }
        return template.render { self.value(of: $0) }
    }

    private func builtin(_ variable: BuiltinVariable) -> String? {
        let connection = request.connection
        switch variable.kind {
        case .uri, .documentURI: return uri
        case .requestURI: return request.uri.requestURI
        // Not found (logged as "-") without a query; "" for a bare "?".
        case .args, .queryString: return hasArgs ? args : nil
        case .isArgs: return hasArgs && !args.isEmpty ? "?" : ""
        case .host: return hostVariable
        case .hostname: return Self.hostname
        case .httpHost: return request.headers.first("host")
        case .remoteAddr, .realipRemoteAddr: return connection.remoteAddress
        case .remotePort, .realipRemotePort: return String(connection.remotePort)
        // The user name sent, checked or not, as nginx's ngx_http_auth_basic_user gives it.
        case .remoteUser:
            return remoteUser ?? request.headers.first("authorization").flatMap(BasicCredentials.init(authorization:))?.userString
        case .serverAddr: return connection.localAddress
        case .serverPort: return String(connection.localPort)
        case .serverName: return server.primaryName
        case .serverProtocol: return request.version.description
        case .scheme: return "http"
        case .https: return ""
        case .requestMethod: return method.rawValue
        case .request: return request.method.rawValue + " " + request.target + " " + request.version.description
        case .documentRoot: return documentRoot
        case .realpathRoot: return Self.realpath(documentRoot) ?? documentRoot
        case .requestFilename: return requestFilename
        case .contentLength: return request.headers.first("content-length")
        case .contentType: return request.headers.first("content-type")
        case .connection: return String(connection.connectionID)
        case .connectionRequests: return String(connection.requestNumber)
        case .pid: return String(getpid())
        case .nginxVersion, .swhostVersion: return runtime.serverVersion
        case .status: return sentStatus == 0 ? nil : Self.threeDigits(sentStatus)
        case .bodyBytesSent: return String(completion?.bodyBytes ?? 0)
        case .bytesSent: return String(completion?.totalBytes ?? 0)
        // The head as received, plus a declared body (a chunked body's framing is not counted).
        case .requestLength: return String(connection.headLength + Int(request.bodyContentLength ?? 0))
        case .requestTime: return requestTime
        case .msec: return LogTime.now().msec
        case .timeLocal: return LogTime.now().timeLocal
        case .timeISO8601: return LogTime.now().iso8601
        case .fastcgiScriptName: return fastcgiSplit.script
        case .fastcgiPathInfo: return fastcgiSplit.pathInfo
        case .limitRate: return "0"
        case .requestID: return ensureRequestID()
        case .requestCompletion: return completion?.completed == true ? "OK" : ""
        case .proxyAddXForwardedFor:
            return request.headers.joinedValues("x-forwarded-for", separator: ", ").map { $0 + ", " + connection.remoteAddress }
                ?? connection.remoteAddress
        case .other: return userVariables[variable.name]
        }
    }

    /// `$request_id`: 16 random bytes in hex, fixed for the request once used (nginx's format).
    private func ensureRequestID() -> String {
        if let requestID { return requestID }
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(32)
        for _ in 0..<2 {
            var word = generator.next() as UInt64
            for _ in 0..<16 {
                text.append(digits[Int(word & 0xF)])
                word >>= 4
            }
        }
        let id = String(decoding: text, as: UTF8.self)
        requestID = id
        return id
    }

    /// `$host`: the request line's host, else `Host`, else the server name (lower-case, no port).
    var hostVariable: String {
        request.host.isEmpty ? server.primaryName : request.host
    }

    /// `$document_root`: the rendered `root` (or the alias directory), absolute.
    var documentRoot: String {
        switch settings.root {
        case .root(let t), .alias(let t):
            let path = render(t)
            return path.hasPrefix("/") ? path : runtime.prefix + path
        }
    }

    /// `$request_filename`: the file the URI maps to under `root` or `alias`.
    var requestFilename: String {
        switch settings.root {
        case .root:
            return documentRoot + uri
        case .alias:
            if location.regex != nil { return documentRoot }
            return documentRoot + uri.dropFirst(min(location.name.count, uri.count))
        }
    }

    /// `$request_time` in seconds with millisecond resolution.
    var requestTime: String {
        let end = completion?.endTimeMicroseconds ?? Self.nowMicroseconds()
        let ms = max(0, (end - request.connection.startTimeMicroseconds) / 1000)
        let frac = ms % 1000
        return "\(ms / 1000).\(frac < 10 ? "00" : frac < 100 ? "0" : "")\(frac)"
    }

    /// `$fastcgi_script_name` / `$fastcgi_path_info` per `fastcgi_split_path_info`.
    var fastcgiSplit: (script: String, pathInfo: String) {
        guard let regex = settings.fastcgiSplitPathInfo, let match = regex.match(uri), match.count >= 2 else {
            if let index = settings.fastcgiIndex, uri.hasSuffix("/") { return (uri + render(index), "") }
            return (uri, "")
        }
        return (match[1].map(String.init) ?? uri, match[2].map(String.init) ?? "")
    }

    static func threeDigits(_ status: Int) -> String {
        status < 10 ? "00\(status)" : status < 100 ? "0\(status)" : String(status)
    }

    static func nowMicroseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    /// `$arg_NAME`: the first `NAME=value` in the query string, as sent (not decoded), like nginx.
    static func argument(_ name: String, in args: String) -> String? {
        for pair in args.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = pair.firstIndex(of: "=") {
                if pair[..<eq].lowercased() == name.lowercased() { return String(pair[pair.index(after: eq)...]) }
            } else if pair.lowercased() == name.lowercased() {
                return ""
            }
        }
        return nil
    }

    /// `$cookie_NAME` from the `Cookie` headers.
    static func cookie(_ name: String, in headers: [String]) -> String? {
        for header in headers {
            for part in header.split(separator: ";") {
                let trimmed = part.drop { $0 == " " || $0 == "\t" }
                guard let eq = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<eq] == name { return String(trimmed[trimmed.index(after: eq)...]) }
            }
        }
        return nil
    }

    static let hostname: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    static func realpath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
