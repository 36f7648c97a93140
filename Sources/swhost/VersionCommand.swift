// swhost: command line.

import CLazyLibraries
import CMagic
import CPCRE2
import CZlib

/// `swhost -v` and `swhost -V`.
enum VersionCommand {
    static let version = "0.1.0"

    static var versionLine: String { "swhost version: swhost/\(version)" }

    static var compilerVersion: String {
        #if compiler(>=6.4)
        "6.4 or later"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1 or earlier"
        #endif
    }

    /// The versions of the C libraries swhost runs with (read from the libraries themselves).
    static var libraryVersions: [(String, String)] {
        let zlib = String(cString: zlibVersion())
        let magicNumber = Int(magic_version())
        let magic = "\(magicNumber / 100).\(magicNumber % 100)"
        // libxml2 loads on first use; -V loads it to report the version it would run with.
        let xml = swhost_xml_version().map { String(cString: $0) }
            ?? "not loadable (" + (swhost_lazy_error().map { String(cString: $0) } ?? "unknown error") + ")"
        var pcreBuffer = [UInt8](repeating: 0, count: 64)
        let pcre: String = pcreBuffer.withUnsafeMutableBytes { raw in
            guard pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), raw.baseAddress) > 0 else { return "unknown" }
            return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return [("zlib", zlib), ("libmagic", magic), ("libxml2", xml), ("PCRE2", pcre)]
    }

    /// What this build can do; each item names the directives that use it.
    static let features = [
        "http/1.1 keep-alive and pipelining",
        "static files with sendfile, ranges, conditional requests",
        "gzip and gzip_static (zlib)",
        "MIME sniffing (libmagic, mime_sniff)",
        "autoindex html, json, xml (libxml2)",
        "regex locations, server names and rewrites (PCRE2)",
        "openat2 RESOLVE_BENEATH path resolution (disable_symlinks)",
        "per-vhost access_log and error_log",
        "master and worker processes: reload as a new generation, respawn, TTIN/TTOU",
        "CGI (cgi, cgi_pass) and FastCGI (fastcgi_pass)",
        "Swift handlers (swift_handler, load_module; built-ins: health, status, echo, hello)",
    ]

    static func run(configureOptions: Bool) {
        var text = versionLine + "\n"
        if configureOptions {
            text += "built with Swift \(compilerVersion)\n"
            text += "libraries: " + libraryVersions.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n"
            text += "features:\n" + features.map { "  \($0)\n" }.joined()
        }
        Console.writeStandardError(text)
    }
}
