// swhost: config language.

#if canImport(Glibc)
import Glibc
#endif

extension ConfigCompilerState {
    /// A `fastcgi_app`'s program must be an executable file now, so `swhost -t` reports a typo
    /// instead of a master that restarts a failing process forever.
    /// The socket's directory must exist too (the master binds the socket there).
    func checkAppCommand(_ app: FastCGIApp) throws(ConfigDiagnostic) {
        if let slash = app.socket.lastIndex(of: "/"), slash != app.socket.startIndex {
            let directory = String(app.socket[..<slash])
            var info = stat()
            guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw ConfigDiagnostic(.emerg, "fastcgi_app \"\(app.name)\": socket directory \"\(directory)\" does not exist", at: app.location)
            }
        }
        guard case .failure(let error) = app.resolveProgram() else { return }
        let code = error.code
        let name = app.command.first ?? ""
        let problem = code == EACCES ? "is not an executable file" : "not found (\(code): \(String(cString: strerror(code))))"
        throw ConfigDiagnostic(.emerg, "fastcgi_app \"\(app.name)\": command \"\(name)\" \(problem)", at: app.commandLocation ?? app.location)
    }
}
