// swhost: HTTP transport.

import NIOCore

/// nginx 1.22's reason phrases (`ngx_http_status_lines`), so status lines match byte for byte.
public enum StatusReason {
    /// The phrase nginx writes for `status`, or nil when nginx writes none (`HTTP/1.1 299 `).
    public static func phrase(for status: Int) -> String? {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Moved Temporarily"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Time-out"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Request Entity Too Large"
        case 414: "Request-URI Too Large"
        case 415: "Unsupported Media Type"
        case 416: "Requested Range Not Satisfiable"
        case 421: "Misdirected Request"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Temporarily Unavailable"
        case 504: "Gateway Time-out"
        case 505: "HTTP Version Not Supported"
        case 507: "Insufficient Storage"
        default: nil
        }
    }

    /// Writes `<status> <reason>\r\n`.
    static func writeStatusLineTail(status: Int, reason: String?, into buffer: inout ByteBuffer) {
        writeThreeDigits(status, into: &buffer)
        buffer.writeInteger(UInt8(ascii: " "))
        if let r = reason ?? phrase(for: status) { buffer.writeString(r) }
        buffer.writeStaticString("\r\n")
    }

    static func writeThreeDigits(_ status: Int, into buffer: inout ByteBuffer) {
        let s = max(0, min(status, 999))
        buffer.writeInteger(UInt8(48 + s / 100))
        buffer.writeInteger(UInt8(48 + (s / 10) % 10))
        buffer.writeInteger(UInt8(48 + s % 10))
    }
}
