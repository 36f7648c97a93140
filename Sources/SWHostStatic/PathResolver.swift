// swhost: static files.

import CSWHostSystem
import NIOPosix
import SWHostHTTPCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Opens URI paths under root directories without races or escapes.
///
/// Each root (or `from=` prefix) is opened once `O_PATH | O_DIRECTORY` and cached; the request
/// path is opened relative to it with `openat2(RESOLVE_BENEATH)` (+ `RESOLVE_NO_SYMLINKS` for
/// `disable_symlinks on`), so no `..`, absolute symlink or symlink climbing out can leave it,
/// whatever the transport let through. The cached root descriptor is revalidated (`stat` of the
/// root path, device + inode) at most every `rootRevalidation` seconds, so a deploy that swaps a
/// `current -> releases/N` symlink is picked up without a reload.
///
/// `if_not_owner` and kernels without `openat2` (ENOSYS) walk the components one by one with
/// `openat(O_NOFOLLOW)`; a symlink is then checked (same owner for link and target, as nginx's
/// `ngx_openat_file_owner`) and followed. That walk has nginx's check-then-open race on the
/// symlink, which needs write access inside the tree to exploit.
///
/// **Blocking**: every `resolve` call does `openat2`/`fstat` (and `stat` of the root when due).
/// Run it on a thread pool (``resolve(root:path:symlinks:on:)``), never on an event loop.
public final class PathResolver: Sendable {
    /// A cached directory descriptor and the identity it was opened with.
    final class DirectoryHandle: Sendable {
        let descriptor: CInt
        let device: UInt64
        let inode: UInt64
        init(descriptor: CInt, device: UInt64, inode: UInt64) {
            self.descriptor = descriptor
            self.device = device
            self.inode = inode
        }
        deinit { close(descriptor) }
    }

    private struct CachedRoot {
        var handle: DirectoryHandle
        var validatedAt: Int64
    }

    private let roots = Mutex<[String: CachedRoot]>([:])
    private let openat2Missing = Atomic<Bool>(false)
    /// Seconds between `stat` checks of a cached root path.
    public let rootRevalidation: Int64

    /// - Parameter rootRevalidation: seconds a cached root descriptor is trusted without
    ///   re-`stat`ing its path (default 1, like ``OpenFileCache``'s `valid`).
    public init(rootRevalidation: Int64 = 1) {
        self.rootRevalidation = rootRevalidation
    }

    /// Forces the component walk even when `openat2` exists (tests of the ENOSYS fallback).
    func simulateMissingOpenat2() {
        openat2Missing.store(true, ordering: .relaxed)
    }

    /// Opens `path` (a URI path, already percent-decoded and normalised: `/a/b.html`) under `root`
    /// (an absolute directory path). **Blocking**.
    public func resolve(root: String, path: String, symlinks: SymlinkPolicy = .off) -> PathResolution {
        guard let rootComponents = Self.components(root), let pathComponents = Self.components(path) else {
            return .invalidPath
        }
        let checkFrom: String?
        switch symlinks {
        case .off:
            return open(base: Self.join(rootComponents), relative: pathComponents, mode: .beneath)
        case .on(let from):
            checkFrom = from
        case .ifNotOwner(let from):
            checkFrom = from
        }
        // Symlink checks cover the whole file path, except the `from=` prefix.
        let full = rootComponents + pathComponents
        var baseCount = 0
        if let checkFrom, let fromComponents = Self.components(checkFrom),
           fromComponents.count <= full.count, Array(full[0..<fromComponents.count]) == fromComponents {
            baseCount = fromComponents.count
        }
        let base = Self.join(Array(full[0..<baseCount]))
        let relative = Array(full[baseCount...])
        if case .on = symlinks {
            return open(base: base, relative: relative, mode: .noSymlinks)
        }
        return open(base: base, relative: relative, mode: .sameOwner)
    }

    /// Runs ``resolve(root:path:symlinks:)`` on `pool`.
    public func resolve(root: String, path: String, symlinks: SymlinkPolicy = .off, on pool: NIOThreadPool) async throws -> PathResolution {
        try await pool.runIfActive { self.resolve(root: root, path: path, symlinks: symlinks) }
    }

    /// Drops every cached root descriptor (config reload).
    public func removeAllRoots() {
        roots.withLock { $0.removeAll() }
    }

    // MARK: - Opening

    enum Mode {
        /// `openat2(RESOLVE_BENEATH)`: in-tree symlinks followed.
        case beneath
        /// `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)`.
        case noSymlinks
        /// Component walk; a symlink is followed when link and target have the same owner.
        case sameOwner
    }

    private func open(base: String, relative: [Substring], mode: Mode) -> PathResolution {
        let dir: DirectoryHandle
        switch directory(base) {
        case .success(let d): dir = d
        case .failure(let e): return Self.classify(errno: e.code)
        }
        let rel = relative.isEmpty ? "." : relative.joined(separator: "/")
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY
        if mode != .sameOwner && !openat2Missing.load(ordering: .relaxed) {
            var resolve = SWHOST_RESOLVE_BENEATH | SWHOST_RESOLVE_NO_MAGICLINKS
            if mode == .noSymlinks { resolve |= SWHOST_RESOLVE_NO_SYMLINKS }
            let fd = rel.withCString { swhost_openat2(dir.descriptor, $0, UInt64(flags), 0, resolve) }
            if fd >= 0 { return Self.finish(fd) }
            let e = errno
            if e != ENOSYS { return Self.classify(errno: e) }
            openat2Missing.store(true, ordering: .relaxed)
        }
        let walkMode: WalkSymlinks = switch mode {
        case .beneath: .follow
        case .noSymlinks: .refuse
        case .sameOwner: .sameOwner
        }
        return walk(dir: dir.descriptor, relative, flags: flags, symlinks: walkMode)
    }

