// swhost: config language.

#if canImport(Glibc)
import Glibc
#endif

/// `fastcgi_param` / `cgi_param NAME VALUE [if_not_empty]`.
public struct GatewayParam: Sendable, Hashable {
    public var name: String
    public var value: VariableTemplate
    public var ifNotEmpty: Bool
}

/// A FastCGI upstream named by `fastcgi_pass`.
public enum FastCGIUpstream: Sendable, Hashable {
    case inet(host: String, port: Int)
    case unix(String)
    /// A name: a `fastcgi_app NAME` spawned by swhost, or an `upstream NAME` block.
    case app(String)
}

/// `fastcgi_app NAME { command ...; processes N; socket PATH; env NAME=VALUE; }` (http level).
public struct FastCGIApp: Sendable, Hashable {
    public var name: String
    /// Program and arguments.
    public var command: [String]
    /// Default 1.
    public var processes: Int
    /// Absolute socket path; default `run/fastcgi-NAME.sock` under the prefix.
    public var socket: String
    /// `NAME=VALUE` pairs in order.
    public var environment: [(name: String, value: String)]
    public var location: SourceLocation?
    /// Where `command` is, for diagnostics about the program.
    public var commandLocation: SourceLocation?

    /// Why `command` cannot be executed: the `stat` errno, EACCES for a file that is not executable.
    public struct ProgramError: Error, Sendable {
        public let code: Int32
    }

    /// The `PATH` an app gets unless its `env` sets one (the CGI default).
    public static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// The environment the processes get: the `env` entries, plus `PATH` unless set there.
    public var processEnvironment: [String] {
        var entries = environment.map { "\($0.name)=\($0.value)" }
        if !environment.contains(where: { $0.name == "PATH" }) { entries.append("PATH=\(Self.defaultPath)") }
        return entries
    }

    /// The program to execute: `command`'s first word as given when it contains a slash (the
    /// compiler made it absolute), else the first match in the app's `PATH`; the `stat` errno
    /// when nothing matches (ENOENT, or EACCES when the file is not an executable regular file).
    public func resolveProgram() -> Result<String, ProgramError> {
        let name = command.first ?? ""
        let searchPath = environment.last(where: { $0.name == "PATH" })?.value ?? Self.defaultPath
        let candidates = name.contains("/") ? [name] : searchPath.split(separator: ":").map { "\($0)/\(name)" }
        var failure: Int32 = ENOENT
        for path in candidates {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            guard (info.st_mode & S_IFMT) == S_IFREG, (info.st_mode & 0o111) != 0 else {
                failure = EACCES
                continue
            }
            return .success(path)
        }
        return .failure(ProgramError(code: failure))
    }

    public init(name: String, command: [String], processes: Int = 1, socket: String, environment: [(name: String, value: String)] = [],
                location: SourceLocation? = nil, commandLocation: SourceLocation? = nil) {
        self.name = name
        self.command = command
        self.processes = processes
        self.socket = socket
        self.environment = environment
        self.location = location
        self.commandLocation = commandLocation
    }

    public static func == (a: FastCGIApp, b: FastCGIApp) -> Bool {
        a.name == b.name && a.command == b.command && a.processes == b.processes && a.socket == b.socket
            && a.environment.map(\.name) == b.environment.map(\.name) && a.environment.map(\.value) == b.environment.map(\.value)
    }
    public func hash(into h: inout Hasher) { h.combine(name); h.combine(socket) }
}

/// What produces a location's response body. Set per location and not inherited by nested
/// locations (as nginx's content handlers).
public enum ContentHandler: Sendable, Hashable {
    /// Static files (root/alias, index, autoindex, try_files). The default.
    case staticFiles
    /// `fastcgi_pass ADDRESS|unix:PATH|APP;` (location, if in location). A bare name refers to a
    /// `fastcgi_app` block (swhost); a name that is neither an address nor an app is an error at load.
    case fastcgi(FastCGIUpstream)
    /// `cgi on|off;` (swhost; location; default off): files in this location run as CGI/1.1
    /// scripts (RFC 3875) instead of being served; `cgi_interpreter` picks an interpreter by extension.
    /// `cgi_pass /path/to/program;` (swhost; location): every request in the location runs this
    /// one program (path relative to the prefix), with the request path as `PATH_INFO`.
    case cgi(program: String?)
    /// `swift_handler NAME [key=value ...];` (swhost; location): an in-process Swift handler
    /// registered under NAME (built in, or from a `load_module` library). The parameters are kept
    /// in order for the handler to validate when it is instantiated.
    case swift(name: String, parameters: [SwiftHandlerParameter])
}

public struct SwiftHandlerParameter: Sendable, Hashable {
    public var key: String
    public var value: String
}
