// Handlers for swhost's end-to-end tests, also examples of streaming and body handling:
//   swift_handler test_fail;                 throws (the client gets 500)
//   swift_handler test_sleep ms=N;           sleeps N ms, honouring cancellation (swift_handler_timeout)
//   swift_handler test_stream size=N chunk=C; streams N bytes of 'x' in C-byte chunks
//   swift_handler test_upload [stop_after=N]; reads the body (or its first N bytes), answers length and checksum
//   swift_handler test_shared;               whether the module sees the host's ServerStatus and registry
//   swift_handler test_file path=P;          sends file P with an ETag and Last-Modified (conditional, ranges)
//   swift_handler test_crash how=fatal|index; traps (fatalError or an index out of range): ends its worker
//   swift_handler test_pid [ms=N];          answers the worker's pid, after sleeping N ms

#if canImport(Glibc)
import Glibc
#endif
import SWHostKit

struct FailingHandler: SwiftHandler {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "test_fail always fails" }
    }

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        throw Failure()
    }
}

struct SleepingHandler: SwiftHandler {
    let milliseconds: Int

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        do {
            try await Task.sleep(for: .milliseconds(milliseconds))
        } catch {
            request.logger.warning("test_sleep cancelled")
            throw error
        }
        return .text("slept \(milliseconds)ms\n")
    }
}

struct StreamingHandler: SwiftHandler {
    let size: Int
    let chunk: Int

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        let size = self.size, chunk = self.chunk
        return HandlerResponse(contentType: "application/octet-stream", body: .stream(length: request.query == "chunked" ? nil : Int64(size)) { writer in
            let block = [UInt8](repeating: UInt8(ascii: "x"), count: chunk)
            var left = size
            do {
                while left > 0 {
                    let n = min(left, chunk)
                    try await writer.write(n == chunk ? block : Array(block.prefix(n)))
                    left -= n
                }
            } catch {
                request.logger.warning("test_stream stopped with \(size - left) of \(size) bytes sent: \(error)")
                throw error
            }
        })
    }
}

struct UploadHandler: SwiftHandler {
    /// Stop reading once this many bytes arrived (the rest is left to the host).
    let stopAfter: Int

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        var total = 0
        var sum: UInt32 = 0
        for try await chunk in request.body {
            total += chunk.count
            for b in chunk { sum = sum &+ UInt32(b) }
            if total >= stopAfter { break }
        }
        return .text("received \(total) bytes, sum \(sum)\n")
    }
}

struct FileHandler: SwiftHandler {
    let path: String

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        HandlerResponse(contentType: "text/plain", body: .file(path: path), etag: "\"v1\"", lastModified: 1_700_000_000, allowRanges: true)
    }
}

struct SharedStateHandler: SwiftHandler {
    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        let counters = ServerStatus.shared.connections != nil
        let builtins = HandlerRegistry.shared.names.contains("hello")
        return .text("host counters: \(counters), host registry: \(builtins)\n")
    }
}

/// Which worker answered (for the master/worker tests), optionally after a sleep.
struct PIDHandler: SwiftHandler {
    let milliseconds: Int

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        if milliseconds > 0 { try await Task.sleep(for: .milliseconds(milliseconds)) }
        return .text("pid \(getpid())\n")
    }
}

/// Traps, to prove a trap ends only its own worker (never ship a handler like this).
struct CrashingHandler: SwiftHandler {
    let how: String

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        if how == "index" {
            let empty = [Int](repeating: 0, count: request.path.count % 1)
            return .text("\(empty[request.path.count])\n")
        }
        fatalError("test_crash asked to trap for \(request.path)")
    }
}

@_cdecl("swhost_module_register")
public func swhost_module_register(_ hostVersion: Int32, _ registry: UnsafeMutableRawPointer) -> Int32 {
    HandlerModule.register(hostVersion: hostVersion, registry: registry) { registry in
        registry.register("test_fail", handler: FailingHandler())
        registry.register("test_upload") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try p.allowOnly(["stop_after"], handler: "test_upload")
            return UploadHandler(stopAfter: try p.integer("stop_after", default: Int.max, in: 1...Int.max, handler: "test_upload"))
        }
        registry.register("test_shared", handler: SharedStateHandler())
        registry.register("test_pid") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try p.allowOnly(["ms"], handler: "test_pid")
            return PIDHandler(milliseconds: try p.integer("ms", default: 0, in: 0...600_000, handler: "test_pid"))
        }
        registry.register("test_crash") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try p.allowOnly(["how"], handler: "test_crash")
            let how = p["how"] ?? "fatal"
            guard how == "fatal" || how == "index" else { throw HandlerConfigError("invalid \"how\" value \"\(how)\" in swift_handler \"test_crash\" (fatal or index)") }
            return CrashingHandler(how: how)
        }
        registry.register("test_file") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try p.allowOnly(["path"], handler: "test_file")
            guard let path = p["path"] else { throw HandlerConfigError("swift_handler \"test_file\" needs path=") }
            return FileHandler(path: path)
        }
        registry.register("test_sleep") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try p.allowOnly(["ms"], handler: "test_sleep")
            return SleepingHandler(milliseconds: try p.integer("ms", default: 1000, in: 0...600_000, handler: "test_sleep"))
        }
        registry.register("test_stream") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try p.allowOnly(["size", "chunk"], handler: "test_stream")
            return StreamingHandler(
                size: try p.integer("size", default: 1 << 20, in: 0...(1 << 40), handler: "test_stream"),
                chunk: try p.integer("chunk", default: 65536, in: 1...(16 << 20), handler: "test_stream")
            )
        }
    }
}
