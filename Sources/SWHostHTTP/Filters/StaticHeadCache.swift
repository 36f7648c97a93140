// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostHTTPCore
import SWHostStatic
import Synchronization

/// The response heads of a plain `200` for one file version under one set of settings, rendered
/// once and reused: a hot static file then costs no content-type lookup, ETag or header
/// formatting per response (the bench's "cache the rendered response per file" step).
///
/// Two variants: the identity body, and the gzip-encoded body served from the per-version variant
/// cache (`Content-Encoding: gzip`, weak ETag, no `Accept-Ranges`). Each is filled the first time
/// a response of that variant is built.
///
/// Kept in the file's ``OpenFile/derived`` slot, so it lives exactly as long as the file version
/// does in the open-file cache: a changed file is a new `OpenFile` and starts empty.
/// Valid for the settings object it was built under and the request path's extension (which chose
/// the content type); heads whose `expires` depends on the clock are valid for one second only.
/// Only a reply the filters left untouched uses it: a `304`, `206`, `416`, a streamed gzip body,
/// or any header a filter added builds its head field by field as before.
final class StaticHead: Sendable {
    /// Which body a cached head goes with.
    enum Variant {
        case identity
        case gzip
    }

    let settings: SettingsHolder
    /// The request path's extension when built ("" for none).
    let pathExtension: String
    /// The second this head is valid in, or `.max` when it does not depend on the clock.
    let validSecond: Int64
    let contentType: String
    let etag: ETag?
    /// The gzip filter's verdict on the response itself (type, length), which decides `Vary`.
    let gzipEligible: Bool
    /// Status line and fields, pre-rendered, per variant; `headers` kept for `$sent_http_*`.
    private let heads: Mutex<(identity: ResponseHead?, gzip: ResponseHead?)>

    private init(settings: SettingsHolder, pathExtension: String, validSecond: Int64, contentType: String, etag: ETag?,
                 gzipEligible: Bool) {
        self.settings = settings
        self.pathExtension = pathExtension
        self.validSecond = validSecond
        self.contentType = contentType
        self.etag = etag
        self.gzipEligible = gzipEligible
        self.heads = Mutex((identity: nil, gzip: nil))
    }

    /// The rendered head of `variant`, when one was stored.
    func head(_ variant: Variant) -> ResponseHead? {
        heads.withLock { variant == .identity ? $0.identity : $0.gzip }
    }

    /// The cached entry for `file` when it was built under the request's settings and extension.
    static func lookup(_ file: OpenFile, _ state: RequestState) -> StaticHead? {
        guard let cached = file.derived.withLock({ $0 }) as? StaticHead,
              cached.settings === state.settingsHolder
        else { return nil }
        let ext = MIMETypeMap.pathExtension(state.uri)
        guard (ext ?? "") == cached.pathExtension else { return nil }
        if cached.validSecond != .max, cached.validSecond != Int64(time(nil)) { return nil }
        return cached
    }

    /// Stores the head of a plain 200 of `variant` for `file`, when nothing in it depends on the
    /// request: into `reply.cachedHead` when the content phase found one, else into a new entry.
    /// `etag` is the file's own (the gzip filter weakens the reply's).
    static func store(_ head: ResponseHead, _ variant: Variant, reply: Reply, etag: ETag?, gzipEligible: Bool,
                      file: OpenFile, _ state: RequestState) {
        let settings = state.settings
        // add_header values with variables differ per request.
        for header in settings.addHeaders where !header.value.isLiteral { return }
        let entry: StaticHead
        if let existing = reply.cachedHead {
            entry = existing
        } else {
            let validSecond: Int64
            switch settings.expires {
            case .off, .epoch, .max: validSecond = .max
            case .after, .dailyAt: validSecond = Int64(time(nil))
            }
            entry = StaticHead(
                settings: state.settingsHolder, pathExtension: MIMETypeMap.pathExtension(state.uri).map(String.init) ?? "",
                validSecond: validSecond, contentType: reply.contentType ?? "", etag: etag,
                gzipEligible: gzipEligible)
            file.derived.withLock { $0 = entry }
        }
        let rendered = head.prerendered()
        entry.heads.withLock {
            switch variant {
            case .identity: $0.identity = rendered
            case .gzip: $0.gzip = rendered
            }
        }
    }
}
