// swhost: config language.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ConfigCompilerState {
    /// nginx's `open() "PATH" failed (ERRNO: TEXT)` when `path` could not be opened for appending:
    /// the file exists and is not writable, or its directory is missing or not writable.
    /// Nothing is created.
    func checkWritable(_ path: String) throws(ConfigDiagnostic) {
        if access(path, F_OK) == 0 {
            if access(path, W_OK) != 0 { throw openFailed(path, errno) }
            return
        }
        let dir = ConfigCompilerState.directory(of: path)
        if access(dir, W_OK | X_OK) != 0 {
            let e = errno
            throw openFailed(path, e == EACCES || e == ENOENT || e == ENOTDIR ? e : e)
        }
    }

    /// `auth_basic_user_file` must exist and be readable at load (nginx only finds out per request).
    /// Relative paths resolve against the config directory, as nginx's `conf_prefix`.
    func checkedUserFile(_ value: String, at location: SourceLocation) throws(ConfigDiagnostic) -> String {
        let path = configPath(value)
        if context.checkFilesystem, !value.contains("$"), access(path, R_OK) != 0 {
            var diagnostic = openFailed(path, errno)
            diagnostic.location = location
            throw diagnostic
        }
        return path
    }

    func openFailed(_ path: String, _ code: Int32) -> ConfigDiagnostic {
        let text = String(cString: strerror(code))
        return ConfigDiagnostic(.emerg, "open() \"\(path)\" failed (\(code): \(text))")
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// nginx's `user USER [GROUP]` checks: only a root master can switch users (otherwise a
    /// warning and the directive is ignored); the user and the group (default: the user's name,
    /// as nginx) must exist.
    func checkUser(_ user: String, group: String, at location: SourceLocation) throws(ConfigDiagnostic) {
        guard context.checkFilesystem else { return }
        guard geteuid() == 0 else {
            warn("the \"user\" directive makes sense only if the master process runs with super-user privileges, ignored",
                 at: location)
            return
        }
        guard getpwnam(user) != nil else { throw ConfigDiagnostic(.emerg, "getpwnam(\"\(user)\") failed", at: location) }
        guard getgrnam(group) != nil else { throw ConfigDiagnostic(.emerg, "getgrnam(\"\(group)\") failed", at: location) }
    }
}
