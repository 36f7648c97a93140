// Tests for SWHostLog: LogFile and LogFileRegistry.

import Foundation
import Testing

import SWHostConfig
@testable import SWHostLog

@Suite struct LogFileTests {
    @Test func unbufferedLinesAreWrittenAtOnce() throws {
        let dir = TempDir()
        let log = try LogFile(path: dir.file("a.log"))
        log.write(line: "one")
        #expect(dir.read("a.log") == "one\n")
        log.write(Array("two\n".utf8))
        #expect(dir.read("a.log") == "one\ntwo\n")
        log.close()
    }

    @Test func fileIsCreatedWithMode0644AndAppended() throws {
        let dir = TempDir()
        try "existing\n".write(toFile: dir.file("a.log"), atomically: false, encoding: .utf8)
        let log = try LogFile(path: dir.file("a.log"))
        log.write(line: "new")
        log.close()
        #expect(dir.read("a.log") == "existing\nnew\n")

        let created = try LogFile(path: dir.file("b.log"))
        created.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.file("b.log"))
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        #expect(mode & 0o777 == 0o644 & ~Int(umaskValue()))
    }

    @Test func openFailureReportsPathAndErrno() {
        #expect(throws: FileOpenError.self) {
            _ = try LogFile(path: "/nonexistent-dir-swhost/x.log")
        }
        do {
            _ = try LogFile(path: "/nonexistent-dir-swhost/x.log")
        } catch {
            #expect(error.description == "open() \"/nonexistent-dir-swhost/x.log\" failed (2: No such file or directory)")
        }
    }

    @Test func bufferedLinesWaitUntilTheBufferWouldOverflow() throws {
        let dir = TempDir()
        let log = try LogFile(path: dir.file("a.log"), bufferSize: 16)
        log.write(line: "12345")  // 6 bytes
        log.write(line: "abcde")  // 12 bytes
        #expect(dir.read("a.log") == "")
        #expect(log.bufferedByteCount == 12)
        log.write(line: "zzzzz")  // would make 18 > 16: the first two go out in one write
        #expect(dir.read("a.log") == "12345\nabcde\n")
        #expect(log.bufferedByteCount == 6)
        log.flush()
        #expect(dir.read("a.log") == "12345\nabcde\nzzzzz\n")
        log.close()
    }

    @Test func lineLongerThanBufferIsWrittenDirectlyAfterBufferedLines() throws {
        let dir = TempDir()
        let log = try LogFile(path: dir.file("a.log"), bufferSize: 8)
        log.write(line: "ab")
        let long = String(repeating: "x", count: 20)
        log.write(line: long)
        #expect(dir.read("a.log") == "ab\n\(long)\n")
        #expect(log.bufferedByteCount == 0)
        log.close()
    }

    @Test func closeFlushesTheBuffer() throws {
        let dir = TempDir()
        let log = try LogFile(path: dir.file("a.log"), bufferSize: 1024)
        log.write(line: "pending")
        #expect(dir.read("a.log") == "")
        log.close()
        #expect(dir.read("a.log") == "pending\n")
        log.write(line: "after close")
        #expect(dir.read("a.log") == "pending\n")
    }

    @Test func flushIntervalWritesOnTheTimerHookAndOnTheNextWrite() async throws {
        let dir = TempDir()
        let log = try LogFile(path: dir.file("a.log"), bufferSize: 1024, flushInterval: .milliseconds(50))
        log.write(line: "first")
        log.flushIfDue()
        #expect(dir.read("a.log") == "")
        try await Task.sleep(for: .milliseconds(80))
        log.flushIfDue()
        #expect(dir.read("a.log") == "first\n")

        log.write(line: "second")
        #expect(dir.read("a.log") == "first\n")
        try await Task.sleep(for: .milliseconds(80))
        log.write(line: "third")  // the oldest line is overdue: both go out
        #expect(dir.read("a.log") == "first\nsecond\nthird\n")
        log.close()
    }

    @Test func reopenAfterRenameSplitsOldAndNewLines() throws {
        let dir = TempDir()
        let log = try LogFile(path: dir.file("access.log"), bufferSize: 4096)
        log.write(line: "before-1")
        log.write(line: "before-2")
        try FileManager.default.moveItem(atPath: dir.file("access.log"), toPath: dir.file("access.log.1"))
        log.write(line: "before-3")  // still the renamed file: the descriptor is the old one
        try log.reopen()
        log.write(line: "after-1")
        log.close()
        #expect(dir.lines("access.log.1") == ["before-1", "before-2", "before-3"])
        #expect(dir.lines("access.log") == ["after-1"])
    }

    @Test func reopenFailureKeepsTheOldDescriptor() throws {
        let dir = TempDir()
        let sub = dir.file("sub")
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        let log = try LogFile(path: "\(sub)/a.log")
        log.write(line: "one")
        try FileManager.default.moveItem(atPath: sub, toPath: dir.file("moved"))
        #expect(throws: FileOpenError.self) { try log.reopen() }
        log.write(line: "two")
        log.close()
        #expect(dir.lines("moved/a.log") == ["one", "two"])
    }

    @Test func concurrentWritersProduceWholeLines() async throws {
        let dir = TempDir()
        let log = try LogFile(path: dir.file("a.log"), bufferSize: 1000)
        let writers = 8, perWriter = 500
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        log.write(line: "writer=\(w) line=\(i) " + String(repeating: "p", count: (w * 37 + i) % 90))
                    }
                }
            }
        }
        log.close()
        let lines = dir.lines("a.log")
        #expect(lines.count == writers * perWriter)
        var seen: [Int: Int] = [:]
        for line in lines {
            let fields = line.split(separator: " ")
            #expect(fields.count == 2 || fields.count == 3)
            guard let w = Int(fields[0].dropFirst("writer=".count)), let i = Int(fields[1].dropFirst("line=".count)) else {
                Issue.record("torn line: \(line)")
                continue
            }
            let padding = fields.count == 3 ? fields[2].count : 0
            #expect(padding == (w * 37 + i) % 90)
            // Lines of one writer stay in order.
            #expect(i == seen[w, default: 0])
            seen[w] = i + 1
        }
    }

    @Test func concurrentProcessesSharingAFileKeepLinesWhole() throws {
        // Two descriptors opened separately (as two workers would) append without overwriting.
        let dir = TempDir()
        let a = try LogFile(path: dir.file("a.log"))
        let b = try LogFile(path: dir.file("a.log"))
        for i in 0..<100 {
            a.write(line: "a\(i)")
            b.write(line: "b\(i)")
        }
        a.close()
        b.close()
        let lines = dir.lines("a.log")
        #expect(lines.count == 200)
        #expect(lines.filter { $0.hasPrefix("a") }.count == 100)
    }

    @Test func wrappedDescriptorIsWrittenAndStandardStreamsStayOpen() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let log = LogFile(descriptor: fds[1], name: "pipe")
        log.write(line: "through a pipe")
        log.close()  // fd > 2: closed, so the reader sees EOF after the line
        let handle = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        #expect(String(decoding: handle.readDataToEndOfFile(), as: UTF8.self) == "through a pipe\n")

        LogFile.standardError.close()
        #expect(LogFile.standardError.isStandardError)
        #expect(!log.isStandardError)
        #expect(log.path == nil && log.name == "pipe")
        // close() on standard error must not close descriptor 2.
        #expect(fcntl(2, F_GETFD) >= 0)
    }

    @Test func registryReturnsOneFilePerPathAndReopensAll() throws {
        let dir = TempDir()
        let registry = LogFileRegistry()
        let a1 = try registry.file(path: dir.file("a.log"), bufferSize: 100)
        let a2 = try registry.file(path: dir.file("a.log"))
        let b = try registry.file(path: dir.file("b.log"))
        #expect(a1 === a2)
        #expect(a1 !== b)
        #expect(try registry.file(path: "stderr") === LogFile.standardError)
        #expect(registry.allFiles.count == 2)

        a1.write(line: "a-old")
        b.write(line: "b-old")
        try FileManager.default.moveItem(atPath: dir.file("a.log"), toPath: dir.file("a.log.1"))
        try FileManager.default.moveItem(atPath: dir.file("b.log"), toPath: dir.file("b.log.1"))
        #expect(registry.reopenAll().isEmpty)
        a1.write(line: "a-new")
        b.write(line: "b-new")
        registry.flushAll()
        #expect(dir.lines("a.log.1") == ["a-old"])
        #expect(dir.lines("a.log") == ["a-new"])
        #expect(dir.lines("b.log.1") == ["b-old"])
        #expect(dir.lines("b.log") == ["b-new"])
        registry.closeAll()
        #expect(registry.allFiles.isEmpty)
    }
}

private func umaskValue() -> mode_t {
    let old = umask(0)
    umask(old)
    return old
}
