// swhost: HTTP transport.

import NIOCore

/// nginx's built-in error pages (`ngx_http_error_pages`), with swhost's name in the footer.
public enum DefaultErrorPage {
    /// The HTML nginx sends for `status` (3xx, 4xx, 5xx) when no `error_page` applies, footer
    /// `<hr><center>SOFTWARE</center>` (`swhost/1.0` or `swhost` per `server_tokens`).
    public static func body(status: Int, software: String) -> String {
        let line = "\(status) \(StatusReason.phrase(for: status) ?? "")"
        return page(title: line, h1: line, extra: "", software: software)
    }

    /// nginx's page for a too large header (its internal 494, sent as 400).
    static func headerTooLargeBody(software: String) -> String {
        page(title: "400 Request Header Or Cookie Too Large", h1: "400 Bad Request",
             extra: "<center>Request Header Or Cookie Too Large</center>\r\n", software: software)
    }

    private static func page(title: String, h1: String, extra: String, software: String) -> String {
        "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(h1)</h1></center>\r\n\(extra)<hr><center>\(software)</center>\r\n</body>\r\n</html>\r\n"
    }

    /// Renders a complete `Connection: close` response for an error the core answers itself.
    static func render(_ error: HTTPParseError, configuration: ConnectionConfiguration, into buffer: inout ByteBuffer) {
        let software = configuration.serverSoftware
        let body = error == .headerTooLarge
            ? headerTooLargeBody(software: software)
            : self.body(status: error.status, software: software)
        buffer.writeStaticString("HTTP/1.1 ")
        StatusReason.writeStatusLineTail(status: error.status, reason: nil, into: &buffer)
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
