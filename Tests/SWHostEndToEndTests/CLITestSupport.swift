// Shared helpers of the CLI end-to-end tests: where the fixtures are, small prefixes with a
// working configuration, and waiting for something a server does asynchronously.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

enum CLIFixtures {
    /// `Fixtures/cli` as copied into the test bundle (symlinks resolved, no trailing slash).
    static let directory: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "/nonexistent" }
        return url.resolvingSymlinksInPath().appendingPathComponent("cli").path
    }()

    /// The config compiler's golden corpora (`Tests/SWHostConfigTests/Fixtures/{syntax,semantic}`),
    /// read from the source tree: the same broken configs, this time through the binary.
    static let configCorpus: String = SWHostBinary.packageRoot
        .appendingPathComponent("Tests/SWHostConfigTests/Fixtures").resolvingSymlinksInPath().path

    /// The `.conf` names (without extension) in `directory`, sorted.
    static func cases(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".conf") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The one line in `NAME.expected`, with `$FIXTURE` (the .conf) and `$DIR` (its directory) filled in.
    static func expectedLine(_ name: String, in directory: String) throws -> String {
        try String(contentsOfFile: directory + "/" + name + ".expected", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
            .replacingOccurrences(of: "$FIXTURE", with: directory + "/" + name + ".conf")
            .replacingOccurrences(of: "$DIR", with: directory)
    }
}

/// A small valid main config for a test prefix: one `listen 127.0.0.1:PORT` site in
/// `sites-enabled/`, pid file and logs under the prefix.
enum CLIConfig {
    static func main(errorLogLevel: String = "info") -> String {
        """
        worker_processes 1;
        pid run/swhost.pid;
        error_log logs/error.log \(errorLogLevel);

        events {
            worker_connections 64;
        }

        http {
            include mime.types;
            default_type application/octet-stream;
            access_log logs/access.log;
            include ../sites-enabled/*;
        }

        """
    }

    static func site(port: Int, body: String = "v1") -> String {
        """
        server {
            listen 127.0.0.1:\(port);
            server_name localhost;
            location / {
                return 200 "\(body)";
            }
        }

        """
    }

    /// A prefix holding `main()` as `etc/swhost.conf` and `site(port:)` as `sites-enabled/site`.
    static func prefix(port: Int, name: String = "swhost-cli") throws -> TestPrefix {
        let prefix = try TestPrefix(name: name)
        try prefix.write("etc/swhost.conf", main())
        try prefix.write("sites-enabled/site", site(port: port))
        return prefix
    }
}

/// How swhost (like nginx) names a file of `sites-enabled/` found by the main config's
/// `include ../sites-enabled/*`: the glob's own spelling, `..` included.
func sitePath(_ prefix: TestPrefix, _ name: String) -> String {
    prefix.path + "/etc/../sites-enabled/" + name
}

/// The two lines `swhost -t` prints for a valid configuration.
func successLines(_ configFile: String) -> String {
    "swhost: the configuration file \(configFile) syntax is ok\n"
        + "swhost: configuration file \(configFile) test is successful\n"
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns its last value.
@discardableResult
func eventually(timeout: Duration = .seconds(5), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        usleep(10_000)
    }
}

/// True when `text` matches the whole of `pattern` (an NSRegularExpression).
func matches(_ text: String, _ pattern: String) -> Bool {
    guard let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$", options: [.dotMatchesLineSeparators]) else {
        return false
    }
    return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
}

/// Escapes `text` for use inside a regular expression.
func literal(_ text: String) -> String {
    NSRegularExpression.escapedPattern(for: text)
}

/// What a crashed Swift process leaves on stderr.
func looksLikeACrash(_ stderr: String) -> Bool {
    stderr.contains("Fatal error") || stderr.contains("Crash") || stderr.contains("Backtrace")
        || stderr.contains("Thread 0") || stderr.contains("Illegal instruction")
}
