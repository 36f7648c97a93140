// swhost: static files.

import NIOPosix
import SWHostHTTPCore

/// nginx's `gzip_static off | on | always`: serve a precompressed `FILE.gz` sibling.
///
/// - `on`: only when the client accepts gzip (the caller decides, with
///   `AcceptEncoding.gzipAllowed` and any `gzip_disable`/`gzip_proxied` rules).
/// - `always`: the `.gz` is sent whatever the request says (for clients behind `gunzip`).
/// - swhost only serves the `.gz` when it is a regular file at least as new as the original
///   (mtime), so a forgotten stale `.gz` never shadows an updated file; nginx does not check.
///
/// The response then carries `Content-Encoding: gzip`, the original's Content-Type (by the
/// original name), and the `.gz` file's Last-Modified, ETag and length (as nginx does).
public enum GzipStatic {
    public enum Mode: Sendable, Hashable {
        case off, on, always
    }

    /// What to send.
    public enum Choice: Sendable {
        /// The original file (no `.gz`, stale, not accepted, or mode off).
        case original
        /// The `.gz` sibling; add `Content-Encoding: gzip`.
        case gzip(OpenFile)
    }

    /// Picks the variant of `original` (found at `path` under `root`). **Blocking** when it must
    /// look for the `.gz` (through `cache`).
    public static func choose(original: OpenFile, root: String, path: String, symlinks: SymlinkPolicy = .off,
                              mode: Mode, clientAcceptsGzip: Bool, cache: OpenFileCache) -> Choice {
        choose(original: original, mode: mode, clientAcceptsGzip: clientAcceptsGzip) {
            cache.open(root: root, path: path + ".gz", symlinks: symlinks)
        }
    }

    /// Same, with any way of opening the `.gz` path (for tests and non-cached callers).
    public static func choose(original: OpenFile, mode: Mode, clientAcceptsGzip: Bool,
                              openGzip: () -> PathResolution) -> Choice {
        switch mode {
        case .off: return .original
        case .on where !clientAcceptsGzip: return .original
        default: break
        }
        guard case .file(let gz) = openGzip() else { return .original }
        if gz.mtime < original.mtime || (gz.mtime == original.mtime && gz.mtimeNanoseconds < original.mtimeNanoseconds) {
            return .original
        }
        return .gzip(gz)
    }
}
