// swhost: config language.

/// Path rules of the command line and the config, the nginx way.
///
/// - The prefix (`-p`, default the current directory) is where `root`, logs, the pid file and
///   sockets resolve; it always ends with `/`.
/// - The main config (`-c`, default ``defaultConfigFile``) resolves against the prefix.
/// - `include` resolves against the main config's directory (nginx's conf prefix).
///
/// Unlike nginx, every path swhost prints is lexically tidied: no `//` and no `/./`
/// (`-p /x/y/` gives `/x/y/etc/swhost.conf`, never `/x/y//etc/swhost.conf`). `..` is kept as
/// written, since removing it lexically would be wrong across symbolic links.
public enum ConfigPaths {
    /// The main config file under the prefix when `-c` is not given.
    public static let defaultConfigFile = "etc/swhost.conf"

    /// The absolute prefix, ending with `/`: `prefix` (relative ones against `currentDirectory`),
    /// or `currentDirectory` itself when `-p` was not given.
    public static func normalizePrefix(_ prefix: String?, currentDirectory: String) -> String {
        let absolute = resolve(prefix ?? currentDirectory, against: currentDirectory)
        return absolute.hasSuffix("/") ? absolute : absolute + "/"
    }

    /// `path` if it is absolute, else `path` under `base`; tidied (no `//`, no `/./`).
    /// A trailing `/` on `path` is kept.
    public static func resolve(_ path: String, against base: String) -> String {
        if path.utf8.first == UInt8(ascii: "/") { return tidy(path) }
        if path.isEmpty { return tidy(base) }
        return tidy(base + "/" + path)
    }

    /// The absolute path of the main config: `-c FILE` (relative against the prefix, as nginx
    /// does), or ``defaultConfigFile`` under the prefix.
    public static func mainConfigFile(_ file: String?, prefix: String) -> String {
        resolve(file ?? defaultConfigFile, against: prefix)
    }

    /// The directory of `file`, ending with `/` (nginx's conf prefix: where `include` resolves).
    public static func directory(of file: String) -> String {
        let bytes = Array(file.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "./" }
        return String(decoding: bytes[...slash], as: UTF8.self)
    }

    /// Collapses repeated `/` and drops `.` segments; `/x/.` becomes `/x/`.
    static func tidy(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { return path }
        let isAbsolute = bytes[0] == UInt8(ascii: "/")
        let trailingSlash =
            bytes.last == UInt8(ascii: "/")
            || (bytes.count >= 2 && bytes[bytes.count - 1] == UInt8(ascii: ".") && bytes[bytes.count - 2] == UInt8(ascii: "/"))
        var segments: [ArraySlice<UInt8>] = []
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        where !(segment.count == 1 && segment.first == UInt8(ascii: ".")) {
            segments.append(segment)
        }
        var out: [UInt8] = isAbsolute ? [UInt8(ascii: "/")] : []
        for (index, segment) in segments.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "/")) }
            out.append(contentsOf: segment)
        }
        if trailingSlash && !segments.isEmpty { out.append(UInt8(ascii: "/")) }
        if out.isEmpty { return "." }
        return String(decoding: out, as: UTF8.self)
    }
}
