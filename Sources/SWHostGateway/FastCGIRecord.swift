// swhost: CGI and FastCGI gateways.

import NIOCore

/// FastCGI 1.0 records (the FastCGI specification, §3 and §8).
public struct FastCGIRecord: Sendable, Equatable {
    public enum RecordType: UInt8, Sendable {
        case beginRequest = 1, abortRequest, endRequest, params, stdin, stdout, stderr, data
        case getValues, getValuesResult, unknownType
    }

    /// `FCGI_END_REQUEST` protocol statuses.
    public enum ProtocolStatus: UInt8, Sendable {
        case requestComplete = 0, cantMultiplexConnection, overloaded, unknownRole
    }

    public var type: UInt8
    public var requestID: UInt16
    public var content: ByteBuffer

    public init(type: UInt8, requestID: UInt16, content: ByteBuffer) {
        self.type = type
        self.requestID = requestID
        self.content = content
    }

    /// Largest content of one record.
    public static let maxContent = 65535
    static let headerLength = 8
    static let responderRole: UInt16 = 1
    static let keepConnFlag: UInt8 = 1

    /// Appends a record with `content` (≤ 65535 bytes), padded to a multiple of 8 as the
    /// specification recommends.
    public static func write(type: RecordType, requestID: UInt16, content: ByteBufferView, to out: inout ByteBuffer) {
        precondition(content.count <= maxContent)
        let padding = (8 - content.count % 8) % 8
        writeHeader(type: type, requestID: requestID, length: content.count, padding: padding, to: &out)
        out.writeBytes(content)
        out.writeRepeatingByte(0, count: padding)
    }

    /// The 8-byte record header (§3.3), in one write.
    static func writeHeader(type: RecordType, requestID: UInt16, length: Int, padding: Int, to out: inout ByteBuffer) {
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: headerLength) { raw in
            raw[0] = 1
            raw[1] = type.rawValue
            raw[2] = UInt8(truncatingIfNeeded: requestID >> 8)
            raw[3] = UInt8(truncatingIfNeeded: requestID)
            raw[4] = UInt8(truncatingIfNeeded: length >> 8)
            raw[5] = UInt8(truncatingIfNeeded: length)
            raw[6] = UInt8(truncatingIfNeeded: padding)
            raw[7] = 0
            return headerLength
        }
    }

    /// Appends `data` as as many records of `type` as needed (a stream's data; an empty `data`
    /// writes nothing: the stream's end record is `writeEnd`).
    public static func writeStream(type: RecordType, requestID: UInt16, data: ByteBuffer, to out: inout ByteBuffer) {
        var data = data
        while data.readableBytes > 0 {
            let n = min(data.readableBytes, maxContent)
            let slice = data.readSlice(length: n)!
            write(type: type, requestID: requestID, content: slice.readableBytesView, to: &out)
        }
    }

    /// The empty record that ends a stream (PARAMS, STDIN).
    public static func writeEnd(type: RecordType, requestID: UInt16, to out: inout ByteBuffer) {
        writeHeader(type: type, requestID: requestID, length: 0, padding: 0, to: &out)
    }

    /// `FCGI_BEGIN_REQUEST` for the responder role.
    public static func writeBeginRequest(requestID: UInt16, keepConnection: Bool, to out: inout ByteBuffer) {
        writeHeader(type: .beginRequest, requestID: requestID, length: 8, padding: 0, to: &out)
        out.writeInteger(responderRole)
        out.writeInteger(keepConnection ? keepConnFlag : 0)
        out.writeRepeatingByte(0, count: 5)
    }

    /// Writes one name-value pair length (§3.4): below 128 one byte, otherwise four with the high
    /// bit set. (Whole PARAMS are built with ``FastCGIParams``.)
    static func writeLength(_ n: Int, to out: inout ByteBuffer) {
        if n < 128 {
            out.writeInteger(UInt8(n))
        } else {
            out.writeInteger(UInt32(n) | 0x8000_0000)
        }
    }

    /// Decodes name-value pairs; nil when malformed.
    public static func decodeParams(_ buffer: ByteBuffer) -> [(name: String, value: String)]? {
        var b = buffer
        var result: [(name: String, value: String)] = []
        func length() -> Int? {
            guard let first = b.getInteger(at: b.readerIndex, as: UInt8.self) else { return nil }
            if first < 128 { b.moveReaderIndex(forwardBy: 1); return Int(first) }
            guard let n = b.readInteger(as: UInt32.self) else { return nil }
            return Int(n & 0x7fff_ffff)
        }
        while b.readableBytes > 0 {
            guard let nl = length(), let vl = length(), let name = b.readString(length: nl), let value = b.readString(length: vl) else {
                return nil
            }
            result.append((name, value))
        }
        return result
    }
}

/// Splits a byte stream into FastCGI records, incrementally.
public struct FastCGIRecordParser: Sendable {
    private var buffer = ByteBuffer()

    public init() {}

    /// True when bytes of an unfinished record (or records not yet taken) are held.
    public var hasBufferedBytes: Bool { buffer.readableBytes > 0 }

    /// Appends received bytes.
    public mutating func feed(_ bytes: ByteBuffer) {
        var bytes = bytes
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            // A fresh buffer with only the unread bytes: appending in place would copy-on-write
            // the whole storage, consumed bytes included (records handed out share it), and a
            // stream that always ends reads mid-record would grow it without bound.
            var merged = ByteBufferAllocator().buffer(capacity: buffer.readableBytes + bytes.readableBytes)
            merged.writeBuffer(&buffer)
            merged.writeBuffer(&bytes)
            buffer = merged
        }
    }

    /// The next complete record, nil when more bytes are needed. Throws on a version other than 1.
    public mutating func next() throws(GatewayError) -> FastCGIRecord? {
        guard buffer.readableBytes >= FastCGIRecord.headerLength else { return nil }
        let start = buffer.readerIndex
        let version = buffer.getInteger(at: start, as: UInt8.self)!
        guard version == 1 else { throw .badGateway("upstream sent unsupported FastCGI protocol version: \(version)") }
        let type = buffer.getInteger(at: start + 1, as: UInt8.self)!
        let id = buffer.getInteger(at: start + 2, as: UInt16.self)!
        let length = Int(buffer.getInteger(at: start + 4, as: UInt16.self)!)
        let padding = Int(buffer.getInteger(at: start + 6, as: UInt8.self)!)
        guard buffer.readableBytes >= FastCGIRecord.headerLength + length + padding else { return nil }
        buffer.moveReaderIndex(forwardBy: FastCGIRecord.headerLength)
        let content = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: padding)
        // An emptied buffer is not replaced (that would allocate): `feed` takes the next read as is.
        return FastCGIRecord(type: type, requestID: id, content: content)
    }
}
