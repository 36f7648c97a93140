// swhost: config language.

/// Every directive swhost knows, declared once (nginx's `ngx_command_t` arrays).
enum DirectiveTable {
    static let all: [String: DirectiveSpec] = {
        var table: [String: DirectiveSpec] = [:]
        for spec in mainDirectives + structuralDirectives + httpDirectives + gatewayDirectives {
            precondition(table[spec.name] == nil, "directive \(spec.name) declared twice")
            table[spec.name] = spec
        }
        return table
    }()

    static func spec(_ name: String) -> DirectiveSpec? { all[name] }

    // MARK: builders

    typealias Path<T> = any WritableKeyPath<HTTPSettings, T> & Sendable

    static func make(_ name: String, _ contexts: DirectiveContexts, _ arity: DirectiveArity,
                     slot: String? = nil, reset: (@Sendable (inout HTTPSettings) -> Void)? = nil,
                     _ apply: @escaping @Sendable (inout HTTPSettings, DirectiveInput) throws(ConfigDiagnostic) -> Void) -> DirectiveSpec {
        DirectiveSpec(name: name, contexts: contexts, arity: arity, isBlock: false,
                      action: .settings(slot: slot ?? name, reset: reset, apply: apply))
    }

    static func flag(_ name: String, _ path: Path<Bool>, _ contexts: DirectiveContexts = .hsl) -> DirectiveSpec {
        make(name, contexts, .flag) { s, d throws(ConfigDiagnostic) in s[keyPath: path] = try d.flag() }
    }

    static func size(_ name: String, _ path: Path<ByteSize>, _ contexts: DirectiveContexts = .hsl) -> DirectiveSpec {
        make(name, contexts, .exactly(1)) { s, d throws(ConfigDiagnostic) in s[keyPath: path] = try d.size() }
    }

    static func time(_ name: String, _ path: Path<ConfigTime>, _ contexts: DirectiveContexts = .hsl) -> DirectiveSpec {
        make(name, contexts, .exactly(1)) { s, d throws(ConfigDiagnostic) in s[keyPath: path] = try d.time() }
    }

    static func number(_ name: String, _ path: Path<Int>, _ contexts: DirectiveContexts = .hsl) -> DirectiveSpec {
        make(name, contexts, .exactly(1)) { s, d throws(ConfigDiagnostic) in s[keyPath: path] = try d.number() }
    }

    static func choice<T: RawRepresentable & Sendable>(_ name: String, _ path: Path<T>, _ contexts: DirectiveContexts = .hsl) -> DirectiveSpec
        where T.RawValue == String {
        make(name, contexts, .exactly(1)) { s, d throws(ConfigDiagnostic) in s[keyPath: path] = try d.choice(as: T.self) }
    }

    static func mainSpec(_ name: String, _ arity: DirectiveArity, in contexts: DirectiveContexts = .main,
                         _ apply: @escaping @Sendable (inout MainConfig, DirectiveInput) throws(ConfigDiagnostic) -> Void) -> DirectiveSpec {
        DirectiveSpec(name: name, contexts: contexts, arity: arity, isBlock: false, action: .main(apply))
    }

    static func structural(_ name: String, _ contexts: DirectiveContexts, _ arity: DirectiveArity, block: Bool = false) -> DirectiveSpec {
        DirectiveSpec(name: name, contexts: contexts, arity: arity, isBlock: block, action: .structural)
    }

    static func ignored(_ name: String, _ contexts: DirectiveContexts, _ arity: DirectiveArity) -> DirectiveSpec {
        DirectiveSpec(name: name, contexts: contexts, arity: arity, isBlock: false, action: .ignored)
    }

    // MARK: main and events

