// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SWHostCompression
import SWHostConfig
import SWHostHTTPCore
import SWHostStatic

/// The filter chain every content source's reply goes through, in nginx's order: error_page,
/// not-modified, gzip (which disables ranges), range, headers (`add_header`, `expires`), then the
/// writer and, when the response is done, the access log.
extension RequestProcessor {
    func finish(_ state: RequestState, _ original: Reply) {
        var reply = original
        if reply.closeWithoutResponse {
            state.sentStatus = 444
            state.writer.abort()
            state.completion = ResponseCompletion(status: 444, headerBytes: 0, bodyBytes: 0, completed: true,
                                                  endTimeMicroseconds: RequestState.nowMicroseconds())
            writeAccessLog(state)
            return
        }
        if redirectToErrorPage(state, reply) { return }
        if let status = state.errorPageStatus {
            // error_page 404 =200 /x: the redirected response keeps or replaces its status.
            // The target's validators stay (nginx sends the page's ETag; Last-Modified goes
            // below for statuses other than 200/206/304); ranges apply only if it became a 200.
            if reply.status == 200 || reply.status >= 300 { reply.status = status }
        }
        let request = state.request

        // Not modified (RFC 9110 §13 as nginx applies it: only to 200 responses with validators).
        if reply.status == 200, reply.etag != nil || reply.lastModified != nil {
            let conditional = ConditionalEvaluator.Request(
                isGetOrHead: state.method == .GET || state.method == .HEAD,
                ifMatch: request.headers.first("if-match"),
                ifNoneMatch: request.headers.first("if-none-match"),
                ifModifiedSince: request.headers.first("if-modified-since"),
                ifUnmodifiedSince: request.headers.first("if-unmodified-since")
            )
            if conditional.isConditional {
                let policy: ConditionalEvaluator.IfModifiedSincePolicy = switch state.settings.ifModifiedSince {
                case .off: .off
                case .exact: .exact
                case .before: .before
                }
                switch ConditionalEvaluator(policy: policy).evaluate(conditional, etag: reply.etag, lastModified: reply.lastModified) {
                case .proceed:
                    break
                case .notModified:
                    reply.status = 304
                    reply.body = .empty
                    reply.allowRanges = false
                case .preconditionFailed:
                    var failed = Reply(status: 412)
                    failed.headers = HTTPHeaderList()
                    finishWithoutValidators(state, failed)
                    return
                }
            }
        }

        // Standard bodies for errors and redirects without one.
        if case .empty = reply.body, reply.status >= 300, reply.status != 304,
           let page = Self.standardPage(status: reply.status, software: software(state.settings)) {
            reply.body = .bytes(page)
            reply.contentType = "text/html"
            reply.etag = nil
            reply.lastModified = nil
            reply.allowRanges = false
        }

        // gzip: eligible responses get Vary; accepted ones are compressed and lose ranges.
        var vary = false
        var eligible = false
        if state.settings.gzip, !reply.isEncoded {
            // The cached verdict holds for the file's own 200 only (not a 304 or an error body).
            let cached = reply.status == 200 ? reply.cachedHead?.gzipEligible : nil
            eligible = cached ?? gzipEligible(reply, state)
        }
        if eligible {
            vary = state.settings.gzipVary
            if gzipAllowedForRequest(state, reply) {
                compress(&reply, state)
            }
        }

        // Ranges (nginx's range filter: only on complete 200 bodies that allow them).
        if reply.status == 200, reply.allowRanges, state.settings.maxRanges != 0,
           let total = reply.body.knownLength,
           let rangeHeader = request.headers.first("range"),
           state.method == .GET || state.method == .HEAD {
            applyRange(&reply, header: rangeHeader, total: total, state)
        }

        // A static file's plain 200 (no filter changed it, or gzip served its cached variant and
        // added only Content-Encoding): the head rendered for this file version.
        let untouched = reply.status == 200 && state.errorPageStatus == nil && !reply.closeConnection
        let variant: StaticHead.Variant? = if untouched, reply.headers.isEmpty {
            .identity
        } else if untouched, reply.isCachedGzipVariant, reply.headers.count == 1 {
            .gzip
        } else {
            nil
        }
        if let variant, let cached = reply.cachedHead?.head(variant) {
            send(state, cached, reply.body)
            return
        }
        var head = ResponseHead(status: reply.status)
        // Server, Content-Type, Last-Modified, ETag, Accept-Ranges and a few more: one allocation
        // instead of the array doubling four times.
        head.headers.reserveCapacity(8 + reply.headers.count + state.settings.addHeaders.count)
        head.closeConnection = reply.closeConnection
        head.headers.append(name: "Server", value: software(state.settings))
        if let type = reply.contentType, reply.status != 304 {
            head.headers.append(name: "Content-Type", value: type)
        }
        // nginx's header filter sends Last-Modified only with 200, 206 and 304.
        if let lastModified = reply.lastModified, reply.status == 200 || reply.status == 206 || reply.status == 304 {
            let text = reply.file.map { $0.mtime == lastModified ? $0.lastModifiedText : HTTPDate.format(lastModified) }
            head.headers.append(name: "Last-Modified", value: text ?? HTTPDate.format(lastModified))
        }
        for (name, value) in reply.headers where !(name == "Vary" && vary) {
            head.headers.append(name: name, value: value)
        }
        if vary { head.headers.append(name: "Vary", value: "Accept-Encoding") }
        if let etag = reply.etag { head.headers.append(name: "ETag", value: etag.value) }
        // `max_ranges 0` disables ranges, and with them the advertisement.
        if reply.allowRanges, reply.status == 200, state.settings.maxRanges != 0 {
            head.headers.append(name: "Accept-Ranges", value: "bytes")
        }
        applyHeaders(&head, state)

        if let variant, reply.headCacheable || reply.cachedHead != nil, let file = reply.file {
            StaticHead.store(head, variant, reply: reply, etag: original.etag, gzipEligible: eligible, file: file, state)
        }
        send(state, head, reply.body)
    }

