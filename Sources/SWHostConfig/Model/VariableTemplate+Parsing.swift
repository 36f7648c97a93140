// swhost: config language.

extension VariableName {
    /// nginx 1.22's built-in variable names (core, rewrite, fastcgi, gzip, realip, ssl-less builds)
    /// plus swhost's own. Anything else must be defined by `set` or a named regex capture.
    public static let builtinNames: Set<String> = [
        "host", "binary_remote_addr", "remote_addr", "remote_port", "proxy_protocol_addr",
        "proxy_protocol_port", "proxy_protocol_server_addr", "proxy_protocol_server_port",
        "server_addr", "server_port", "server_protocol", "scheme", "https", "request_uri", "uri",
        "document_uri", "request", "document_root", "realpath_root", "query_string", "args", "is_args",
        "request_filename", "server_name", "request_method", "remote_user", "bytes_sent",
        "body_bytes_sent", "pipe", "request_completion", "request_body", "request_body_file",
        "request_length", "request_time", "request_id", "status", "limit_rate", "connection",
        "connection_requests", "connection_time", "nginx_version", "hostname", "pid", "msec",
        "time_iso8601", "time_local", "tcpinfo_rtt", "tcpinfo_rttvar", "tcpinfo_snd_cwnd",
        "tcpinfo_rcv_space", "content_length", "content_type", "http_host", "http_user_agent",
        "http_referer", "http_via", "http_x_forwarded_for", "http_cookie", "sent_http_content_type",
        "sent_http_content_length", "sent_http_location", "sent_http_last_modified",
        "sent_http_connection", "sent_http_keep_alive", "sent_http_transfer_encoding",
        "sent_http_cache_control", "sent_http_link", "fastcgi_script_name", "fastcgi_path_info",
        "gzip_ratio", "realip_remote_addr", "realip_remote_port", "date_local", "date_gmt",
        "upstream_addr", "upstream_status", "upstream_response_time", "upstream_connect_time",
        "upstream_header_time", "upstream_response_length", "upstream_bytes_received",
        "upstream_bytes_sent", "upstream_cache_status", "invalid_referer", "binary_remote_addr",
        "swhost_version",
        // Known to nginx 1.22 (ssl, http2, proxy, limit, userid, secure_link modules); swhost has no
        // such module and renders them empty, but accepts configs that log them.
        "ssl_protocol", "ssl_cipher", "ssl_ciphers", "ssl_curves", "ssl_server_name", "ssl_session_id",
        "ssl_session_reused", "ssl_early_data", "ssl_client_verify", "ssl_client_s_dn", "ssl_client_i_dn",
        "ssl_client_serial", "ssl_client_fingerprint", "ssl_client_cert", "ssl_client_raw_cert",
        "ssl_alpn_protocol", "http2", "proxy_add_x_forwarded_for", "proxy_host", "proxy_port",
        "limit_req_status", "limit_conn_status", "uid_got", "uid_set", "uid_reset", "secure_link",
        "secure_link_expires",
    ]

    /// Prefixed families nginx resolves by name at run time besides `$http_`, `$sent_http_`,
    /// `$arg_` and `$cookie_` (kept as `.builtin` with the full name).
    public static let builtinPrefixes: [String] = ["upstream_http_", "upstream_cookie_", "upstream_trailer_", "sent_trailer_"]

    /// Classifies a variable name as written after `$` (case-insensitive like nginx, except the
    /// suffix of `$arg_`).
    public static func classify(_ written: String) -> VariableName {
        if let n = Int(written), (0...9).contains(n), written.count == 1 { return .capture(n) }
        let name = written.lowercased()
        if name.hasPrefix("http_") {
            return .httpHeader(String(name.dropFirst(5)).replacingUnderscores())
        }
        if name.hasPrefix("sent_http_") {
            return .sentHTTPHeader(String(name.dropFirst(10)).replacingUnderscores())
        }
        if name.hasPrefix("arg_") { return .argument(String(written.dropFirst(4))) }
        if name.hasPrefix("cookie_") { return .cookie(String(name.dropFirst(7))) }
        if builtinNames.contains(name) || builtinPrefixes.contains(where: { name.hasPrefix($0) }) { return .builtin(BuiltinVariable(name)) }
        return .user(name)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}

extension VariableTemplate {
    /// A template parse failure; `message` is nginx's text.
    public struct ParseError: Error, Sendable, Hashable {
        public var message: String
    }

    /// Splits `text` into literals and variables: `$name`, `${name}`, `$1`-`$9`.
    /// User variables (`.user`) are returned as-is; the compiler checks them against `set`
    /// and named captures once the whole config is read, as nginx does.
    public init(parsing text: String) throws(ParseError) {
        if !text.utf8.contains(UInt8(ascii: "$")) {
            self.init(literal: text)
            return
        }
        var segments: [Segment] = []
        var literal = ""
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_"
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "$" else { literal.unicodeScalars.append(c); i += 1; continue }
            i += 1
            var name = ""
            if i < chars.count, chars[i] == "{" {
                i += 1
                while i < chars.count, chars[i] != "}" { name.unicodeScalars.append(chars[i]); i += 1 }
                guard i < chars.count else { throw ParseError(message: "the closing bracket in \"\(name)\" variable is missing") }
                i += 1
            } else if i < chars.count, chars[i] >= "0", chars[i] <= "9" {
                name.unicodeScalars.append(chars[i]); i += 1
            } else {
                while i < chars.count, isNameChar(chars[i]) { name.unicodeScalars.append(chars[i]); i += 1 }
            }
            guard !name.isEmpty else { throw ParseError(message: "invalid variable name") }
            if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
            segments.append(.variable(VariableName.classify(name)))
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.init(segments: segments)
    }

    /// For built-in texts known to be valid.
    init(parsingTrusted text: String) {
        do { try self.init(parsing: text) } catch { self.init(literal: text) }
    }

    /// The `.user` variables referenced (checked against `set` and named captures at load).
    public var userVariables: [String] {
        segments.compactMap { if case .variable(.user(let n)) = $0 { n } else { nil } }
    }
}
