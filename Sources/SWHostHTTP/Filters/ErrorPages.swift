// swhost: request processing.

import NIOConcurrencyHelpers
import NIOCore
import SWHostConfig
import SWHostHTTPCore

extension RequestProcessor {
    /// `error_page`: redirects an error to a URI or named location (once: nginx's
    /// `recursive_error_pages off`). Returns true when it took over the request.
    func redirectToErrorPage(_ state: RequestState, _ reply: Reply) -> Bool {
        guard !state.errorPageUsed, reply.status >= 300,
              let page = state.settings.errorPages.first(where: { $0.codes.contains(reply.status) })
        else { return false }
        if reply.fromGateway {
            // An application's own error page goes through unless the location intercepts.
            let intercepts = switch state.location.handler {
            case .fastcgi: state.settings.fastcgiInterceptErrors
            case .cgi: state.settings.cgiInterceptErrors
            default: false
            }
            guard intercepts else { return false }
        }
        state.errorPageUsed = true
        switch page.response {
        case .original: state.errorPageStatus = reply.status
        case .code(let code): state.errorPageStatus = code
        case .fromTarget: state.errorPageStatus = nil
        }
        switch page.target {
        case .uri(let template):
            let target = state.render(template)
            if !target.hasPrefix("/") {
                // An absolute URL: a redirect (302 unless `=301` etc. was given).
                var redirect = Reply(status: 302)
                if case .code(let code) = page.response, [301, 302, 303, 307, 308].contains(code) { redirect.status = code }
                redirect.headers.append(name: "Location", value: target)
                state.errorPageStatus = nil
                finish(state, redirect)
                return true
            }
            if state.method != .HEAD { state.method = .GET }
            internalRedirect(state, to: target)
        case .named(let name):
            if state.method != .HEAD { state.method = .GET }
            namedLocation(state, name)
        }
        return true
    }

    /// nginx's built-in page for a status without a body (`ngx_http_special_response_handler`).
    /// Rendered once per (status, software) and then shared: error answers cost no formatting.
    static func standardPage(status: Int, software: String) -> ByteBuffer? {
        guard status >= 300, status != 304 else { return nil }
        let key = StandardPageKey(status: status, software: software)
        if let cached = standardPages.withLockedValue({ $0[key] }) { return cached }
        // nginx's page titles differ from its status lines for two codes.
        let phrase = switch status {
        case 302: "Found"
        case 401: "Authorization Required"
        default: StatusReason.phrase(for: status) ?? ""
        }
        let title = "\(status) \(phrase)"
        let page = ByteBuffer(string: "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n<hr><center>\(software)</center>\r\n</body>\r\n</html>\r\n")
        standardPages.withLockedValue { pages in
            // Bounded: statuses are three digits and there are two software strings per build.
            if pages.count < 4096 { pages[key] = page }
        }
        return page
    }

    private static let standardPages = NIOLockedValueBox([StandardPageKey: ByteBuffer]())
}

private struct StandardPageKey: Hashable, Sendable {
    var status: Int
    var software: String
}
