// Loadable handler modules through the real binary: Examples/HelloModule is built with
// `swift build`, loaded with `load_module`, and serves requests; its test module's handlers
// exercise throw → 500, timeout → 504, a 100 MiB streamed response and a 50 MiB upload with
// bounded server memory; `-t` reports missing and wrong modules as [emerg].

import Foundation
import SWHostTesting
import Testing

/// Builds Examples/HelloModule once per test run and gives the libraries' paths.
enum HelloModuleBuild {
    static let packagePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/HelloModule").path

    /// The build directory, or the build's error output.
    static let result: Result<String, ModuleBuildError> = {
        do {
            let swift = ProcessInfo.processInfo.environment["SWIFT_EXEC_FOR_TESTS"] ?? "/usr/bin/env"
            let arguments = swift == "/usr/bin/env" ? ["swift", "build", "--package-path", packagePath] : ["build", "--package-path", packagePath]
            let run = try runProcess(executable: URL(fileURLWithPath: swift), arguments: arguments, timeout: .seconds(900))
            guard run.status == 0 else { return .failure(ModuleBuildError(output: run.stdout + run.stderr)) }
            return .success(packagePath + "/.build/debug")
        } catch {
            return .failure(ModuleBuildError(output: "\(error)"))
        }
    }()

    static func library(_ name: String) throws -> String {
        try result.get() + "/lib\(name).so"
    }
}

struct ModuleBuildError: Error, CustomStringConvertible {
    var output: String
    var description: String { "swift build of Examples/HelloModule failed:\n\(output)" }
}

@Suite(.serialized) struct SwiftHandlerModuleTests {
    func server(http: String = "", _ body: String) throws -> SwiftHandlerServer {
        let main = "load_module \(try HelloModuleBuild.library("HelloModule"));\nload_module \(try HelloModuleBuild.library("HandlerTestModule"));"
        return try SwiftHandlerServer(main: main, http: http, server: body)
    }

    @Test func helloModuleIsLoadedAndServes() throws {
        let s = try server("location /hi { swift_handler hello_module greeting=Hi; }")
        defer { s.tearDown() }
        let r = try s.request("/hi/there")
        #expect(r.status == 200)
        #expect(r.bodyString == "Hi from a module, /hi/there\n")
        #expect(eventually { s.errorLog(level: "info").contains { $0.hasPrefix("hello_module answering /hi/there, client: 127.0.0.1") } })
    }

    /// One SWHostKit in the process: the module's `ServerStatus.shared` and `HandlerRegistry.shared`
    /// are the host's (the executable exports its SWHostKit symbols), not a second copy's.
    @Test func moduleSharesTheHostsKitState() throws {
        let s = try server("location = /shared { swift_handler test_shared; }")
        defer { s.tearDown() }
        #expect(try s.request("/shared").bodyString == "host counters: true, host registry: true\n")
    }

    @Test func configTestValidatesModuleHandlerParameters() throws {
        let prefix = try TestPrefix(name: "swhost-mod-t")
        defer { prefix.cleanup() }
        let main = "load_module \(try HelloModuleBuild.library("HelloModule"));"
        let config = SwiftHandlerServer.config(port: 1, main: main, http: "", server: "location / {\nswift_handler hello_module colour=red;\n}")
        let file = try prefix.write("etc/swhost.conf", config)
        let line = config.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("swift_handler") }! + 1
        let result = try runSWHost(arguments: ["-t"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stderr.contains("[emerg] unknown parameter \"colour\" in swift_handler \"hello_module\" in \(file):\(line)\n"), "\(result.stderr)")
    }

