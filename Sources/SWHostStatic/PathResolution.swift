// swhost: static files.

import SWHostHTTPCore

/// What opening a URI path under a root produced.
public enum PathResolution: Sendable {
    /// A regular file, opened `O_RDONLY | O_CLOEXEC`, with its `fstat` identity.
    case file(OpenFile)
    /// A directory (opened `O_RDONLY | O_DIRECTORY`, usable for autoindex and index files).
    case directory(OpenFile)
    /// 404: ENOENT, ENOTDIR, ENAMETOOLONG, or not a regular file / directory (FIFO, socket, device).
    case notFound
    /// 403: EACCES, or a symlink refused by the `disable_symlinks` policy (ELOOP/EMLINK).
    case forbidden
    /// 403: the path left the root (EXDEV from `RESOLVE_BENEATH`: an absolute symlink, or a
    /// relative one climbing out). swhost answers 403 like any symlink-policy refusal: the name
    /// exists inside the root but will not be served; a 404 would wrongly say it does not exist.
    case escaped
    /// 400: NUL byte or a `..` component (the transport normalises URIs; this is the backstop).
    case invalidPath
    /// 500: any other errno (EMFILE, EIO, ...), logged by the caller as nginx does (`open() "..." failed (errno)`).
    case error(errno: Int32)

    /// The status nginx answers for this result (nil for `.file`/`.directory`).
    public var httpStatus: Int? {
        switch self {
        case .file, .directory: nil
        case .notFound: 404
        case .forbidden, .escaped: 403
        case .invalidPath: 400
        case .error: 500
        }
    }
}

/// nginx's `disable_symlinks off | on | if_not_owner [from=PART]`.
///
/// `from` is a path prefix (nginx evaluates it, usually `$document_root`) whose components are not
/// checked. When it is not an initial part of the checked path at a component boundary, the whole
/// path is checked "as if this parameter were not specified at all" (nginx docs).
///
/// swhost difference with `off`: nginx follows any symlink, even out of the root; swhost resolves
/// with `RESOLVE_BENEATH`, so a symlink that leaves the root (or any absolute symlink) is refused
/// (``PathResolution/escaped``). Only the ENOSYS fallback (kernels before 5.6) follows symlinks
/// like nginx does.
public enum SymlinkPolicy: Sendable, Hashable {
    case off
    case on(from: String? = nil)
    case ifNotOwner(from: String? = nil)
}
