// swhost: request processing.

import SWHostConfig
import SWHostHTTPCore

/// The CGI/1.1 meta-variables (RFC 3875 §4.1) and the `fastcgi_param`/`cgi_param` lists,
/// rendered from the request state on the event loop.
enum GatewayEnvironment {
    /// Everything but the script variables (`SCRIPT_*`, `PATH_INFO`, `PATH_TRANSLATED`), which
    /// depend on where the script is found. Nothing comes from swhost's own environment except
    /// `PATH` (`cgi_path`).
    static func cgiBase(_ state: RequestState) -> [(name: String, value: String)] {
        let request = state.request
        let connection = request.connection
        var env: [(name: String, value: String)] = []
        env.reserveCapacity(24 + request.headers.count)
        env.append(("GATEWAY_INTERFACE", "CGI/1.1"))
        env.append(("SERVER_SOFTWARE", state.runtime.softwareWithVersion))
        env.append(("SERVER_NAME", state.server.primaryName))
        env.append(("SERVER_ADDR", connection.localAddress))
        env.append(("SERVER_PORT", String(connection.localPort)))
        env.append(("SERVER_PROTOCOL", request.version.description))
        env.append(("REQUEST_METHOD", state.method.rawValue))
        env.append(("REQUEST_URI", request.uri.requestURI))
        env.append(("DOCUMENT_URI", state.uri))
        env.append(("QUERY_STRING", state.args))
        env.append(("DOCUMENT_ROOT", state.documentRoot))
        env.append(("REMOTE_ADDR", connection.remoteAddress))
        env.append(("REMOTE_PORT", String(connection.remotePort)))
        // PHP's php-cgi refuses to run without it (cgi.force_redirect), as with nginx's fastcgi_params.
        env.append(("REDIRECT_STATUS", "200"))
        env.append(("PATH", state.settings.cgiPath))
        if let type = request.headers.first("content-type") { env.append(("CONTENT_TYPE", type)) }
        if let length = request.bodyContentLength, request.hasBody { env.append(("CONTENT_LENGTH", String(length))) }
        if let user = state.remoteUser {
            env.append(("AUTH_TYPE", "Basic"))
            env.append(("REMOTE_USER", user))
        }
        appendHeaders(&env, state)
        return env
    }

    /// `HTTP_*` for each request header (RFC 3875 §4.1.18): upper case, `-` as `_`, repeated
    /// fields joined. `Content-Type`/`Content-Length` have their own variables; `Proxy` is never
    /// passed (httpoxy: `HTTP_PROXY` would be taken for a proxy setting), only a `cgi_param` can set it.
    static func appendHeaders(_ env: inout [(name: String, value: String)], _ state: RequestState) {
        var seen: Set<String> = []
        // Fields with `_` in their names only under `underscores_in_headers on` (nginx).
        let lists = state.settings.underscoresInHeaders ? [state.request.headers, state.request.underscoreHeaders] : [state.request.headers]
        for list in lists {
            for (name, _) in list {
                let key = cgiName(name)
                guard key != "HTTP_CONTENT_TYPE", key != "HTTP_CONTENT_LENGTH", key != "HTTP_PROXY",
                      seen.insert(key).inserted else { continue }
                let values = list.all(name)
                env.append((key, values.joined(separator: name.lowercased() == "cookie" ? "; " : ", ")))
            }
        }
    }

    static func cgiName(_ header: String) -> String {
        // Header names are tokens (ASCII), checked by the core's parser.
        var bytes: [UInt8] = Array("HTTP_".utf8)
        bytes.reserveCapacity(5 + header.utf8.count)
        for b in header.utf8 {
            switch b {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(b - 32)
            default: bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Renders `fastcgi_param`/`cgi_param`s; `if_not_empty` ones with an empty value are left out.
    static func params(_ list: [GatewayParam], _ state: RequestState) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(list.count)
        for param in list {
            let value = state.render(param.value)
            if param.ifNotEmpty, value.isEmpty { continue }
            out.append((param.name, value))
        }
        return out
    }

    /// Sets `name` to `value`, replacing an earlier value.
    static func set(_ env: inout [(name: String, value: String)], _ name: String, _ value: String) {
        if let i = env.firstIndex(where: { $0.name == name }) {
            env[i].value = value
        } else {
            env.append((name, value))
        }
    }
}
