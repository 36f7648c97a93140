import Foundation

/// A folder of `Fixtures/KIND/NAME.conf` broken configs with their `NAME.expected` lines.
enum GoldenCorpus {
    /// The absolute path of `Fixtures/KIND` in the test bundle.
    static func directory(_ kind: String) -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "/nonexistent" }
        return url.resolvingSymlinksInPath().appendingPathComponent(kind).path
    }

    /// The case names (the `.conf` files without extension), sorted.
    static func cases(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".conf") }.map { String($0.dropLast(5)) }.sorted()
    }
}
