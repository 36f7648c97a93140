// swhost: config language.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `listen ADDRESS[:PORT] [default_server] [ssl] [http2] [reuseport] [backlog=N] [ipv6only=on|off] ...`.
enum ListenParser {
    static func parse(_ d: ConfigDirective) throws(ConfigDiagnostic) -> ListenDirective {
        let text = d.arguments[0].value
        func fail(_ what: String) -> ConfigDiagnostic {
            ConfigDiagnostic(.emerg, "\(what) in \"\(text)\" of the \"listen\" directive", at: d.location)
        }
        var listen = ListenDirective(address: try address(text, fail))
        listen.location = d.location
        for arg in d.arguments.dropFirst() {
            let v = arg.value
            switch v {
            case "default_server", "default": listen.defaultServer = true
            case "ssl": listen.ssl = true
            case "http2": listen.http2 = true
            case "reuseport": listen.reuseport = true
            case "deferred", "bind", "proxy_protocol": listen.otherParameters.append(v)
            default:
                if v.hasPrefix("backlog=") {
                    guard let n = Int(v.dropFirst(8)), n != 0 else {
                        throw ConfigDiagnostic(.emerg, "invalid backlog \"\(v)\"", at: d.location)
                    }
                    listen.backlog = n
                } else if v.hasPrefix("ipv6only=") {
                    switch v.dropFirst(9) {
                    case "on": listen.ipv6only = true
                    case "off": listen.ipv6only = false
                    default: throw ConfigDiagnostic(.emerg, "invalid parameter \"\(v)\"", at: d.location)
                    }
                } else if v.hasPrefix("rcvbuf=") {
                    guard let s = ByteSize(parsing: String(v.dropFirst(7))) else {
                        throw ConfigDiagnostic(.emerg, "invalid rcvbuf \"\(v)\"", at: d.location)
                    }
                    listen.receiveBuffer = s
                } else if v.hasPrefix("sndbuf=") {
                    guard let s = ByteSize(parsing: String(v.dropFirst(7))) else {
                        throw ConfigDiagnostic(.emerg, "invalid sndbuf \"\(v)\"", at: d.location)
                    }
                    listen.sendBuffer = s
                } else if v.hasPrefix("so_keepalive=") || v.hasPrefix("fastopen=") || v.hasPrefix("accept_filter=") {
                    listen.otherParameters.append(v)
                } else {
                    throw ConfigDiagnostic(.emerg, "invalid parameter \"\(v)\"", at: d.location)
                }
            }
        }
        return listen
    }

    static func address(_ text: String, _ fail: (String) -> ConfigDiagnostic) throws(ConfigDiagnostic) -> ListenAddress {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/") || !path.isEmpty else { throw fail("no path") }
            return .unix(path)
        }
        func port(_ s: Substring) throws(ConfigDiagnostic) -> Int {
            guard !s.isEmpty, s.utf8.count <= 5, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let p = Int(s),
                  (1...65535).contains(p) else {
                throw fail("invalid port")
            }
            return p
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("invalid IPv6 address") }
            let host = String(text[text.index(after: text.startIndex)..<close])
            guard CIDR.parseIPv6(host) != nil else { throw fail("invalid IPv6 address") }
            let rest = text[text.index(after: close)...]
            let p = rest.isEmpty ? 80 : try port(rest.dropFirst())
            if !rest.isEmpty, rest.first != ":" { throw fail("invalid port") }
            return .ipv6(host, port: p)
        }
        var host: Substring
        var p = 80
        if let colon = text.utf8.lastIndex(of: UInt8(ascii: ":")) {
            host = text[..<colon]
            p = try port(text[text.utf8.index(after: colon)...])
        } else if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return .ipv4("0.0.0.0", port: try port(Substring(text)))
        } else {
            host = Substring(text)
        }
        if host == "*" || host.isEmpty { return .ipv4("0.0.0.0", port: p) }
        if CIDR.parseIPv4(host) != nil { return .ipv4(String(host), port: p) }
        guard let resolved = resolve(String(host)) else { throw fail("host not found") }
        return .ipv4(resolved, port: p)
    }

    /// The first IPv4 address of a host name (nginx binds every address; swhost the first).
    static func resolve(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        guard let sa = first.pointee.ai_addr else { return nil }
        return sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
            let a = UInt32(bigEndian: sin.pointee.sin_addr.s_addr)
            return "\(a >> 24).\((a >> 16) & 0xff).\((a >> 8) & 0xff).\(a & 0xff)"
        }
    }
}
