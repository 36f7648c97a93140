// swhost: built-in Swift handlers.

import SWHostKit

/// `swift_handler echo [max_body=BYTES];`: answers with the request as JSON, for debugging
/// routing and proxies: method, target, path, query, version, headers (in order), client,
/// host, server name, location, handler parameters, and the body (as UTF-8 text, up to
/// `max_body` bytes, default 65536; larger bodies are counted, not echoed).
public struct EchoHandler: SwiftHandler {
    let maxBody: Int

    /// An echo handler echoing at most `maxBody` body bytes.
    public init(maxBody: Int = 65536) {
        self.maxBody = maxBody
    }

    /// Validates the parameters: only `max_body`, 0...16 MiB.
    public static func make(_ parameters: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler {
        try parameters.allowOnly(["max_body"], handler: "echo")
        return EchoHandler(maxBody: try parameters.integer("max_body", default: 65536, in: 0...(16 << 20), handler: "echo"))
    }

    /// Answers the request as JSON, reading the body.
    public func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        var kept: [UInt8] = []
        var total = 0
        for try await chunk in request.body {
            total += chunk.count
            if kept.count < maxBody { kept.append(contentsOf: chunk.prefix(maxBody - kept.count)) }
        }
        let headers = request.headers.map { JSONText.array([JSONText.quote($0.name), JSONText.quote($0.value)]) }
        let parameters = request.parameters.map { JSONText.array([JSONText.quote($0.key), JSONText.quote($0.value)]) }
        let json = JSONText.object([
            ("method", JSONText.quote(request.method)),
            ("uri", JSONText.quote(request.uri)),
            ("path", JSONText.quote(request.path)),
            ("query", JSONText.quote(request.query)),
            ("version", JSONText.quote(request.httpVersion)),
            ("headers", JSONText.array(headers)),
            ("remote_address", JSONText.quote(request.remoteAddress)),
            ("remote_port", String(request.remotePort)),
            ("host", JSONText.quote(request.host)),
            ("server_name", JSONText.quote(request.serverName)),
            ("location", JSONText.quote(request.location)),
            ("parameters", JSONText.array(parameters)),
            ("body_length", String(total)),
            ("body", JSONText.quote(String(decoding: kept, as: UTF8.self))),
            ("body_truncated", total > kept.count ? "true" : "false"),
        ])
        var response = HandlerResponse.json(json + "\n")
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }
}
