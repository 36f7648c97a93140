// swhost: config language.

extension ConfigCompilerState {
    /// `upstream NAME { server ...; }`. Balancing methods other than round robin (`least_conn`,
    /// `ip_hash`, `hash`, `random`) and the keepalive/zone settings are accepted and not applied:
    /// requests go round robin by weight, and `fastcgi_keep_conn` decides connection reuse.
    func upstream(_ d: ConfigDirective) throws(ConfigDiagnostic) {
        let name = d.arguments[0].value
        guard upstreams[name] == nil, !fastcgiApps.contains(where: { $0.name == name }) else {
            throw ConfigDiagnostic(.emerg, "duplicate upstream \"\(name)\"", at: d.location)
        }
        var servers: [Upstream.Server] = []
        for child in d.block ?? [] {
            let args = child.arguments.map(\.value)
            switch child.name {
            case "server":
                guard !args.isEmpty else { throw arguments(child) }
                servers.append(try upstreamServer(args, at: child.location))
            case "keepalive", "keepalive_requests", "keepalive_timeout", "keepalive_time":
                guard args.count == 1 else { throw arguments(child) }
            case "zone":
                guard (1...2).contains(args.count) else { throw arguments(child) }
            case "least_conn", "ip_hash", "random":
                guard args.count <= (child.name == "random" ? 1 : 0) else { throw arguments(child) }
            case "hash":
                guard (1...2).contains(args.count) else { throw arguments(child) }
            default:
                throw ConfigDiagnostic(.emerg, "unknown directive \"\(child.name)\"", at: child.location)
            }
        }
        guard !servers.isEmpty else {
            throw ConfigDiagnostic(.emerg, "no servers are inside upstream", at: d.location)
        }
        upstreams[name] = Upstream(name: name, servers: servers, location: d.location)
    }

    private func arguments(_ d: ConfigDirective) -> ConfigDiagnostic {
        ConfigDiagnostic(.emerg, "invalid number of arguments in \"\(d.name)\" directive", at: d.location)
    }

    /// `server ADDRESS [weight=N] [max_fails=N] [fail_timeout=TIME] [backup] [down] [max_conns=N]`.
    private func upstreamServer(_ args: [String], at location: SourceLocation) throws(ConfigDiagnostic) -> Upstream.Server {
        let text = args[0]
        var address = fastcgiUpstream(text, at: location, reference: false)
        if case .app = address {
            // A host without a port: nginx's default, 80.
            address = .inet(host: text, port: 80)
        }
        var server = Upstream.Server(address: address)
        for parameter in args.dropFirst() {
            switch parameter {
            case "backup": server.backup = true
            case "down": server.down = true
            default:
                if parameter.hasPrefix("weight="), let n = Int(parameter.dropFirst(7)), n > 0 {
                    server.weight = n
                } else if parameter.hasPrefix("max_fails="), Int(parameter.dropFirst(10)) != nil {
                    continue
                } else if parameter.hasPrefix("fail_timeout="), ConfigTime(parsing: String(parameter.dropFirst(13))) != nil {
                    continue
                } else if parameter.hasPrefix("max_conns="), Int(parameter.dropFirst(10)) != nil {
                    continue
                } else {
                    throw ConfigDiagnostic(.emerg, "invalid parameter \"\(parameter)\"", at: location)
                }
            }
        }
        return server
    }
}
