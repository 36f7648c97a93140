// swhost: HTTP transport.

import NIOCore

/// The responses the core answers by itself (malformed requests, limits), with nginx's bodies.
enum ErrorPage {
    /// Renders a complete `Connection: close` response for `error`, nginx's format byte for byte
    /// except for the server name: `<hr><center>swhost/1.0</center>` or `swhost` (`server_tokens`).
    static func render(_ error: HTTPParseError, configuration: ConnectionConfiguration, into buffer: inout ByteBuffer) {
        let status = error.status
        let title: String
        var extra = ""
        switch error {
        case .headerTooLarge:
            title = "400 Request Header Or Cookie Too Large"
            extra = "<center>Request Header Or Cookie Too Large</center>\r\n"
        default:
            title = "\(status) \(StatusReason.phrase(for: status) ?? "")"
        }
        let h1 = "\(status) \(StatusReason.phrase(for: status) ?? "")"
        let software = configuration.serverSoftware
        let body = "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(h1)</h1></center>\r\n\(extra)<hr><center>\(software)</center>\r\n</body>\r\n</html>\r\n"
        buffer.writeStaticString("HTTP/1.1 ")
        StatusReason.writeStatusLineTail(status: status, reason: nil, into: &buffer)
        buffer.writeStaticString("Server: ")
        buffer.writeString(software)
        buffer.writeStaticString("\r\n")
        HTTPDateCache.current.writeDateField(into: &buffer)
        buffer.writeStaticString("Content-Type: text/html\r\nContent-Length: ")
        buffer.writeString(String(body.utf8.count))
        buffer.writeStaticString("\r\nConnection: close\r\n\r\n")
        buffer.writeString(body)
    }
}
