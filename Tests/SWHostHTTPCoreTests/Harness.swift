import Foundation
import NIOCore
import NIOEmbedded

@testable import SWHostHTTPCore

/// A responder whose behaviour the test supplies.
///
/// `@unchecked Sendable`: used only from the test's thread, which is the EmbeddedEventLoop's.
final class ClosureResponder: HTTPResponder, @unchecked Sendable {
    var requests: [HTTPRequest] = []
    var writers: [ResponseWriter] = []
    var handle: (HTTPRequest, ResponseWriter) -> Void

    init(_ handle: @escaping (HTTPRequest, ResponseWriter) -> Void) {
        self.handle = handle
    }

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        requests.append(request)
        writers.append(writer)
        handle(request, writer)
    }

    /// Answers `200` with `body` and a fixed Server field.
    static func ok(_ body: String = "ok\n") -> ClosureResponder {
        ClosureResponder { _, writer in
            writer.send(okHead, body: .bytes(ByteBuffer(string: body)))
        }
    }

    static let okHead = ResponseHead(status: 200, headers: ["Server": "swhost", "Content-Type": "text/plain"])
}

/// An `EmbeddedChannel` with the connection handler, and byte-level helpers.
struct Harness {
    let channel: EmbeddedChannel
    let responder: ClosureResponder
    let counters = ConnectionCounters()

    init(_ responder: ClosureResponder = .ok(), configuration: ConnectionConfiguration = ConnectionConfiguration()) throws {
        self.responder = responder
        let handler = HTTPConnectionHandler(configuration: configuration, responder: responder, listenerTag: 7, counters: counters)
        channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
    }

    func send(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    func send(_ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Everything written so far, with each `Date:` value replaced by `D` (it changes per second).
    func output() throws -> String {
        var out = ""
        while let part = try channel.readOutbound(as: IOData.self) {
            switch part {
            case .byteBuffer(let b): out += String(buffer: b)
            case .fileRegion(let r): out += "<file \(r.readerIndex)..<\(r.endIndex)>"
            }
        }
        return Self.maskDate(out)
    }

    static func maskDate(_ s: String) -> String {
        var result = ""
        var rest = Substring(s)
        while let r = rest.range(of: "Date: ") {
            result += rest[..<r.upperBound]
            result += "D"
            rest = rest[r.upperBound...]
            if let end = rest.range(of: "\r\n") { rest = rest[end.lowerBound...] }
        }
        return result + rest
    }

    var isOpen: Bool { channel.isActive }

    func advance(_ t: TimeAmount) {
        channel.embeddedEventLoop.advanceTime(by: t)
    }
}

/// nginx's error page, with swhost's name.
func errorPage(_ status: String, software: String = "swhost/0.1.0", extra: String = "", title: String? = nil) -> String {
    let body = "<html>\r\n<head><title>\(title ?? status)</title></head>\r\n<body>\r\n<center><h1>\(status)</h1></center>\r\n\(extra)<hr><center>\(software)</center>\r\n</body>\r\n</html>\r\n"
    return "HTTP/1.1 \(status)\r\nServer: \(software)\r\nDate: D\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
}

let okResponse = "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n"
let okCloseResponse = "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
