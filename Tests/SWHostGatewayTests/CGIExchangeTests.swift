import Foundation
import NIOCore
import NIOPosix
@testable import SWHostGateway
import Synchronization
import Testing

/// The reactor-driven CGI exchange: when the output comes whole and when it streams, the
/// process slot, killing what is abandoned, and stdin larger than a pipe.
@Suite struct CGIExchangeTests {
    let loop = MultiThreadedEventLoopGroup.singleton.next()

    private func script(_ body: String) throws -> String {
        let dir = NSTemporaryDirectory() + "swhost-cgix-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/script.sh"
        try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    private func invocation(_ path: String, timeout: TimeAmount = .seconds(10)) -> CGIInvocation {
        CGIInvocation(executable: path, arguments: [path], environment: [("PATH", "/usr/bin:/bin")],
                      workingDirectory: "/", readTimeout: timeout)
    }

    /// A real child (so there is something to reap) whose stdout is a pipe the test writes.
    private func exchange(writing output: String, closing: Bool, limiter: ProcessLimiter) async throws -> (CGIExchange, Int32) {
        let child = try await SpawnedProcess.spawn(path: "/bin/sh", arguments: ["sh", "-c", "exit 0"], environment: [],
                                                   directory: "/", input: false)
        close(child.stdoutRead)
        close(child.stderrRead)
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        #expect(pipe(&out) == 0 && pipe(&err) == 0)
        _ = fcntl(out[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(err[0], F_SETFL, O_NONBLOCK)
        close(err[1])
        output.utf8CString.withUnsafeBufferPointer { _ = write(out[1], $0.baseAddress!, $0.count - 1) }
        if closing { close(out[1]) }
        let process = SpawnedProcess(pid: child.pid, pidFD: child.pidFD, stdinWrite: -1, stdoutRead: out[0], stderrRead: err[0])
        return (CGIExchange(process: process, loop: loop, readTimeout: .seconds(5), limiter: limiter, stderr: { _ in }), closing ? -1 : out[1])
    }

    private func head(of exchange: CGIExchange) async throws -> GatewayResponse {
        try await withCheckedThrowingContinuation { continuation in
            exchange.begin(nph: false, input: nil, inputComplete: true) { continuation.resume(with: $0) }
        }
    }

    @Test func outputThatEndedWithItsHeadComesWhole() async throws {
        let (exchange, _) = try await exchange(writing: "Content-Type: text/plain\r\n\r\nwhole", closing: true, limiter: ProcessLimiter())
        let response = try await head(of: exchange)
        #expect(response.head.contentType == "text/plain")
        #expect(response.completeBody.map { String(buffer: $0) } == "whole")
        #expect(try await response.body.next() == nil)
    }

    @Test func outputStillOpenStreams() async throws {
        let (exchange, writer) = try await exchange(writing: "Status: 201 Made\n\nfirst ", closing: false, limiter: ProcessLimiter())
        let response = try await head(of: exchange)
        #expect(response.head.status == 201)
        #expect(response.completeBody == nil)
        #expect(try await response.body.next().map { String(buffer: $0) } == "first ")
        "second".utf8CString.withUnsafeBufferPointer { _ = write(writer, $0.baseAddress!, $0.count - 1) }
        close(writer)
        var rest = ""
        while let chunk = try await response.body.next() { rest += String(buffer: chunk) }
        #expect(rest == "second")
    }

    /// A declared length the output does not match must not be sent as a complete body: the
    /// stream lets the HTTP layer notice the mismatch and close the connection.
    @Test func lengthMismatchIsNotPassedOffAsWhole() async throws {
        let (exchange, _) = try await exchange(writing: "Content-Length: 10\n\nshort", closing: true, limiter: ProcessLimiter())
        let response = try await head(of: exchange)
        #expect(response.completeBody == nil)
        #expect(response.head.contentLength == 10)
        #expect(try await response.body.next().map { String(buffer: $0) } == "short")
    }

    @Test func processSlotIsFreedOnceTheScriptIsReaped() async throws {
        let limiter = ProcessLimiter()
        let path = try script("printf 'Content-Type: text/plain\\n\\nok'")
        let response = try await CGIGateway(limiter: limiter).run(invocation(path), body: .none, on: loop) { _ in }
        while try await response.body.next() != nil {}
        let start = ContinuousClock.now
        while limiter.running != 0, ContinuousClock.now - start < .seconds(10) { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(limiter.running == 0)
    }

    @Test func droppedResponseKillsTheScript() async throws {
        let path = try script("printf 'X-Pid: %s\\n\\n' $$; while :; do echo tick; sleep 0.01; done")
        var response: GatewayResponse? = try await CGIGateway(limiter: ProcessLimiter()).run(invocation(path), body: .none, on: loop) { _ in }
        let pid = try #require(response?.head.headers.first { $0.name == "X-Pid" }.flatMap { pid_t($0.value) })
        #expect(kill(pid, 0) == 0)
        response = nil
        let start = ContinuousClock.now
        while kill(pid, 0) == 0, ContinuousClock.now - start < .seconds(10) { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(kill(pid, 0) != 0, "the script outlived its dropped response")
    }

    @Test func silenceAfterTheHeadFailsTheBodyWithATimeout() async throws {
        let path = try script("printf 'Content-Type: text/plain\\n\\nstart'; sleep 300")
        let lines = Mutex<[String]>([])
        let response = try await CGIGateway(limiter: ProcessLimiter()).run(invocation(path, timeout: .milliseconds(300)), body: .none, on: loop) { line in
            lines.withLock { $0.append(line) }
        }
        #expect(try await response.body.next().map { String(buffer: $0) } == "start")
        await #expect(throws: GatewayError.timedOut) { _ = try await response.body.next() }
        #expect(lines.withLock { $0 }.contains { $0.contains("timed out (300 ms) while sending the response body") })
    }

    @Test func inputLargerThanThePipeIsWrittenAsTheScriptReads() async throws {
        let path = try script("printf 'Content-Type: text/plain\\n\\n'; wc -c | tr -d ' '")
        let body = ByteBuffer(repeating: 65, count: 1024 * 1024)
        let response = try await CGIGateway(limiter: ProcessLimiter()).run(invocation(path), body: .buffered(body), on: loop) { _ in }
        var text = response.completeBody.map { String(buffer: $0) } ?? ""
        while let chunk = try await response.body.next() { text += String(buffer: chunk) }
        #expect(text == "1048576\n")
    }

    @Test func lastStderrLineWithoutNewlineIsLogged() async throws {
        let path = try script("printf 'one\\ntwo' >&2; printf 'Content-Type: text/plain\\n\\n'")
        let lines = Mutex<[String]>([])
        let response = try await CGIGateway(limiter: ProcessLimiter()).run(invocation(path), body: .none, on: loop) { line in
            lines.withLock { $0.append(line) }
        }
        while try await response.body.next() != nil {}
        let start = ContinuousClock.now
        while lines.withLock({ $0.count }) < 2, ContinuousClock.now - start < .seconds(10) { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(lines.withLock { $0 } == ["one", "two"])
    }
}
