// Tests for SWHostLog: the error log's line format (nginx 1.22's, observed:
// `2026/11/22 01:42:18 [error] 9725#9725: *2 connect() failed (111: Connection refused) while
// connecting to upstream, client: 127.0.0.1, server: , request: "GET /x HTTP/1.1",
// upstream: "http://127.0.0.1:1/x", host: "a"`).

import CSWHostSystem
import Foundation
import Logging
import SWHostConfig
import Testing

@testable import SWHostLog

@Suite struct ErrorLogTests {
    static let time = LogTimestamp(seconds: 1_795_311_738, utcOffset: 0)  // 2026/11/22 01:42:18

    @Test func lineWithFullContextMatchesNginx() {
        let context = ErrorLogContext(
            connection: 2, client: "127.0.0.1", server: "", request: "GET /x HTTP/1.1",
            upstream: "http://127.0.0.1:1/x", host: "a"
        )
        let line = ErrorLog.formatLine(
            time: Self.time, level: .error, pid: 9725, threadID: 9725,
            message: "connect() failed (111: Connection refused) while connecting to upstream", context: context
        )
        #expect(line == "2026/11/22 01:42:18 [error] 9725#9725: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: \"GET /x HTTP/1.1\", upstream: \"http://127.0.0.1:1/x\", host: \"a\"\n")
    }

    @Test func lineWithoutContext() {
        let line = ErrorLog.formatLine(time: Self.time, level: .notice, pid: 1, threadID: 2, message: "start worker processes", context: nil)
        #expect(line == "2026/11/22 01:42:18 [notice] 1#2: start worker processes\n")
    }

    @Test func connectionOnly() {
        let line = ErrorLog.formatLine(
            time: Self.time, level: .info, pid: 1, threadID: 1,
            message: "client closed connection while waiting for request", context: ErrorLogContext(connection: 7, client: "::1")
        )
        #expect(line == "2026/11/22 01:42:18 [info] 1#1: *7 client closed connection while waiting for request, client: ::1\n")
    }

    @Test(arguments: [
        (ConfigDiagnostic.Level.debug, false), (.info, false), (.notice, false),
        (.warn, true), (.error, true), (.crit, true), (.alert, true), (.emerg, true),
    ])
    func levelFilteringTakesTheLevelAndMoreSevere(level: ConfigDiagnostic.Level, written: Bool) throws {
        let dir = TempDir()
        let file = try LogFile(path: dir.file("error.log"))
        let log = ErrorLog(targets: [.init(file: file, level: .warn)])
        #expect(log.isEnabled(level) == written)
        log.log(level, "message")
        file.close()
        #expect(dir.lines("error.log").count == (written ? 1 : 0))
    }

    @Test func defaultLevelIsError() throws {
        let dir = TempDir()
        let target = ErrorLog.Target(file: try LogFile(path: dir.file("e.log")))
        #expect(target.level == .error)
    }

    @Test func eachTargetHasItsOwnLevel() throws {
        let dir = TempDir()
        let main = try LogFile(path: dir.file("main.log"))
        let debug = try LogFile(path: dir.file("debug.log"))
        let log = ErrorLog(targets: [.init(file: main, level: .error), .init(file: debug, level: .info)])
        #expect(log.minimumLevel == .info)
        log.log(.info, "detail")
        log.log(.crit, "bad", context: ErrorLogContext(connection: 3))
        main.close()
        debug.close()
        #expect(dir.lines("main.log").count == 1)
        #expect(dir.lines("debug.log").count == 2)
        let line = dir.lines("main.log").first ?? ""
        #expect(line.contains(" [crit] \(getpid())#"))
        #expect(line.hasSuffix(": *3 bad"))
        // The time prefix is `YYYY/MM/DD HH:MM:SS`.
        #expect(line.range(of: #"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[crit\] "#, options: .regularExpression) != nil)
    }

    @Test func swiftLogHandlerWritesNginxLinesWithContextFromMetadata() throws {
        let dir = TempDir()
        let file = try LogFile(path: dir.file("error.log"))
        let errorLog = ErrorLog(targets: [.init(file: file, level: .warn)])
        var logger = Logger(label: "swhost.test") { _ in ErrorLogHandler(errorLog: errorLog) }
        #expect(logger.logLevel == .warning)
        logger[metadataKey: "connection"] = "12"
        logger[metadataKey: "client"] = "10.0.0.1"
        logger.info("not written")
        logger.warning("open() \"/www/x\" failed", metadata: ["server": "example.org", "request": "GET /x HTTP/1.1", "host": "example.org", "fd": "9"])
        logger.critical("worker exited")
        file.close()
        let lines = dir.lines("error.log")
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix("[warn] \(getpid())#\(gettidForTest()): *12 open() \"/www/x\" failed (fd: 9), client: 10.0.0.1, server: example.org, request: \"GET /x HTTP/1.1\", host: \"example.org\"") == true)
        #expect(lines.last?.contains("[crit] ") == true)
        #expect(lines.last?.hasSuffix(": *12 worker exited, client: 10.0.0.1") == true)
    }

    @Test(arguments: [
        (Logger.Level.trace, ConfigDiagnostic.Level.debug), (.debug, .debug), (.info, .info), (.notice, .notice),
        (.warning, .warn), (.error, .error), (.critical, .crit),
    ])
    func swiftLogLevelsMapToNginxLevels(swiftLevel: Logger.Level, nginxLevel: ConfigDiagnostic.Level) {
        #expect(ErrorLogHandler.nginxLevel(swiftLevel) == nginxLevel)
    }
}

private func gettidForTest() -> Int32 {
    swhost_gettid()
}
