import Foundation
@testable import SWHostConfig

/// A temporary directory of config files for parser and include tests, removed on deinit.
final class TemporaryConfigDirectory {
    /// Absolute path, without a trailing `/`, symbolic links resolved (so paths compare exactly).
    let path: String

    init() throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath()
        let url = base.appendingPathComponent("swhost-syntax-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `relative` (creating directories) and returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> String {
        let full = path + "/" + relative
        let parent = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try contents.write(toFile: full, atomically: false, encoding: .utf8)
        return full
    }
}

/// Lexes `text` as a file named `/t.conf`.
func lexTokens(_ text: String, origin: ConfigLexer.Origin = .file) throws(ConfigDiagnostic) -> [ConfigToken] {
    var lexer = ConfigLexer(text: text, fileName: "/t.conf", origin: origin)
    return try lexer.allTokens()
}

/// The words of `text`'s tokens (names and arguments), in order.
func lexWords(_ text: String) throws(ConfigDiagnostic) -> [String] {
    try lexTokens(text).compactMap { token in
        if case .word(let word) = token { return word.value }
        return nil
    }
}

/// The diagnostic parsing `text` as `/t.conf` throws, or nil.
func parseError(_ text: String, fileName: String = "/t.conf") -> ConfigDiagnostic? {
    do {
        _ = try ConfigParser.parse(text: text, fileName: fileName)
        return nil
    } catch {
        return error
    }
}

extension ConfigDirective {
    /// `name arg arg` for compact expectations.
    var summary: String { ([name] + arguments.map(\.value)).joined(separator: " ") }
}