    /// nginx: `[emerg] dlopen() "PATH" failed (REASON) in FILE:LINE`.
    @Test func configTestReportsMissingAndWrongModules() throws {
        let prefix = try TestPrefix(name: "swhost-mod-t")
        defer { prefix.cleanup() }
        for (module, expected) in [
            ("modules/libmissing.so", "[emerg] dlopen() \"\(prefix.path)/modules/libmissing.so\" failed ("),
            ("/lib/x86_64-linux-gnu/libz.so.1", "[emerg] dlsym() \"/lib/x86_64-linux-gnu/libz.so.1\", \"swhost_module_register\" failed ("),
        ] {
            let file = try prefix.write("etc/swhost.conf", SwiftHandlerServer.config(port: 1, main: "load_module \(module);", http: "", server: ""))
            let result = try runSWHost(arguments: ["-t"], prefix: prefix)
            #expect(result.status == 1)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.contains(") in \(file):1\n"), "\(result.stderr)")
        }
    }

    /// A module built for another handler API version is refused with both versions named.
    @Test func configTestReportsAModuleOfAnotherAPIVersion() throws {
        let prefix = try TestPrefix(name: "swhost-mod-v")
        defer { prefix.cleanup() }
        let source = try prefix.write("bad.c", """
            int swhost_module_register(int host_version, void *registry) { (void)host_version; (void)registry; return 99; }

            """)
        let build = try runProcess(executable: URL(fileURLWithPath: "/usr/bin/cc"),
                                   arguments: ["-shared", "-fPIC", "-o", prefix.path("libbad.so"), source])
        try #require(build.status == 0, "\(build.stderr)")
        let file = try prefix.write("etc/swhost.conf", SwiftHandlerServer.config(port: 1, main: "load_module libbad.so;", http: "", server: ""))
        let result = try runSWHost(arguments: ["-t"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stderr.contains(
            "[emerg] module \"\(prefix.path)/libbad.so\" is built for swhost handler API version 99, this swhost has version 2; rebuild the module against this swhost's SWHostKit in \(file):1\n"),
            "\(result.stderr)")
    }

    @Test func throwingHandlerIs500AndLogsItsName() throws {
        let s = try server("location = /fail { swift_handler test_fail; }")
        defer { s.tearDown() }
        let r = try s.request("/fail")
        #expect(r.status == 500)
        #expect(!r.bodyString.contains("always fails"))
        #expect(eventually {
            s.errorLog(level: "error").contains { $0.hasPrefix("swift_handler \"test_fail\" failed: test_fail always fails, client: 127.0.0.1, server: localhost, request: \"GET /fail HTTP/1.1\"") }
        })
    }

    @Test func timeoutIs504AndCancelsTheHandler() throws {
        let s = try server(http: "swift_handler_timeout 300ms;", """
            location = /slow { swift_handler test_sleep ms=30000; }
            location = /quick { swift_handler test_sleep ms=1; }
            """)
        defer { s.tearDown() }
        let start = ContinuousClock.now
        let r = try s.request("/slow")
        #expect(r.status == 504)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(eventually { s.errorLog(level: "error").contains { $0.hasPrefix("swift_handler \"test_sleep\" timed out after 300ms") } })
        // The handler saw the cancellation (Task.sleep threw) instead of sleeping on for 30s.
        #expect(eventually { s.errorLog(level: "warn").contains { $0.hasPrefix("test_sleep cancelled") } })
        #expect(try s.request("/quick").bodyString == "slept 1ms\n")
    }

    /// 100 MiB in 64 KiB chunks: the server's peak RSS grows by far less than the body.
    @Test(arguments: ["", "?chunked"])
    func streaming100MiBKeepsMemoryBounded(query: String) throws {
        let s = try server("location = /stream { swift_handler test_stream size=104857600 chunk=65536; }")
        defer { s.tearDown() }
        _ = try s.request("/stream?warm")
        let before = s.peakRSSKiB
        let curl = try runProcess(executable: URL(fileURLWithPath: "/usr/bin/curl"), arguments: [
            "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "http://127.0.0.1:\(s.port)/stream\(query)",
        ], timeout: .seconds(120))
        #expect(curl.stdout == "200 104857600")
        let growth = s.peakRSSKiB - before
        #expect(growth < 32 * 1024, "peak RSS grew by \(growth) KiB")
    }

    /// A 50 MiB upload read chunk by chunk: backpressure keeps the server's peak RSS growth small.
    @Test func upload50MiBKeepsMemoryBounded() throws {
        let s = try server("location = /upload { client_max_body_size 64m; swift_handler test_upload; }")
        defer { s.tearDown() }
        var bytes = [UInt8](repeating: 0, count: 50 << 20)
        for i in stride(from: 0, to: bytes.count, by: 4096) { bytes[i] = UInt8(truncatingIfNeeded: i >> 12) }
        let expectedSum = bytes.reduce(UInt32(0)) { $0 &+ UInt32($1) }
        let file = try s.prefix.write("upload.bin", Data(bytes))
        _ = try s.request("/upload", method: "POST", body: [1])
        let before = s.peakRSSKiB
        let curl = try runProcess(executable: URL(fileURLWithPath: "/usr/bin/curl"), arguments: [
            "-s", "--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream", "http://127.0.0.1:\(s.port)/upload",
        ], timeout: .seconds(120))
        #expect(curl.stdout == "received 52428800 bytes, sum \(expectedSum)\n")
        let growth = s.peakRSSKiB - before
        #expect(growth < 32 * 1024, "peak RSS grew by \(growth) KiB")
    }

    /// The handler's ETag / Last-Modified feed the not-modified and range filters (RFC 9110 §13, §14).
    @Test func fileResponseWithValidatorsAnswersConditionalAndRangeRequests() throws {
        let s = try server("location = /file { swift_handler test_file path=data.txt; }")
        defer { s.tearDown() }
        _ = try s.prefix.write("data.txt", "0123456789")
        let full = try s.request("/file")
        #expect(full.status == 200)
        #expect(full.bodyString == "0123456789")
        #expect(full.headers["ETag"] == "\"v1\"")
        #expect(full.headers["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT")
        #expect(full.headers["Accept-Ranges"] == "bytes")
        #expect(try s.request("/file", headers: [("If-None-Match", "\"v1\"")]).status == 304)
        #expect(try s.request("/file", headers: [("If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")]).status == 304)
        #expect(try s.request("/file", headers: [("If-Match", "\"v2\"")]).status == 412)
        let range = try s.request("/file", headers: [("Range", "bytes=2-4")])
        #expect(range.status == 206)
        #expect(range.bodyString == "234")
        #expect(range.headers["Content-Range"] == "bytes 2-4/10")
    }

    @Test func missingFileIs404() throws {
        let s = try server("location = /file { swift_handler test_file path=nothing-here.txt; }")
        defer { s.tearDown() }
        #expect(try s.request("/file").status == 404)
    }

    /// A client that goes away mid-stream cancels the producer: its next write throws.
    @Test func clientGoneCancelsTheStreamProducer() throws {
        let s = try server("location = /stream { swift_handler test_stream size=10737418240 chunk=65536; }")
        defer { s.tearDown() }
        let client = try RawHTTPClient(port: s.port)
        try client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(200_000)
        client.close()
        #expect(eventually(timeout: .seconds(10)) {
            s.errorLog(level: "warn").contains { $0.hasPrefix("test_stream stopped with ") && $0.contains(" of 10737418240 bytes sent: CancellationError()") }
        })
    }

    /// A handler that stops reading early leaves the rest to the transport, which discards it and
    /// keeps the connection for the next request.
    @Test func partlyReadBodyKeepsTheConnectionUsable() throws {
        let s = try server("location = /partial { swift_handler test_upload stop_after=1; }")
        defer { s.tearDown() }
        let client = try RawHTTPClient(port: s.port)
        let first = try client.request(method: "POST", path: "/partial", body: [UInt8](repeating: 7, count: 1000))
        #expect(first.status == 200)
        #expect(first.bodyString.hasPrefix("received "))
        let second = try client.request(method: "POST", path: "/partial", body: [3])
        #expect(second.bodyString == "received 1 bytes, sum 3\n")
    }

    @Test func uploadOverClientMaxBodySizeIs413() throws {
        let s = try server("location = /upload { client_max_body_size 1k; swift_handler test_upload; }")
        defer { s.tearDown() }
        let r = try s.request("/upload", method: "POST", body: [UInt8](repeating: 1, count: 4096))
        #expect(r.status == 413)
    }
}
