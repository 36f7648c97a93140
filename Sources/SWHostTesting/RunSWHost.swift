// swhost: SWHostTesting.

import Foundation

/// Runs `swhost` with `arguments` to completion (for `-t`, `-T`, `-v`, `-s ...`) and returns its
/// exit status and output. With a `prefix`, `-p PREFIX/` is put first unless `arguments` has `-p`.
/// A run longer than `timeout` is killed (status then reports the signal as 128+N).
public func runSWHost(
    arguments: [String], prefix: TestPrefix? = nil, timeout: Duration = .seconds(30),
    executable: URL = SWHostBinary.url
) throws -> (status: Int32, stdout: String, stderr: String) {
    var args = arguments
    if let prefix, !arguments.contains("-p") {
        args = ["-p", prefix.path + "/"] + args
    }
    return try runProcess(executable: executable, arguments: args, currentDirectory: prefix?.url, timeout: timeout)
}

/// Runs any program to completion (see `ChildProcess` for why not Foundation's `Process`),
/// capturing stdout and stderr through temporary files, so a chatty child never blocks on a pipe.
public func runProcess(
    executable: URL, arguments: [String], currentDirectory: URL? = nil, timeout: Duration = .seconds(30)
) throws -> (status: Int32, stdout: String, stderr: String) {
    let tmp = FileManager.default.temporaryDirectory
    let outURL = tmp.appendingPathComponent("swhost-run-\(UUID().uuidString).out")
    let errURL = tmp.appendingPathComponent("swhost-run-\(UUID().uuidString).err")
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let child = try ChildProcess(
        executable: executable.path, arguments: arguments, currentDirectory: currentDirectory?.path,
        stdoutPath: outURL.path, stderrPath: errURL.path
    )
    let status = child.wait(timeout: timeout) ?? {
        child.signal(SIGKILL)
        return child.wait()
    }()
    let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    return (status, out, err)
}
