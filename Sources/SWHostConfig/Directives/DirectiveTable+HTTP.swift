// swhost: config language.

extension DirectiveTable {
    static let lif: DirectiveContexts = [.http, .server, .location, .ifLocation]
    static let hs: DirectiveContexts = [.http, .server]

    static let httpDirectives: [DirectiveSpec] = [
        // Files.
        make("root", lif, .exactly(1), slot: "root") { s, d throws(ConfigDiagnostic) in
            s.root = .root(try d.compiler.pathTemplate(d[0], at: d.location))
            s.aliasOrigin = nil
        },
        make("alias", .location, .exactly(1), slot: "root") { s, d throws(ConfigDiagnostic) in
            s.alias(try d.compiler.pathTemplate(d[0], at: d.location))
        },
        make("index", .hsl, .atLeast(1), reset: { $0.index = [] }) { s, d throws(ConfigDiagnostic) in
            for i in 0..<d.count {
                guard !d[i].isEmpty else { throw d.error("index \"\(d[i])\" in \"index\" directive is invalid") }
                s.index.append(try d.template(i))
            }
        },
        flag("autoindex", \.autoindex),
        choice("autoindex_format", \.autoindexFormat),
        flag("autoindex_exact_size", \.autoindexExactSize),
        flag("autoindex_localtime", \.autoindexLocaltime),
        make("error_page", lif, .atLeast(2), reset: { $0.errorPages = [] }) { s, d throws(ConfigDiagnostic) in
            s.errorPages.append(try ErrorPageParser.parse(d))
        },
        make("disable_symlinks", .hsl, .range(1...2)) { s, d throws(ConfigDiagnostic) in
            var from: VariableTemplate?
            if d.count == 2 {
                guard d[1].hasPrefix("from=") else { throw d.error("invalid parameter \"\(d[1])\"") }
                from = try d.compiler.template(String(d[1].dropFirst(5)), at: d.location)
            }
            switch d[0] {
            case "off":
                guard from == nil else { throw d.error("\"from=\" cannot be used with \"off\" parameter") }
                s.disableSymlinks = .off
            case "on": s.disableSymlinks = .on(from: from)
            case "if_not_owner": s.disableSymlinks = .ifNotOwner(from: from)
            default: throw d.error("invalid parameter \"\(d[0])\"")
            }
        },
        make("default_type", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in s.defaultType = d[0] },
        flag("mime_sniff", \.mimeSniff),
        make("charset", lif, .exactly(1)) { s, d throws(ConfigDiagnostic) in s.charset = d[0] == "off" ? nil : d[0] },
        ignored("source_charset", .hsl, .exactly(1)),
        make("charset_types", .hsl, .atLeast(1)) { s, d throws(ConfigDiagnostic) in
            if d.args.contains(where: { $0.value == "*" }) { s.charsetTypes = .any; return }
            s.charsetTypes = .types(Set(d.args.map { $0.value.lowercased() } + ["text/html"]))
        },

        // Headers and caching.
        make("add_header", lif, .range(2...3), reset: { $0.addHeaders = [] }) { s, d throws(ConfigDiagnostic) in
            if d.count == 3, d[2] != "always" { throw d.error("invalid parameter \"\(d[2])\"") }
            s.addHeaders.append(AddHeader(name: d[0], value: try d.template(1), always: d.count == 3))
        },
        make("expires", lif, .range(1...2)) { s, d throws(ConfigDiagnostic) in s.expires = try ExpiresParser.parse(d) },
        flag("etag", \.etag),
        choice("if_modified_since", \.ifModifiedSince),
        make("server_tokens", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in
            // nginx also takes `build` (version plus build name); swhost has no build name.
            s.serverTokens = d[0] == "build" ? true : try d.flag()
        },
        make("max_ranges", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in s.maxRanges = try d.number() },

        // Connections and limits.
        flag("sendfile", \.sendfile, lif),
        flag("tcp_nopush", \.tcpNopush),
        flag("tcp_nodelay", \.tcpNodelay),
        make("keepalive_timeout", .hsl, .range(1...2)) { s, d throws(ConfigDiagnostic) in
            s.keepaliveTimeout = try d.time(0)
            s.keepaliveHeaderTimeout = d.count > 1 ? try d.seconds(1) : nil
        },
        number("keepalive_requests", \.keepaliveRequests),
        size("client_max_body_size", \.clientMaxBodySize),
        time("client_body_timeout", \.clientBodyTimeout),
        time("client_header_timeout", \.clientHeaderTimeout, hs),
        size("client_header_buffer_size", \.clientHeaderBufferSize, hs),
        make("large_client_header_buffers", hs, .exactly(2)) { s, d throws(ConfigDiagnostic) in
            guard let count = d.unsigned(0), count > 0 else { throw d.invalidValue }
            s.largeClientHeaderBuffers = BufferSpec(count: count, size: try d.size(1))
        },
        time("send_timeout", \.sendTimeout),
        flag("underscores_in_headers", \.underscoresInHeaders, hs),
        flag("merge_slashes", \.mergeSlashes, hs),
        ignored("client_body_buffer_size", .hsl, .exactly(1)),
        ignored("client_body_temp_path", .hsl, .range(1...4)),
        ignored("server_names_hash_bucket_size", .http, .exactly(1)),
        ignored("server_names_hash_max_size", .http, .exactly(1)),
        ignored("types_hash_max_size", .hsl, .exactly(1)),
        ignored("types_hash_bucket_size", .hsl, .exactly(1)),
        ignored("reset_timedout_connection", .hsl, .flag),
        flag("log_not_found", \.logNotFound),
        flag("absolute_redirect", \.absoluteRedirect),
        flag("port_in_redirect", \.portInRedirect),
        flag("server_name_in_redirect", \.serverNameInRedirect),
        choice("satisfy", \.satisfy),
        time("keepalive_time", \.keepaliveTime),
        choice("lingering_close", \.lingeringClose),
        time("lingering_time", \.lingeringTime),
        time("lingering_timeout", \.lingeringTimeout),
        // nginx tuning knobs with no counterpart here: buffers and I/O strategies swhost sizes
        // itself (SwiftNIO, sendfile), old-MSIE workarounds, a resolver nothing here would use.
        ignored("sendfile_max_chunk", .hsl, .exactly(1)),
        ignored("output_buffers", .hsl, .exactly(2)),
        ignored("postpone_output", .hsl, .exactly(1)),
        ignored("directio", .hsl, .exactly(1)),
        ignored("directio_alignment", .hsl, .exactly(1)),
        ignored("aio", .hsl, .exactly(1)),
        ignored("aio_write", .hsl, .flag),
        ignored("read_ahead", .hsl, .exactly(1)),
        ignored("send_lowat", .hsl, .exactly(1)),
        ignored("subrequest_output_buffer_size", .hsl, .exactly(1)),
        ignored("log_subrequest", .hsl, .flag),
        ignored("msie_padding", .hsl, .flag),
        ignored("msie_refresh", .hsl, .flag),
        ignored("keepalive_disable", .hsl, .atLeast(1)),
        ignored("resolver", .hsl, .atLeast(1)),
        ignored("resolver_timeout", .hsl, .exactly(1)),
        // Proxy tuning site files set beside (or instead of) a proxy_pass: they configure
        // nothing without one, and `proxy_pass` itself is refused (swhost does not proxy).
        ignored("proxy_read_timeout", .hsl, .exactly(1)),
        ignored("proxy_connect_timeout", .hsl, .exactly(1)),
        ignored("proxy_send_timeout", .hsl, .exactly(1)),
        ignored("proxy_set_header", .hsl, .exactly(2)),
        ignored("proxy_http_version", .hsl, .exactly(1)),
        ignored("proxy_buffering", .hsl, .flag),
        ignored("proxy_request_buffering", .hsl, .flag),
        ignored("proxy_buffers", .hsl, .exactly(2)),
        ignored("proxy_buffer_size", .hsl, .exactly(1)),
        ignored("proxy_busy_buffers_size", .hsl, .exactly(1)),
        ignored("proxy_redirect", .hsl, .range(1...2)),
        ignored("proxy_hide_header", .hsl, .exactly(1)),
        ignored("proxy_pass_header", .hsl, .exactly(1)),
        ignored("proxy_intercept_errors", .hsl, .flag),
        ignored("proxy_max_temp_file_size", .hsl, .exactly(1)),
        ignored("proxy_headers_hash_max_size", .hsl, .exactly(1)),
        ignored("proxy_headers_hash_bucket_size", .hsl, .exactly(1)),
        // TLS settings (Debian's nginx.conf sets the first two at http level): swhost has no
        // TLS, so they configure nothing; a `listen ... ssl` is warned about where it appears.
        ignored("ssl_protocols", hs, .atLeast(1)),
        ignored("ssl_prefer_server_ciphers", hs, .flag),
        ignored("ssl_ciphers", hs, .exactly(1)),
        ignored("ssl_certificate", hs, .exactly(1)),
        ignored("ssl_certificate_key", hs, .exactly(1)),
        ignored("ssl_dhparam", hs, .exactly(1)),
        ignored("ssl_ecdh_curve", hs, .exactly(1)),
        ignored("ssl_session_cache", hs, .range(1...2)),
        ignored("ssl_session_timeout", hs, .exactly(1)),
        ignored("ssl_session_tickets", hs, .flag),
        ignored("ssl_stapling", hs, .flag),
        ignored("ssl_stapling_verify", hs, .flag),
        ignored("ssl_trusted_certificate", hs, .exactly(1)),

        // gzip.
        flag("gzip", \.gzip, lif),
        make("gzip_types", .hsl, .atLeast(1)) { s, d throws(ConfigDiagnostic) in
            if d.args.contains(where: { $0.value == "*" }) { s.gzipTypes = .any; return }
            if d.args.contains(where: { $0.value.lowercased() == "text/html" }) {
                d.compiler.warn("duplicate MIME type \"text/html\"", at: d.location) // always included
            }
            s.gzipTypes = .types(Set(d.args.map { $0.value.lowercased() } + ["text/html"]))
        },
        make("gzip_min_length", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in s.gzipMinLength = try d.size().bytes },
        make("gzip_comp_level", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in
            let n = try d.number()
            guard (1...9).contains(n) else { throw d.error("value must be between 1 and 9") }
            s.gzipCompLevel = n
        },
        flag("gzip_vary", \.gzipVary),
        make("gzip_proxied", .hsl, .atLeast(1)) { s, d throws(ConfigDiagnostic) in
            let allowed: Set<String> = ["off", "expired", "no-cache", "no-store", "private", "no_last_modified", "no_etag", "auth", "any"]
            for a in d.args where !allowed.contains(a.value) { throw d.error("invalid value \"\(a.value)\"") }
            s.gzipProxied = Set(d.args.map(\.value)).subtracting(["off"])
        },
        choice("gzip_static", \.gzipStatic),
        make("gzip_disable", .hsl, .atLeast(1)) { s, d throws(ConfigDiagnostic) in
            s.gzipDisable = []
            for a in d.args {
                s.gzipDisable.append(a.value == "msie6" ? .msie6 : .regex(try d.regex(a.value, caseless: true)))
            }
        },
        make("gzip_http_version", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in
            switch d[0] {
            case "1.0": s.gzipHTTPVersion = 10
            case "1.1": s.gzipHTTPVersion = 11
            default: throw d.error("invalid value \"\(d[0])\"")
            }
        },
        make("gzip_buffers", .hsl, .exactly(2)) { s, d throws(ConfigDiagnostic) in
            guard let count = d.unsigned(0), count > 0 else { throw d.invalidValue }
            s.gzipBuffers = BufferSpec(count: count, size: try d.size(1))
        },

        // Logging.
        make("access_log", lif, .atLeast(1), reset: { $0.accessLogs = [] }) { s, d throws(ConfigDiagnostic) in
            if let log = try AccessLogParser.parse(d) { s.accessLogs.append(log) }
        },
        ignored("open_log_file_cache", .hsl, .range(1...4)),
        ignored("rewrite_log", [.http, .server, .location, .ifServer, .ifLocation], .flag),

        // Access.
        make("allow", [.http, .server, .location, .limitExcept], .exactly(1), slot: "access", reset: { $0.accessRules = [] }) {
            s, d throws(ConfigDiagnostic) in s.accessRules.append(try AccessRuleParser.parse(d, .allow))
        },
        make("deny", [.http, .server, .location, .limitExcept], .exactly(1), slot: "access", reset: { $0.accessRules = [] }) {
            s, d throws(ConfigDiagnostic) in s.accessRules.append(try AccessRuleParser.parse(d, .deny))
        },
        make("auth_basic", [.http, .server, .location, .limitExcept], .exactly(1)) { s, d throws(ConfigDiagnostic) in
            s.authBasic = d[0] == "off" ? nil : try d.template(0)
        },
        make("auth_basic_user_file", [.http, .server, .location, .limitExcept], .exactly(1)) { s, d throws(ConfigDiagnostic) in
            s.authBasicUserFile = try d.compiler.checkedUserFile(d[0], at: d.location)
        },

        // Open file cache.
        make("open_file_cache", .hsl, .range(1...2)) { s, d throws(ConfigDiagnostic) in
            s.openFileCache = try OpenFileCacheParser.parse(d)
        },
        make("open_file_cache_valid", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in s.openFileCacheValid = try d.seconds() },
        flag("open_file_cache_errors", \.openFileCacheErrors),
        number("open_file_cache_min_uses", \.openFileCacheMinUses),
    ]
}

extension HTTPSettings {
    /// `alias` in a location.
    mutating func alias(_ path: VariableTemplate) { root = .alias(path) }
}
