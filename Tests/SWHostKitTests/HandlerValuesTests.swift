import SWHostKit
import Synchronization
import Testing

@Suite struct HandlerValuesTests {
    /// RFC 9110 §5.1: field names are case-insensitive.
    @Test(arguments: [("content-type", true), ("Content-Type", true), ("CONTENT-TYPE", true), ("content-typ", false), ("content_type", false)])
    func headerLookupIgnoresCase(name: String, found: Bool) {
        let headers: HandlerHeaders = ["Content-Type": "text/plain"]
        #expect((headers[name] != nil) == found)
    }

    @Test func setReplacesEveryValueAndAddKeepsRepeats() {
        var headers = HandlerHeaders()
        headers.add(name: "X-A", value: "1")
        headers.add(name: "x-a", value: "2")
        #expect(headers.values("X-A") == ["1", "2"])
        headers.set(name: "X-A", value: "3")
        #expect(headers.values("x-a") == ["3"])
        #expect(headers.count == 1)
    }

    @Test func laterParameterWins() {
        let p = HandlerParameters(pairs: ["k": "1", "k": "2"])
        #expect(p["k"] == "2")
        #expect(p["missing"] == nil)
    }

    @Test(arguments: [("5", 5), ("0", 0), ("10", 10)])
    func integerParameterInRange(text: String, value: Int) throws {
        let p = HandlerParameters(pairs: ["n": text])
        #expect(try p.integer("n", default: 7, in: 0...10, handler: "h") == value)
    }

    @Test(arguments: ["11", "-1", "x", ""])
    func integerParameterOutOfRangeIsRejected(text: String) {
        let p = HandlerParameters(pairs: ["n": text])
        #expect(throws: HandlerConfigError("invalid \"n\" value \"\(text)\" in swift_handler \"h\"")) {
            try p.integer("n", default: 7, in: 0...10, handler: "h")
        }
    }

    @Test func bodyIteratesItsChunksOnce() async throws {
        let body = HandlerRequestBody(chunks: [[1, 2], [3]])
        #expect(body.length == 3)
        var seen: [[UInt8]] = []
        for try await chunk in body { seen.append(chunk) }
        #expect(seen == [[1, 2], [3]])
    }

    @Test func collectStopsPastTheMaximum() async {
        let body = HandlerRequestBody(chunks: [[1, 2], [3, 4]])
        await #expect(throws: HandlerBodyError.tooLarge) { try await body.collect(upTo: 3) }
    }

    @Test func writerSkipsEmptyChunks() async throws {
        let got = Mutex<[[UInt8]]>([])
        let writer = HandlerBodyWriter { bytes in got.withLock { $0.append(bytes) } }
        try await writer.write([])
        try await writer.write("ab")
        #expect(got.withLock { $0 } == [Array("ab".utf8)])
    }

    @Test func loggerPassesLevelAndMessage() {
        let lines = Mutex<[String]>([])
        let logger = HandlerLogger { level, message in lines.withLock { $0.append("\(level):\(message)") } }
        logger.error("e")
        logger.warning("w")
        #expect(lines.withLock { $0 } == ["error:e", "warn:w"])
    }

    @Test func statusReportsItsSourceAndDrainFlag() {
        let status = ServerStatus()
        #expect(status.connections == nil)
        status.setConnectionSource { ServerStatus.Connections(active: 3, accepts: 9) }
        #expect(status.connections?.active == 3)
        #expect(!status.isDraining)
        status.isDraining = true
        #expect(status.isDraining)
    }

    @Test func moduleAPIVersionIsPositive() {
        #expect(HandlerModule.apiVersion >= 1)
        #expect(HandlerModule.entryPointName == "swhost_module_register")
    }
}