    private func send(_ state: RequestState, _ head: ResponseHead, _ body: ResponseBody) {
        state.sentStatus = head.status
        state.sentHeaders = head.headers
        // For HEAD the writer sends the head only, keeping the body's Content-Length.
        state.writer.send(head, body: body) { completion in
            state.completion = completion
            self.writeAccessLog(state)
        }
    }

    private func finishWithoutValidators(_ state: RequestState, _ reply: Reply) {
        var reply = reply
        reply.etag = nil
        reply.lastModified = nil
        finish(state, reply)
    }

    func software(_ settings: HTTPSettings) -> String {
        settings.serverTokens ? runtime.softwareWithVersion : runtime.serverName
    }

    func clientAcceptsGzip(_ state: RequestState) -> Bool {
        AcceptEncoding.gzipAllowed(state.request.headers.first("accept-encoding"))
    }

    /// nginx's gzip filter conditions on the response (status, type, length): these decide `Vary`.
    private func gzipEligible(_ reply: Reply, _ state: RequestState) -> Bool {
        guard reply.status == 200 || reply.status == 403 || reply.status == 404 else { return false }
        guard let type = reply.contentType else { return false }
        let bare = Self.bareMediaType(type)
        guard bare == "text/html" || state.settings.gzipTypes.contains(bare) else { return false }
        if let length = reply.body.knownLength, length < Int64(state.settings.gzipMinLength) { return false }
        if case .empty = reply.body { return false }
        return true
    }

    /// `type` without parameters (`text/html; charset=utf-8` → `text/html`); `type` itself when it has none.
    static func bareMediaType(_ type: String) -> String {
        guard let semicolon = type.utf8.firstIndex(of: UInt8(ascii: ";")) else { return type }
        return String(type[..<semicolon]).trimmingSpaces()
    }

    /// nginx's `ngx_http_gzip_ok`: the request's side (Accept-Encoding, `gzip_http_version`,
    /// `gzip_proxied` for requests with `Via`, `gzip_disable`). A refusal here still leaves `Vary`
    /// on an eligible response.
    func gzipAllowedForRequest(_ state: RequestState, _ reply: Reply) -> Bool {
        guard clientAcceptsGzip(state) else { return false }
        if state.request.headers.first("via") != nil, !proxiedGzipAllowed(reply, state) { return false }
        let version = state.request.version.major * 10 + state.request.version.minor
        guard version >= state.settings.gzipHTTPVersion else { return false }
        if !state.settings.gzipDisable.isEmpty {
            let agent = state.request.headers.first("user-agent") ?? ""
            for rule in state.settings.gzipDisable {
                switch rule {
                case .msie6: if agent.contains("MSIE 4") || agent.contains("MSIE 5") || agent.contains("MSIE 6") { return false }
                case .regex(let regex): if regex.matches(agent) { return false }
                }
            }
        }
        return true
    }

    /// Replaces the body with its gzip encoding: files through the per-version variant cache
    /// (compressed once, then served from memory), small in-memory bodies at once.
    private func compress(_ reply: inout Reply, _ state: RequestState) {
        let level = state.settings.gzipCompLevel
        if state.request.method == .HEAD {
            // HEAD: the compressed length is unknown without compressing, so nginx sends no
            // Content-Length; an unknown-length body makes the writer send the head alone.
            reply.body = .stream(NoBodyStream(), length: nil)
            reply.headers.append(name: "Content-Encoding", value: "gzip")
            reply.etag = reply.etag?.weakened
            reply.allowRanges = false
            return
        }
        let cacheable = reply.file.map { $0.size <= Int64(runtime.gzipVariants.maxEntryBytes) } ?? false
        switch reply.body {
        case .file where cacheable, .bytes where cacheable:
            // A whole (small enough) file: compressed once per file version, then from memory.
            guard let file = reply.file else { return }
            let body = reply.body
            let key = GzipVariantCache.Key(device: file.device, inode: file.inode, size: file.size, mtime: file.mtime,
                                           mtimeNanoseconds: file.mtimeNanoseconds, level: level)
            guard let compressed = try? runtime.gzipVariants.variant(for: key, compress: {
                if case .bytes(let bytes) = body { return try GzipCompressor.compress(bytes, level: level) }
                return try GzipCompressor.compress(descriptor: file.descriptor, offset: 0, length: file.size, level: level)
            }) else { return }
            reply.body = .bytes(compressed)
            reply.isCachedGzipVariant = true
        case .bytes(let buffer):
            guard let compressed = try? GzipCompressor.compress(buffer, level: level) else { return }
            reply.body = .bytes(compressed)
        case .file(let body):
            // Larger than the cache takes: compress while sending, chunk by chunk.
            let reader = FileChunkReader(body: body)
            guard let stream = try? GzipStream(level: level, source: { try await reader.next() }) else { return }
            reply.body = .stream(stream, length: nil)
        default:
            return
        }
        reply.headers.append(name: "Content-Encoding", value: "gzip")
        reply.etag = reply.etag?.weakened
        reply.allowRanges = false
    }

