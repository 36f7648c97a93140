// swhost: request processing.

import NIOCore
import SWHostHTTPCore
import SWHostStatic

/// A response as a content source produced it, before the filters (not-modified, gzip, range,
/// headers) turn it into what goes on the wire. Filters read these typed fields, never marker
/// headers.
struct Reply {
    var status: Int
    /// Headers set by the content source (e.g. `Location`, `Content-Encoding` for gzip_static).
    var headers = HTTPHeaderList()
    var body: ResponseBody = .empty
    var contentType: String?
    /// Validators of the representation, when it has them (static files, or a handler that set them).
    var etag: ETag?
    var lastModified: Int64?
    /// The file behind `body`, for range slicing and gzip of files.
    var file: OpenFile?
    /// Ranges may be served from this body (static files).
    var allowRanges = false
    /// The body is already gzip-encoded (gzip_static), so the gzip filter leaves it alone.
    var isEncoded = false
    /// Close the connection after this response (413: the body was not read).
    var closeConnection = false
    /// `return 444`: close the connection without a response.
    var closeWithoutResponse = false
    /// A static file's cached plain-200 head (``StaticHead``), found by the content phase.
    var cachedHead: StaticHead?
    /// A static file's reply whose head may be cached once built (no cached head was found).
    var headCacheable = false
    /// The response came from a CGI script or FastCGI application: `error_page` replaces it only
    /// with `fastcgi_intercept_errors on` / `cgi_intercept_errors on`, as nginx.
    var fromGateway = false
    /// The body is the file's gzip variant from the per-version cache (the gzip filter's doing).
    var isCachedGzipVariant = false

    init(status: Int) {
        self.status = status
    }
}
