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
    public let process: Process
    /// The port `start` waited for.
    public let port: Int
    private let stdoutURL: URL
    private let stderrURL: URL

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// True while the child runs.
    public var isRunning: Bool { process.isRunning }

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
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: stdoutURL)
        let errHandle = try FileHandle(forWritingTo: stderrURL)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if let environment { process.environment = environment }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? outHandle.close()
        try? errHandle.close()

        let deadline = ContinuousClock.now + startTimeout
        var delay: UInt32 = 2_000
        while true {
            if RawHTTPClient.canConnect(host: host, port: port) { return }
            if !process.isRunning {
                process.waitUntilExit()
                throw ServerStartError(
                    message: "\(executable.lastPathComponent) exited with status \(process.terminationStatus) before port \(port) opened",
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
        if process.isRunning { kill(pid, signal) }
    }

    /// SIGTERM, then SIGKILL when the child has not exited within `timeout`. Returns the exit
    /// status (128+N for a signal). Safe to call more than once.
    @discardableResult
    public func stop(timeout: Duration = .seconds(10)) -> Int32 {
        if process.isRunning {
            kill(pid, SIGTERM)
            if !waitForExit(timeout: timeout) {
                kill(pid, SIGKILL)
            }
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Waits up to `timeout` for the child to exit on its own; true when it did.
    public func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            usleep(5_000)
        }
        return true
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}
