// swhost: SWHostTesting.

import Foundation

/// Where the built `swhost` executable is.
public enum SWHostBinary {
    /// The package root, found from this file's path (`Sources/SWHostTesting/SWHostBinary.swift`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SWHostTesting
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// `$SWHOST_BIN` when set, else `.build/debug/swhost`, else `.build/release/swhost` under the
    /// package root; when none exists, the debug path (so a failure names where it looked).
    public static var url: URL {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// True when `url` names an executable file.
    public static var isBuilt: Bool {
        FileManager.default.isExecutableFile(atPath: url.path)
    }

    static var candidates: [URL] {
        if let env = ProcessInfo.processInfo.environment["SWHOST_BIN"], !env.isEmpty {
            return [URL(fileURLWithPath: env)]
        }
        return [
            packageRoot.appendingPathComponent(".build/debug/swhost"),
            packageRoot.appendingPathComponent(".build/release/swhost"),
        ]
    }
}
