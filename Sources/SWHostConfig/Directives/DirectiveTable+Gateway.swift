// swhost: config language.

extension DirectiveTable {
    static let gatewayDirectives: [DirectiveSpec] = [
        make("fastcgi_param", .hsl, .range(2...3), reset: { $0.fastcgiParams = [] }) { s, d throws(ConfigDiagnostic) in
            s.fastcgiParams.append(try gatewayParam(d))
        },
        make("fastcgi_index", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in s.fastcgiIndex = try d.template(0) },
        make("fastcgi_split_path_info", .location, .exactly(1)) { s, d throws(ConfigDiagnostic) in
            let re = try d.regex(d[0])
            guard re.captureCount == 2 else {
                throw d.error("pattern \"\(d[0])\" must have 2 captures")
            }
            s.fastcgiSplitPathInfo = re
        },
        time("fastcgi_read_timeout", \.fastcgiReadTimeout),
        time("fastcgi_connect_timeout", \.fastcgiConnectTimeout),
        time("fastcgi_send_timeout", \.fastcgiSendTimeout),
        flag("fastcgi_keep_conn", \.fastcgiKeepConn),
        flag("fastcgi_intercept_errors", \.fastcgiInterceptErrors),
        flag("fastcgi_buffering", \.fastcgiBuffering),
        ignored("fastcgi_buffers", .hsl, .exactly(2)),
        ignored("fastcgi_buffer_size", .hsl, .exactly(1)),
        make("fastcgi_hide_header", .hsl, .exactly(1), reset: { $0.fastcgiHideHeaders = [] }) { s, d throws(ConfigDiagnostic) in
            s.fastcgiHideHeaders.insert(d[0].lowercased())
        },
        // Temporary-file and retry tuning: swhost spools request bodies itself and has one
        // upstream per fastcgi_pass, so there is no next upstream to try.
        ignored("fastcgi_temp_path", .hsl, .range(1...4)),
        ignored("fastcgi_temp_file_write_size", .hsl, .exactly(1)),
        ignored("fastcgi_max_temp_file_size", .hsl, .exactly(1)),
        ignored("fastcgi_busy_buffers_size", .hsl, .exactly(1)),
        ignored("fastcgi_next_upstream", .hsl, .atLeast(1)),
        ignored("fastcgi_next_upstream_tries", .hsl, .exactly(1)),
        ignored("fastcgi_next_upstream_timeout", .hsl, .exactly(1)),
        ignored("fastcgi_pass_header", .hsl, .exactly(1)),
        ignored("fastcgi_ignore_client_abort", .hsl, .flag),

        // swhost CGI.
        make("cgi_param", .hsl, .range(2...3), reset: { $0.cgiParams = [] }) { s, d throws(ConfigDiagnostic) in
            s.cgiParams.append(try gatewayParam(d))
        },
        make("cgi_interpreter", .hsl, .exactly(2), reset: { $0.cgiInterpreters = [:] }) { s, d throws(ConfigDiagnostic) in
            guard d[0].hasPrefix("."), d[0].count > 1 else { throw d.error("invalid extension \"\(d[0])\" in \"cgi_interpreter\" directive") }
            s.cgiInterpreters[String(d[0].dropFirst()).lowercased()] = d[1]
        },
        time("cgi_read_timeout", \.cgiReadTimeout),
        flag("cgi_intercept_errors", \.cgiInterceptErrors),
        number("cgi_max_processes", \.cgiMaxProcesses),
        make("cgi_path", .hsl, .exactly(1)) { s, d throws(ConfigDiagnostic) in s.cgiPath = d[0] },

        // swhost Swift handlers.
        time("swift_handler_timeout", \.swiftHandlerTimeout),
    ]

    static func gatewayParam(_ d: DirectiveInput) throws(ConfigDiagnostic) -> GatewayParam {
        if d.count == 3, d[2] != "if_not_empty" { throw d.error("invalid parameter \"\(d[2])\"") }
        return GatewayParam(name: d[0], value: try d.template(1), ifNotEmpty: d.count == 3)
    }
}
