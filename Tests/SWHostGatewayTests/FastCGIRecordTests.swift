import NIOCore
import SWHostGateway
import Testing

/// Byte tables from the FastCGI specification (§3.3 record header, §3.4 name-value pairs, §5.1 BEGIN_REQUEST).
@Suite struct FastCGIRecordTests {
    @Test func beginRequestBytes() {
        var out = ByteBuffer()
        FastCGIRecord.writeBeginRequest(requestID: 1, keepConnection: true, to: &out)
        #expect(Array(out.readableBytesView) == [1, 1, 0, 1, 0, 8, 0, 0, /* role */ 0, 1, /* flags */ 1, 0, 0, 0, 0, 0])
    }

    @Test func contentIsPaddedToEightBytes() {
        var out = ByteBuffer()
        FastCGIRecord.write(type: .stdin, requestID: 1, content: ByteBuffer(string: "abc").readableBytesView, to: &out)
        #expect(Array(out.readableBytesView) == [1, 5, 0, 1, 0, 3, 5, 0, 97, 98, 99, 0, 0, 0, 0, 0])
    }

    @Test func shortAndLongParamLengths() {
        let long = String(repeating: "v", count: 200)
        let encoded = FastCGIParams([("A", "b"), ("LONG", long)]).buffer
        let bytes = Array(encoded.readableBytesView)
        #expect(Array(bytes[0..<4]) == [1, 1, 65, 98])
        // name length 4 in one byte, value length 200 in four bytes with the high bit set.
        #expect(Array(bytes[4..<9]) == [4, 0x80, 0, 0, 200])
        let decoded = FastCGIRecord.decodeParams(encoded)
        #expect(decoded?.map(\.name) == ["A", "LONG"])
        #expect(decoded?.last?.value == long)
    }

    @Test func largeStreamsAreSplitIntoRecords() throws {
        var out = ByteBuffer()
        FastCGIRecord.writeStream(type: .stdin, requestID: 1, data: ByteBuffer(repeating: 7, count: 70_000), to: &out)
        var parser = FastCGIRecordParser()
        parser.feed(out)
        let first = try #require(try parser.next())
        let second = try #require(try parser.next())
        #expect(first.content.readableBytes == 65535)
        #expect(second.content.readableBytes == 70_000 - 65535)
        #expect(try parser.next() == nil)
    }

    @Test func parserWaitsForWholeRecordsAcrossFeeds() throws {
        var out = ByteBuffer()
        FastCGIRecord.write(type: .stdout, requestID: 1, content: ByteBuffer(string: "hello").readableBytesView, to: &out)
        FastCGIRecord.writeEnd(type: .stdout, requestID: 1, to: &out)
        let all = Array(out.readableBytesView)
        var parser = FastCGIRecordParser()
        var records: [FastCGIRecord] = []
        for byte in all {
            parser.feed(ByteBuffer(bytes: [byte]))
            while let r = try parser.next() { records.append(r) }
        }
        #expect(records.count == 2)
        #expect(records[0].type == FastCGIRecord.RecordType.stdout.rawValue)
        #expect(String(buffer: records[0].content) == "hello")
        #expect(records[1].content.readableBytes == 0)
    }

    @Test func unknownVersionIsRejected() {
        var parser = FastCGIRecordParser()
        parser.feed(ByteBuffer(bytes: [2, 6, 0, 1, 0, 0, 0, 0]))
        #expect(throws: GatewayError.self) { try parser.next() }
    }
}