    static let mainDirectives: [DirectiveSpec] = [
        mainSpec("worker_processes", .exactly(1)) { m, d throws(ConfigDiagnostic) in
            if d[0] == "auto" { m.workerProcesses = .auto; return }
            guard let n = d.unsigned(0) else { throw d.invalidValue }
            m.workerProcesses = .count(n)
        },
        mainSpec("worker_connections", .exactly(1), in: .events) { m, d throws(ConfigDiagnostic) in
            m.workerConnections = try d.number()
        },
        ignored("use", .events, .exactly(1)),
        ignored("multi_accept", .events, .flag),
        ignored("accept_mutex", .events, .flag),
        ignored("accept_mutex_delay", .events, .exactly(1)),
        mainSpec("worker_shutdown_timeout", .exactly(1)) { m, d throws(ConfigDiagnostic) in m.workerShutdownTimeout = try d.time() },
        mainSpec("pid", .exactly(1)) { m, d throws(ConfigDiagnostic) in m.pidPath = d.prefixPath(0) },
        mainSpec("user", .range(1...2)) { m, d throws(ConfigDiagnostic) in
            m.user = (d[0], d.count > 1 ? d[1] : nil)
            try d.compiler.checkUser(d[0], group: d.count > 1 ? d[1] : d[0], at: d.location)
        },
        mainSpec("load_module", .exactly(1)) { m, d throws(ConfigDiagnostic) in
            let path = d.prefixPath(0)
            if let message = d.compiler.context.loadModule?(path) { throw ConfigDiagnostic(.emerg, message, at: d.location) }
            m.loadModules.append(path)
        },
        mainSpec("daemon", .flag) { m, d throws(ConfigDiagnostic) in m.daemon = try d.flag() },
        mainSpec("master_process", .flag) { m, d throws(ConfigDiagnostic) in m.masterProcess = try d.flag() },
        mainSpec("worker_timeout", .exactly(1)) { m, d throws(ConfigDiagnostic) in m.workerTimeout = try d.time() },
        mainSpec("worker_max_requests", .exactly(1)) { m, d throws(ConfigDiagnostic) in m.workerMaxRequests = try d.number() },
        mainSpec("worker_max_requests_jitter", .exactly(1)) { m, d throws(ConfigDiagnostic) in
            m.workerMaxRequestsJitter = try d.number()
        },
        ignored("worker_rlimit_nofile", .main, .exactly(1)),
        ignored("worker_cpu_affinity", .main, .atLeast(1)),
        ignored("worker_priority", .main, .exactly(1)),
        ignored("pcre_jit", .main, .flag),
        ignored("timer_resolution", .main, .exactly(1)),
        ignored("working_directory", .main, .exactly(1)),
    ]

    // MARK: blocks and server/location-specific directives (see ConfigCompilerState)

    static let structuralDirectives: [DirectiveSpec] = [
        structural("events", .main, .exactly(0), block: true),
        structural("http", .main, .exactly(0), block: true),
        structural("error_log", [.main, .http, .server, .location], .atLeast(1)),
        structural("server", .http, .exactly(0), block: true),
        structural("listen", .server, .atLeast(1)),
        structural("server_name", .server, .atLeast(1)),
        structural("location", [.server, .location], .range(1...2), block: true),
        structural("if", [.server, .location], .atLeast(1), block: true),
        structural("rewrite", .rewrite, .range(2...3)),
        structural("return", .rewrite, .range(1...2)),
        structural("set", .rewrite, .exactly(2)),
        structural("break", .rewrite, .exactly(0)),
        structural("types", .hsl, .exactly(0), block: true),
        structural("limit_except", .location, .atLeast(1), block: true),
        structural("try_files", [.server, .location], .atLeast(2)),
        structural("internal", .location, .exactly(0)),
        structural("log_format", .http, .atLeast(2)),
        structural("fastcgi_app", .http, .exactly(1), block: true),
        structural("upstream", .http, .exactly(1), block: true),
        structural("command", .fastcgiApp, .atLeast(1)),
        structural("processes", .fastcgiApp, .exactly(1)),
        structural("socket", .fastcgiApp, .exactly(1)),
        structural("env", [.main, .fastcgiApp], .exactly(1)),
        structural("fastcgi_pass", [.location, .ifLocation], .exactly(1)),
        structural("cgi", .location, .flag),
        structural("cgi_pass", .location, .exactly(1)),
        structural("swift_handler", .location, .atLeast(1)),
        // nginx's stub_status: the built-in `status` handler with nginx's four lines only.
        structural("stub_status", .location, .range(0...1)),
    ]
}