    /// Applies `Range` to a full 200 reply.
    private func applyRange(_ reply: inout Reply, header: String, total: Int64, _ state: RequestState) {
        let decision = RangeRequest.evaluate(
            range: header, ifRange: state.request.headers.first("if-range"),
            etag: reply.etag, lastModified: reply.lastModified, size: total, maxRanges: state.settings.maxRanges
        )
        switch decision {
        case .full:
            return
        case .single(let range):
            reply.status = 206
            reply.headers.append(name: "Content-Range", value: range.contentRange(total: total))
            reply.body = Self.slice(reply.body, range)
        case .multiple(let ranges):
            let multipart: MultipartByteranges
            if let file = reply.file, case .file(let body) = reply.body, body.offset == 0 {
                multipart = MultipartByteranges(ranges: ranges, file: file, partContentType: reply.contentType)
            } else if case .bytes(let bytes) = reply.body {
                multipart = MultipartByteranges(ranges: ranges, bytes: bytes, partContentType: reply.contentType)
            } else {
                return
            }
            reply.status = 206
            reply.contentType = multipart.contentType
            reply.body = multipart.body
        case .notSatisfiable:
            reply.status = 416
            reply.headers.append(name: "Content-Range", value: RangeRequest.unsatisfiedContentRange(total: total))
            reply.body = Self.standardPage(status: 416, software: software(state.settings)).map { .bytes($0) } ?? .empty
            reply.contentType = "text/html"
            reply.etag = nil
            reply.lastModified = nil
        }
        reply.allowRanges = false
    }

    private static func slice(_ body: ResponseBody, _ range: ByteRange) -> ResponseBody {
        switch body {
        case .file(let f):
            return .file(FileBody(file: f.file, offset: f.offset + range.start, length: range.length))
        case .bytes(let b):
            return .bytes(b.getSlice(at: b.readerIndex + Int(range.start), length: Int(range.length)) ?? b)
        default:
            return body
        }
    }

    /// `add_header` and `expires`, for the statuses nginx applies them to (or any with `always`).
    private func applyHeaders(_ head: inout ResponseHead, _ state: RequestState) {
        let applies = Self.headerFilterStatuses.contains(head.status)
        if applies {
            applyExpires(state.settings.expires, &head)
        }
        for header in state.settings.addHeaders where applies || header.always {
            let value = state.render(header.value)
            if !value.isEmpty { head.headers.append(name: header.name, value: value) }
        }
    }

    /// The statuses nginx's headers filter (add_header without `always`, expires) applies to.
    static let headerFilterStatuses: Set<Int> = [200, 201, 204, 206, 301, 302, 303, 304, 307, 308]

    private func applyExpires(_ expires: Expires, _ head: inout ResponseHead) {
        let lastModified = head.headers.first("Last-Modified").flatMap { HTTPDate.parse($0) }
        guard let fields = Self.expiresFields(expires, lastModified: lastModified, now: Int64(time(nil))) else { return }
        head.headers.replaceOrAdd(name: "Expires", value: fields.expires)
        head.headers.replaceOrAdd(name: "Cache-Control", value: fields.cacheControl)
    }

    /// The `Expires` and `Cache-Control` values `expires` gives a response, as nginx's headers
    /// filter computes them; nil for `expires off`.
    static func expiresFields(_ expires: Expires, lastModified: Int64?, now: Int64) -> (expires: String, cacheControl: String)? {
        switch expires {
        case .off:
            return nil
        case .epoch:
            return ("Thu, 01 Jan 1970 00:00:01 GMT", "no-cache")
        case .max:
            return ("Thu, 31 Dec 2037 23:55:55 GMT", "max-age=315360000")
        case .after(let time, let modified):
            let seconds = time.milliseconds / 1000
            let base = modified ? (lastModified ?? now) : now
            // nginx: a time already past (negative, or `modified` long ago) is "no-cache".
            let maxAge = modified ? base + seconds - now : seconds
            return (HTTPDate.format(base + seconds), maxAge < 0 ? "no-cache" : "max-age=\(maxAge)")
        case .dailyAt(let time):
            let secondsOfDay = time.milliseconds / 1000
            let midnight = now - now % 86_400
            var at = midnight + secondsOfDay
            if at <= now { at += 86_400 }
            return (HTTPDate.format(at), "max-age=\(at - now)")
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
