// swhost: config language.

extension ConfigCompilerState {
    /// The `http` block. Its simple directives apply before any server is built, wherever they
    /// appear, because nginx merges after the whole block is read.
    func compileHTTP(_ block: [ConfigDirective]) throws(ConfigDiagnostic) -> HTTPConfig {
        var level = SettingsLevel(settings: HTTPSettings(prefix: context.prefix), context: .http)
        var serverBlocks: [ConfigDirective] = []
        var typesSeen = false
        for d in block {
            let spec = try lookup(d, in: .http)
            switch d.name {
            case "server": serverBlocks.append(d)
            case "log_format": try logFormat(d)
            case "fastcgi_app": try fastcgiApp(d)
            case "upstream": try upstream(d)
            case "types": try types(d, into: &level, seen: &typesSeen)
            case "error_log": try levelErrorLog(d, into: &level)
            default: try apply(spec, d, to: &level)
            }
        }
        var servers: [ServerConfig] = []
        servers.reserveCapacity(serverBlocks.count)
        for d in serverBlocks { servers.append(try compileServer(d, parent: level.settings)) }
        let (listeners, options) = try buildListeners(servers)
        var config = HTTPConfig(servers: servers, listeners: listeners, logFormats: logFormats, fastcgiApps: fastcgiApps,
                                settings: level.settings, listenOptions: options)
        config.upstreams = upstreams
        return config
    }

    /// `error_log` in http/server/location: replaces the inherited list at this level.
    func levelErrorLog(_ d: ConfigDirective, into level: inout SettingsLevel) throws(ConfigDiagnostic) {
        let target = try errorLog(d)
        if case .file(let path) = target.destination { requireWritable(path) }
        if !level.slots.contains(where: { $0.slot == "error_log" }) {
            level.slots.append(("error_log", "error_log"))
            level.settings.errorLogs = []
        }
        level.settings.errorLogs.append(target)
    }

    /// `types { TYPE EXT...; }`: replaces the inherited map at this level.
    func types(_ d: ConfigDirective, into level: inout SettingsLevel, seen: inout Bool) throws(ConfigDiagnostic) {
        if !seen { level.settings.types = [:]; seen = true }
        for entry in d.block ?? [] {
            guard entry.block == nil else {
                throw ConfigDiagnostic(.emerg, "unexpected \"{\"", at: entry.location)
            }
            for ext in entry.arguments {
                level.settings.types[ext.value.lowercased()] = entry.name
            }
        }
    }

    /// `log_format NAME [escape=default|json|none] STRING...`.
    func logFormat(_ d: ConfigDirective) throws(ConfigDiagnostic) {
        let name = d.arguments[0].value
        guard logFormats[name] == nil || name == "combined" && false else {
            throw ConfigDiagnostic(.emerg, "duplicate \"log_format\" name \"\(name)\"", at: d.location)
        }
        var escape = LogFormat.Escape.default
        var parts = d.arguments.dropFirst()
        if let first = parts.first, first.value.hasPrefix("escape=") {
            guard let e = LogFormat.Escape(rawValue: String(first.value.dropFirst(7))) else {
                throw ConfigDiagnostic(.emerg, "unknown log format escaping \"\(first.value.dropFirst(7))\"", at: d.location)
            }
            escape = e
            parts = parts.dropFirst()
        }
        guard !parts.isEmpty else {
            throw ConfigDiagnostic(.emerg, "invalid number of arguments in \"log_format\" directive", at: d.location)
        }
        let template = try self.template(parts.map(\.value).joined(), at: d.location)
        logFormats[name] = LogFormat(name: name, escape: escape, template: template)
    }

    /// `fastcgi_app NAME { command ...; processes N; socket PATH; env NAME=VALUE; }`.
    func fastcgiApp(_ d: ConfigDirective) throws(ConfigDiagnostic) {
        let name = d.arguments[0].value
        guard !fastcgiApps.contains(where: { $0.name == name }) else {
            throw ConfigDiagnostic(.emerg, "duplicate fastcgi_app \"\(name)\"", at: d.location)
        }
        guard upstreams[name] == nil else {
            throw ConfigDiagnostic(.emerg, "duplicate upstream \"\(name)\"", at: d.location)
        }
        var app = FastCGIApp(name: name, command: [], processes: 1, socket: context.prefix + "run/fastcgi-\(name).sock",
                             environment: [], location: d.location)
        var seen: Set<String> = []
        for child in d.block ?? [] {
            _ = try lookup(child, in: .fastcgiApp)
            if child.name != "env" { guard seen.insert(child.name).inserted else { throw duplicate(child) } }
            let args = child.arguments.map(\.value)
            switch child.name {
            case "command":
                // A relative path is under the prefix; a bare name is looked up in PATH at start.
                app.command = args[0].contains("/") ? [prefixPath(args[0])] + args.dropFirst() : args
                app.commandLocation = child.location
            case "processes":
                guard let n = Int(args[0]), n > 0 else {
                    throw ConfigDiagnostic(.emerg, "\"processes\" directive invalid value", at: child.location)
                }
                app.processes = n
            case "socket": app.socket = prefixPath(args[0])
            default:
                guard let eq = args[0].firstIndex(of: "="), eq != args[0].startIndex else {
                    throw ConfigDiagnostic(.emerg, "invalid parameter \"\(args[0])\"", at: child.location)
                }
                app.environment.append((String(args[0][..<eq]), String(args[0][args[0].index(after: eq)...])))
            }
        }
        guard !app.command.isEmpty else {
            throw ConfigDiagnostic(.emerg, "no \"command\" in fastcgi_app \"\(name)\"", at: d.location)
        }
        fastcgiApps.append(app)
    }
}
