// swhost: config language.

/// Settings being collected for one level (http, server, location, if, limit_except), with the
/// directive that set each slot, for nginx's "is duplicate" messages.
struct SettingsLevel {
    var settings: HTTPSettings
    /// (slot, directive) pairs: a level sets few, so a linear scan beats hashing.
    var slots: [(slot: String, directive: String)] = []
    let context: DirectiveContexts
}

/// The mutable state of one compilation: only ever used by one thread.
final class ConfigCompilerState {
    let context: ConfigContext
    var warnings: [ConfigDiagnostic] = []
    /// Variables defined by `set` and named regex captures (nginx knows them config-wide).
    var definedVariables: Set<String> = []
    /// User variables referenced, checked once the whole config is read.
    var usedUserVariables: [(String, SourceLocation)] = []
    var logFormats: [String: LogFormat] = ["combined": .combined]
    var fastcgiApps: [FastCGIApp] = []
    var upstreams: [String: Upstream] = [:]
    var fastcgiAppReferences: [(String, SourceLocation)] = []
    /// Log files whose directory must be writable, in first-mention order, each once.
    var writableFiles: [String] = []
    private var writableFileSet: Set<String> = []

    func requireWritable(_ path: String) {
        if writableFileSet.insert(path).inserted { writableFiles.append(path) }
    }

    init(context: ConfigContext) {
        self.context = context
    }

    func warn(_ message: String, at location: SourceLocation?) {
        warnings.append(ConfigDiagnostic(.warn, message, at: location))
    }

    func duplicate(_ d: ConfigDirective) -> ConfigDiagnostic {
        ConfigDiagnostic(.emerg, "\"\(d.name)\" directive is duplicate", at: d.location)
    }

    /// nginx directives of modules swhost does not have, with what the operator is missing.
    static let missingModules: [String: String] = [
        "proxy_pass": "HTTP proxying; put a proxy in front of swhost or use fastcgi_pass",
        "uwsgi_pass": "uwsgi support; run the app as FastCGI or CGI",
        "scgi_pass": "SCGI support; run the app as FastCGI or CGI",
        "grpc_pass": "gRPC proxying",
        "memcached_pass": "memcached support",
        "ssi": "server-side includes",
        "sub_filter": "response body substitution",
        "limit_req": "request rate limiting", "limit_req_zone": "request rate limiting",
        "limit_conn": "connection limiting per key (worker_connections still caps a worker)",
        "limit_conn_zone": "connection limiting per key (worker_connections still caps a worker)",
        "limit_rate": "bandwidth limiting",
        "fastcgi_cache": "a FastCGI response cache", "fastcgi_cache_path": "a FastCGI response cache",
        "proxy_cache": "a proxy cache", "proxy_cache_path": "a proxy cache",
        "ssl_certificate_by_lua_block": "TLS",
        "dav_methods": "WebDAV",
        "mp4": "MP4 pseudo-streaming", "flv": "FLV pseudo-streaming",
        "image_filter": "image filtering",
        "map": "map blocks", "geo": "geo blocks", "split_clients": "split_clients blocks",
        "real_ip_header": "the realip module", "set_real_ip_from": "the realip module",
        "secure_link": "secure links", "valid_referers": "referer checks", "userid": "userid cookies",
        "empty_gif": "empty_gif",
    ]

    /// Finds `d` in the table and checks context, block and argument count, in nginx's order.
    func lookup(_ d: ConfigDirective, in context: DirectiveContexts) throws(ConfigDiagnostic) -> DirectiveSpec {
        guard let spec = DirectiveTable.spec(d.name) else {
            if let missing = Self.missingModules[d.name] {
                // nginx's wording first, so tools that grep for it still match.
                throw ConfigDiagnostic(.emerg, "unknown directive \"\(d.name)\" (swhost has no \(missing))", at: d.location)
            }
            throw ConfigDiagnostic(.emerg, "unknown directive \"\(d.name)\"", at: d.location)
        }
        guard spec.contexts.contains(context) else {
            throw ConfigDiagnostic(.emerg, "\"\(d.name)\" directive is not allowed here", at: d.location)
        }
        if spec.isBlock, d.block == nil {
            throw ConfigDiagnostic(.emerg, "directive \"\(d.name)\" has no opening \"{\"", at: d.location)
        }
        if !spec.isBlock, d.block != nil {
            throw ConfigDiagnostic(.emerg, "directive \"\(d.name)\" is not terminated by \";\"", at: d.location)
        }
        guard spec.arity.accepts(d.arguments.count) else {
            throw ConfigDiagnostic(.emerg, "invalid number of arguments in \"\(d.name)\" directive", at: d.location)
        }
        return spec
    }

    /// Applies a table-driven directive to a level, with duplicate and array-replacement rules.
    func apply(_ spec: DirectiveSpec, _ d: ConfigDirective, to level: inout SettingsLevel) throws(ConfigDiagnostic) {
        switch spec.action {
        case .settings(let slot, let reset, let apply):
            if let previous = level.slots.first(where: { $0.slot == slot })?.directive {
                if reset == nil {
                    if previous == d.name { throw duplicate(d) }
                    throw ConfigDiagnostic(.emerg, "\"\(d.name)\" directive is duplicate, \"\(previous)\" directive was specified earlier",
                                           at: d.location)
                }
            } else {
                reset?(&level.settings)
                level.slots.append((slot, d.name))
            }
            try apply(&level.settings, DirectiveInput(directive: d, compiler: self))
        case .ignored:
            break
        case .main, .structural:
            throw ConfigDiagnostic(.emerg, "\"\(d.name)\" directive is not allowed here", at: d.location)
        }
    }

    // MARK: values shared by directives

    func template(_ text: String, at location: SourceLocation) throws(ConfigDiagnostic) -> VariableTemplate {
        let t: VariableTemplate
        do { t = try VariableTemplate(parsing: text) } catch { throw ConfigDiagnostic(.emerg, error.message, at: location) }
        for name in t.userVariables { usedUserVariables.append((name, location)) }
        return t
    }

    /// A path template; a relative literal start is made absolute against the prefix.
    func pathTemplate(_ text: String, at location: SourceLocation) throws(ConfigDiagnostic) -> VariableTemplate {
        if text.hasPrefix("/") || text.hasPrefix("$") { return try template(text, at: location) }
        return try template(context.prefix + text, at: location)
    }

    func prefixPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : context.prefix + path
    }

    func configPath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let dir = context.configDirectory.hasSuffix("/") ? context.configDirectory : context.configDirectory + "/"
        return dir + path
    }

    func regex(_ pattern: String, caseless: Bool, at location: SourceLocation) throws(ConfigDiagnostic) -> ConfigRegex {
        let re: ConfigRegex
        do { re = try ConfigRegex(pattern, caseless: caseless) } catch { throw ConfigDiagnostic(.emerg, error.message, at: location) }
        for name in re.names.keys { definedVariables.insert(name.lowercased()) }
        return re
    }
}
