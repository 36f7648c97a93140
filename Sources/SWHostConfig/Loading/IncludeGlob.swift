// swhost: config language.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `include` patterns, expanded with `glob(3)` as nginx's `ngx_open_glob` does.
enum IncludeGlob {
    /// Whether nginx treats the path as a pattern (it contains `*`, `?` or `[`).
    static func isPattern(_ path: String) -> Bool {
        path.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    /// The paths matching `pattern`, sorted bytewise (the C-locale order nginx gets from
    /// `glob(3)`, independent of the process locale). No match is not an error.
    static func expand(_ pattern: String, reportedAt location: SourceLocation) throws(ConfigDiagnostic) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        errno = 0
        let rc = glob(pattern, 0, nil, &result)
        if rc == GLOB_NOMATCH { return [] }
        guard rc == 0 else {
            throw ConfigDiagnostic(
                .emerg, "glob() \"\(pattern)\" failed\(ConfigFileReader.errnoSuffix(errno))", at: location)
        }
        var paths: [String] = []
        paths.reserveCapacity(Int(result.gl_pathc))
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
