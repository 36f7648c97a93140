// swhost: SWHostTesting.

import Foundation

/// Why a server did not come up.
public struct ServerStartError: Error, CustomStringConvertible {
    public var message: String
    /// What the server wrote to stderr so far.
    public var stderr: String

    public var description: String { "\(message)\nstderr:\n\(stderr)" }
}

/// A `swhost` (or any server) process running in the foreground for a test.
///
/// Output goes to `logs/server.stdout` and `logs/server.stderr` under the prefix (or a temporary
/// directory), never to a pipe, so the child cannot block on a full pipe.
public final class RunningServer {
    /// The child process (spawned with signals unblocked, see `ChildProcess`).
    public let child: ChildProcess
    /// The port `start` waited for.
    public let port: Int
    private let stdoutURL: URL
    private let stderrURL: URL

    /// The child's process id.
    public var pid: Int32 { child.pid }

    /// True while the child runs.
    public var isRunning: Bool { child.isRunning }

    /// Starts `swhost -p PREFIX/ -c CONFIG` (plus `extraArguments`) in the prefix and waits until
    /// `port` on 127.0.0.1 accepts connections. `config` is relative to the prefix.
    public convenience init(
        prefix: TestPrefix, config: String = "etc/swhost.conf", port: Int, extraArguments: [String] = [],
        startTimeout: Duration = .seconds(20)
    ) throws {
        try self.init(
            executable: SWHostBinary.url,
            arguments: ["-p", prefix.path + "/", "-c", config] + extraArguments,
            currentDirectory: prefix.url, port: port, startTimeout: startTimeout
        )
    }

    /// Starts any executable and waits until `port` on `host` accepts connections, polling
    /// `connect` until `startTimeout` (no fixed sleeps). Throws with the child's stderr when it
    /// exits first or the port never opens (the child is then stopped).
    public init(
        executable: URL, arguments: [String], currentDirectory: URL? = nil, environment: [String: String]? = nil,
        host: String = "127.0.0.1", port: Int, startTimeout: Duration = .seconds(20)
    ) throws {
        self.port = port
        let outputDir = currentDirectory?.appendingPathComponent("logs") ?? FileManager.default.temporaryDirectory
        try FileManager.default.createDirectory(at: outputDir, withIntermediateDirectories: true)
        let tag = UUID().uuidString.prefix(8)
        stdoutURL = outputDir.appendingPathComponent("server-\(tag).stdout")
        stderrURL = outputDir.appendingPathComponent("server-\(tag).stderr")
        child = try ChildProcess(
            executable: executable.path, arguments: arguments, currentDirectory: currentDirectory?.path,
            environment: environment, stdoutPath: stdoutURL.path, stderrPath: stderrURL.path
        )

        let deadline = ContinuousClock.now + startTimeout
        var delay: UInt32 = 2_000
        while true {
            if RawHTTPClient.canConnect(host: host, port: port) { return }
            if !child.isRunning {
                throw ServerStartError(
                    message: "\(executable.lastPathComponent) exited with status \(child.wait()) before port \(port) opened",
                    stderr: stderrOutput)
            }
            if ContinuousClock.now >= deadline {
                stop()
                throw ServerStartError(message: "port \(port) did not accept connections within \(startTimeout)", stderr: stderrOutput)
            }
            usleep(delay)
            delay = min(delay * 2, 50_000)
        }
    }

    /// What the child wrote to stdout so far.
    public var stdoutOutput: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    /// What the child wrote to stderr so far.
    public var stderrOutput: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGHUP to reload, SIGUSR1 to reopen logs, SIGQUIT to drain).
    public func signal(_ signal: Int32) {
        child.signal(signal)
    }

    /// SIGTERM, then SIGKILL when the child has not exited within `timeout`. Returns the exit
    /// status (128+N for a signal). Safe to call more than once.
    @discardableResult
    public func stop(timeout: Duration = .seconds(10)) -> Int32 {
        child.terminate(timeout: timeout)
    }

    /// Waits up to `timeout` for the child to exit on its own; true when it did.
    public func waitForExit(timeout: Duration) -> Bool {
        child.wait(timeout: timeout) != nil
    }
}