    private enum WalkSymlinks { case refuse, follow, sameOwner }

    /// Component-by-component open with `O_NOFOLLOW`, symlinks handled per `symlinks`.
    private func walk(dir base: CInt, _ comps: [Substring], flags: CInt, symlinks: WalkSymlinks) -> PathResolution {
        var current = base
        var owned = false
        defer { if owned { close(current) } }
        if comps.isEmpty {
            let fd = openat(base, ".", flags)
            return fd >= 0 ? Self.finish(fd) : Self.classify(errno: errno)
        }
        for (i, comp) in comps.enumerated() {
            let last = i == comps.count - 1
            let name = String(comp)
            var st = stat()
            if fstatat(current, name, &st, AT_SYMLINK_NOFOLLOW) != 0 { return Self.classify(errno: errno) }
            var followLink = false
            if (st.st_mode & S_IFMT) == S_IFLNK {
                switch symlinks {
                case .refuse:
                    return .forbidden
                case .follow:
                    followLink = true
                case .sameOwner:
                    var target = stat()
                    if fstatat(current, name, &target, 0) != 0 { return Self.classify(errno: errno) }
                    guard target.st_uid == st.st_uid else { return .forbidden }
                    followLink = true
                }
            }
            let nofollow: CInt = followLink ? 0 : O_NOFOLLOW
            let fd: CInt
            if last {
                fd = openat(current, name, flags | nofollow)
            } else {
                fd = openat(current, name, SWHOST_O_PATH | O_DIRECTORY | O_CLOEXEC | nofollow)
            }
            if fd < 0 { return Self.classify(errno: errno) }
            if followLink, symlinks == .sameOwner {
                // The target we opened must be the one whose owner we checked.
                var opened = stat()
                var target = stat()
                if fstat(fd, &opened) != 0 || fstatat(current, name, &target, 0) != 0
                    || opened.st_ino != target.st_ino || opened.st_dev != target.st_dev
                    || opened.st_uid != st.st_uid {
                    close(fd)
                    return .forbidden
                }
            }
            if last { return Self.finish(fd) }
            if owned { close(current) }
            current = fd
            owned = true
        }
        return .notFound
    }

    /// fstat the opened descriptor and type the result.
    private static func finish(_ fd: CInt) -> PathResolution {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            return classify(errno: e)
        }
        let file = OpenFile(
            descriptor: fd, size: Int64(st.st_size), mtime: Int64(st.st_mtim.tv_sec),
            mtimeNanoseconds: Int64(st.st_mtim.tv_nsec), device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file(file)
        case S_IFDIR: return .directory(file)
        default: return .notFound  // nginx: "... is not a regular file" → 404; `file` closes the fd.
        }
    }

    /// nginx's errno → status mapping (`ngx_http_static_handler`), plus EXDEV for escapes.
    static func classify(errno e: Int32) -> PathResolution {
        switch e {
        case ENOENT, ENOTDIR, ENAMETOOLONG: .notFound
        case EACCES, ELOOP, EMLINK, EPERM: .forbidden
        case EXDEV: .escaped
        default: .error(errno: e)
        }
    }

    // MARK: - Root descriptors

    private func directory(_ path: String) -> Result<DirectoryHandle, Errno> {
        let now = monotonicSeconds()
        if let cached = roots.withLock({ $0[path] }) {
            if now - cached.validatedAt < rootRevalidation { return .success(cached.handle) }
            var st = stat()
            if stat(path, &st) == 0, UInt64(st.st_dev) == cached.handle.device, UInt64(st.st_ino) == cached.handle.inode {
                roots.withLock { $0[path]?.validatedAt = now }
                return .success(cached.handle)
            }
        }
        let fd = Glibc.open(path, SWHOST_O_PATH | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            roots.withLock { _ = $0.removeValue(forKey: path) }
            return .failure(Errno(code: e))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            return .failure(Errno(code: e))
        }
        let handle = DirectoryHandle(descriptor: fd, device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        roots.withLock { $0[path] = CachedRoot(handle: handle, validatedAt: now) }
        return .success(handle)
    }

    // MARK: - Path components

    /// Splits a path into components, dropping empty and `.` ones. nil when it holds NUL or `..`.
    static func components(_ path: String) -> [Substring]? {
        var out: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." || c.utf8.contains(0) { return nil }
            out.append(c)
        }
        return out
    }

    private static func join(_ comps: [Substring]) -> String {
        "/" + comps.joined(separator: "/")
    }
}

/// Monotonic clock, whole seconds.
func monotonicSeconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec)
}

/// An errno value as an `Error` (for `Result`).
struct Errno: Error {
    var code: Int32
}
