// swhost: config language.

extension HTTPConfig {
    /// The sockets the master must bind, nginx's way: a wildcard address (`0.0.0.0:P`, `[::]:P`)
    /// covers every specific address on the same port and family, so those are not bound
    /// separately (their servers are chosen per connection with `serverTable(local:)`).
    public var bindAddresses: [ListenKey] {
        var wildcardPorts4: Set<Int> = []
        var wildcardPorts6: Set<Int> = []
        for key in listeners.keys {
            switch key {
            case .ipv4("0.0.0.0", let port): wildcardPorts4.insert(port)
            case .ipv6("::", let port): wildcardPorts6.insert(port)
            default: break
            }
        }
        return listeners.keys.filter { key in
            switch key {
            case .ipv4(let address, let port): address == "0.0.0.0" || !wildcardPorts4.contains(port)
            case .ipv6(let address, let port): address == "::" || !wildcardPorts6.contains(port)
            case .unix: true
            }
        }.sorted { $0.description < $1.description }
    }

    /// The virtual-server table for a connection accepted on `local` (the socket's local address):
    /// the table of that exact address if some server listens on it, else the wildcard's.
    public func serverTable(local: ListenKey) -> ServerTable? {
        if let table = listeners[local] { return table }
        switch local {
        case .ipv4(_, let port): return listeners[.ipv4("0.0.0.0", port: port)]
        case .ipv6(_, let port): return listeners[.ipv6("::", port: port)]
        case .unix: return nil
        }
    }
}
