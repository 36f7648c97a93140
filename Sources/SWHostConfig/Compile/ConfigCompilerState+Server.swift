// swhost: config language.

extension ConfigCompilerState {
    func compileServer(_ d: ConfigDirective, parent: HTTPSettings) throws(ConfigDiagnostic) -> ServerConfig {
        var level = SettingsLevel(settings: parent, context: .server)
        var listens: [ListenDirective] = []
        var names: [ServerName] = []
        var rewriteDirectives: [ConfigDirective] = []
        var locationBlocks: [ConfigDirective] = []
        var typesSeen = false
        var tryFiles: TryFiles?
        for child in d.block ?? [] {
            let spec = try lookup(child, in: .server)
            switch child.name {
            case "try_files":
                guard tryFiles == nil else { throw duplicate(child) }
                tryFiles = try parseTryFiles(child)
            case "listen":
                let listen = try ListenParser.parse(child)
                if listens.contains(where: { $0.address == listen.address }) {
                    throw ConfigDiagnostic(.emerg, "a duplicate listen \(listen.address)", at: child.location)
                }
                if listen.ssl {
                    // Accepted so HTTPS site files load, but never silently: this port is plaintext.
                    warn("the \"ssl\" parameter is accepted but swhost has no TLS: \(listen.address) speaks plain HTTP "
                         + "(terminate TLS in front of swhost)", at: child.location)
                }
                listens.append(listen)
            case "server_name": names += try ServerNameParser.parse(child, compiler: self)
            case "location": locationBlocks.append(child)
            case "rewrite", "return", "set", "break", "if": rewriteDirectives.append(child)
            case "types": try types(child, into: &level, seen: &typesSeen)
            case "error_log": try levelErrorLog(child, into: &level)
            default: try apply(spec, child, to: &level)
            }
        }
        if listens.isEmpty {
            var listen = ListenDirective(address: .ipv4("0.0.0.0", port: 80))
            listen.location = d.location
            listens = [listen]
        }
        if names.isEmpty { names = [.exact("")] }
        let steps = rewriteDirectives.isEmpty ? [] : try rewriteSteps(rewriteDirectives, ifContext: .ifServer, settings: level.settings)
        let locations = try locationTree(locationBlocks, parent: level.settings, enclosing: nil)
        return ServerConfig(listens: listens, names: names, settings: level.settings, rewriteSteps: steps,
                            locations: locations, tryFiles: tryFiles, sourceLocation: d.location)
    }

    /// One `ServerTable` per address, with nginx's duplicate-default error and conflicting-name warnings.
    func buildListeners(_ servers: [ServerConfig]) throws(ConfigDiagnostic)
        -> ([ListenKey: ServerTable], [ListenKey: ListenDirective]) {
        var order: [ListenKey] = []
        var members: [ListenKey: [ServerConfig]] = [:]
        var defaults: [ListenKey: ServerConfig] = [:]
        var options: [ListenKey: ListenDirective] = [:]
        for server in servers {
            for listen in server.listens {
                let key = listen.address
                if members[key] == nil { order.append(key); members[key] = [] }
                members[key]!.append(server)
                if listen.defaultServer {
                    guard defaults[key] == nil else {
                        throw ConfigDiagnostic(.emerg, "a duplicate default server for \(key)", at: listen.location)
                    }
                    defaults[key] = server
                }
                if listen.setsSocketOptions {
                    if let previous = options[key], previous.setsSocketOptions {
                        throw ConfigDiagnostic(.emerg, "duplicate listen options for \(key)", at: listen.location)
                    }
                    options[key] = listen
                } else if options[key] == nil {
                    options[key] = listen
                }
            }
        }
        var tables: [ListenKey: ServerTable] = [:]
        for key in order {
            tables[key] = ServerTable(address: key, servers: members[key]!, defaultServer: defaults[key]) { name, _ in
                self.warn("conflicting server name \"\(name)\" on \(key), ignored", at: nil)
            }
        }
        return (tables, options)
    }
}
