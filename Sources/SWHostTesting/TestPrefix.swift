// swhost: SWHostTesting.

import Foundation

/// A throwaway swhost prefix: a temporary directory with `etc/`, `sites-enabled/`, `www/`,
/// `logs/` and `run/`, and the repository's `etc/mime.types` and `etc/fastcgi_params` copied in.
/// Call `cleanup()` when done.
public final class TestPrefix {
    /// The prefix directory (absolute, no trailing slash).
    public let url: URL

    /// Creates the directory tree under the system temporary directory.
    public init(name: String = "swhost-test") throws {
        let base = FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("\(name)-\(UUID().uuidString)")
        let fm = FileManager.default
        for dir in ["etc", "sites-enabled", "www", "logs", "run"] {
            try fm.createDirectory(at: url.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        for file in ["etc/mime.types", "etc/fastcgi_params"] {
            let source = SWHostBinary.packageRoot.appendingPathComponent(file)
            if fm.fileExists(atPath: source.path) {
                try fm.copyItem(at: source, to: url.appendingPathComponent(file))
            }
        }
    }

    /// The prefix path, for `-p`.
    public var path: String { url.path }

    /// The absolute path of `relative` inside the prefix.
    public func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).path
    }

    /// Writes `contents` to `relative` (creating parent directories) and returns its absolute path.
    @discardableResult
    public func write(_ relative: String, _ contents: String) throws -> String {
        try write(relative, Data(contents.utf8))
    }

    /// Writes bytes to `relative` (creating parent directories) and returns its absolute path.
    @discardableResult
    public func write(_ relative: String, _ contents: Data) throws -> String {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: target)
        return target.path
    }

    /// Reads a file of the prefix as UTF-8 (empty when it does not exist).
    public func read(_ relative: String) -> String {
        (try? String(contentsOf: url.appendingPathComponent(relative), encoding: .utf8)) ?? ""
    }

    /// True when `relative` exists.
    public func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// Removes the whole tree.
    public func cleanup() {
        try? FileManager.default.removeItem(at: url)
    }
}
