import Foundation
@testable import SWHostConfig

/// Compiles config text (parsed as `/t.conf`) against prefix `/srv/p/`, without filesystem checks.
func compileConfig(_ text: String, prefix: String = "/srv/p/", checkFilesystem: Bool = false) throws(ConfigDiagnostic) -> CompiledConfig {
    let directives = try ConfigParser.parse(text: text, fileName: "/t.conf")
    return try ConfigCompiler.compile(ParsedConfig(directives: directives, files: []),
                                      context: ConfigContext(prefix: prefix, configDirectory: "/", checkFilesystem: checkFilesystem))
}

/// `events {} http { BODY }` compiled; the http block.
func compileHTTP(_ body: String) throws(ConfigDiagnostic) -> HTTPConfig {
    try compileConfig("events {}\nhttp {\n\(body)\n}\n").main.http!
}

/// The first server of `events {} http { BODY }`.
func firstServer(_ body: String) throws(ConfigDiagnostic) -> ServerConfig {
    try compileHTTP(body).servers[0]
}

/// The location `uri` matches in a one-server config whose server block holds `serverBody`.
func matchedSettings(_ serverBody: String, uri: String = "/") throws -> HTTPSettings {
    let server = try firstServer("server { listen 8080; \(serverBody) }")
    return try #require(server.locations.match(uri)).location.settings
}

/// The error compiling `text`, rendered as nginx prints it, or nil.
func compileErrorLine(_ text: String, prefix: String = "/srv/p/", checkFilesystem: Bool = false) -> String? {
    do {
        _ = try compileConfig(text, prefix: prefix, checkFilesystem: checkFilesystem)
        return nil
    } catch {
        return error.description
    }
}

import Testing
