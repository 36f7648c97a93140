// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif

/// `user USER [GROUP]` for workers started as root: the master keeps root (it holds the sockets
/// and may bind privileged ports again on reload); each worker switches to USER once its
/// listeners are adopted. GROUP defaults to USER's primary group, as in nginx.
public enum PrivilegeDrop {
    /// Switches the calling process to `user`/`group`; an nginx-worded message on failure.
    /// Does nothing (returns nil) when the process is not root.
    public static func drop(user: String, group: String?) -> String? {
        guard geteuid() == 0 else { return nil }
        guard let account = getpwnam(user) else { return "getpwnam(\"\(user)\") failed" }
        let uid = account.pointee.pw_uid
        var gid = account.pointee.pw_gid
        if let group {
            guard let entry = getgrnam(group) else { return "getgrnam(\"\(group)\") failed" }
            gid = entry.pointee.gr_gid
        }
        if setgid(gid) != 0 { return "setgid(\(gid)) failed (\(errno): \(String(cString: strerror(errno))))" }
        if initgroups(user, gid) != 0 { return "initgroups(\(user), \(gid)) failed (\(errno): \(String(cString: strerror(errno))))" }
        if setuid(uid) != 0 { return "setuid(\(uid)) failed (\(errno): \(String(cString: strerror(errno))))" }
        return nil
    }
}
