// Tests for SWHostLog: a temporary directory per test.

import Foundation

struct TempDir: ~Copyable {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/swhost-logtests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    func lines(_ name: String) -> [String] {
        read(name).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
