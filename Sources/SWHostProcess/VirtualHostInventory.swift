// swhost: process model.

import SWHostConfig

/// The virtual servers of a parsed configuration, each with a fingerprint of its block, so a
/// reload can say which were added, removed or changed (`reconfiguring: generation 3, ...;
/// added: shop.example; changed: www.example`).
public struct VirtualHostInventory: Sendable, Equatable {
    /// `server_name`s and listen addresses (`www.example.org example.org [127.0.0.1:80]`) to the
    /// block's directives rendered without source locations.
    public var servers: [String: String]

    public init(servers: [String: String] = [:]) { self.servers = servers }

    public init(directives: [ConfigDirective]) {
        var servers: [String: String] = [:]
        for http in directives where http.name == "http" {
            for server in http.block ?? [] where server.name == "server" {
                let block = server.block ?? []
                let names = block.filter { $0.name == "server_name" }.flatMap { $0.arguments.map(\.value) }
                let listens = block.filter { $0.name == "listen" }.compactMap { $0.arguments.first?.value }
                var key = (names.isEmpty ? "\"\"" : names.joined(separator: " ")) + " [" + listens.joined(separator: ",") + "]"
                var index = 2
                while servers[key] != nil {
                    key = "\(key) #\(index)"
                    index += 1
                }
                servers[key] = Self.render(block)
            }
        }
        self.servers = servers
    }

    /// What changed from `old` to `self`, each list sorted.
    public func changes(since old: VirtualHostInventory) -> (added: [String], removed: [String], changed: [String]) {
        let added = servers.keys.filter { old.servers[$0] == nil }.sorted()
        let removed = old.servers.keys.filter { servers[$0] == nil }.sorted()
        let changed = servers.keys.filter { key in old.servers[key].map { $0 != servers[key] } ?? false }.sorted()
        return (added, removed, changed)
    }

    static func render(_ directives: [ConfigDirective]) -> String {
        var out = ""
        for directive in directives {
            out += directive.name
            for argument in directive.arguments { out += " " + (argument.isQuoted ? "\"\(argument.value)\"" : argument.value) }
            if let block = directive.block { out += " {" + render(block) + "}" } else { out += ";" }
        }
        return out
    }
}
