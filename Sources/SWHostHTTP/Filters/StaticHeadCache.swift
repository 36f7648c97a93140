// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostHTTPCore
import SWHostStatic

/// The response head of a plain `200` for one file version under one set of settings, rendered
/// once and reused: a hot static file then costs no content-type lookup, ETag or header
/// formatting per response (the bench's "cache the rendered response per file" step).
///
/// Kept in the file's ``OpenFile/derived`` slot, so it lives exactly as long as the file version
/// does in the open-file cache: a changed file is a new `OpenFile` and starts empty.
/// Valid for the settings object it was built under and the request path's extension (which chose
/// the content type); heads whose `expires` depends on the clock are valid for one second only.
/// Only a reply the filters left untouched uses it: a `304`, `206`, `416`, a gzip-encoded body,
/// or any header a filter added builds its head field by field as before.
final class StaticHead: Sendable {
    let settings: SettingsHolder
    /// The request path's extension when built ("" for none).
    let pathExtension: String
    /// The second this head is valid in, or `.max` when it does not depend on the clock.
    let validSecond: Int64
    let contentType: String
    let etag: ETag?
    /// The gzip filter's verdict on the response itself (type, length), which decides `Vary`.
    let gzipEligible: Bool
    /// Status line and fields, pre-rendered; `headers` kept for `$sent_http_*`.
    let head: ResponseHead

    init(settings: SettingsHolder, pathExtension: String, validSecond: Int64, contentType: String, etag: ETag?,
         gzipEligible: Bool, head: ResponseHead) {
        self.settings = settings
        self.pathExtension = pathExtension
        self.validSecond = validSecond
        self.contentType = contentType
        self.etag = etag
        self.gzipEligible = gzipEligible
        self.head = head.prerendered()
    }

    /// The cached head for `file` when it was built under the request's settings and extension.
    static func lookup(_ file: OpenFile, _ state: RequestState) -> StaticHead? {
        guard let cached = file.derived.withLock({ $0 }) as? StaticHead,
              cached.settings === state.settingsHolder
        else { return nil }
        let ext = MIMETypeMap.pathExtension(state.uri)
        guard (ext ?? "") == cached.pathExtension else { return nil }
        if cached.validSecond != .max, cached.validSecond != Int64(time(nil)) { return nil }
        return cached
    }

    /// Stores the head of a plain 200 for `file`, when nothing in it depends on the request.
    static func store(_ head: ResponseHead, reply: Reply, gzipEligible: Bool, file: OpenFile, _ state: RequestState) {
        let settings = state.settings
        // add_header values with variables differ per request.
        for header in settings.addHeaders where !header.value.isLiteral { return }
        let validSecond: Int64
        switch settings.expires {
        case .off, .epoch, .max: validSecond = .max
        case .after, .dailyAt: validSecond = Int64(time(nil))
        }
        let entry = StaticHead(
            settings: state.settingsHolder, pathExtension: MIMETypeMap.pathExtension(state.uri).map(String.init) ?? "",
            validSecond: validSecond, contentType: reply.contentType ?? "", etag: reply.etag,
            gzipEligible: gzipEligible, head: head)
        file.derived.withLock { $0 = entry }
    }
}
