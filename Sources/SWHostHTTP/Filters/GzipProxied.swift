// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostHTTPCore

/// `gzip_proxied`: whether a request that came through a proxy (it has `Via`) may get a
/// compressed response, by nginx's rules (`ngx_http_gzip_ok`). The response's `Expires` and
/// `Cache-Control` are judged as the client will see them: nginx's headers filter (`expires`,
/// `add_header`) has run before its gzip filter, so they count here too.
extension RequestProcessor {
    func proxiedGzipAllowed(_ reply: Reply, _ state: RequestState) -> Bool {
        let p = state.settings.gzipProxied
        if p.isEmpty { return false }  // off, the default
        if p.contains("any") { return true }
        if p.contains("auth"), state.request.headers.first("authorization") != nil { return true }
        let headerFilterApplies = Self.headerFilterStatuses.contains(reply.status)
        if let expires = effectiveExpires(reply, state, headerFilterApplies: headerFilterApplies) {
            guard p.contains("expired"), let at = HTTPDate.parse(expires) else { return false }
            return at < Int64(time(nil))
        }
        let cacheControl = effectiveCacheControl(reply, state, headerFilterApplies: headerFilterApplies)
        if !cacheControl.isEmpty {
            let directives = cacheControl.flatMap { $0.split(separator: ",") }
                .map { String($0).trimmingSpaces().lowercased() }
            if p.contains("no-cache"), directives.contains("no-cache") { return true }
            if p.contains("no-store"), directives.contains("no-store") { return true }
            if p.contains("private"), directives.contains("private") { return true }
            return false
        }
        // nginx sees a static file's Last-Modified only as a time at this point (the header comes
        // later), so `no_last_modified` judges only a field a gateway sent.
        if p.contains("no_last_modified"), reply.headers.first("last-modified") != nil { return false }
        let hasETag = reply.etag != nil || reply.headers.first("etag") != nil
        if p.contains("no_etag"), hasETag { return false }
        return true
    }

    /// The `Expires` the response will carry: `expires` replaces the content source's, then
    /// `add_header Expires` appends (the first one counts, as nginx keeps the first).
    private func effectiveExpires(_ reply: Reply, _ state: RequestState, headerFilterApplies: Bool) -> String? {
        let settings = state.settings
        if headerFilterApplies,
           let fields = Self.expiresFields(settings.expires, lastModified: reply.lastModified, now: Int64(time(nil))) {
            return fields.expires
        }
        if let own = reply.headers.first("expires") { return own }
        for header in settings.addHeaders where (headerFilterApplies || header.always) && header.name.lowercased() == "expires" {
            let value = state.render(header.value)
            if !value.isEmpty { return value }
        }
        return nil
    }

    /// The `Cache-Control` values the response will carry.
    private func effectiveCacheControl(_ reply: Reply, _ state: RequestState, headerFilterApplies: Bool) -> [String] {
        let settings = state.settings
        var values: [String]
        if headerFilterApplies,
           let fields = Self.expiresFields(settings.expires, lastModified: reply.lastModified, now: Int64(time(nil))) {
            values = [fields.cacheControl]
        } else {
            values = reply.headers.all("cache-control")
        }
        for header in settings.addHeaders where (headerFilterApplies || header.always) && header.name.lowercased() == "cache-control" {
            let value = state.render(header.value)
            if !value.isEmpty { values.append(value) }
        }
        return values
    }
}
