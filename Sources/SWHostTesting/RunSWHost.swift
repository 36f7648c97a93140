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

/// Runs any program to completion, capturing stdout and stderr through temporary files (so a
/// chatty child can never block on a full pipe).
public func runProcess(
    executable: URL, arguments: [String], currentDirectory: URL? = nil, timeout: Duration = .seconds(30)
) throws -> (status: Int32, stdout: String, stderr: String) {
    let tmp = FileManager.default.temporaryDirectory
    let outURL = tmp.appendingPathComponent("swhost-run-\(UUID().uuidString).out")
    let errURL = tmp.appendingPathComponent("swhost-run-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try? outHandle.close()
    try? errHandle.close()

    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline {
        usleep(5_000)
    }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    let status: Int32 = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    return (status, out, err)
}
